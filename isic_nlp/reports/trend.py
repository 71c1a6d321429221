"""Framing trends over time: shares, rates and a trend estimate per frame, with intervals.

:func:`trend` returns a :class:`TrendReport` of DataFrames; :func:`isic_nlp.reports.render.write_trend`
writes it as HTML, Markdown, tables and charts.

Periods with fewer than ``min_units`` units are kept in every table with
``flagged = True``; they are left out of the trend estimates and of the summary.

Example:
    >>> from isic_nlp.reports import trend
    >>> report = trend("corpora/demo.jsonl.gz", by=10)  # doctest: +SKIP
    >>> report.slopes[["frame", "points_per_decade", "points_low", "points_high"]]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..classify.labels import FRAMES
from ..errors import Errors, IsicError
from . import stats
from .data import ReportData, load_report_data
from .dates import (
    choose_date_field,
    date_meanings,
    parse_period,
    period_labels,
    period_starts,
    unit_years,
)
from .evidence import evidence
from .tables import check_options, rates, shares

ALL = "(all)"
NO_VALUE = "(no value)"
KEYS = ["facet", "period", "period_start"]


@dataclass
class TrendReport:
    """The tables of a trend report (see :func:`trend`).

    Attributes:
        periods: ``facet, period, period_start, n_units, n_documents, n_tokens, flagged``.
        frames: share of each frame per facet value and period, with interval.
        modes: share of units carrying each ISIC mode, with interval.
        rates: counted mentions per 10,000 tokens per side and label, with bootstrap interval.
        slopes: per facet value and frame, the trend over the unflagged periods: logistic
            slope (log-odds per decade), the average change in points per decade, both with
            bootstrap intervals over documents, and Mann–Kendall / Sen on the period shares.
        dates: date meanings of the units (from ``date_source``).
        evidence: keyword-in-context examples per period and label.
        summary: the findings in plain sentences, headline first.
        params: the parameters, for the methods section and the manifest.
        data: the units and mentions everything is computed from.
    """

    periods: pd.DataFrame
    frames: pd.DataFrame
    modes: pd.DataFrame
    rates: pd.DataFrame
    slopes: pd.DataFrame
    dates: pd.DataFrame
    evidence: pd.DataFrame
    summary: list[str]
    params: dict[str, Any]
    data: ReportData = field(repr=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"periods": self.periods, "frames": self.frames, "modes": self.modes, "rates": self.rates,
                "slopes": self.slopes, "dates": self.dates, "evidence": self.evidence}


def trend(
    source: ReportData | Any,
    *,
    by: str | int = "year",
    facet: str | None = None,
    unit: str = "document",
    date_field: str | None = None,
    date_meaning: str | None = None,
    min_units: int = 30,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    examples: int = 3,
    pipeline: str | None = None,
    model: str | Path | None = None,
) -> TrendReport:
    """Framing per period (and per value of ``facet``), with intervals and a trend per frame.

    Args:
        source: a :class:`ReportData`, or what :func:`load_report_data` takes
            (corpora, ``analyse`` output folders, ``classify`` tables).
        by: ``"year"``, ``"decade"`` or a number of years per period.
        facet: a field whose values get their own series (e.g. ``doc_type``).
        unit: ``document``, ``article`` or ``alinea`` (for corpora).
        date_field: the date to use (default ``date``, else ``year``).
        date_meaning: what that date means, when the inputs do not say.
        min_units: periods with fewer units are flagged and left out of the trend.
        n_boot, confidence, seed: bootstrap draws, interval level, random seed.
        examples: evidence lines per period and label.
    """
    data = source if isinstance(source, ReportData) else load_report_data(source, unit=unit, pipeline=pipeline, model=model)
    check_options(n_boot=n_boot, confidence=confidence, examples=examples)
    width = parse_period(by)
    if min_units < 1:
        raise IsicError(Errors.E006.format(option="--min-units", expected="1 or more", value=min_units))
    date_field = choose_date_field(data.units, date_field)
    units = data.units.copy()
    units["_year"] = unit_years(units[date_field])
    n_undated = int(units["_year"].isna().sum())
    dated = units[units["_year"].notna()].copy()
    if len(dated) == 0:
        raise IsicError(Errors.E602.format(field=date_field, n=len(units)))
    dated["period"] = period_labels(dated["_year"], width).astype(str)
    dated["period_start"] = period_starts(dated["_year"], width).astype(int)
    dated = _with_facets(dated, facet, data)
    common = {"confidence": confidence, "n_boot": n_boot, "seed": seed}

    periods = _periods(dated, min_units)
    flagged = periods.set_index(["facet", "period"])["flagged"]
    frames = _flag(shares(dated, KEYS, "frame", **common), flagged)
    modes = _flag(shares(dated, KEYS, "mode", **common), flagged)
    rate_table = _flag(rates(data, dated, KEYS, **common), flagged)
    slopes = _slopes(dated, frames, flagged, width, **common)
    dates, date_sentence = date_meanings(dated[dated["facet"] == ALL], date_field, date_meaning)
    whole = dated[dated["facet"] == ALL].drop_duplicates("id").set_index("id")["period"]
    proof = evidence(data, data.units["id"].map(whole), per_cell=examples, seed=seed, date_field=date_field)
    params = {
        "report": "trend", "by": by, "period_years": width, "facet": facet, "unit": data.unit_level,
        "date_field": date_field, "date_meaning": date_meaning, "min_units": min_units, "n_boot": n_boot,
        "confidence": confidence, "seed": seed, "examples": examples,
        "n_units": len(units), "n_undated": n_undated, "n_documents": int(units["doc_id"].nunique()),
    }
    summary = _summary(data, dated, periods, frames, rate_table, slopes, params, date_sentence)
    return TrendReport(periods, frames, modes, rate_table, slopes, dates, proof, summary, params, data)


def _with_facets(dated: pd.DataFrame, facet: str | None, data: ReportData) -> pd.DataFrame:
    """The units once for ``(all)`` and, with a facet, once more under their facet value."""
    whole = dated.assign(facet=ALL)
    if facet is None:
        return whole
    if facet not in dated.columns:
        raise IsicError(Errors.E601.format(field=facet, known=", ".join(map(str, data.units.columns))))
    values = dated[facet].astype("string").fillna(NO_VALUE).astype(str)
    return pd.concat([whole, dated.assign(facet=values)], ignore_index=True)


def _periods(dated: pd.DataFrame, min_units: int) -> pd.DataFrame:
    table = (
        dated.groupby(["facet", "period", "period_start"], sort=True)
        .agg(n_units=("id", "size"), n_documents=("doc_id", "nunique"), n_tokens=("n_tokens", "sum"))
        .reset_index()
    )
    table["flagged"] = table["n_units"] < min_units
    return table


def _flag(table: pd.DataFrame, flagged: pd.Series) -> pd.DataFrame:
    keys = pd.MultiIndex.from_frame(table[["facet", "period"]])
    return table.assign(flagged=flagged.reindex(keys).to_numpy(dtype=bool) if len(table) else [])


def _slopes(dated: pd.DataFrame, frames: pd.DataFrame, flagged: pd.Series, width: int, *,
            confidence: float, n_boot: int, seed: int) -> pd.DataFrame:
    """Trend of each frame over the unflagged periods of each facet value."""
    columns = ["facet", "frame", "first_year", "last_year", "n_units", "n_documents", "n_periods",
               "log_odds_per_decade", "log_odds_low", "log_odds_high", "odds_ratio_per_decade",
               "points_per_decade", "points_low", "points_high", "wald_p_value",
               "mk_tau", "mk_p_value", "sen_points_per_decade", "sen_low", "sen_high", "converged"]
    if "frame" not in dated.columns:
        return pd.DataFrame(columns=columns)
    keep = ~flagged.reindex(pd.MultiIndex.from_frame(dated[["facet", "period"]])).to_numpy(dtype=bool)
    used = dated[keep & dated["frame"].notna().to_numpy()]
    rows = []
    for facet_value, part in used.groupby("facet", sort=True):
        per_doc = part.groupby("doc_id", sort=False).agg(year=("_year", "first"), trials=("id", "size"))
        for frame in FRAMES:
            successes = (part["frame"] == frame).groupby(part["doc_id"], sort=False).sum().reindex(per_doc.index)
            fit = stats.logistic_trend_bootstrap(
                per_doc["year"].to_numpy(dtype=float), successes.to_numpy(dtype=float), per_doc["trials"].to_numpy(dtype=float),
                per=10.0, n_boot=n_boot, confidence=confidence, seed=seed,
            )
            series = frames[(frames["facet"] == facet_value) & (frames["frame"] == frame) & ~frames["flagged"]]
            mk = stats.mann_kendall_sen(series["period_start"].to_numpy(dtype=float), series["share"].to_numpy(dtype=float))
            rows.append([
                facet_value, frame, int(per_doc["year"].min()), int(per_doc["year"].max()), len(part), len(per_doc), len(series),
                fit.slope_per, fit.slope_low, fit.slope_high, fit.odds_ratio,
                fit.ame_points, fit.ame_low, fit.ame_high, fit.wald.p_value,
                mk.tau, mk.p_value, mk.sen_slope * 1000, mk.sen_low * 1000, mk.sen_high * 1000, fit.converged,
            ])
    return pd.DataFrame(rows, columns=columns)


def _summary(data, dated, periods, frames, rate_table, slopes, params, date_sentence) -> list[str]:
    """The findings in plain sentences: the trend of each frame first, then the facts behind it."""
    whole = periods[periods["facet"] == ALL]
    kept = whole[~whole["flagged"]]
    unit = params["unit"]
    sentences = []
    main = slopes[slopes["facet"] == ALL] if len(slopes) else slopes
    for frame in ("individual", "collective"):
        row = main[main["frame"] == frame]
        if len(row):
            sentences.append(_trend_sentence(row.iloc[0], frame, unit, params["confidence"]))
    if not data.classified:
        sentences.append("No classification: frame shares and trends are not available; mention rates are.")
    if params["facet"] and len(slopes):
        for value, part in slopes[slopes["facet"] != ALL].groupby("facet", sort=True):
            trends = [_short_trend(part[part["frame"] == frame], frame) for frame in ("individual", "collective")]
            if any(trends):
                sentences.append(f"{params['facet']} = {value} ({int(part['n_units'].iloc[0]):,} {unit}s): "
                                 + "; ".join(t for t in trends if t) + " points per decade.")
    sides = rate_table[(rate_table["facet"] == ALL) & (~rate_table["flagged"]) & rate_table["label"].isin(["individual", "collective"])]
    if len(kept) >= 2 and len(sides):
        first, last = kept.iloc[0]["period"], kept.iloc[-1]["period"]
        parts = []
        for side in ("individual", "collective"):
            r = sides[sides["label"] == side].set_index("period")["rate"]
            if first in r and last in r:
                parts.append(f"{side} {r[first]:.1f} → {r[last]:.1f}")
        if parts:
            sentences.append(f"Counted mentions per 10,000 tokens, {first} → {last}: " + "; ".join(parts) + ".")
    n_flagged = int(whole["flagged"].sum())
    years = dated.loc[dated["facet"] == ALL, "_year"]
    sentences.append(
        f"{params['n_units']:,} {unit}s" + (f" from {params['n_documents']:,} documents" if unit != "document" else "")
        + f"; {len(years):,} dated, {int(years.min())}–{int(years.max())}, "
        f"in {len(whole)} periods of {params['period_years']} year(s)"
        + (f"; {params['n_undated']:,} without a usable date are left out" if params["n_undated"] else "")
        + (f"; {n_flagged} period(s) with fewer than {params['min_units']} {unit}s are flagged and left out of the trends" if n_flagged else "")
        + "."
    )
    sentences.append(date_sentence)
    sentences.extend(data.notes)
    return sentences


def _short_trend(rows: pd.DataFrame, frame: str) -> str:
    """``individual +6.5 (95% CI +4.2 to +9.3)``, or nothing when it cannot be estimated."""
    if not len(rows) or not rows.iloc[0]["converged"] or np.isnan(rows.iloc[0]["points_per_decade"]):
        return ""
    r = rows.iloc[0]
    return f"{frame} {r['points_per_decade']:+.1f} (CI {r['points_low']:+.1f} to {r['points_high']:+.1f})"


def _trend_sentence(row: pd.Series, frame: str, unit: str, confidence: float) -> str:
    if not row["converged"] or np.isnan(row["points_per_decade"]):
        return f"The share of {frame} framing cannot be estimated over time (too few or only identical labels)."
    pts, low, high = row["points_per_decade"], row["points_low"], row["points_high"]
    ci = f"{confidence:.0%} CI {low:+.1f} to {high:+.1f}"
    span = f"{row['first_year']}–{row['last_year']}, {row['n_units']:,} {unit}s"
    if low > 0 or high < 0:
        verb = "rises" if pts > 0 else "falls"
        return f"The share of {frame} framing {verb} by {abs(pts):.1f} points per decade ({ci}; {span})."
    return f"The share of {frame} framing shows no clear trend: {pts:+.1f} points per decade ({ci}; {span})."
