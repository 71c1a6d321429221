"""Read corpora from JSON Lines, CSV/TSV and plain-text files, losing nothing.

Every input record comes out either as a :class:`Record` or as an
:class:`InputProblem` with ``severity="error"`` (the record is not used), in
input order. Warnings (``severity="warning"``) come *in addition*: a decoded
encoding, a removed byte-order mark, an id that had to be made up. So, for
every call::

    records + error problems == input records

A user's data problem never raises; only a wrong invocation (missing path,
empty folder, unknown extension) raises :class:`~isic_nlp.errors.IsicError`,
and it does so when :func:`read_records` is called, before any record is read.

Formats (chosen by extension; ``.gz`` is accepted for each, and a gzip file is
recognised by its content even without the ``.gz`` suffix):

* JSON Lines (``.jsonl``, ``.json``, ``.ndjson``): one object per line, blank
  lines ignored. ``.json`` files are read only when named explicitly: in a
  folder they are usually metadata (e.g. ``stats.json``).
* CSV (``.csv``, delimiter ``,`` or ``;`` chosen from the header) and TSV
  (``.tsv``): a header row, a ``text`` column, an optional ``id`` column, any
  other column becomes metadata (strings, the empty string becomes ``None``).
* Plain text (``.txt``): one document per file, id = file stem.

* LEGI code trees (a ``.json``/``.json.gz`` whose top level is a ``code`` node of
  ``@socialgouv/legi-data``): one record per article, see :mod:`isic_nlp.corpus.legi`.
  In a folder, such files are read; other ``.json`` files are not.

Encodings are decided per file: strict UTF-8 (a byte-order mark is removed),
else cp1252, else latin-1. CRLF and CR line breaks inside texts become ``\\n``.
Hygiene, each change reported as a warning: HTML tags removed and entities
decoded (W208), NUL characters removed (W209; many NUL bytes still mean a
binary file, E206), a ``date`` of LEGI's "no date" 2999-01-01 set to null
(W210). A record with a ``title`` and no ``doc_type``/``date``/``year`` gets them
from the title (:func:`isic_nlp.corpus.titles.fill_from_title`, with
``<field>_derived_from``).

``InputProblem.reason`` is the catalogue message *without* its ``[isic:CODE]``
prefix: the code is in ``InputProblem.code`` (both go to ``errors.csv``).

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "casf.jsonl").write_text(
    ...     '{"id": "L116-2", "text": "L\\'action sociale est conduite...", "year": 2002}\\n'
    ...     '{"id": "L116-2", "text": "doublon"}\\n', encoding="utf-8")
    >>> for item in read_records([folder]):
    ...     print(type(item).__name__, item.id, item.line)
    Record L116-2 1
    InputProblem L116-2 2
"""

from __future__ import annotations

import codecs
import csv
import gzip
import html
import itertools
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Union

from isic_nlp.corpus.titles import fill_from_title
from isic_nlp.errors import Errors, IsicError

__all__ = [
    "Record",
    "InputProblem",
    "read_records",
    "input_files",
    "file_format",
    "clean_text",
    "clean_dates",
    "FORMATS",
]

PathArg = Union[str, "os.PathLike[str]"]  # a str or a pathlib.Path

# Extension (before an optional ".gz") -> format.
FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "txt",
}
# Read when a folder is expanded. Not ".json": a folder's .json files are usually
# metadata or whole JSON documents (e.g. stats.json next to the corpora), not JSON Lines.
_FOLDER_SUFFIXES = frozenset({".jsonl", ".ndjson", ".csv", ".tsv", ".txt"})

_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = codecs.BOM_UTF8
_BINARY_PROBE = 8192  # NUL bytes in the first 8 KiB mean "binary", as in git and grep,
_STRAY_NULS = 8  # ... unless they are a few stray ones (< 8 and < 1 % of the bytes): W209.
_CHUNK = 1 << 20  # read size for the encoding scan: bounded memory on large files
# Exceptions a damaged or vanished file can raise while being read: truncated gzip
# (EOFError), corrupt deflate data (zlib.error), bad gzip header or I/O error (OSError).
_READ_ERRORS = (OSError, EOFError, zlib.error)
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


