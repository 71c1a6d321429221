"""Framing trends over time: shares, rates and a trend estimate per frame, with intervals.

:func:`trend` returns a :class:`TrendReport` of DataFrames; :func:`isic_nlp.reports.render.write_trend`
writes it as HTML, Markdown, tables and charts.

Periods with fewer than ``min_units`` units are kept in every table with
``flagged = True``; they are left out of the trend estimates and of the summary.

Every interval, test and slope treats the units of one *cluster* together
(``cluster``: the creating text of LEGI articles by default, else the document):
shares and rates resample whole clusters, the logistic trend resamples clusters
and its Wald test is cluster-robust. A slope is given only over at least
``min_periods`` periods and ``min_clusters`` clusters; its interval is withheld
when more than ``max_failed`` of the bootstrap refits fail. With ``labels`` (gold
frames of a sample of the units) shares and slopes are also corrected for
classifier error by PPI++ (:mod:`isic_nlp.reports.ppi`).

Example:
    >>> from isic_nlp.reports import trend
    >>> report = trend("corpora/demo.jsonl.gz", by=10)  # doctest: +SKIP
    >>> report.slopes[["frame", "points_per_decade", "points_low", "points_high"]]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Errors, IsicError
from . import inference, stats
from .codification import (
    CODIFICATION_MODES,
    DEFAULT_THRESHOLD,
    apply_codification,
    codification_note,
    codification_summary,
    flag_codification,
)
from .data import DEMO_NOTICE, FRAME_NAMES, ReportData, load_report_data
from .data import REPORT_FRAMES as FRAMES
from .dates import (
    add_date_definitions,
    available_date_fields,
    choose_date_field,
    date_meanings,
    date_sensitivity,
    frame_slopes,
    parse_period,
    period_labels,
    period_starts,
    unit_years,
)
from .evidence import evidence
from .tables import bootstrap_name, check_options, rates, shares

ALL = "(all)"
NO_VALUE = "(no value)"
KEYS = ["facet", "period", "period_start"]


@dataclass
class TrendReport:
    """The tables of a trend report (see :func:`trend`).

    Attributes:
        periods: ``facet, period, period_start, n_units, n_documents, n_clusters, largest_share,
            n_tokens, flagged``.
        frames: share of each frame per facet value and period, with interval (over clusters);
            with labels also ``ppi_share``, ``ppi_low``, ``ppi_high``, ``n_labelled`` (PPI++).
        modes: share of units carrying each ISIC mode, with interval (PPI++ columns when the
            labels have ``modes``).
        rates: counted mentions per 10,000 tokens per side and label, with bootstrap interval.
        slopes: per facet value and frame, the trend over the unflagged periods: logistic
            slope (log-odds per decade), the average change in points per decade, both with
            bootstrap intervals over clusters (``n_failed`` refits failed), the cluster-robust
            Wald p-value and its Benjamini–Hochberg ``q_value`` (within the facet rows, and
            within the (all) rows), Mann–Kendall / Sen on the period shares and whether they
            agree in sign, the text-level slope (each cluster one point), the mean-probability
            slope, with labels the PPI++ slope, and ``status`` (``ok`` or why no slope is given).
        composition: per facet value and period, units and clusters and the weight of the largest.
        top_clusters: the clusters that contribute most units.
        text_level: share of each frame per period when every cluster weighs the same.
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
    composition: pd.DataFrame = field(default_factory=pd.DataFrame)
    top_clusters: pd.DataFrame = field(default_factory=pd.DataFrame)
    text_level: pd.DataFrame = field(default_factory=pd.DataFrame)
    codification: pd.DataFrame = field(default_factory=pd.DataFrame)
    date_sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"periods": self.periods, "frames": self.frames, "modes": self.modes, "rates": self.rates,
                "slopes": self.slopes, "composition": self.composition, "top_clusters": self.top_clusters,
                "text_level": self.text_level, "codification": self.codification,
                "date_sensitivity": self.date_sensitivity, "dates": self.dates, "evidence": self.evidence}


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
    cluster: str | None = None,
    labels: pd.DataFrame | None = None,
    min_periods: int = 4,
    min_clusters: int = 10,
    max_failed: float = 0.05,
    codification: str = "include",
    codification_threshold: int | None = DEFAULT_THRESHOLD,
    notice: str | None = None,
    cache: str | Path | None = None,
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
        cluster: the field whose units are resampled together (default: the creating
            text of LEGI articles if the units have one, else ``doc_id``).
        labels: gold frames of some units (``id``, ``frame``, optionally ``modes``): shares and slopes are then
            also estimated by PPI++, corrected for classifier error. The labelled units
            are taken as drawn at random within each period of the report.
        min_periods, min_clusters: fewer unflagged periods or clusters in a series: no slope.
        max_failed: a slope whose bootstrap refits fail more often than this gets no interval.
        codification: units created by codification or recodification texts (the shipped
            list ``reports/codification.yaml``, or a text that created more than
            ``codification_threshold`` documents) are kept (``include``), left out
            (``exclude``) or shown as their own series (``separate``: the facet
            ``codification_group``). Whatever the choice, the report lists them.
        notice: a sentence put first in the summary (the demo says it is a demo sample).
        cache: the Doc cache folder for the corpora (as in ``analyse``): after a lexicon
            edit, only the records the edit can change are analysed again.

    Every trend also gives its slopes under each date definition the units carry
    (``date``, ``date_signature``, ``date_in_force``...): the ``date_sensitivity`` table.
    """
    if not isinstance(source, ReportData):  # fields checked before the analysis; a trend needs no lemmas
        source = load_report_data(source, unit=unit, pipeline=pipeline, model=model, dates=True, keyness=False,
                                  cache=cache, fields={"--facet": facet, "--date-field": date_field, "--cluster": cluster})
    data = source
    check_options(n_boot=n_boot, confidence=confidence, examples=examples)
    width = parse_period(by)
    if min_units < 1:
        raise IsicError(Errors.E006.format(option="--min-units", expected="1 or more", value=min_units))
    if min_periods < 2:
        raise IsicError(Errors.E006.format(option="--min-periods", expected="2 or more", value=min_periods))
    if min_clusters < 2:
        raise IsicError(Errors.E006.format(option="--min-clusters", expected="2 or more", value=min_clusters))
    if not 0 <= max_failed < 1:
        raise IsicError(Errors.E006.format(option="max_failed", expected="in [0, 1)", value=max_failed))
    date_field = choose_date_field(data.units, date_field)
    units, codified, codification_sentence = _codification(data.units, codification, codification_threshold, date_field)
    if codification == "separate":
        if facet is not None:
            raise IsicError(Errors.E006.format(option="--codification separate", expected="used without --facet "
                                               "(it is the facet codification_group)", value=facet))
        facet = "codification_group"
    units["_cluster"], cluster_field = inference.resolve_cluster(units, cluster)
    gold = inference.gold_frames(units, labels)
    units["_gold"] = gold if gold is not None else np.nan
    for extra in (inference.gold_modes(units, labels), inference.label_design(units, labels)):
        if extra is not None:
            units = pd.concat([units, extra], axis=1)
    modes_gold = any(c.startswith("_gold_") for c in units.columns)
    units["_year"] = unit_years(units[date_field])
    n_undated = int(units["_year"].isna().sum())
    dated = units[units["_year"].notna()].copy()
    if len(dated) == 0:
        raise IsicError(Errors.E602.format(field=date_field, n=len(units)))
    dated["period"] = period_labels(dated["_year"], width).astype(str)
    dated["period_start"] = period_starts(dated["_year"], width).astype(int)
    sensitivity = _date_sensitivity(units, confidence, width, min_units)
    dated = _with_facets(dated, facet, data)
    common = {"confidence": confidence, "n_boot": n_boot, "seed": seed}
    clustered = {**common, "cluster": "_cluster"}

    periods = _periods(dated, min_units)
    flagged = periods.set_index(["facet", "period"])["flagged"]
    frames = _flag(_named(shares(dated, KEYS, "frame", **clustered), cluster_field), flagged)
    if gold is not None:
        corrected = inference.ppi_share_table(dated, ["facet"], "period", confidence=confidence)
        frames = frames.merge(corrected.drop(columns=["labels_only"]), on=["facet", "period", "frame"], how="left")
    modes = _flag(_named(shares(dated, KEYS, "mode", **clustered), cluster_field), flagged)
    if modes_gold and len(modes):
        corrected = inference.ppi_share_table(dated, ["facet"], "period", confidence=confidence, kind="mode")
        modes = modes.merge(corrected.drop(columns=["labels_only"]), on=["facet", "period", "mode"], how="left")
    rate_table = _flag(rates(data, dated, KEYS, **clustered), flagged)
    rules = {"min_periods": min_periods, "min_clusters": min_clusters, "max_failed": max_failed}
    slopes = _slopes(dated, frames, flagged, width, rules=rules, params_field=cluster_field, **common)
    whole_units = dated[dated["facet"] == ALL]
    composition = _flag(inference.composition(dated, ["facet", "period"]), flagged)
    titles = inference.cluster_titles(whole_units, whole_units["_cluster"])
    top = inference.top_clusters(whole_units, titles)
    text_level = _flag(inference.text_level_shares(dated, KEYS, **common), flagged) if "frame" in dated else pd.DataFrame()
    dates, date_sentence = date_meanings(dated[dated["facet"] == ALL], date_field, date_meaning)
    whole = dated[dated["facet"] == ALL].drop_duplicates("id").set_index("id")["period"]
    proof = evidence(data, data.units["id"].map(whole), per_cell=examples, seed=seed, date_field=date_field)
    params = {
        "report": "trend", "by": by, "period_years": width, "facet": facet, "unit": data.unit_level,
        "date_field": date_field, "date_meaning": date_meaning, "min_units": min_units, "n_boot": n_boot,
        "confidence": confidence, "seed": seed, "examples": examples,
        "n_units": len(units), "n_undated": n_undated, "n_documents": int(units["doc_id"].nunique()),
        "cluster": cluster_field, "n_clusters": int(units["_cluster"].nunique()),
        "interval": bootstrap_name(cluster_field),
        "n_labelled": int(units["_gold"].notna().sum()), **rules,
        "codification": codification, "codification_threshold": codification_threshold,
        "n_codification": int((codified["codification"] != "").sum()) if len(codified) else 0,
    }
    summary = _summary(data, dated, periods, frames, rate_table, slopes, params, date_sentence, composition, top)
    if codification_sentence:
        summary.append(codification_sentence)
    notice = notice or (DEMO_NOTICE if data.provenance.get("demo") else None)
    if notice:
        summary.insert(0, notice)
    return TrendReport(periods, frames, modes, rate_table, slopes, dates, proof, summary, params, data,
                       composition, top, text_level, codification_summary(codified) if len(codified) else pd.DataFrame(),
                       sensitivity)


def _codification(units: pd.DataFrame, mode: str, threshold: int | None, date_field: str):
    """Units after the codification choice, the flagged units (all), and a sentence saying what was done."""
    if mode not in CODIFICATION_MODES:
        raise IsicError(Errors.E407.format(option="--codification", known=", ".join(CODIFICATION_MODES), value=mode))
    if not {"creating_text", "text_key"} & set(units.columns):  # not code articles: nothing to flag
        if mode != "include":
            raise IsicError(Errors.E601.format(field="creating_text (or text_key), needed by --codification",
                                               known=", ".join(map(str, units.columns))))
        return units.copy(), pd.DataFrame(columns=["codification"]), ""
    flagged = flag_codification(units, threshold=threshold, date_field=date_field)
    flagged["codification"] = flagged["codification"].fillna("")
    kept = apply_codification(flagged, mode)
    note = codification_note(flagged, threshold)
    n = int((flagged["codification"] != "").sum())
    if n:
        what = {"include": "They are included in every figure; `--codification exclude` leaves them out, "
                           "`--codification separate` shows them apart.",
                "exclude": "They are left out of every figure (--codification exclude).",
                "separate": "They are shown as their own series (facet codification_group)."}[mode]
        note = f"{note} {what}"
    return kept, flagged, note


def _date_sensitivity(units: pd.DataFrame, confidence: float, width: int, min_units: int) -> pd.DataFrame:
    """The frame slopes under each date definition of the units (cluster-robust Wald intervals), if there are several.

    As in the headline trend, the units of periods with fewer than ``min_units`` units (flagged periods,
    as each date definition cuts them) are left out of each fit (``n_left_out``).
    """
    units = add_date_definitions(units)
    fields = available_date_fields(units)
    if len(fields) < 2 or "frame" not in units.columns:
        return pd.DataFrame()
    slopes = partial(frame_slopes, frames=FRAMES, cluster="_cluster", confidence=confidence)

    def unflagged_slopes(dated: pd.DataFrame) -> pd.DataFrame:
        period = period_labels(dated["_year"], width).astype(str)
        kept = dated[period.map(period.value_counts()).to_numpy() >= min_units]
        table = slopes(kept)
        table.insert(0, "n_left_out", len(dated) - len(kept))
        return table

    return date_sensitivity(units, fields, unflagged_slopes)


def _named(table: pd.DataFrame, cluster_field: str) -> pd.DataFrame:
    """Say which field the bootstrap resampled (the tables only know the column ``_cluster``)."""
    if len(table):
        table["interval"] = table["interval"].replace(bootstrap_name("_cluster"), bootstrap_name(cluster_field))
    return table


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
    grouped = dated.groupby(["facet", "period", "period_start"], sort=True)
    table = grouped.agg(n_units=("id", "size"), n_documents=("doc_id", "nunique"), n_clusters=("_cluster", "nunique"),
                        n_tokens=("n_tokens", "sum")).reset_index()
    largest = grouped["_cluster"].agg(lambda c: c.value_counts().iloc[0]).to_numpy()
    table.insert(6, "largest_share", largest / table["n_units"].to_numpy())
    table["flagged"] = table["n_units"] < min_units
    return table


def _flag(table: pd.DataFrame, flagged: pd.Series) -> pd.DataFrame:
    keys = pd.MultiIndex.from_frame(table[["facet", "period"]])
    return table.assign(flagged=flagged.reindex(keys).to_numpy(dtype=bool) if len(table) else [])


SLOPE_COLUMNS = [
    "facet", "frame", "status", "first_year", "last_year", "n_units", "n_documents", "n_clusters", "n_periods",
    "log_odds_per_decade", "log_odds_low", "log_odds_high", "odds_ratio_per_decade",
    "points_per_decade", "points_low", "points_high", "interval", "n_failed", "wald_p_value", "q_value",
    "mk_tau", "mk_p_value", "sen_points_per_decade", "sen_low", "sen_high", "sen_agrees",
    "text_points_per_decade", "text_low", "text_high",
    "prob_points_per_decade", "prob_low", "prob_high",
    "ppi_points_per_decade", "ppi_low", "ppi_high", "n_labelled", "converged",
]


def _slopes(dated: pd.DataFrame, frames: pd.DataFrame, flagged: pd.Series, width: int, *,
            rules: dict, confidence: float, n_boot: int, seed: int, params_field: str = "doc_id") -> pd.DataFrame:
    """Trend of each frame over the unflagged periods of each facet value, with the robust-headline rules."""
    if "frame" not in dated.columns:
        return pd.DataFrame(columns=SLOPE_COLUMNS)
    keep = ~flagged.reindex(pd.MultiIndex.from_frame(dated[["facet", "period"]])).to_numpy(dtype=bool)
    used = dated[keep & dated["frame"].notna().to_numpy()]
    rows = []
    for facet_value, part in used.groupby("facet", sort=True):
        # One row per cluster and year: the binomial likelihood only needs these sums.
        cells = part.groupby(["_cluster", "_year"], sort=False).agg(trials=("id", "size")).reset_index()
        singletons = cells["_cluster"].is_unique and part["_cluster"].is_unique
        n_clusters = int(part["_cluster"].nunique())
        n_periods = int(part["period"].nunique())
        per_cluster = pd.crosstab(part["_cluster"], part["frame"], normalize="index").reindex(columns=list(FRAMES), fill_value=0.0)
        cluster_year = part.groupby("_cluster")["_year"].mean().reindex(per_cluster.index)
        text = inference.text_level_slopes(cluster_year.to_numpy(float), per_cluster.to_numpy(float),
                                           n_boot=n_boot, confidence=confidence, seed=seed)
        for j, frame in enumerate(FRAMES):
            hit = (part["frame"] == frame).groupby([part["_cluster"], part["_year"]], sort=False).sum()
            successes = hit.reindex(pd.MultiIndex.from_frame(cells[["_cluster", "_year"]])).to_numpy(dtype=float)
            fit = stats.logistic_trend_bootstrap(
                cells["_year"].to_numpy(dtype=float), successes, cells["trials"].to_numpy(dtype=float),
                cluster=None if singletons else cells["_cluster"].to_numpy(),
                per=10.0, n_boot=n_boot, confidence=confidence, seed=seed,
            )
            series = frames[(frames["facet"] == facet_value) & (frames["frame"] == frame) & ~frames["flagged"]]
            mk = stats.mann_kendall_sen(series["period_start"].to_numpy(dtype=float), series["share"].to_numpy(dtype=float))
            prob = inference.probability_slope(part["_year"].to_numpy(float), part[f"p_{frame}"].to_numpy(float),
                                               part["_cluster"].to_numpy(), confidence=confidence)
            corrected = inference.ppi_slope(part, frame, confidence=confidence) if part["_gold"].notna().any() else None
            row = {
                "facet": facet_value, "frame": frame, "first_year": int(part["_year"].min()), "last_year": int(part["_year"].max()),
                "n_units": len(part), "n_documents": int(part["doc_id"].nunique()), "n_clusters": n_clusters,
                "n_periods": n_periods, "log_odds_per_decade": fit.slope_per, "log_odds_low": fit.slope_low,
                "log_odds_high": fit.slope_high, "odds_ratio_per_decade": fit.odds_ratio, "points_per_decade": fit.ame_points,
                "points_low": fit.ame_low, "points_high": fit.ame_high,
                "interval": bootstrap_name(params_field) if not singletons else "bootstrap over documents",
                "n_failed": fit.n_failed, "wald_p_value": fit.wald.p_value,
                "mk_tau": mk.tau, "mk_p_value": mk.p_value, "sen_points_per_decade": mk.sen_slope * 1000,
                "sen_low": mk.sen_low * 1000, "sen_high": mk.sen_high * 1000,
                "text_points_per_decade": float(text[0][j]), "text_low": float(text[1][j]), "text_high": float(text[2][j]),
                "prob_points_per_decade": prob[0], "prob_low": prob[1], "prob_high": prob[2],
                "ppi_points_per_decade": corrected.points if corrected else np.nan,
                "ppi_low": corrected.points_low if corrected else np.nan,
                "ppi_high": corrected.points_high if corrected else np.nan,
                "n_labelled": corrected.n if corrected else 0, "converged": fit.converged,
            }
            row["sen_agrees"] = _agree(row["points_per_decade"], row["sen_points_per_decade"])
            row["status"] = _status(row, rules, n_boot)
            if row["status"] != "ok":
                withheld = ["log_odds_low", "log_odds_high", "points_low", "points_high", "wald_p_value"]
                if not row["status"].startswith("too many failed"):
                    withheld += ["log_odds_per_decade", "odds_ratio_per_decade", "points_per_decade"]
                row.update(dict.fromkeys(withheld, np.nan))
            rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=SLOPE_COLUMNS)
    if len(table):
        q = np.full(len(table), np.nan)
        for mask in (table["facet"] == ALL, table["facet"] != ALL):
            if mask.any():
                q[mask.to_numpy()] = stats.benjamini_hochberg(table.loc[mask, "wald_p_value"].to_numpy(float))
        table["q_value"] = q
    return table


def _agree(logistic: float, sen: float) -> Any:
    """True when the logistic and Sen slopes have the same sign (a zero Sen slope agrees with any), NA if one is missing."""
    if np.isnan(logistic) or np.isnan(sen):
        return pd.NA
    return bool(sen == 0 or np.sign(logistic) == np.sign(sen))


def _status(row: dict, rules: dict, n_boot: int) -> str:
    """``ok``, or why no slope (or no interval) is given for this series."""
    if not row["converged"]:
        return "not fitted (too few or only identical labels)"
    if row["n_periods"] < rules["min_periods"]:
        return f"too few periods ({row['n_periods']} < {rules['min_periods']})"
    if row["n_clusters"] < rules["min_clusters"]:
        return f"too few clusters ({row['n_clusters']} < {rules['min_clusters']})"
    if row["n_failed"] > rules["max_failed"] * n_boot:
        return f"too many failed refits ({row['n_failed']} of {n_boot})"
    return "ok"


def within_facet_points(units: pd.DataFrame, outcome: np.ndarray, facet: str = "facet", per: float = 10.0) -> float:
    """Average marginal effect (points per ``per`` years) of the year in ``logit(p) = a_facet + b·year``.

    The trend *within* facets: a logistic regression with one intercept per facet
    value (fixed effects), unpenalised; a change in the mix of facets over time
    does not move it. NaN when it cannot be fitted (one outcome value, one year).
    """
    from sklearn.linear_model import LogisticRegression

    years = units["_year"].to_numpy(dtype=float)
    if len(set(outcome)) < 2 or np.ptp(years) == 0:
        return float("nan")
    dummies = pd.get_dummies(units[facet].astype(str)).to_numpy(dtype=float)
    X = np.column_stack([(years - years.mean()) / per, dummies])
    model = LogisticRegression(C=np.inf, fit_intercept=False, max_iter=1000).fit(X, outcome)
    p = model.predict_proba(X)[:, 1]
    return float(100 * model.coef_[0][0] * np.mean(p * (1 - p)))


def _composition_sentence(dated: pd.DataFrame, periods: pd.DataFrame, params: dict) -> str:
    """With a facet whose values cover different years, the pooled trend may be a change of mix: say so, with the
    within-facet trend (fixed effects, point estimates) beside the pooled one."""
    flagged = set(periods.loc[(periods["facet"] == ALL) & periods["flagged"], "period"])
    units = dated[(dated["facet"] == ALL) & ~dated["period"].isin(flagged)].copy()
    if "frame" not in units.columns or units["frame"].isna().all():
        return ""
    units["facet"] = units[params["facet"]].astype("string").fillna(NO_VALUE).astype(str)
    units = units[units["frame"].notna()]
    spans = units.groupby("facet")["_year"].agg(["min", "max", "median", "size"])
    spans = spans[spans["size"] >= params["min_units"]]
    if len(spans) < 2 or spans["median"].max() - spans["median"].min() < params["period_years"]:
        return ""
    parts = []
    for frame in ("individual", "collective_social", "collective_labour"):
        outcome = (units["frame"] == frame).to_numpy(dtype=int)
        pooled = stats.logistic_trend(units["_year"].to_numpy(float), outcome, np.ones(len(outcome))).ame_points
        within = within_facet_points(units, outcome)
        if not (np.isnan(pooled) or np.isnan(within)):
            parts.append(f"{FRAME_NAMES[frame]} {pooled:+.1f} pooled, {within:+.1f} within")
    span_text = "; ".join(f"{name}: {int(r['min'])}–{int(r['max'])}" for name, r in spans.iterrows())
    return (f"Caution, composition: the values of {params['facet']} cover different years ({span_text}), so the pooled "
            "trend mixes changes within each value with the change in their mix over time."
            + (" Within values (one intercept per value, points per decade, point estimates): " + "; ".join(parts) + "."
               if parts else ""))


def _summary(data, dated, periods, frames, rate_table, slopes, params, date_sentence, composition, top) -> list[str]:
    """The findings in plain sentences: the trend of each frame first, then the facts behind it."""
    whole = periods[periods["facet"] == ALL]
    kept = whole[~whole["flagged"]]
    unit = params["unit"]
    sentences = []
    main = slopes[slopes["facet"] == ALL] if len(slopes) else slopes
    for frame in ("individual", "collective_social", "collective_labour"):
        row = main[main["frame"] == frame]
        if len(row):
            sentences.append(_trend_sentence(row.iloc[0], frame, unit, params))
            disagreement = _disagreement(row.iloc[0], frame)
            if disagreement:
                sentences.append(disagreement)
    if not data.classified:
        sentences.append("No classification: frame shares and trends are not available; mention rates are.")
    elif params["n_labelled"]:
        parts = [_ppi_phrase(main[main["frame"] == f], f) for f in ("individual", "collective_social", "collective_labour")]
        parts = [p for p in parts if p]
        if parts:
            sentences.append(f"Corrected for classifier error with {params['n_labelled']:,} labelled {unit}s (PPI++): "
                             + "; ".join(parts) + " points per decade (the frames table gives corrected shares per period).")
    else:
        probs = [f"{FRAME_NAMES[f]} {r['prob_points_per_decade']:+.1f} (CI {r['prob_low']:+.1f} to {r['prob_high']:+.1f})"
                 for f in ("individual", "collective_social", "collective_labour") for _, r in main[main["frame"] == f].iterrows()
                 if not np.isnan(r["prob_points_per_decade"])]
        sentences.append("These shares count the classifier's decisions and are not corrected for its errors, which may "
                         "differ from one period to another (no labelled sample was given)"
                         + (f"; from the mean probability instead: {'; '.join(probs)} points per decade." if probs else "."))
    if params["facet"] and len(slopes):
        for value, part in slopes[slopes["facet"] != ALL].groupby("facet", sort=True):
            trends = [_short_trend(part[part["frame"] == frame], frame) for frame in ("individual", "collective_social", "collective_labour")]
            if any(trends):
                sentences.append(f"{params['facet']} = {value} ({int(part['n_units'].iloc[0]):,} {unit}s): "
                                 + "; ".join(t for t in trends if t) + " (points per decade; q: Benjamini–Hochberg over "
                                 f"the {int((slopes['facet'] != ALL).sum())} facet slopes).")
    if params["facet"]:
        composition_warning = _composition_sentence(dated, periods, params)
        if composition_warning:
            sentences.append(composition_warning)
    sides = rate_table[(rate_table["facet"] == ALL) & (~rate_table["flagged"]) & rate_table["label"].isin(["individual", "collective", "collective_labour"])]
    if len(kept) >= 2 and len(sides):
        first, last = kept.iloc[0]["period"], kept.iloc[-1]["period"]
        parts = []
        side_names = {"individual": "individual", "collective": "collective social intervention",
                      "collective_labour": "collective labour relations"}
        for side in ("individual", "collective", "collective_labour"):
            r = sides[sides["label"] == side].set_index("period")["rate"]
            if first in r and last in r:
                parts.append(f"{side_names[side]} {r[first]:.1f} → {r[last]:.1f}")
        if parts:
            sentences.append(f"Counted mentions per 10,000 tokens, {first} → {last}: " + "; ".join(parts) + ".")
    sentences.append(_cluster_sentence(params, composition, top, unit))
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


def _cluster_sentence(params: dict, composition: pd.DataFrame, top: pd.DataFrame, unit: str) -> str:
    """How the intervals are clustered, and how concentrated the corpus is."""
    field = params["cluster"]
    what = "creating texts" if field.startswith("creating_text") else ("documents" if field == "doc_id" else f"values of '{field}'")
    text = (f"Intervals, tests and slopes resample or sum over {params['n_clusters']:,} {what} (cluster field '{field}'): "
            f"the {unit}s of one cluster are not taken as independent")
    whole = composition[(composition["facet"] == ALL) & ~composition["flagged"]] if len(composition) else composition
    if len(top) and params["n_units"]:
        first = top.iloc[0]
        text += f"; the largest cluster ({first['title'] or first['cluster']}) holds {first['share_of_units']:.0%} of all {unit}s"
    if len(whole):
        worst = whole.loc[whole["largest_share"].idxmax()]
        text += f", and one cluster holds {worst['largest_share']:.0%} of the {unit}s of {worst['period']}"
    return text + "."


def _disagreement(row: pd.Series, frame: str) -> str:
    """A sentence when the logistic slope and Sen's slope on the period shares point in opposite directions."""
    if row["status"] != "ok" or pd.isna(row["sen_agrees"]) or bool(row["sen_agrees"]):
        return ""
    return (f"For {FRAME_NAMES.get(frame, frame)}, the logistic slope ({row['points_per_decade']:+.1f} points per decade, every {row['n_units']:,} "
            f"units weighted alike) and Sen's slope on the period shares ({row['sen_points_per_decade']:+.1f}, every period "
            "weighted alike) disagree in sign: the direction of this trend depends on how periods are weighted and is not a finding.")


