"""Read corpora prepared for the French textometry tools IRaMuTeQ and TXM.

* **IRaMuTeQ** (a ``.txt`` file whose first non-blank line starts with ``****``,
  after an optional byte-order mark): each text starts with a line
  ``**** *var_value *var_value ...``; the text runs to the next such line. The
  variable ``*id_...`` gives the record's id (else ``<file stem>:<line>``); the
  other variables become metadata (``*year_2002`` → ``{"year": 2002}``; the
  variable names that :mod:`isic_nlp.corpus.export` had to shorten, such as
  ``doctype``, get their field name back). A variable given twice keeps all its
  values, as a list (``*theme_x *theme_y`` → ``{"theme": ["x", "y"]}``).
  Thematic lines ``-*thematique`` inside a text are IRaMuTeQ's markers, not
  text: they are taken out of the text and kept, in order, in ``themes``. CRLF
  line breaks are read as ``\n``. Text before the first ``****`` line belongs
  to no text: it is reported (E409). The file is read line by line (one text
  at a time in memory), with the encodings of the other readers.
* **TXM "TXT + CSV", "XML-TEI" and "XML-XTZ + CSV"** (a folder with
  ``metadata.csv`` and ``.txt`` or ``.xml`` TEI files, as TXM imports them):
  one text per ``<id>.txt`` or ``<id>.xml``, its metadata in the row of
  ``metadata.csv`` whose first column, ``id``, is the file name without its
  extension (added over the title and date of a TEI header,
  :mod:`isic_nlp.corpus.tei`). ``import.xml`` (XTZ import settings) is not a
  text. A row without its file is an error (E404), a file without a row is
  read with a warning (W401). A folder of TEI files without ``metadata.csv``
  is read as any folder: one document per file, with its header's metadata.

Both are read by :func:`isic_nlp.corpus.readers.read_records` (and so by
``isic-nlp analyse``), which hands them to this module; the files inside are
read by :mod:`isic_nlp.corpus.formats` (a TXM text is one ``.txt`` document).

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_text("**** *id_L116-1 *doctype_CODE_ARTICLE *year_2002\\n"
    ...                     "L'action sociale et médico-sociale tend à promouvoir...\\n", encoding="utf-8")
    >>> [(r.id, r.meta, r.text) for r in read_iramuteq(path)]
    [('L116-1', {'doc_type': 'CODE_ARTICLE', 'year': 2002}, "L'action sociale et médico-sociale tend à promouvoir...")]
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from isic_nlp.errors import Errors, IsicError

from .decoding import (
    Unreadable,
    bad_line_warning,
    decode_bytes,
    file_problem,
    limits,
    probe_file,
    read_lines,
    read_problem,
    too_large,
)
from .formats import read_txt
from .hygiene import normalise_newlines
from .records import InputProblem, Record
from .xmlfiles import read_xml

__all__ = ["FIELD_NAMES", "is_iramuteq", "is_txm", "read_iramuteq", "read_txm", "txm_files"]

#: Field names that the IRaMuTeQ export shortens (a variable name has no ``_``), by short name.
FIELD_NAMES = {
    name.replace("_", ""): name
    for name in (
        "doc_type",
        "doc_id",
        "unit_id",
        "unit_type",
        "unit_label",
        "date_source",
        "article_num",
        "code_id",
        "kali_text_kind",
        "creating_text_nature",
        "frame_score",
    )
}
_HEADER = "****"
_NOT_TEXTS = frozenset({"import.xml"})  # TXM's import settings in an XTZ source folder


def is_iramuteq(path: str | Path) -> bool:
    """Whether ``path`` is a ``.txt`` file whose first non-blank line starts with ``****``.

    A UTF-8 byte-order mark and blank lines (CRLF or LF) before it are allowed.
    """
    path = Path(path)
    if path.suffix.lower() != ".txt" or not path.is_file():
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n").startswith(b"****")


def is_txm(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a ``metadata.csv``."""
    path = Path(path)
    return path.is_dir() and (path / "metadata.csv").is_file()


def txm_files(path: str | Path) -> list[Path]:
    """The files of a TXM folder: ``metadata.csv``, then the ``.txt`` and ``.xml`` texts by name.

    ``import.xml`` (the import settings TXM writes in an XTZ source folder) is
    not a text.
    """
    path = Path(path)
    return [
        path / "metadata.csv",
        *sorted(
            p
            for p in path.iterdir()
            if p.suffix.lower() in (".txt", ".xml")
            and not p.name.startswith(".")
            and p.name.lower() not in _NOT_TEXTS
        ),
    ]


def read_iramuteq(path: str | Path) -> Iterator[Record | InputProblem]:
    """Records of an IRaMuTeQ corpus file, with problems (see the module documentation)."""
    path = Path(path)
    file = str(path)
    probe = probe_file(path)
    if isinstance(probe, InputProblem):
        yield probe
        return
    yield from probe.warnings
    text = _IramuteqText(file, path.stem, probe.bad_lines, limits().max_record_bytes)
    stray: int | None = None  # first line of text before any **** line
    try:
        for number, raw in read_lines(path, probe):
            if raw is None:  # a line over the record bound
                if text.header is None:
                    yield too_large(file, number, None)
                else:
                    text.too_large = True
                continue
            line = raw.rstrip("\r\n")
            if line.startswith(_HEADER):
                yield from text.emit()
                text.start(number, line)
            elif text.header is not None:
                text.add(number, line)
            elif line.strip() and stray is None:
                stray = number
                yield InputProblem.from_code(file, number, None, "E409")
    except Unreadable as err:
        yield from text.emit()
        yield read_problem(file, err.line, None, err)
        return
    yield from text.emit()


