"""Format readers: JSON Lines, CSV/TSV, plain text and LEGI code trees, one file at a time.

Formats are chosen by extension (``.gz`` is accepted for each, and a gzip file
is recognised by its content even without the ``.gz`` suffix):

* JSON Lines (``.jsonl``, ``.json``, ``.ndjson``): one object per line, blank
  lines ignored; a record without ``id`` but with R's ``doc_id`` gets that id
  (W214, once a file), as in CSV. ``.json`` files are read only when named explicitly: in a
  folder they are usually metadata (e.g. ``stats.json``).
* CSV (``.csv``, delimiter ``,`` or ``;`` chosen from the header) and TSV
  (``.tsv``): a header row, a ``text`` column, an optional ``id`` column (R's
  ``doc_id`` when there is no ``id``, W214), any other column becomes metadata
  (strings, the empty string becomes ``None``). A quote opened and never closed
  would take in the lines after it: the row is reported (E218, an odd number of
  quotes over several lines, or a row past the record bound) and those lines are
  read again as rows.
* Plain text (``.txt``): one document per file, id = file stem.
* XML (``.xml``: TEI, DILA LEGI/JORF/KALI) and DILA archives (``.tar.gz``,
  ``.tgz``, ``.tar``, streamed): see :mod:`isic_nlp.corpus.xmlfiles`. A
  ``.txm`` file (TXM's binary corpus) is refused with what to give instead.
* LEGI code trees (a ``.json``/``.json.gz`` whose top level is a ``code`` node of
  ``@socialgouv/legi-data``): one record per article, see :mod:`isic_nlp.corpus.legi`.
  In a folder, such files are read; other ``.json`` files are not.

:func:`format_files` expands files and folders into the files to read and
:func:`read_files` reads them, ids unique across them (E205). Inputs that are
not one file in one format (corpus manifests, IRaMuTeQ, TXM) are the
dispatcher's business (:mod:`isic_nlp.corpus.readers`), which comes on top of
this module. Bytes and encodings are :mod:`isic_nlp.corpus.decoding`'s job,
HTML, NUL and LEGI's "no date" :mod:`isic_nlp.corpus.hygiene`'s.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "extrait.tsv"
    >>> _ = path.write_text("id\\ttext\\nL113-1\\tToute personne âgée...\\n", encoding="utf-8")
    >>> file_format(path), [r.id for r in read_files(format_files([path]))]
    ('tsv', ['L113-1'])
"""

from __future__ import annotations

import collections
import csv
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from isic_nlp.errors import Errors, IsicError

from .decoding import (
    Unreadable,
    bad_line_warning,
    decode_bytes,
    probe_file,
    read_all_bytes,
    read_lines,
    limits,
    read_problem,
    too_large,
)
from .hygiene import clean_dates, clean_text, normalise_newlines
from .legi import is_legi_tree, read_legi
from .versions import is_versions_file, read_versions
from .xmlfiles import read_archive, read_xml
from .records import InputProblem, PathArg, Record, SeenIds
from .titles import fill_from_title, find_date

__all__ = ["FORMATS", "file_format", "format_files", "read_files", "read_txt"]

# Extension (before an optional ".gz") -> format.
FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "txt",
    ".xml": "xml",
    ".tar": "archive",
    ".tgz": "archive",
}
# Read when a folder is expanded. Not ".json": a folder's .json files are usually
# metadata or whole JSON documents (e.g. stats.json next to the corpora), not JSON Lines.
_FOLDER_SUFFIXES = frozenset({".jsonl", ".ndjson", ".csv", ".tsv", ".txt", ".xml", ".tar", ".tgz"})
# JSON type names for messages, as a user who wrote the JSON knows them.
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def format_files(paths: Iterable[PathArg]) -> list[Path]:
    """Expand files and folders into the files to read, each in one of :data:`FORMATS`.

    A file is kept as given (its extension must be a known format). A folder
    gives its ``.txt``, ``.jsonl``, ``.ndjson``, ``.csv``, ``.tsv`` and ``.xml``
    files (each optionally ``.gz``), its ``.tar.gz``/``.tgz``/``.tar`` archives
    and its LEGI code trees, sorted by name, without
    descending into sub-folders and without hidden files. A file named twice is
    read once.

    Raises:
        IsicError: E001 for a missing path, E004 for a folder with nothing to
            read, E007 for a file of unknown format, E006 for no path at all.
    """
    given = [Path(p) for p in paths]
    if not given:
        raise IsicError(
            Errors.E006.format(option="paths", expected="at least one file or folder", value=[])
        )
    files: list[Path] = []
    seen: set[Path] = set()
    for path in given:
        if path.is_dir():
            try:
                children = sorted(path.iterdir())
            except OSError as err:  # an unlistable folder is an invocation problem
                raise IsicError(Errors.E001.format(path=f"{path} ({err.strerror})")) from err
            # Broken symlinks and unreadable files are kept: reading them gives an
            # E210 problem, rather than having them vanish silently.
            found = [
                child
                for child in children
                if not child.name.startswith(".")
                and child.name.lower() != "import.xml"  # TXM's import settings (XTZ), not a text
                and not child.is_dir()
                and (_suffix(child) in _FOLDER_SUFFIXES or (_suffix(child) == ".json" and is_legi_tree(child)))
            ]
            if not found:
                raise IsicError(Errors.E004.format(path=path))
        elif path.exists() or path.is_symlink():  # a broken link or a loop: reported when read
            if _suffix(path) not in FORMATS:
                known = ", ".join(sorted(FORMATS))
                reason = (
                    txm_binary_reason(path)
                    if _suffix(path) == ".txm"
                    else f"unknown extension '{''.join(path.suffixes) or path.name}'; "
                    f"use one of {known}, optionally followed by .gz"
                )
                raise IsicError(Errors.E007.format(path=path, reason=reason))
            found = [path]
        else:
            raise IsicError(Errors.E001.format(path=path))
        for file in found:
            key = Path(os.path.realpath(file))
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