def _ppi_phrase(rows: pd.DataFrame, frame: str) -> str:
    if not len(rows) or np.isnan(rows.iloc[0]["ppi_points_per_decade"]):
        return ""
    r = rows.iloc[0]
    raw = f", classify-and-count {r['points_per_decade']:+.1f}" if not np.isnan(r["points_per_decade"]) else ""
    return f"{FRAME_NAMES.get(frame, frame)} {r['ppi_points_per_decade']:+.1f} (CI {r['ppi_low']:+.1f} to {r['ppi_high']:+.1f}{raw})"


def _short_trend(rows: pd.DataFrame, frame: str) -> str:
    """``individual +6.5 (CI +4.2 to +9.3, q = 0.010)``, the reason when no slope is given, or nothing."""
    if not len(rows):
        return ""
    r = rows.iloc[0]
    frame = {"collective_social": "collective social", "collective_labour": "labour relations"}.get(frame, frame)
    if r["status"].startswith("not fitted"):  # e.g. a frame no unit of this facet value has
        return ""
    if r["status"] != "ok":
        return f"{frame}: no slope ({r['status']})"
    if np.isnan(r["points_per_decade"]):
        return ""
    # A trend needs both: a small q (cluster-robust Wald test) and an interval that excludes 0.
    clear = "" if r["q_value"] < 0.05 and (r["points_low"] > 0 or r["points_high"] < 0) else ", no clear trend"
    return f"{frame} {r['points_per_decade']:+.1f} (CI {r['points_low']:+.1f} to {r['points_high']:+.1f}, q = {r['q_value']:.3f}{clear})"