class _IramuteqText:
    """The text being read: its **** line, body lines, themes; :meth:`emit` gives its record."""

    def __init__(self, file: str, stem: str, bad_lines: frozenset[int], cap: int):
        self.file, self.stem, self.bad_lines, self.cap = file, stem, bad_lines, cap
        self.header: tuple[int, str] | None = None

    def start(self, number: int, line: str) -> None:
        self.header = (number, line)
        self.body: list[str] = []
        self.themes: list[str] = []
        self.bad: list[tuple[int, str]] = []
        self.size = 0
        self.too_large = False

    def add(self, number: int, line: str) -> None:
        if number in self.bad_lines:
            self.bad.append((number, line))
        if line.startswith("-*"):  # a thematic line: IRaMuTeQ's marker, not text
            self.themes.append(line[2:].strip())
            return
        self.size += len(line) + 1
        if self.size > self.cap:
            self.too_large = True
            self.body = []
        if not self.too_large:
            self.body.append(line)

    def emit(self) -> Iterator[Record | InputProblem]:
        if self.header is None:
            return
        file = self.file
        line, head = self.header
        self.header = None
        meta: dict[str, Any] = {}
        rid = None
        problems = []
        for token in head[len(_HEADER) :].split():
            name, sep, value = token.lstrip("*").partition("_")
            if not sep:
                problems.append(InputProblem.from_code(file, line, None, "W402", token=token, name=name))
            if name == "id" and value and rid is None:
                rid = value
                continue
            field = FIELD_NAMES.get(name, name)
            value = _value(field, value)
            if field in meta:  # a variable given twice: every value is kept
                previous = meta[field]
                meta[field] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                meta[field] = value
        if self.themes:
            meta["themes"] = self.themes
        rid = rid or f"{self.stem}:{line}"
        for problem in problems:
            yield InputProblem(problem.file, problem.line, rid, problem.code, problem.reason, problem.severity)
        for number, bad in self.bad:
            yield bad_line_warning(file, number, rid, bad)
        if self.too_large:
            yield too_large(file, line, rid)
            return
        content = "\n".join(self.body).strip()
        if not content:
            yield InputProblem.from_code(file, line, rid, "E405", id=rid)
            return
        yield Record(rid, content, meta, file, line)


def read_txm(path: str | Path) -> Iterator[Record | InputProblem]:
    """Records of a TXM "TXT + CSV" folder, metadata joined on the file name.

    Raises:
        IsicError: E406, at once, when ``metadata.csv`` has no ``id`` first column.
    """
    folder = Path(path)
    meta_file = folder / "metadata.csv"
    content, warnings = _decode(meta_file)
    rows: dict[str, dict[str, Any]] = {}
    if content is not None:
        delimiter = (
            "\t"
            if "\t" in content.split("\n", 1)[0]
            else ("," if content.count(",") >= content.count(";") else ";")
        )
        reader = csv.reader(io.StringIO(content), delimiter=delimiter)
        header = [name.strip() for name in next(reader, [])]
        if not header or header[0] != "id":
            raise IsicError(Errors.E406.format(path=folder, columns=", ".join(header) or "none"))
        for row in reader:
            if row:
                values = dict(zip(header, row))
                rid = values.pop("id")  # before the row is made: the id is not metadata
                rows[rid] = {k: _value(k, v) for k, v in values.items()}
    return _txm_records(folder, rows, warnings)


def _txm_records(
    folder: Path, rows: dict[str, dict[str, Any]], warnings: list[InputProblem]
) -> Iterator[Record | InputProblem]:
    meta_file = folder / "metadata.csv"
    yield from warnings
    files = {p.stem: p for p in txm_files(folder)[1:]}
    for rid in rows:
        if rid not in files:
            yield InputProblem.from_code(
                str(meta_file), None, rid, "E404", id=rid, name=folder / rid
            )
    for stem, file in files.items():
        items = read_xml(file) if file.suffix.lower() == ".xml" else read_txt(file)
        for item in items:
            if isinstance(item, Record):
                if stem in rows:
                    # The metadata.csv row over what a TEI header says; a date of the
                    # row over the date of the file name.
                    meta = item.meta
                    if meta.get("date_source") == "file_name" and ({"date", "year"} & set(rows[stem])):
                        meta = {k: v for k, v in meta.items() if k not in ("date", "year", "date_source")}
                    item = Record(
                        item.id,
                        item.text,
                        {**meta, **rows[stem], "filename": file.name},
                        item.file,
                        item.line,
                    )
                else:
                    yield InputProblem.from_code(str(meta_file), None, stem, "W401", id=stem)
            yield item


def _value(name: str, value: str) -> Any:
    """Metadata text as a value: empty → ``None``; ``year`` → a whole number."""
    if value == "":
        return None
    if name == "year" and value.isdigit():
        return int(value)
    return value


def _decode(path: Path) -> tuple[str | None, list[InputProblem]]:
    """The text of a small file, with W204/W201 warnings, or ``None`` and an E210 problem."""
    file = str(path)
    refused = file_problem(path)
    if refused is not None:
        return None, [refused]
    try:
        data = path.read_bytes()
    except OSError as err:
        return None, [
            InputProblem.from_code(file, None, None, "E210", reason=err.strerror or str(err))
        ]
    text, warnings = decode_bytes(data, file)
    return normalise_newlines(text), warnings