def txm_binary_reason(path: Path) -> str:
    """Why a TXM binary corpus (``.txm``) is not read, and what to give instead."""
    import zipfile

    texts: list[str] = []
    try:
        if path.is_file() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                texts = sorted({
                    name.rsplit("/", 1)[0] + "/"
                    for name in archive.namelist()
                    if name.startswith("txm/") and name.count("/") == 2 and name.endswith(".xml")
                })
    except (OSError, zipfile.BadZipFile):
        texts = []
    where = (
        f"this one holds its texts as XML-TXM files in {', '.join(texts)}: unzip it (it is a zip archive) "
        "and give that folder, which is read as TEI"
        if texts
        else "give the folder of source files the corpus was imported from (XML-TEI files or .txt files, "
        "with its metadata.csv), or, in TXM, export the corpus's texts and give that folder"
    )
    return f"a TXM binary corpus (.txm) is TXM's own index, not a text format; {where}"


def file_format(path: PathArg) -> str:
    """The reader used for a file: ``"jsonl"``, ``"csv"``, ``"tsv"``, ``"txt"``, ``"legi"``, ``"versions"``, ``"xml"`` or ``"archive"``.

    A ``.json`` (or ``.json.gz``) file whose top level is a LEGI code tree
    (``@socialgouv/legi-data``, see :mod:`isic_nlp.corpus.legi`) is read as
    one record per article; any other ``.json`` file as JSON Lines. A JSON Lines
    file of article versions (``casf-versions.jsonl.gz``, see
    :mod:`isic_nlp.corpus.versions`) gives one record per version a text created
    or changed.
    """
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".json" and is_legi_tree(path):
        return "legi"
    if FORMATS.get(suffix) == "jsonl" and is_versions_file(path):
        return "versions"
    return FORMATS[suffix]


def read_files(
    files: Iterable[Path], text_field: str = "text", id_field: str = "id"
) -> Iterator[Record | InputProblem]:
    """Records and problems of files in known formats, in order; a repeated id is skipped (E205)."""
    seen = SeenIds()
    for path in files:
        fmt = file_format(path)
        if fmt == "legi":
            items = read_legi(path)
        elif fmt == "versions":
            items = read_versions(path)
        elif fmt == "txt":
            items = read_txt(path)
        elif fmt == "xml":
            items = read_xml(path)
        elif fmt == "archive":
            items = read_archive(path)
        elif fmt == "jsonl":
            items = _read_jsonl(path, text_field, id_field)
        else:
            items = _read_table(path, fmt, text_field, id_field)
        for item in items:
            if isinstance(item, Record):
                where = seen.first_seen(item)
                if where is not None:
                    yield InputProblem.from_code(item.file, item.line, item.id, "E205", id=item.id, first=where)
                    continue
            yield item


# --------------------------------------------------------------------------- #
# Format readers
# --------------------------------------------------------------------------- #


