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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .readers import records_from_source
from .records import ERROR_COLUMNS, InputProblem, Record

__all__ = ["CorpusDescription", "describe"]

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
    """

    summary: pd.DataFrame
    per_year: pd.DataFrame
    per_doc_type: pd.DataFrame
    errors: pd.DataFrame


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
        date = item.meta.get("date")
        date = date if isinstance(date, str) and _DATE.match(date) else None
        year = item.meta.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            year = int(date[:4]) if date else None
        rows.append(
            {
                "date": date,
                "year": year,
                "doc_type": item.meta.get("doc_type"),
                "tokens": len(item.text.split()),
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
    return CorpusDescription(summary, _count(rows, "year"), _count(rows, "doc_type"), errors)


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
