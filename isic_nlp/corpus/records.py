"""The bottom layer of :mod:`isic_nlp.corpus`: a record, an input problem, the columns of ``errors.csv``.

Every reader yields :class:`Record` and :class:`InputProblem` items; nothing
here reads a file.

Example:
    >>> InputProblem.from_code("casf.jsonl", 3, None, "E203")
    InputProblem(file='casf.jsonl', line=3, id=None, code='E203', reason='empty text', severity='error')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Union

from isic_nlp.errors import Errors

__all__ = ["ERROR_COLUMNS", "InputProblem", "PathArg", "Record", "SeenIds"]

PathArg = Union[str, "os.PathLike[str]"]  # a str or a pathlib.Path

#: The columns of ``errors.csv``: the fields of an :class:`InputProblem`.
ERROR_COLUMNS = ["file", "line", "id", "severity", "code", "reason"]

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


class SeenIds:
    """The ids read so far and where each was first seen, for the duplicate check (E205).

    This is the one part of reading that grows with the number of records: an id
    and one integer each (the file is stored once), about 100 bytes a record.

    Example:
        >>> seen = SeenIds()
        >>> seen.first_seen(Record("a", "x", {}, "c.jsonl", 3)), seen.first_seen(Record("a", "y", {}, "d.csv", 2))
        (None, 'c.jsonl:3')
    """

    def __init__(self) -> None:
        self._files: dict[str, int] = {}
        self._names: list[str] = []
        self._where: dict[str, int] = {}

    def first_seen(self, record: Record) -> str | None:
        """Where ``record.id`` was first seen (``file:line``), or ``None`` (then it is remembered)."""
        where = self._where.get(record.id)
        if where is not None:
            index, line = divmod(where, 1 << 40)
            file = self._names[index]
            return f"{file}:{line}" if line else file
        index = self._files.get(record.file)
        if index is None:
            index = self._files[record.file] = len(self._names)
            self._names.append(record.file)
        self._where[record.id] = (index << 40) + (record.line or 0)
        return None


#: Metadata fields renamed ``meta_<name>`` in every table ``analyse`` writes: the names of its own
#: unit columns (``isic_nlp.tables.RESERVED``; a test checks that the two agree).
RENAMED_EVERYWHERE = frozenset({"doc_id", "unit_id", "unit_type", "unit_label", "start_char", "n_chars", "n_tokens"})
#: Renamed ``meta_<name>`` in the tables of ``classify`` and of the reports: the classifier's outputs.
RENAMED_IN_PREDICTIONS = frozenset({"frame", "modes", "tags"})


class RenamedFields:
    """W218 once per input file and field: a metadata field that the tables will write as ``meta_<name>``.

    Example:
        >>> warned = RenamedFields()
        >>> [p.code for p in warned.check(Record("a", "x", {"n_tokens": 3}, "c.jsonl", 1))]
        ['W218']
        >>> warned.check(Record("b", "y", {"n_tokens": 4}, "c.jsonl", 2))
        []
    """

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()

    def check(self, record: Record) -> list[InputProblem]:
        problems = []
        for name in record.meta:
            if name in RENAMED_EVERYWHERE:
                where = "in every table"
            elif name in RENAMED_IN_PREDICTIONS or name.startswith(("p_", "mode_")):
                where = "in the tables of classify and of the reports"
            else:
                continue
            if (record.file, name) in self._seen:
                continue
            self._seen.add((record.file, name))
            problems.append(InputProblem.from_code(record.file, record.line, record.id, "W218", field=name, where=where))
        return problems