def _read_jsonl(path: Path, text_field: str, id_field: str) -> Iterator[Record | InputProblem]:
    file = str(path)
    probe = probe_file(path)
    if isinstance(probe, InputProblem):
        yield probe
        return
    yield from probe.warnings
    stem = _stem(path)
    decode = _JSON_DECODER.decode
    doc_id_warned = False
    try:
        for line, raw in read_lines(path, probe):
            if raw is None:  # a line over the record bound, not read
                yield too_large(file, line, None)
                continue
            if not raw or raw.isspace():
                continue  # blank lines (often a trailing one) are not records
            nuls = raw.count("\x00")
            if nuls:  # a raw NUL is not valid JSON: removed, and reported with the record (W209)
                raw = raw.replace("\x00", "")
            if line in probe.bad_lines:  # a line of invalid UTF-8 bytes in a UTF-8 file
                yield bad_line_warning(file, line, _line_id(raw, id_field), raw)
            try:
                obj = decode(raw)
            except (ValueError, RecursionError) as err:  # JSONDecodeError, NaN, deep nesting
                if isinstance(err, json.JSONDecodeError):
                    # Some messages end with "at" ("Invalid control character at"): not said twice.
                    reason = f"{err.msg.removesuffix(' at')} at column {err.colno}"
                elif isinstance(err, RecursionError):
                    reason = "nested too deeply"
                else:
                    reason = str(err)
                yield InputProblem.from_code(file, line, None, "E201", reason=reason)
                continue
            if not isinstance(obj, dict):
                yield InputProblem.from_code(file, line, None, "E209", type=_json_type(obj))
                continue
            record_id_field = id_field
            if id_field == "id" and "id" not in obj and "doc_id" in obj:
                # R's readtext, tidytext and quanteda name the id doc_id, as in CSV (W214, once a file).
                record_id_field = "doc_id"
                if not doc_id_warned:
                    doc_id_warned = True
                    yield InputProblem.from_code(file, line, None, "W214")
            yield from _make_record(obj, text_field, record_id_field, file, line, stem, nuls=nuls)
    except Unreadable as err:
        yield read_problem(file, err.line, None, err)


class _RowTooLarge(Exception):
    """The row being parsed grew past the record bound (an unclosed quote, most often)."""


class _Lines:
    """Physical lines for the csv module, remembering those of the current row; lines can be read again.

    ``row`` holds the ``(number, text)`` of the lines consumed since :meth:`new_row`;
    :meth:`again` puts lines back in front, to be parsed anew after an unclosed quote.
    """

    def __init__(self, source: Iterator[tuple[int, str | None]], cap: int):
        self._source = source
        self._pending: collections.deque[tuple[int, str]] = collections.deque()
        self._cap = cap
        self.oversized: list[int] = []  # lines over the record bound: read as blank lines
        self.row: list[tuple[int, str]] = []
        self._size = 0

    def new_row(self) -> None:
        self.row = []
        self._size = 0

    def again(self, lines: list[tuple[int, str]]) -> None:
        self._pending.extendleft(reversed(lines))

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._pending:
            number, text = self._pending.popleft()
        else:
            number, raw = next(self._source)
            if raw is None:
                self.oversized.append(number)
                raw = "\n"
            text = raw
        self.row.append((number, text))
        self._size += len(text)
        if self._size > self._cap and len(self.row) > 1:
            raise _RowTooLarge
        return text