@dataclass(frozen=True)
class Record:
    """One input document.

    Attributes:
        id: The record's id (from the id field or column, the file stem for a
            ``.txt`` file, or made up as ``<stem>:<line>`` with a warning).
        text: The text, with CRLF/CR line breaks turned into ``\\n``.
        meta: Every other field of the record, with JSON-compatible values
            (JSON types kept from JSON Lines; strings or ``None`` from CSV/TSV;
            ``{"filename": ...}`` for a ``.txt`` file).
        file: Path of the file the record came from, as given.
        line: 1-based line of the record (the first physical line of a CSV/TSV
            row), or ``None`` for a ``.txt`` file.
    """

    id: str
    text: str
    meta: dict[str, Any]
    file: str
    line: int | None


@dataclass(frozen=True)
class InputProblem:
    """A problem with one input record or file (a row of ``errors.csv``).

    Attributes:
        file: Path of the file, as given.
        line: 1-based line, or ``None`` when the problem concerns the whole file.
        id: The record's id when it is known, else ``None``.
        code: The catalogue key, e.g. ``"E201"`` or ``"W203"``.
        reason: The catalogue message, formatted, without the ``[isic:CODE]`` prefix.
        severity: ``"error"`` (the record or file was not used) or ``"warning"``
            (the record was used; something was changed or noticed).
    """

    file: str
    line: int | None
    id: str | None
    code: str
    reason: str
    severity: str

    @classmethod
    def from_code(cls, file: str, line: int | None, rid: str | None, code: str, **fields: Any) -> InputProblem:
        """A problem with the catalogue message of ``code`` (``E...`` is an error, ``W...`` a warning)."""
        # The raw template, without the "[isic:CODE]" prefix the catalogue adds on lookup.
        reason = vars(Errors)[code].format(**fields)
        severity = "warning" if code.startswith("W") else "error"
        return cls(file, line, rid, code, reason, severity)


# --------------------------------------------------------------------------- #
# Public API
# --------------------------------------------------------------------------- #


