"""The one entry point for reading corpora: any input in, records and problems out, losing nothing.

Every input record comes out either as a :class:`Record` or as an
:class:`InputProblem` with ``severity="error"`` (the record is not used), in
input order. Warnings (``severity="warning"``) come *in addition*: a decoded
encoding, a removed byte-order mark, an id that had to be made up. So, for
every call::

    records + error problems == input records

A user's data problem never raises; only a wrong invocation (missing path,
empty folder, unknown extension, invalid manifest) raises
:class:`~isic_nlp.errors.IsicError`, and it does so when :func:`read_records`
is called, before any record is read.

Inputs:

* files and folders in one of the formats of :mod:`isic_nlp.corpus.formats`:
  JSON Lines (``.jsonl``, ``.ndjson``, ``.json`` named explicitly), CSV/TSV,
  ``.txt`` (one document per file), LEGI code trees, ``.xml``; ``.gz`` accepted for each;
* a corpus manifest (``.yaml`` / ``.yml``, :mod:`isic_nlp.corpus.manifest`);
* an IRaMuTeQ corpus (a ``.txt`` file named directly whose first line starts
  with ``****``) or a TXM folder (a folder with a ``metadata.csv`` and ``.txt``
  or TEI ``.xml`` texts), :mod:`isic_nlp.corpus.textometry`;
* XML (:mod:`isic_nlp.corpus.xmlfiles`): TEI files (:mod:`isic_nlp.corpus.tei`),
  DILA LEGI/JORF/KALI files (:mod:`isic_nlp.corpus.dila`) and DILA ``.tar.gz``
  archives, streamed; all parsed with ``defusedxml``;
* in memory (:func:`records_from_source`): a DataFrame, dicts, or records.

Ids are unique across all the inputs of one call (E205 for a repeated one).

Encodings (:mod:`isic_nlp.corpus.decoding`): UTF-8, a byte-order mark removed
(W204); a few lines of invalid bytes in a UTF-8 file are decoded with U+FFFD and
reported at their line (W213), every other line exact; UTF-16/32 with a
byte-order mark (W212); any other file is decoded as charset-normalizer's guess
among the Western encodings, with its confidence (W201). CRLF and CR line
breaks inside texts become ``\\n``.

Only regular files are opened: FIFOs, devices and sockets (E213), broken links
(E214) and link loops (E215) are rows of errors, never opened. Bounds: a record
over ``ISIC_NLP_MAX_RECORD_BYTES`` (E216) is skipped unread; a file stops after
``ISIC_NLP_MAX_FILE_BYTES`` decompressed bytes (E217), keeping the records
before. Memory does not grow with the corpus but for the ids kept for the
duplicate check (about 120 bytes a record). Hygiene, each change reported as a warning
(:mod:`isic_nlp.corpus.hygiene`): HTML tags removed and entities decoded
(W208), NUL characters removed (W209; many NUL bytes still mean a binary file,
E206), a ``date`` of LEGI's "no date" 2999-01-01 set to null (W210). A record
with a ``title`` and no ``doc_type``/``date``/``year`` gets them from the title
(:func:`isic_nlp.corpus.titles.fill_from_title`, with ``<field>_derived_from``).

``InputProblem.reason`` is the catalogue message *without* its ``[isic:CODE]``
prefix: the code is in ``InputProblem.code`` (both go to ``errors.csv``).

This module is the top of the reading layers (records < decoding, hygiene <
xmlsafe < legi, versions, tei < dila < xmlfiles < formats < textometry <
manifest < readers): nothing below imports it.

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

import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from isic_nlp.output import sha256_file

from .decoding import is_regular
from .formats import FORMATS, field_list, file_format, format_files, read_files
from .hygiene import clean_dates, clean_text
from .manifest import input_kind, load_manifest
from .records import ERROR_COLUMNS, InputProblem, PathArg, Record, RenamedFields, SeenIds
from .textometry import read_iramuteq, read_txm, txm_files

__all__ = [
    "ERROR_COLUMNS",
    "FORMATS",
    "InputProblem",
    "Record",
    "Source",
    "SourceRecords",
    "clean_dates",
    "clean_text",
    "file_format",
    "input_files",
    "read_records",
    "records_from_source",
]

#: Anything :func:`records_from_source` (and so :func:`isic_nlp.analyse`) accepts.
Source = str | Path | Iterable[str | Path] | pd.DataFrame | Iterable[dict] | Iterable[Record]


# --------------------------------------------------------------------------- #
# Paths
# --------------------------------------------------------------------------- #


def input_files(paths: PathArg | Iterable[PathArg]) -> list[Path]:
    """Expand the paths given by the user into the files to read.

    A file is kept as given (its extension must be a known format). A folder
    gives its ``.txt``, ``.jsonl``, ``.ndjson``, ``.csv``, ``.tsv`` and ``.xml``
    files (each optionally ``.gz``) and its ``.tar.gz``/``.tgz``/``.tar``
    archives, sorted by name, without descending into
    sub-folders and without hidden files. A file named twice is read once.
    A manifest gives itself and its sources' files, a TXM folder its
    ``metadata.csv`` and texts.

    Args:
        paths: One path or an iterable of paths (files or folders).

    Returns:
        The files to read, in order.

    Raises:
        IsicError: E001 for a missing path, E004 for a folder with nothing to
            read, E007 for a file of unknown format, E006 for no path at all,
            E402/E403 for an invalid manifest.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> for name in ("b.csv", "a.jsonl.gz", "README.md", "stats.json"):
        ...     _ = (folder / name).write_bytes(b"")
        >>> [p.name for p in input_files(folder)]
        ['a.jsonl.gz', 'b.csv']
    """
    given = _paths(paths)
    kinds = [input_kind(path) for path in given]
    if not any(kinds):
        return format_files(given)
    files: list[Path] = []
    for path, kind in zip(given, kinds):
        if kind == "manifest":
            files += [path, *format_files(load_manifest(path).sources)]
        elif kind == "txm":
            files += txm_files(path)
        elif kind == "iramuteq":
            files.append(path)
        else:
            files += format_files([path])
    return list(dict.fromkeys(files))


def read_records(
    paths: PathArg | Iterable[PathArg],
    *,
    text_field: str = "text",
    id_field: str = "id",
) -> Iterator[Record | InputProblem]:
    """Yield records and problems in input order from files and folders.

    Paths are expanded at once (so a wrong path raises here, not in the middle
    of a run); the files are then read lazily, one line at a time. Ids must be
    unique across all the files of one call: a repeated id is skipped with an
    E205 problem naming where it was first seen.

    Args:
        paths: One path or an iterable of paths (files, folders, manifests).
        text_field: Name of the text field (JSON Lines) or column (CSV/TSV).
        id_field: Name of the id field or column.

    Returns:
        An iterator of :class:`Record` and :class:`InputProblem`, in input order;
        a warning comes just before the record it concerns. With a manifest
        among the paths it is a :class:`SourceRecords`, whose ``selection``
        counts what the manifests left out.

    Raises:
        IsicError: For a missing path, an empty folder, an unknown extension or
            an invalid manifest.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "extrait.csv"
        >>> _ = path.write_text("id;text;nota\\nL113-1;Toute personne âgée...;\\n",
        ...                     encoding="utf-8")
        >>> [(r.id, r.meta) for r in read_records(path)]
        [('L113-1', {'nota': None})]
    """
    given = _paths(paths)
    if any(input_kind(path) for path in given):
        return SourceRecords(given, text_field, id_field)
    return read_files(format_files(given), text_field, id_field)


def _paths(paths: PathArg | Iterable[PathArg]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return [Path(p) for p in paths]


class SourceRecords:
    """Records and problems of mixed inputs; ``selection`` counts what manifests left out.

    Other paths given with a manifest, a TXM folder or an IRaMuTeQ file are
    read as usual; ids stay unique across all (E205 for a repeated one).
    """

    def __init__(self, paths: list[Path], text_field: str, id_field: str):
        self.selection: dict[str, Any] = {"filtered": 0, "duplicates": 0, "corpus_manifests": []}
        # Wrong paths and invalid manifests raise now, before any record is read.
        self._parts: list[Iterable[Record | InputProblem]] = []
        for path in paths:
            kind = input_kind(path)
            if kind == "manifest":
                self._parts.append(load_manifest(path).records())
            elif kind == "txm":
                self._parts.append(read_txm(path))
            elif kind == "iramuteq":
                self._parts.append(read_iramuteq(path))
            else:
                self._parts.append(read_files(format_files([path]), text_field, id_field))
        self._items = self._chain()

    def __iter__(self) -> SourceRecords:
        return self

    def __next__(self) -> Record | InputProblem:
        return next(self._items)

    def _chain(self) -> Iterator[Record | InputProblem]:
        seen = SeenIds()
        for part in self._parts:
            for item in part:
                if isinstance(item, Record):
                    where = seen.first_seen(item)
                    if where is not None:
                        yield InputProblem.from_code(
                            item.file, item.line, item.id, "E205", id=item.id, first=where
                        )
                        continue
                yield item
            selection = getattr(part, "selection", None)
            if selection:
                self.selection["filtered"] += selection["filtered"]
                self.selection["duplicates"] += selection["duplicates"]
                self.selection["corpus_manifests"] += selection["corpus_manifests"]


# --------------------------------------------------------------------------- #
# Any source: paths, a DataFrame, dicts, records
# --------------------------------------------------------------------------- #


def records_from_source(
    source: Source, text_field: str = "text", id_field: str = "id", *, renamed: bool = True
) -> tuple[Iterable[Record | InputProblem], list[dict]]:
    """Turn any accepted source into records and problems, and list the input files with their hashes.

    ``renamed``: warn (W218, once per file) about the metadata fields the tables will write as
    ``meta_<name>``; not for labelled units, whose ``frame`` is the label, not metadata.
    """
    if isinstance(source, pd.DataFrame):
        return _records_from_dicts(source.to_dict("records"), "<DataFrame>", text_field, id_field, renamed), []
    if isinstance(source, (str, Path)):
        source = [source]
    items = list(source) if not isinstance(source, Iterator) else source
    if isinstance(items, list) and all(isinstance(i, (str, Path)) for i in items):
        files = input_files(items)
        # Only regular files are hashed: a FIFO or /dev/zero would never end (the reader reports them).
        inputs = [
            {"file": str(f), "bytes": f.stat().st_size, "sha256": sha256_file(f)}
            if is_regular(f)
            else {"file": str(f), "bytes": None, "sha256": None}
            for f in files
        ]
        records = read_records(items, text_field=text_field, id_field=id_field)
        return (_RenamedChecked(records) if renamed else records), inputs
    return _records_from_items(items, text_field, id_field, renamed), []


class _RenamedChecked:
    """Records of files, each metadata field the tables will rename said once per file (W218).

    ``selection`` is that of the records (a :class:`SourceRecords`), when they have one.
    """

    def __init__(self, records: Iterable[Record | InputProblem]):
        self.selection = getattr(records, "selection", None)
        self._items = self._checked(records)

    @staticmethod
    def _checked(records: Iterable[Record | InputProblem]) -> Iterator[Record | InputProblem]:
        renamed = RenamedFields()
        for item in records:
            if isinstance(item, Record):
                yield from renamed.check(item)
            yield item

    def __iter__(self) -> _RenamedChecked:
        return self

    def __next__(self) -> Record | InputProblem:
        return next(self._items)


def _records_from_items(items: Iterable, text_field: str, id_field: str, renamed: bool = True) -> Iterator[Record | InputProblem]:
    dicts = []
    for item in items:
        if isinstance(item, (Record, InputProblem)):
            yield item
        else:
            dicts.append(item)
    yield from _records_from_dicts(dicts, "<records>", text_field, id_field, renamed)


def _records_from_dicts(rows: list[dict], origin: str, text_field: str, id_field: str,
                        renamed: bool = True) -> Iterator[Record | InputProblem]:
    """Records from in-memory dicts, with the same checks as the file readers."""
    seen: dict[str, int] = {}
    renamed_fields = RenamedFields() if renamed else None
    doc_id_warned = False
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            yield InputProblem.from_code(origin, number, None, "E209", type=type(row).__name__)
            continue
        row_id_field = id_field
        if id_field == "id" and "id" not in row and "doc_id" in row:
            row_id_field = "doc_id"  # R's convention, as for files (W214, once)
            if not doc_id_warned:
                doc_id_warned = True
                yield InputProblem.from_code(origin, number, None, "W214")
        raw_id = row.get(row_id_field)
        record_id = str(raw_id) if raw_id is not None and not (isinstance(raw_id, float) and math.isnan(raw_id)) else str(number)
        text = row.get(text_field)
        if text is None or (isinstance(text, float) and math.isnan(text)):
            yield InputProblem.from_code(origin, number, record_id, "E202", field=text_field,
                                         fields=field_list({k: v for k, v in row.items() if k != text_field}))
        elif not isinstance(text, str):
            yield InputProblem.from_code(origin, number, record_id, "E204", type=type(text).__name__)
        elif not text.strip():
            yield InputProblem.from_code(origin, number, record_id, "E203")
        elif record_id in seen:
            yield InputProblem.from_code(origin, number, record_id, "E205", id=record_id, first=f"{origin}:{seen[record_id]}")
        else:
            seen[record_id] = number
            meta, date_problems = clean_dates({k: v for k, v in row.items() if k not in (text_field, row_id_field)})
            for code, fields in date_problems:
                yield InputProblem.from_code(origin, number, record_id, code, **fields)
            record = Record(record_id, text, meta, origin, number)
            if renamed_fields is not None:
                yield from renamed_fields.check(record)
            yield record