def _read_table(
    path: Path, fmt: str, text_field: str, id_field: str
) -> Iterator[Record | InputProblem]:
    file = str(path)
    probe = probe_file(path)
    if isinstance(probe, InputProblem):
        yield probe
        return
    yield from probe.warnings
    stem = _stem(path)
    _raise_csv_field_limit()
    try:
        source = read_lines(path, probe)
        first = next(source, None)
        if first is None:  # only a BOM
            yield InputProblem.from_code(file, None, None, "W206")
            return
        lines = _Lines(source, limits().max_record_bytes)
        lines.again([(first[0], first[1] if first[1] is not None else "\n")])
        delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(first[1] or "", text_field)
        reader = csv.reader(lines, delimiter=delimiter)
        header = [name.strip() for name in next(reader, [])]
        if text_field not in header:
            yield InputProblem.from_code(
                file, 1, None, "E208", column=text_field, columns=", ".join(header) or "none"
            )
            return
        missing_id: Any = _MISSING
        if id_field not in header and id_field == "id" and "doc_id" in header:
            # R's readtext, tidytext and quanteda name the id column doc_id.
            yield InputProblem.from_code(file, 1, None, "W214")
            id_field = "doc_id"
        elif id_field not in header:
            # One warning for the file, not one per row: a CSV without ids is a
            # choice of its author, not a defect of each row.
            yield InputProblem.from_code(file, 1, None, "W207", column=id_field)
            missing_id = _MADE_SILENTLY
        # The text and id cells stay strings, so that an empty one gets E203/W205.
        meta_columns = [name for name in header if name not in (text_field, id_field)]
        n_fields = len(header)
        while True:
            lines.new_row()
            try:
                row = next(reader)
            except StopIteration:
                break
            except _RowTooLarge:
                # Past the record bound inside one row: an unclosed quote, or a huge cell.
                start = lines.row[0][0]
                yield _unclosed_quote(file, start, lines.row[-1][0], delimiter, lines.row[0][1])
                lines.again(lines.row[1:])
                reader = csv.reader(lines, delimiter=delimiter)
                continue
            except csv.Error as err:
                start = lines.row[0][0] if lines.row else None
                yield InputProblem.from_code(file, start, None, "E207", reason=str(err))
                reader = csv.reader(lines, delimiter=delimiter)
                continue
            start, done = lines.row[0][0], lines.row[-1][0]
            while lines.oversized:
                yield too_large(file, lines.oversized.pop(0), None)
            if done > start and sum(text.count('"') for _, text in lines.row) % 2:
                # An odd number of quotes over several lines: a quote opened and never
                # closed swallowed the lines after it. They are read again as rows.
                yield _unclosed_quote(file, start, done, delimiter, lines.row[0][1])
                lines.again(lines.row[1:])
                reader = csv.reader(lines, delimiter=delimiter)
                continue
            if probe.bad_lines:  # lines of invalid UTF-8 bytes in a UTF-8 file
                for bad in sorted(n for n in probe.bad_lines if start <= n <= done):
                    yield bad_line_warning(file, bad, None, "\ufffd" * _replaced(row))
            if not row:
                continue  # blank line
            if len(row) != n_fields:
                reason = f"expected {n_fields} fields, found {len(row)}"
                if done > start:
                    reason += f" in lines {start}-{done} (check for an unclosed quote)"
                yield InputProblem.from_code(file, start, None, "E207", reason=reason)
                continue
            values: dict[str, Any] = dict(zip(header, row))
            for name in meta_columns:
                if values[name] == "":
                    values[name] = None  # an empty cell is a missing value
            yield from _make_record(
                values, text_field, id_field, file, start, stem, missing_id=missing_id
            )
        yield from (too_large(file, number, None) for number in lines.oversized)
    except Unreadable as err:
        yield read_problem(file, err.line, None, err)


def _unclosed_quote(file: str, start: int, done: int, delimiter: str, first_line: str) -> InputProblem:
    """E218 for a row whose quote swallowed lines ``start + 1`` to ``done``."""
    cells = first_line.rstrip("\r\n").split(delimiter)
    rid = cells[0].strip().strip('"') or None if cells else None
    lines = f"{start + 1}" if done == start + 1 else f"{start + 1}-{done}"
    return InputProblem.from_code(file, start, rid, "E218", lines=lines)


def read_txt(path: Path) -> Iterator[Record | InputProblem]:
    """One record for a ``.txt`` file (id = file stem, ``meta = {"filename": ...}``), after its warnings."""
    file = str(path)
    stem = _stem(path)
    # A .txt file is one document: it has to be in memory whole anyway.
    try:
        data = read_all_bytes(path)
    except Unreadable as err:
        yield read_problem(file, None, stem, err)
        return
    if isinstance(data, InputProblem):
        yield data
        return
    text, warnings = decode_bytes(data, file, stem)
    text, problems = clean_text(text)
    warnings.extend(InputProblem.from_code(file, None, stem, code, **fields) for code, fields in problems)
    yield from warnings
    if not text.strip():
        yield InputProblem.from_code(file, None, stem, "E203")
        return
    yield Record(stem, normalise_newlines(text), {"filename": path.name, **file_name_date(stem)}, file, None)


_YEAR_IN_NAME = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def file_name_date(stem: str) -> dict[str, Any]:
    """The date (or only the year) a ``.txt`` file's name gives, with ``date_source`` ``file_name``; ``{}`` if none.

    A whole date (``2002-01-02``, ``02/01/2002``, ``2 janvier 2002``) gives ``date`` and ``year``;
    else the first year from 1800 to 2099 standing alone gives ``year`` only.

    Example:
        >>> file_name_date("2002-01-02_loi_2002-2")
        {'date': '2002-01-02', 'year': 2002, 'date_source': 'file_name'}
        >>> file_name_date("loi 2014-173 du 21 février 2014")
        {'date': '2014-02-21', 'year': 2014, 'date_source': 'file_name'}
        >>> file_name_date("2002_circulaire"), file_name_date("notes")
        ({'year': 2002, 'date_source': 'file_name'}, {})
    """
    words = stem.replace("_", " ")  # "_" is a word character: "2002-01-02_loi" would hide its date
    date = find_date(words)
    if date is not None:
        return {"date": date, "year": int(date[:4]), "date_source": "file_name"}
    year = _YEAR_IN_NAME.search(words)
    return {"year": int(year.group(1)), "date_source": "file_name"} if year else {}


