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

Several definitions of a unit's date can be kept side by side (:data:`DATE_FIELDS`:
``date_signature``, ``date_in_force``...): :func:`add_date_definitions` derives
them from the fields of the prepared corpora, :func:`date_sensitivity` recomputes
a trend under each, and :func:`retention_by_period` shows how many units of each
period a filter (e.g. ``date_source == creating_text``) keeps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

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
    "version_in_force": "entry into force of the version (article-version history)",
    "modifying_text_signature": "signature of the text that made the version (article-version history)",
    "file_name": "a date in the file name (meaning unknown: state it with --date-meaning)",
}
#: The date definitions a unit may carry as fields of their own (LEGI reader, versions reader,
#: or :func:`add_date_definitions` on the prepared corpora), with what each means.
DATE_FIELDS = {
    "date_signature": "signature of the text that created the unit (creating or codification text)",
    "date_publication": "publication of the text that created the unit",
    "date_in_force": "entry into force of the unit's first version",
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


# --------------------------------------------------------------------------- date definitions


def _creating_field(value, name: str):
    """``name`` of a creating text given as a dict or as its JSON text (``analyse`` flattens dicts)."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value.get(name) if isinstance(value, dict) else None


def add_date_definitions(units: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``units`` with every date definition it can derive, as fields of their own.

    ``date_signature`` and ``date_publication`` come from ``creating_text`` (as
    in the prepared LEGI corpora: a dict or its JSON text, with
    ``date_signature``/``date_publication``), ``date_in_force`` from
    ``first_version_date``; a field already present is kept as it is.

    Example:
        >>> units = pd.DataFrame({"creating_text": [{"date_signature": "1985-12-17"}, None],
        ...                       "first_version_date": ["1985-12-21", "2004-08-17"]})
        >>> add_date_definitions(units)[["date_signature", "date_in_force"]].values.tolist()
        [['1985-12-17', '1985-12-21'], [None, '2004-08-17']]
    """
    out = units.copy()
    if "creating_text" in out.columns:
        for name in ("date_signature", "date_publication"):
            if name not in out.columns:
                values = [_creating_field(v, name) for v in out["creating_text"]]
                out[name] = pd.Series(values, index=out.index, dtype=object)
    if "date_in_force" not in out.columns and "first_version_date" in out.columns:
        out["date_in_force"] = out["first_version_date"]
    return out


def available_date_fields(units: pd.DataFrame, candidates=("date", *DATE_FIELDS)) -> list[str]:
    """The date fields of ``units`` (among ``candidates``) that give a year to at least one unit."""
    return [name for name in candidates if name in units.columns and unit_years(units[name]).notna().any()]


def retention_by_period(
    all_units: pd.DataFrame,
    kept_units: pd.DataFrame | dict[str, pd.DataFrame],
    period: str | int = 10,
    *,
    date_field: str = "date",
) -> pd.DataFrame:
    """How many units of each period each filter keeps.

    Args:
        all_units: every unit, before filtering.
        kept_units: the units a filter kept, or ``{filter name: kept units}``
            for several filters (one ``kept`` DataFrame is named ``kept``).
        period: ``year``, ``decade`` or a number of years.
        date_field: the date that places a unit in a period, for all tables.

    Returns:
        One row per period (``period``, ``period_start``, ``n_all``), then per
        filter ``n_<name>`` and ``share_<name>`` (kept / all, NaN for an empty
        period); units without a usable year are the period ``(no date)``.

    Example:
        >>> every = pd.DataFrame({"id": list("abcd"), "date": ["1985-01-01", "1986-01-01", "2021-01-01", None]})
        >>> retention_by_period(every, every[every["id"].isin(["a", "c"])], "decade").values.tolist()
        [['1980–1989', 1980, 2, 1, 0.5], ['2020–2029', 2020, 1, 1, 1.0], ['(no date)', <NA>, 1, 0, 0.0]]
    """
    width = parse_period(period)
    filters = kept_units if isinstance(kept_units, dict) else {"kept": kept_units}

    def counts(table: pd.DataFrame) -> pd.Series:
        if date_field not in table.columns:
            raise IsicError(Errors.E601.format(field=date_field, known=", ".join(map(str, table.columns))))
        years = unit_years(table[date_field])
        starts = period_starts(years, width)
        return starts.astype("Int64").value_counts(dropna=False)

    base = counts(all_units)
    starts = sorted(s for s in base.index if not pd.isna(s))
    index = [*starts, *([pd.NA] if any(pd.isna(s) for s in base.index) else [])]
    table = pd.DataFrame({"period_start": pd.array(index, dtype="Int64")})
    table.insert(0, "period", [
        "(no date)" if pd.isna(s) else period_labels(pd.Series([int(s)]), width).iloc[0] for s in index
    ])
    lookup = {("na" if pd.isna(k) else int(k)): int(v) for k, v in base.items()}
    table["n_all"] = [lookup.get("na" if pd.isna(s) else int(s), 0) for s in index]
    for name, kept in filters.items():
        found = {("na" if pd.isna(k) else int(k)): int(v) for k, v in counts(kept).items()}
        table[f"n_{name}"] = [found.get("na" if pd.isna(s) else int(s), 0) for s in index]
        table[f"share_{name}"] = (table[f"n_{name}"] / table["n_all"].where(table["n_all"] > 0)).astype(float)
    return table


def date_sensitivity(
    units: pd.DataFrame,
    date_fields: list[str] | tuple[str, ...] | None,
    slope_fn: Callable[[pd.DataFrame], pd.DataFrame],
) -> pd.DataFrame:
    """The same trend computed under each date definition: a sensitivity table.

    For each field of ``date_fields`` (default: :func:`available_date_fields`),
    the units with a usable year in it get ``_year`` (that year) and ``date``
    (that field's value), and ``slope_fn(units)`` is called on them; it returns
    a DataFrame of slopes (e.g. one row per frame), to which the table adds
    ``date_field``, ``meaning``, ``n_dated`` and ``n_undated`` in front.

    Example:
        >>> units = pd.DataFrame({"date_signature": ["1985-12-17", "2001-01-01", None],
        ...                       "date_in_force": ["1985-12-21", "2008-05-01", "2010-01-01"]})
        >>> span = lambda u: pd.DataFrame({"first": [int(u["_year"].min())], "last": [int(u["_year"].max())]})
        >>> date_sensitivity(units, None, span)[["date_field", "n_dated", "first", "last"]].values.tolist()
        [['date_signature', 2, 1985, 2001], ['date_in_force', 3, 1985, 2010]]
    """
    fields = list(date_fields) if date_fields is not None else available_date_fields(units)
    parts = []
    for name in fields:
        if name not in units.columns:
            raise IsicError(Errors.E601.format(field=name, known=", ".join(map(str, units.columns))))
        years = unit_years(units[name])
        dated = units[years.notna()].copy()
        dated["_year"] = years[years.notna()].astype(int)
        dated["date"] = units.loc[years.notna(), name]
        result = slope_fn(dated)
        result = result.copy() if isinstance(result, pd.DataFrame) else pd.DataFrame([result])
        result.insert(0, "n_undated", int(years.isna().sum()))
        result.insert(0, "n_dated", len(dated))
        result.insert(0, "meaning", DATE_FIELDS.get(name, DATE_MEANINGS.get(name, "as given (field '" + name + "')")))
        result.insert(0, "date_field", name)
        parts.append(result)
    if not parts:
        return pd.DataFrame(columns=["date_field", "meaning", "n_dated", "n_undated"])
    return pd.concat(parts, ignore_index=True)


def frame_slopes(
    units: pd.DataFrame,
    *,
    per: float = 10.0,
    confidence: float = 0.95,
    frames: tuple[str, ...] | None = None,
    cluster: str | None = None,
) -> pd.DataFrame:
    """A ``slope_fn`` for :func:`date_sensitivity`: the logistic trend of each frame's share.

    One row per frame (``frames``, default the classifier's): ``frame``,
    ``n_units``, ``first_year``, ``last_year``, ``log_odds_per_decade`` with its
    Wald interval, ``points_per_decade`` (average marginal effect), ``p_value``
    and ``converged``, from :func:`isic_nlp.reports.stats.logistic_trend` with
    each unit a trial of its own; with ``cluster`` (a column), cluster-robust
    Wald intervals (no bootstrap: the trend report's own slopes do that).
    """
    from ..classify.labels import FRAMES
    from .stats import logistic_trend

    rows = []
    labelled = units[units["frame"].notna()] if "frame" in units.columns else units.iloc[0:0]
    years = labelled["_year"].to_numpy(dtype=float)
    groups = labelled[cluster].astype(str).to_numpy() if cluster is not None else None
    for frame in frames or FRAMES:
        hits = (labelled["frame"] == frame).to_numpy(dtype=float)
        fit = logistic_trend(years, hits, np.ones_like(hits), cluster=groups, per=per, confidence=confidence)
        rows.append({"frame": frame, "n_units": len(labelled),
                     "first_year": int(years.min()) if len(years) else None,
                     "last_year": int(years.max()) if len(years) else None,
                     "log_odds_per_decade": fit.slope_per, "log_odds_low": fit.low, "log_odds_high": fit.high,
                     "points_per_decade": fit.ame_points, "p_value": fit.p_value, "converged": fit.converged})
    return pd.DataFrame(rows)