def _trend_sentence(row: pd.Series, frame: str, unit: str, params: dict) -> str:
    confidence = params["confidence"]
    frame = FRAME_NAMES.get(frame, f"{frame}")
    status = row["status"]
    if status.startswith("not fitted"):
        return f"The share of {frame} cannot be estimated over time (too few or only identical labels)."
    if status.startswith("too few"):
        need = "periods" if "periods" in status else "clusters"
        minimum = params["min_periods"] if need == "periods" else params["min_clusters"]
        return (f"No trend is given for the share of {frame}: {status.removeprefix('too few ')} — at least "
                f"{minimum} {need} are needed for a slope.")
    span = f"{row['first_year']}–{row['last_year']}, {row['n_units']:,} {unit}s in {row['n_clusters']:,} clusters"
    pts = row["points_per_decade"]
    if status.startswith("too many failed"):
        return (f"The share of {frame} changes by {pts:+.1f} points per decade ({span}), but {row['n_failed']:,} of "
                f"{params['n_boot']:,} bootstrap refits failed, so no interval is given.")
    low, high = row["points_low"], row["points_high"]
    ci = f"{confidence:.0%} CI {low:+.1f} to {high:+.1f}"
    if low > 0 or high < 0:
        verb = "rises" if pts > 0 else "falls"
        return f"The share of {frame} {verb} by {abs(pts):.1f} points per decade ({ci}; {span})."
    return f"The share of {frame} shows no clear trend: {pts:+.1f} points per decade ({ci}; {span})."