# --------------------------------------------------------------------------- #
# Records
# --------------------------------------------------------------------------- #

_MISSING = object()  # the id field is absent: W203
_MADE_SILENTLY = object()  # no id column at all: already warned once for the file (W207)


def _make_record(
    obj: dict[str, Any],
    text_field: str,
    id_field: str,
    file: str,
    line: int,
    stem: str,
    missing_id: Any = _MISSING,
    nuls: int = 0,
) -> Iterator[Record | InputProblem]:
    """Check one parsed record and yield it, preceded by its warnings.

    ``nuls`` is the number of NUL characters already removed from the raw line.
    """
    raw_id = obj.get(id_field, missing_id)
    if isinstance(raw_id, str) and raw_id.strip():
        rid: str | None = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        rid = str(raw_id)  # numeric ids are common in spreadsheets and databases
    else:
        rid = None
    if text_field not in obj:
        yield InputProblem.from_code(file, line, rid, "E202", field=text_field, fields=field_list(obj))
        return
    text = obj[text_field]
    if not isinstance(text, str):
        yield InputProblem.from_code(file, line, rid, "E204", type=_json_type(text))
        return
    if not text or text.isspace():
        yield InputProblem.from_code(file, line, rid, "E203")
        return
    if rid is None:
        rid = f"{stem}:{line}"
        if raw_id is _MISSING:
            yield InputProblem.from_code(file, line, rid, "W203", id=rid)
        elif raw_id is not _MADE_SILENTLY:
            yield InputProblem.from_code(file, line, rid, "W205", id=rid, value=_short_repr(raw_id))
    meta = {k: v for k, v in obj.items() if k != text_field and k != id_field}
    text, problems = clean_text(text, nuls=nuls)
    if not text.strip():  # nothing left once the markup is gone
        yield from (InputProblem.from_code(file, line, rid, code, **fields) for code, fields in problems)
        yield InputProblem.from_code(file, line, rid, "E203")
        return
    meta, date_problems = clean_dates(meta)
    if isinstance(meta.get("title"), str):  # a missing doc_type/date/year from the title
        meta = fill_from_title(meta)
    for code, fields in problems + date_problems:
        yield InputProblem.from_code(file, line, rid, code, **fields)
    yield Record(rid, normalise_newlines(text), meta, file, line)


def field_list(obj: dict[str, Any], limit: int = 20) -> str:
    """The field names of a record, for a message (at most ``limit``, then how many more).

    Example:
        >>> field_list({"id": 1, "texte": "..."})
        "'id', 'texte'"
    """
    names = [repr(str(k)) for k in obj]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more if names else "none"


def _line_id(raw: str, id_field: str) -> str | None:
    """The id of a JSON Lines record, for a warning given before the record is checked."""
    try:
        obj = json.loads(raw)
    except ValueError:
        return None
    value = obj.get(id_field) if isinstance(obj, dict) else None
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _replaced(row: list[str]) -> int:
    return sum(cell.count("\ufffd") for cell in row)


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _short_repr(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are accepted by Python's json but are not JSON: refusing
    # them keeps every metadata value JSON-compatible.
    raise ValueError(f"{name} is not valid JSON")


# One decoder for all lines: json.loads with an argument builds a new one per call.
_JSON_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


# --------------------------------------------------------------------------- #
# Small helpers
# --------------------------------------------------------------------------- #


def _suffix(path: Path) -> str:
    """The format extension, lower-case, ignoring a final ``.gz``."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


def _stem(path: Path) -> str:
    """The file name without ``.gz`` and without its format extension."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[0]


def _sniff_delimiter(header_line: str, text_field: str) -> str:
    """Choose ``,`` or ``;`` from the header row.

    The header is used rather than :class:`csv.Sniffer` on data rows: French
    legal texts are full of both commas and semicolons.
    """
    candidates = []
    for delimiter in (",", ";"):
        names = [n.strip() for n in next(csv.reader([header_line], delimiter=delimiter), [])]
        candidates.append((text_field in names, len(names), delimiter == ",", delimiter))
    return max(candidates)[3]


def _raise_csv_field_limit() -> None:
    # The csv module refuses fields over 131,072 characters by default; a
    # collective agreement can be 500,000. 2**31 - 1 fits a C long everywhere.
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)