def input_files(paths: PathArg | Iterable[PathArg]) -> list[Path]:
    """Expand the paths given by the user into the files to read.

    A file is kept as given (its extension must be a known format). A folder
    gives its ``.txt``, ``.jsonl``, ``.ndjson``, ``.csv`` and ``.tsv`` files
    (each optionally ``.gz``), sorted by name, without descending into
    sub-folders and without hidden files. A file named twice is read once.

    Args:
        paths: One path or an iterable of paths (files or folders).

    Returns:
        The files to read, in order.

    Raises:
        IsicError: E001 for a missing path, E004 for a folder with nothing to
            read, E007 for a file of unknown format, E006 for no path at all.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> for name in ("b.csv", "a.jsonl.gz", "README.md", "stats.json"):
        ...     _ = (folder / name).write_bytes(b"")
        >>> [p.name for p in input_files(folder)]
        ['a.jsonl.gz', 'b.csv']
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    given = [Path(p) for p in paths]
    if not given:
        raise IsicError(
            Errors.E006.format(option="paths", expected="at least one file or folder", value=[])
        )
    from isic_nlp.corpus.sources import special_files  # manifests, IRaMuTeQ, TXM; imports this module

    if (special := special_files(given)) is not None:
        return special
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
                and not child.is_dir()
                and (_suffix(child) in _FOLDER_SUFFIXES or (_suffix(child) == ".json" and _is_legi(child)))
            ]
            if not found:
                raise IsicError(Errors.E004.format(path=path))
        elif path.exists():
            if _suffix(path) not in FORMATS:
                known = ", ".join(sorted(FORMATS))
                raise IsicError(
                    Errors.E007.format(
                        path=path,
                        reason=f"unknown extension '{''.join(path.suffixes) or path.name}'; "
                        f"use one of {known}, optionally followed by .gz",
                    )
                )
            found = [path]
        else:
            raise IsicError(Errors.E001.format(path=path))
        for file in found:
            key = Path(os.path.realpath(file))
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


def read_records(
    paths: PathArg | Iterable[PathArg],
    *,
    text_field: str = "text",
    id_field: str = "id",
) -> Iterator[Record | InputProblem]:
    """Yield records and problems in input order from files and folders.

    Paths are expanded with :func:`input_files` at once (so a wrong path raises
    here, not in the middle of a run); the files are then read lazily, one line
    at a time. Ids must be unique across all the files of one call: a repeated
    id is skipped with an E205 problem naming where it was first seen.

    Args:
        paths: One path or an iterable of paths (files or folders).
        text_field: Name of the text field (JSON Lines) or column (CSV/TSV).
        id_field: Name of the id field or column.

    Returns:
        An iterator of :class:`Record` and :class:`InputProblem`, in input order;
        a warning comes just before the record it concerns.

    Raises:
        IsicError: For a missing path, an empty folder or an unknown extension.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "extrait.csv"
        >>> _ = path.write_text("id;text;nota\\nL113-1;Toute personne âgée...;\\n",
        ...                     encoding="utf-8")
        >>> [(r.id, r.meta) for r in read_records(path)]
        [('L113-1', {'nota': None})]
    """
    from isic_nlp.corpus.sources import read_special  # manifests, IRaMuTeQ, TXM; imports this module

    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if (special := read_special([Path(p) for p in paths], text_field, id_field)) is not None:
        return special  # type: ignore[return-value]
    files = input_files(paths)
    return _read_files(files, text_field, id_field)


def file_format(path: PathArg) -> str:
    """The reader used for a file: ``"jsonl"``, ``"csv"``, ``"tsv"``, ``"txt"`` or ``"legi"``.

    A ``.json`` (or ``.json.gz``) file whose top level is a LEGI code tree
    (``@socialgouv/legi-data``, see :mod:`isic_nlp.corpus.legi`) is read as
    one record per article; any other ``.json`` file as JSON Lines.
    """
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".json" and _is_legi(path):
        return "legi"
    return FORMATS[suffix]


def _is_legi(path: Path) -> bool:
    from isic_nlp.corpus.legi import is_legi_tree  # legi imports this module

    return is_legi_tree(path)


# --------------------------------------------------------------------------- #
# Dispatch and duplicate ids
# --------------------------------------------------------------------------- #


def _read_files(
    files: list[Path], text_field: str, id_field: str
) -> Iterator[Record | InputProblem]:
    first_seen: dict[str, str] = {}  # id -> "file:line" of its first record
    for path in files:
        fmt = file_format(path)
        if fmt == "legi":
            from isic_nlp.corpus.legi import read_legi  # legi imports this module

            items = read_legi(path)
        elif fmt == "txt":
            items = _read_txt(path)
        elif fmt == "jsonl":
            items = _read_jsonl(path, text_field, id_field)
        else:
            items = _read_table(path, fmt, text_field, id_field)
        for item in items:
            if isinstance(item, Record):
                where = first_seen.get(item.id)
                if where is not None:
                    yield InputProblem.from_code(item.file, item.line, item.id, "E205", id=item.id, first=where)
                    continue
                first_seen[item.id] = item.file if item.line is None else f"{item.file}:{item.line}"
            yield item


# --------------------------------------------------------------------------- #
# Format readers
# --------------------------------------------------------------------------- #


def _read_jsonl(path: Path, text_field: str, id_field: str) -> Iterator[Record | InputProblem]:
    file = str(path)
    probe = _probe(path)
    if isinstance(probe, InputProblem):
        yield probe
        return
    yield from probe.warnings
    stem = _stem(path)
    decode = _JSON_DECODER.decode
    try:
        for line, raw in _lines(path, probe):
            if not raw or raw.isspace():
                continue  # blank lines (often a trailing one) are not records
            nuls = raw.count("\x00")
            if nuls:  # a raw NUL is not valid JSON: removed, and reported with the record (W209)
                raw = raw.replace("\x00", "")
            try:
                obj = decode(raw)
            except (ValueError, RecursionError) as err:  # JSONDecodeError, NaN, deep nesting
                if isinstance(err, json.JSONDecodeError):
                    reason = f"{err.msg} at column {err.colno}"
                elif isinstance(err, RecursionError):
                    reason = "nested too deeply"
                else:
                    reason = str(err)
                yield InputProblem.from_code(file, line, None, "E201", reason=reason)
                continue
            if not isinstance(obj, dict):
                yield InputProblem.from_code(file, line, None, "E209", type=_json_type(obj))
                continue
            yield from _make_record(obj, text_field, id_field, file, line, stem, nuls=nuls)
    except _Unreadable as err:
        yield InputProblem.from_code(file, err.line, None, "E210", reason=err.reason)


def _read_table(
    path: Path, fmt: str, text_field: str, id_field: str
) -> Iterator[Record | InputProblem]:
    file = str(path)
    probe = _probe(path)
    if isinstance(probe, InputProblem):
        yield probe
        return
    yield from probe.warnings
    stem = _stem(path)
    _raise_csv_field_limit()
    try:
        lines = (text for _, text in _lines(path, probe))
        header_line = next(lines, None)
        if header_line is None:  # only a BOM
            yield InputProblem.from_code(file, None, None, "W206")
            return
        delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(header_line, text_field)
        reader = csv.reader(itertools.chain([header_line], lines), delimiter=delimiter)
        header = [name.strip() for name in next(reader)]
        if text_field not in header:
            yield InputProblem.from_code(
                file, 1, None, "E208", column=text_field, columns=", ".join(header) or "none"
            )
            return
        missing_id: Any = _MISSING
        if id_field not in header:
            # One warning for the file, not one per row: a CSV without ids is a
            # choice of its author, not a defect of each row.
            yield InputProblem.from_code(file, 1, None, "W207", column=id_field)
            missing_id = _MADE_SILENTLY
        # The text and id cells stay strings, so that an empty one gets E203/W205.
        meta_columns = [name for name in header if name not in (text_field, id_field)]
        n_fields = len(header)
        done = reader.line_num  # physical lines consumed so far
        while True:
            start = done + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                done = reader.line_num
                yield InputProblem.from_code(file, start, None, "E207", reason=str(err))
                continue
            done = reader.line_num
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
    except _Unreadable as err:
        yield InputProblem.from_code(file, err.line, None, "E210", reason=err.reason)


def _read_txt(path: Path) -> Iterator[Record | InputProblem]:
    file = str(path)
    stem = _stem(path)
    # A .txt file is one document: it has to be in memory whole anyway.
    try:
        data = _read_all_bytes(path)
    except _Unreadable as err:
        yield InputProblem.from_code(file, None, stem, "E210", reason=err.reason)
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
    yield Record(stem, _normalise_newlines(text), {"filename": path.name}, file, None)


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
        yield InputProblem.from_code(file, line, rid, "E202")
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
    yield Record(rid, _normalise_newlines(text), meta, file, line)


# --------------------------------------------------------------------------- #
# Hygiene: HTML remnants, NUL characters, LEGI's "no date"
# --------------------------------------------------------------------------- #

# Only tags of HTML's usual vocabulary: "R < 6,5" or "<nom du demandeur>" are text.
_TAG_NAMES = (
    "p|br|div|span|b|i|u|s|em|strong|li|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption|"
    "h[1-6]|sup|sub|font|a|blockquote|pre|hr|center|small|big|img|abbr|cite|code|section|article|"
    "header|footer|nav|html|head|body|title|meta|link|style|script"
)
_HTML_TAG = re.compile(r"</?(?:" + _TAG_NAMES + r")\b[^<>]*?/?>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|dt|dd|tr|table|h[1-6]|blockquote|pre|hr|center|section|article)\b", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DATE_VALUE = re.compile(r"^\s*(\d{4})-\d{2}-\d{2}")
_NO_DATE_YEAR = 2900  # LEGI writes "no date" as 2999-01-01


def clean_text(text: str, *, nuls: int = 0) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """Remove NUL characters and HTML remnants from a text; say what was done.

    NUL characters are removed (W209, with ``nuls`` already removed upstream
    added to the count). Tags of HTML's usual vocabulary are removed, block
    tags (``p``, ``br``, ``div``, ``li``, ``tr``…) becoming a line break, then
    character references (``&amp;``, ``&nbsp;``, ``&#233;``, only with their
    ``;``) are decoded (W208, with both counts). Anything else is left as it is.

    Returns:
        The cleaned text and a list of ``(code, fields)`` warnings.

    Example:
        >>> clean_text("Les droits<br/>des usagers &amp; des familles")
        ('Les droits\\ndes usagers & des familles', [('W208', {'n_tags': 1, 'n_entities': 1})])
    """
    problems: list[tuple[str, dict[str, Any]]] = []
    count = text.count("\x00")
    if count:
        text = text.replace("\x00", "")
    if count + nuls:
        problems.append(("W209", {"count": count + nuls}))
    n_tags = n_entities = 0
    if "<" in text:

        def tag(match: re.Match[str]) -> str:
            nonlocal n_tags
            n_tags += 1
            return "\n" if _BLOCK_TAG.match(match.group()) else ""

        text = _HTML_TAG.sub(tag, text)
        if n_tags:
            text = text.strip("\n")  # the line breaks of an opening or closing <p>
    if "&" in text:

        def entity(match: re.Match[str]) -> str:
            nonlocal n_entities
            decoded = html.unescape(match.group())
            if decoded != match.group():
                n_entities += 1
            return decoded

        text = _ENTITY.sub(entity, text)
    if n_tags or n_entities:
        problems.append(("W208", {"n_tags": n_tags, "n_entities": n_entities}))
    return text, problems


def clean_dates(meta: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """Set a ``date`` in year 2900 or later (LEGI's ``2999-01-01`` "no date") to null, with a W210.

    A ``year`` equal to that date's year is set to null too (said in the same warning).

    Example:
        >>> clean_dates({"date": "2999-01-01", "year": 2999})
        ({'date': None, 'year': None}, [('W210', {'field': 'date', 'value': '2999-01-01', 'also': "; 'year' 2999 set to null too"})])
    """
    value = meta.get("date")
    if not isinstance(value, str):
        return meta, []
    match = _DATE_VALUE.match(value)
    if not match or int(match.group(1)) < _NO_DATE_YEAR:
        return meta, []
    out = dict(meta)
    out["date"] = None
    also = ""
    year = meta.get("year")
    if year is not None and str(year).strip() == match.group(1):
        out["year"] = None
        also = f"; 'year' {year} set to null too"
    return out, [("W210", {"field": "date", "value": value, "also": also})]


def decode_bytes(data: bytes, file: str, rid: str | None = None) -> tuple[str, list[InputProblem]]:
    """Decode a whole file: UTF-8 (a BOM is removed, W204), else cp1252, else latin-1 (W201)."""
    warnings: list[InputProblem] = []
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
        warnings.append(InputProblem.from_code(file, None, rid, "W204"))
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if encoding != "utf-8":
        warnings.append(InputProblem.from_code(file, None, rid, "W201", encoding=encoding))
    return text, warnings


def _normalise_newlines(text: str) -> str:
    if "\r" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


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
# Bytes, gzip and encodings
# --------------------------------------------------------------------------- #


class _Unreadable(Exception):
    """Reading stopped: ``line`` is the first line that could not be read."""

    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class _Probe:
    gz: bool
    encoding: str
    bom: bool
    warnings: list[InputProblem]


def _open_binary(path: Path, gz: bool) -> BinaryIO:
    raw = open(path, "rb")  # noqa: SIM115 - closed by the callers
    if not gz:
        return raw
    return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]


def _gzip_state(path: Path) -> bool | InputProblem:
    """Whether the file is gzip; an E206 problem for a ``.gz`` that is not; W206 if empty."""
    file = str(path)
    with open(path, "rb") as raw:
        magic = raw.read(2)
    if not magic:
        return InputProblem.from_code(file, None, None, "W206")
    if magic == _GZIP_MAGIC:
        return True
    if path.name.lower().endswith(".gz"):
        return InputProblem.from_code(file, None, None, "E206")
    return False


def _probe(path: Path) -> _Probe | InputProblem:
    """Scan a file once: gzip or not, binary or not, BOM, encoding.

    The scan reads the file in chunks (bounded memory). A read error is not
    reported here: the reading pass meets it again at the same place and
    reports it there, after the records read before it.
    """
    file = str(path)
    try:
        gz = _gzip_state(path)
    except OSError as err:
        return InputProblem.from_code(file, None, None, "E210", reason=_describe(err))
    if isinstance(gz, InputProblem):
        return gz
    head = b""
    bom = False
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok = True
    complete = True
    try:
        with _open_binary(path, gz) as stream:
            head = stream.read(_BINARY_PROBE)
            if not head:
                return InputProblem.from_code(file, None, None, "W206")
            if _looks_binary(head):
                return InputProblem.from_code(file, None, None, "E206")
            bom = head.startswith(_UTF8_BOM)
            chunk = head[len(_UTF8_BOM) :] if bom else head
            while chunk and utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
                    break
                chunk = stream.read(_CHUNK)
    except OSError as err:
        if not head:  # could not even start: the reading pass would fail the same way
            return InputProblem.from_code(file, 1, None, "E210", reason=_describe(err))
        complete = False
    except (EOFError, zlib.error):
        complete = False
    if utf8_ok and complete:
        try:
            utf8.decode(b"", final=True)  # a sequence cut at the very end of the file
        except UnicodeDecodeError:
            utf8_ok = False
    warnings = [InputProblem.from_code(file, None, None, "W204")] if bom else []
    encoding = "utf-8"
    if not utf8_ok:
        encoding = "latin-1"  # decodes any byte
        if _decodes_as(path, gz, bom, "cp1252"):
            encoding = "cp1252"
        warnings.append(InputProblem.from_code(file, None, None, "W201", encoding=encoding))
    return _Probe(gz=gz, encoding=encoding, bom=bom, warnings=warnings)


def _decodes_as(path: Path, gz: bool, bom: bool, encoding: str) -> bool:
    """Second scan, only for files that are not UTF-8."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with _open_binary(path, gz) as stream:
            if bom:
                stream.read(len(_UTF8_BOM))
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
    except UnicodeDecodeError:
        return False
    except _READ_ERRORS:
        pass  # the readable part decoded; the reading pass reports the error
    return True


def _lines(path: Path, probe: _Probe) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, decoded_line)``; raise :class:`_Unreadable` on a read error.

    Lines keep their terminator (the csv module needs it to tell a quoted line
    break from the end of a row). Splitting the bytes on ``\\n`` is safe for
    UTF-8, cp1252 and latin-1: the byte 0x0A is never part of another character.
    """
    encoding = probe.encoding
    line = 0
    try:
        stream = _open_binary(path, probe.gz)
    except OSError as err:
        raise _Unreadable(None, _describe(err)) from err
    with stream:
        try:
            if probe.bom:
                stream.read(len(_UTF8_BOM))
            # "replace" only matters if the file changed since the probe.
            for raw in stream:
                line += 1
                yield line, raw.decode(encoding, "replace")
        except _READ_ERRORS as err:
            raise _Unreadable(line + 1, _describe(err)) from err


def _read_all_bytes(path: Path) -> bytes | InputProblem:
    """The whole content of a (possibly gzipped) file, or a problem for the file."""
    file = str(path)
    try:
        gz = _gzip_state(path)
        if isinstance(gz, InputProblem):
            if gz.code == "W206":  # an empty .txt file is an empty document
                return b""
            return gz
        with _open_binary(path, gz) as stream:
            data = stream.read()
    except _READ_ERRORS as err:
        raise _Unreadable(None, _describe(err)) from err
    if _looks_binary(data[:_BINARY_PROBE]):
        return InputProblem.from_code(file, None, None, "E206")
    return data


def _looks_binary(head: bytes) -> bool:
    """Many NUL bytes (UTF-16, images, archives); a few stray ones are removed from texts (W209)."""
    nuls = head.count(b"\x00")
    return nuls >= _STRAY_NULS or nuls * 100 >= len(head)


def _describe(err: BaseException) -> str:
    if isinstance(err, EOFError):
        return f"the compressed file is truncated ({err}); records before this point were kept"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__


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
