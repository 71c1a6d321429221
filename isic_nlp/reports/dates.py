"""Dates and periods: which date a report uses, what it means, and how years are grouped.

The shared corpora mix date meanings (``date_source``): signature of the text
that created a code article, entry into force of its first version, last
update of an information sheet... A trend across them compares different
events, so every report states the meaning of the dates it uses.

Example:
    >>> parse_period("5"), parse_period("year"), parse_period("decade")
    (5, 1, 10)
    >>> period_labels(pd.Series([1993, 1995, 2004]), 5).tolist()
    ['1990–1994', '1995–1999', '2000–2004']
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import Errors, IsicError

# What each `date_source` of the shared corpora (and of isic_nlp's LEGI reader) means.
DATE_MEANINGS = {
    "creating_text": "signature of the text that created the article",
    "codification_text": "signature of the codification text",
    "first_version_in_force": "entry into force of the article's first version",
    "first_commit_adding_article_path": "entry into force of the article's first version (CASF history)",
    "date parsed from the text title": "date in the title (signature)",
    "date field of the sheet (last update)": "last update of the sheet",
    "dc:date (last modification of the sheet)": "last update of the sheet",
    "modifDate of the text": "last modification of the text",
    "title": "date in the title (signature)",
}
# The kind of event behind each meaning, for the warning on mixed meanings.
KINDS = {
    "signature": ("signature",),
    "entry into force": ("entry into force",),
    "last update": ("last update", "last modification"),
}


def choose_date_field(units: pd.DataFrame, date_field: str | None) -> str:
    """The date field to use: the one given, else ``date``, else ``year``."""
    if date_field is not None:
        if date_field not in units.columns:
            raise IsicError(Errors.E601.format(field=date_field, known=", ".join(map(str, units.columns))))
        return date_field
    for name in ("date", "year"):
        if name in units.columns:
            return name
    raise IsicError(Errors.E601.format(field="date", known=", ".join(map(str, units.columns))))


def unit_years(values: pd.Series) -> pd.Series:
    """The year of each value (``yyyy-mm-dd``, ``yyyy``, a number or a timestamp), ``<NA>`` if none.

    Years from 2900 on are LEGI's "no date" sentinels (2999-01-01): ``<NA>`` too.

    Example:
        >>> unit_years(pd.Series(["2004-03-01", 1999, None, "s.d.", "1985"])).tolist()
        [2004, 1999, <NA>, <NA>, 1985]
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        years = values.dt.year.astype("Int64")
        return years.where(years < 2900)
    if pd.api.types.is_numeric_dtype(values):
        numbers = pd.to_numeric(values, errors="coerce")
        whole = numbers.where((numbers >= 1000) & (numbers < 2900) & (numbers == np.floor(numbers)))
        return whole.astype("Int64")
    found = values.astype("string").str.extract(r"^\s*(\d{4})(?!\d)", expand=False)
    years = pd.to_numeric(found, errors="coerce").astype("Int64")
    return years.where((years >= 1000) & (years < 2900))


def parse_period(by: str | int) -> int:
    """Years per period: ``year`` (1), ``decade`` (10), or a number of years."""
    text = str(by).strip().lower()
    named = {"year": 1, "decade": 10}
    if text in named:
        return named[text]
    match = re.fullmatch(r"(\d+)\s*(?:y|years?|ans?)?", text)
    if not match or int(match.group(1)) < 1:
        raise IsicError(Errors.E006.format(option="--by", expected="'year', 'decade' or a number of years (e.g. 5)", value=by))
    return int(match.group(1))


def period_starts(years: pd.Series, width: int) -> pd.Series:
    """First year of each year's period; periods of ``width`` years start at multiples of ``width``."""
    return (years // width) * width


def period_labels(years: pd.Series, width: int) -> pd.Series:
    """``1990–1994`` (or ``1990`` for one-year periods) for each year."""
    starts = period_starts(years, width)
    if width == 1:
        return starts.astype("string")
    return starts.astype("string") + "–" + (starts + width - 1).astype("string")


def date_meanings(units: pd.DataFrame, date_field: str, declared: str | None = None) -> tuple[pd.DataFrame, str]:
    """How many units have each date meaning, and one sentence that states it.

    ``declared`` (``--date-meaning``) wins; otherwise the meaning comes from
    ``date_source`` (or ``<field>_derived_from`` for dates read off titles).
    """
    n = len(units)
    if declared:
        table = pd.DataFrame({"date_source": ["declared by the user"], "meaning": [declared], "n_units": [n]})
        return table, f"Dates are the field '{date_field}': {declared} (as declared)."
    source = None
    for column in ("date_source", f"{date_field}_derived_from"):
        if column in units.columns and units[column].notna().any():
            source = units[column]
            break
    if source is None:
        table = pd.DataFrame({"date_source": ["not stated"], "meaning": ["unknown"], "n_units": [n]})
        return table, (
            f"Dates are the field '{date_field}'; the inputs do not say what it means "
            "(signature, entry into force, last update): state it with --date-meaning."
        )
    counts = source.fillna("not stated").astype(str).value_counts()
    table = pd.DataFrame({
        "date_source": counts.index,
        "meaning": [DATE_MEANINGS.get(s, "see the corpus documentation" if s != "not stated" else "unknown") for s in counts.index],
        "n_units": counts.to_numpy(),
    })
    by_meaning = table.groupby("meaning", sort=False)["n_units"].sum().sort_values(ascending=False)
    parts = [f"{meaning} ({count / n:.0%})" for meaning, count in by_meaning.items()]
    sentence = f"Dates are the field '{date_field}', meaning: " + "; ".join(parts) + "."
    kinds = {kind for meaning in by_meaning.index for kind, words in KINDS.items() if any(w in meaning for w in words)}
    if len(kinds) > 1:
        sentence += (
            f" These are {len(kinds)} different events ({', '.join(sorted(kinds))}): a trend across them "
            "mixes them; compare one meaning at a time with --facet date_source."
        )
    return table, sentence
