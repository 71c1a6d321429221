"""Read corpora prepared for the French textometry tools IRaMuTeQ and TXM.

* **IRaMuTeQ** (a ``.txt`` file whose first line starts with ``****``): each
  text starts with a line ``**** *var_value *var_value ...``; the text runs
  to the next such line. The variable ``*id_...`` gives the record's id (else
  ``<file stem>:<line>``); the other variables become metadata (``*year_2002``
  → ``{"year": 2002}``; the variable names that :mod:`isic_nlp.corpus.export`
  had to shorten, such as ``doctype``, get their field name back).
* **TXM "TXT + CSV"** (a folder with ``metadata.csv`` and ``.txt`` files): one
  text per ``<id>.txt``, its metadata in the row of ``metadata.csv`` whose
  first column, ``id``, is the file name without ``.txt``. A row without its
  file is an error (E404), a file without a row is read with a warning (W401).

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

from .decoding import decode_bytes, file_problem
from .formats import read_txt
from .hygiene import normalise_newlines
from .records import InputProblem, Record

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


def is_iramuteq(path: str | Path) -> bool:
    """Whether ``path`` is a ``.txt`` file whose first line starts with ``****``."""
    path = Path(path)
    if path.suffix.lower() != ".txt" or not path.is_file():
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return False
    return head.removeprefix(codecs.BOM_UTF8).startswith(b"****")


def is_txm(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a ``metadata.csv``."""
    path = Path(path)
    return path.is_dir() and (path / "metadata.csv").is_file()


def txm_files(path: str | Path) -> list[Path]:
    """The files of a TXM folder: ``metadata.csv``, then the ``.txt`` files by name."""
    path = Path(path)
    return [
        path / "metadata.csv",
        *sorted(
            p for p in path.iterdir() if p.suffix.lower() == ".txt" and not p.name.startswith(".")
        ),
    ]


def read_iramuteq(path: str | Path) -> Iterator[Record | InputProblem]:
    """Records of an IRaMuTeQ corpus file, with problems (see the module documentation)."""
    path = Path(path)
    file = str(path)
    text, warnings = _decode(path)
    if text is None:
        yield from warnings
        return
    yield from warnings
    stem = path.stem
    header: tuple[int, str] | None = None
    body: list[str] = []

    def emit() -> Iterator[Record | InputProblem]:
        line, head = header
        meta: dict[str, Any] = {}
        rid = None
        problems = []
        for token in head[len(_HEADER) :].split():
            name, sep, value = token.lstrip("*").partition("_")
            if not sep:
                problems.append(
                    InputProblem.from_code(file, line, None, "W402", token=token, name=name)
                )
            if name == "id" and value:
                rid = value
            else:
                meta[FIELD_NAMES.get(name, name)] = _value(FIELD_NAMES.get(name, name), value)
        rid = rid or f"{stem}:{line}"
        content = "\n".join(body).strip()
        for problem in problems:
            yield InputProblem(
                problem.file, problem.line, rid, problem.code, problem.reason, problem.severity
            )
        if not content:
            yield InputProblem.from_code(file, line, rid, "E405", id=rid)
            return
        yield Record(rid, content, meta, file, line)

    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(_HEADER):
            if header is not None:
                yield from emit()
            header, body = (number, line), []
        elif header is not None:
            body.append(line)
    if header is not None:
        yield from emit()


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
                rows[values.pop("id")] = {k: _value(k, v) for k, v in values.items()}
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
                str(meta_file), None, rid, "E404", id=rid, name=folder / f"{rid}.txt"
            )
    for stem, file in files.items():
        for item in read_txt(file):
            if isinstance(item, Record):
                if stem in rows:
                    item = Record(
                        item.id,
                        item.text,
                        {**rows[stem], "filename": file.name},
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
