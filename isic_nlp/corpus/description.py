"""What a corpus holds, before analysing it: documents, tokens, dates, doc_types.

Tokens here are whitespace-separated words (``len(text.split())``), the measure
of ``../shared/corpora/README.md``, not spaCy tokens. A record's year is its
``year`` field, else the first four digits of its ``date``; it *lacks a date*
when it has neither.

Example:
    >>> d = describe([{"id": "a", "text": "Un deux trois", "date": "2002-01-02", "doc_type": "LOI"},
    ...               {"id": "b", "text": "Quatre", "doc_type": "FICHE"}])
    >>> row = d.summary.iloc[0]
    >>> int(row["documents"]), int(row["tokens"]), row["date_min"], row["date_max"], int(row["no_date"])
    (2, 4, '2002-01-02', '2002-01-02', 1)
    >>> d.per_year.values.tolist()
    [[2002, 1, 3], [None, 1, 1]]
    >>> print(d.text().splitlines()[0])
    2 documents, 4 tokens (whitespace); dates 2002-01-02 – 2002-01-02, 1 without a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .readers import records_from_source
from .records import ERROR_COLUMNS, InputProblem, Record

__all__ = ["CorpusDescription", "describe"]

PER_FILE_COLUMNS = ["file", "format", "documents", "tokens", "date_min", "date_max", "no_date", "bad_date", "errors", "warnings"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass
class CorpusDescription:
    """The tables of :func:`describe`.

    Attributes:
        summary: one row: ``records_read``, ``documents``, ``errors``,
            ``filtered``, ``duplicates``, ``tokens``, ``date_min``,
            ``date_max``, ``no_date``, ``warnings``.
        per_year: ``year`` (``None`` for no date), ``documents``, ``tokens``.
        per_doc_type: ``doc_type`` (``None`` when absent), ``documents``, ``tokens``.
        errors: the input problems, as in ``errors.csv``.
        per_file: the tidy table, one row per input file: ``file``, ``format``,
            ``documents``, ``tokens``, ``date_min``, ``date_max``, ``no_date``,
            ``bad_date`` (a ``date`` field that is not yyyy-mm-dd), ``errors``,
            ``warnings``.

    ``str(description)`` (and its repr, in a notebook) is the readable summary of :meth:`text`.
    """

    summary: pd.DataFrame
    per_year: pd.DataFrame
    per_doc_type: pd.DataFrame
    errors: pd.DataFrame
    per_file: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PER_FILE_COLUMNS))

    def text(self) -> str:
        """A summary for a reader: totals, the dates (or why there are none), then one table per file, doc_type and year."""
        row = self.summary.iloc[0]
        n = lambda v: f"{int(v):,}"  # noqa: E731
        lines = [f"{n(row['documents'])} documents, {n(row['tokens'])} tokens (whitespace); {_dates_sentence(row, self.per_file)}",
                 f"Records read {n(row['records_read'])} = documents {n(row['documents'])} + errors {n(row['errors'])} "
                 f"+ filtered {n(row['filtered'])} + duplicates {n(row['duplicates'])}; {n(row['warnings'])} warnings."]
        if len(self.per_file):
            shown = self.per_file.assign(
                dates=[_range(a, b) for a, b in zip(self.per_file["date_min"], self.per_file["date_max"])]
            )[["file", "format", "documents", "tokens", "dates", "no_date", "errors"]]
            lines += ["", "Per file:", _plain_table(shown.rename(columns={"no_date": "without date"}))]
        if len(self.per_doc_type) and self.per_doc_type["doc_type"].notna().any():
            lines += ["", "Per doc_type:", _plain_table(self.per_doc_type.fillna({"doc_type": "(none)"}))]
        elif len(self.per_doc_type):
            lines += ["", "No doc_type field in the records."]
        if len(self.per_year) and self.per_year["year"].notna().any():
            lines += ["", "Per year:", _plain_table(self.per_year.fillna({"year": "(no date)"}))]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<CorpusDescription>\n{self.text()}"


def describe(source: Any, *, text_field: str = "text", id_field: str = "id") -> CorpusDescription:
    """Describe a corpus (any source :func:`isic_nlp.analyse` accepts, manifests included)."""
    items, _ = records_from_source(source, text_field, id_field)
    rows = []
    problems: list[InputProblem] = []
    for item in items:
        if isinstance(item, InputProblem):
            problems.append(item)
            continue
        assert isinstance(item, Record)
        raw = item.meta.get("date")
        date = raw[:10] if isinstance(raw, str) and _DATE.match(raw) else None
        year = item.meta.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            year = int(date[:4]) if date else None
        rows.append(
            {
                "date": date,
                "year": year,
                "doc_type": item.meta.get("doc_type"),
                "tokens": len(item.text.split()),
                "file": str(item.file),
                "bad_date": raw is not None and raw != "" and date is None,
            }
        )
    table = pd.DataFrame(rows, columns=["date", "year", "doc_type", "tokens"])
    selection = getattr(items, "selection", None) or {}
    errors = pd.DataFrame(
        [{c: getattr(p, c) for c in ERROR_COLUMNS} for p in problems], columns=ERROR_COLUMNS
    )
    n_errors = int((errors["severity"] == "error").sum())
    filtered, duplicates = selection.get("filtered", 0), selection.get("duplicates", 0)
    dates = table["date"].dropna()
    summary = pd.DataFrame(
        [
            {
                "records_read": len(table) + n_errors + filtered + duplicates,
                "documents": len(table),
                "errors": n_errors,
                "filtered": filtered,
                "duplicates": duplicates,
                "tokens": sum(row["tokens"] for row in rows),
                "date_min": dates.min() if len(dates) else None,
                "date_max": dates.max() if len(dates) else None,
                "no_date": sum(row["year"] is None for row in rows),
                "warnings": len(errors) - n_errors,
            }
        ]
    )
    return CorpusDescription(summary, _count(rows, "year"), _count(rows, "doc_type"), errors, _per_file(rows, errors))


def _per_file(rows: list[dict], errors: pd.DataFrame) -> pd.DataFrame:
    """The tidy table: one row per input file (files that gave only errors included)."""
    files = list(dict.fromkeys([*(r["file"] for r in rows), *errors["file"].astype(str)]))
    out = []
    for name in files:
        mine = [r for r in rows if r["file"] == name]
        # Records with a year only (a year in a .txt file's name, a 'year' field): their years.
        dates = sorted(r["date"] for r in mine if r["date"]) or sorted(str(r["year"]) for r in mine if r["year"] is not None)
        problems = errors[errors["file"].astype(str) == name]
        n_errors = int((problems["severity"] == "error").sum())
        out.append({"file": name, "format": _format_name(name), "documents": len(mine),
                    "tokens": sum(r["tokens"] for r in mine), "date_min": dates[0] if dates else None,
                    "date_max": dates[-1] if dates else None, "no_date": sum(r["year"] is None for r in mine),
                    "bad_date": sum(r["bad_date"] for r in mine), "errors": n_errors, "warnings": len(problems) - n_errors})
    return pd.DataFrame(out, columns=PER_FILE_COLUMNS)


def _format_name(file: str) -> str:
    """The kind of file, from its name: jsonl, csv, tsv, txt, json (LEGI tree), optionally ``+gz``."""
    suffixes = [s.lower() for s in Path(file).suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    suffix = (suffixes[:-1] if gz else suffixes)[-1:] or [""]
    name = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv", ".txt": "txt"}.get(
        suffix[0], suffix[0].lstrip(".") or "folder")
    return name + ("+gz" if gz else "")


def _range(first: Any, last: Any) -> str:
    if first is None or pd.isna(first) or not first:
        return "no dates"
    return first if first == last else f"{first} – {last}"


def _dates_sentence(row: pd.Series, per_file: pd.DataFrame) -> str:
    """The dates of the corpus, or why it has none (no 'date' or 'year' field, or dates not in yyyy-mm-dd)."""
    bad = int(per_file["bad_date"].sum()) if len(per_file) else 0
    bad_note = f" ({bad:,} with a 'date' in another form)" if bad else ""
    if row["documents"] == 0:
        return "no documents, so no dates."
    if row["date_min"] is None and row["no_date"] == row["documents"]:
        return ("no dates: no record has a yyyy-mm-dd 'date' or a 'year' field" + bad_note
                + "; give one to the records (or use --date-field in reports) to get trends.")
    if row["date_min"] is None:
        return f"years only (a 'year' field, no yyyy-mm-dd 'date'), {int(row['no_date']):,} without a year{bad_note}."
    return f"dates {row['date_min']} – {row['date_max']}, {int(row['no_date']):,} without a date{bad_note}."


def _plain_table(table: pd.DataFrame) -> str:
    """A table as aligned text: headers, then rows, numbers right-aligned (never 'Empty DataFrame')."""
    if not len(table):
        return "(none)"
    cells = [[str(c) for c in table.columns]] + [
        ["" if v is None or (isinstance(v, float) and v != v) else f"{v:,}" if isinstance(v, int) and not isinstance(v, bool)
         and c not in ("year",) else str(v) for v, c in zip(row, table.columns)]
        for row in table.itertuples(index=False)
    ]
    numeric = [pd.api.types.is_numeric_dtype(table[c]) and c != "year" for c in table.columns]
    widths = [max(len(r[j]) for r in cells) for j in range(len(table.columns))]
    return "\n".join("  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(r, widths, numeric)).rstrip()
                     for r in cells)


def _count(rows: list[dict], column: str) -> pd.DataFrame:
    """Documents and tokens per value of ``column``, values sorted, ``None`` (missing) last."""
    counts: dict[Any, list[int]] = {}
    for row in rows:
        value = row[column]
        entry = counts.setdefault(value, [0, 0])
        entry[0] += 1
        entry[1] += row["tokens"]
    keys = sorted((k for k in counts if k is not None), key=str) + (
        [None] if None in counts else []
    )
    return pd.DataFrame(
        [[k, *counts[k]] for k in keys], columns=[column, "documents", "tokens"], dtype=object
    ).astype({"documents": int, "tokens": int})
