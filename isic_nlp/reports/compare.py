"""Comparisons between groups: frame shares with tests and effect sizes, and keyness.

Groups are the values of a field (``collection``, ``doc_type``...), periods
(``period:10``), or the inputs themselves (one group per input). Each group is
compared with the rest of the corpus: frame shares (difference with Newcombe's
interval, Cohen's h, a two-proportion test), and the keyness of lexicon labels
and lemmas by log-likelihood (G²), Lafon's specificities and the log-odds ratio
with an informative Dirichlet prior. P-values are corrected for multiple testing
(Benjamini–Hochberg) within each table.

Example:
    >>> from isic_nlp.reports import compare
    >>> report = compare("corpora/demo.jsonl.gz", by="doc_type")  # doctest: +SKIP
    >>> report.keyness_lemmas.head()  # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as sps

from ..errors import Errors, IsicError
from .data import DEMO_NOTICE, FRAME_NAMES
from .data import REPORT_FRAMES as FRAMES
from . import inference, ppi, stats
from .data import ReportData, load_report_data
from .dates import choose_date_field, parse_period, period_labels, unit_years
from .evidence import evidence
from .tables import bootstrap_name, check_options, outcome_indicators, rate_labels, rates, shares

MAX_GROUPS = 30
NO_VALUE = "(no value)"


@dataclass
class CompareReport:
    """The tables of a comparison (see :func:`compare`).

    Attributes:
        groups: ``group, n_units, n_documents, n_tokens``.
        frames: share of each frame per group with interval, and against the rest
            of the corpus: ``diff_points`` with ``diff_low``/``diff_high`` (Newcombe),
            ``cohens_h``, ``p_value`` and ``q_value`` (Benjamini–Hochberg).
        modes: the same for the ISIC modes.
        tests: the χ² test of independence of group and frame (and of group and
            each mode), with Cramér's V; with clustered units also a cluster-robust
            Wald test (``cluster_wald``, ``cluster_dof``, ``cluster_p_value``).
        rates: counted mentions per 10,000 tokens per group and label, bootstrap interval.
        keyness_labels, keyness_lemmas: each group against the rest: counts,
            ``g2``/``g2_q``, ``specificity``/``specificity_q`` (Lafon), ``log_odds``/``z``.
        evidence: keyword-in-context examples per group and label.
        summary, params, data: as in :class:`~isic_nlp.reports.trend.TrendReport`.
    """

    groups: pd.DataFrame
    frames: pd.DataFrame
    modes: pd.DataFrame
    tests: pd.DataFrame
    rates: pd.DataFrame
    keyness_labels: pd.DataFrame
    keyness_lemmas: pd.DataFrame
    evidence: pd.DataFrame
    summary: list[str]
    params: dict[str, Any]
    data: ReportData = field(repr=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"groups": self.groups, "frames": self.frames, "modes": self.modes, "tests": self.tests,
                "rates": self.rates, "keyness_labels": self.keyness_labels,
                "keyness_lemmas": self.keyness_lemmas, "evidence": self.evidence}


def compare(
    source: ReportData | Any,
    *,
    by: str | None = None,
    unit: str = "document",
    date_field: str | None = None,
    min_count: int = 10,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    examples: int = 3,
    pipeline: str | None = None,
    model: str | Path | None = None,
    cluster: str | None = None,
    labels: pd.DataFrame | None = None,
    cache: str | Path | None = None,
) -> CompareReport:
    """Compare groups of units: frame shares, tests, effect sizes and keyness.

    Args:
        source: a :class:`ReportData` or what :func:`load_report_data` takes.
        by: the field that defines the groups, ``period:N`` for periods of N
            years, or ``None``/``"input"`` for one group per input.
        min_count: lemmas seen fewer times in the whole corpus are left out of lemma keyness.
        cluster: the field whose units are resampled together and whose scores are summed
            for the standard errors of the differences (default as in the trend report).
        labels: gold frames (``id``, ``frame``): each group's shares and its difference
            against the rest are then also estimated by PPI++ (labels taken as drawn at
            random within each group).
        Other arguments as in :func:`~isic_nlp.reports.trend.trend`.
    """
    if not isinstance(source, ReportData):  # fields checked before the analysis
        source = load_report_data(source, unit=unit, pipeline=pipeline, model=model, cache=cache,
                                  fields={"--by": by, "--date-field": date_field, "--cluster": cluster},
                                  dates=bool(by and by.startswith("period")))
    data = source
    check_options(n_boot=n_boot, confidence=confidence, examples=examples)
    units = data.units.copy()
    units["_cluster"], cluster_field = inference.resolve_cluster(units, cluster)
    gold = inference.gold_frames(units, labels)
    units["_gold"] = gold if gold is not None else np.nan
    design = inference.label_design(units, labels)
    if design is not None:
        units = pd.concat([units, design], axis=1)
    by = by or "input"
    units["group"] = _groups(units, by, date_field)
    values = sorted(units["group"].unique())
    if len(values) > MAX_GROUPS:
        raise IsicError(Errors.E603.format(field=by, n=len(values), maximum=MAX_GROUPS))
    if len(values) < 2:
        raise IsicError(Errors.E606.format(field=by, n=len(values), values=", ".join(values)))
    common = {"confidence": confidence, "n_boot": n_boot, "seed": seed}
    groups = (
        units.groupby("group", sort=True)
        .agg(n_units=("id", "size"), n_documents=("doc_id", "nunique"), n_tokens=("n_tokens", "sum"))
        .reset_index()
    )
    clustered = {**common, "cluster": "_cluster"}
    singletons = bool(units["_cluster"].is_unique)
    frames = _against_rest(_named(shares(units, ["group"], "frame", **clustered), cluster_field), "frame", confidence,
                           None if singletons else units)
    modes = _against_rest(_named(shares(units, ["group"], "mode", **clustered), cluster_field), "mode", confidence,
                          None if singletons else units)
    if gold is not None:
        frames = frames.merge(_ppi_against_rest(units, confidence), on=["group", "frame"], how="left")
    tests = _tests(frames, modes, None if singletons else units)
    rate_table = rates(data, units, ["group"], **clustered)
    keyness_labels = _label_keyness(data, units)
    keyness_lemmas = _lemma_keyness(data, units, min_count)
    proof = evidence(data, units["group"], per_cell=examples, seed=seed, date_field=date_field or _date_field(units))
    params = {"report": "compare", "by": by, "unit": data.unit_level, "min_count": min_count, "n_boot": n_boot,
              "confidence": confidence, "seed": seed, "examples": examples, "n_groups": len(values),
              "n_units": len(units), "n_documents": int(units["doc_id"].nunique()),
              "cluster": cluster_field, "n_clusters": int(units["_cluster"].nunique()), "clustered": not singletons,
              "interval": bootstrap_name(cluster_field), "n_labelled": int(units["_gold"].notna().sum())}
    summary = _summary(data, groups, frames, tests, keyness_labels, keyness_lemmas, params)
    if data.provenance.get("demo"):
        summary.insert(0, DEMO_NOTICE)
    return CompareReport(groups, frames, modes, tests, rate_table, keyness_labels, keyness_lemmas, proof, summary, params, data)


def _date_field(units: pd.DataFrame) -> str | None:
    return next((f for f in ("date", "year") if f in units.columns), None)


def _groups(units: pd.DataFrame, by: str, date_field: str | None) -> pd.Series:
    """The group of each unit: a field's value, a period, or the input; ``(no value)`` when missing."""
    if by.startswith("period"):
        width = parse_period(by.partition(":")[2] or "10")
        field_name = choose_date_field(units, date_field)
        years = unit_years(units[field_name])
        return period_labels(years, width).astype("string").fillna(NO_VALUE).astype(str)
    if by not in units.columns:
        raise IsicError(Errors.E601.format(field=by, known=", ".join(map(str, units.columns))))
    return units[by].astype("string").fillna(NO_VALUE).astype(str)


def _named(table: pd.DataFrame, cluster_field: str) -> pd.DataFrame:
    if len(table):
        table["interval"] = table["interval"].replace(bootstrap_name("_cluster"), bootstrap_name(cluster_field))
    return table


def _against_rest(table: pd.DataFrame, kind: str, confidence: float, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each group's share against the share in all the other groups.

    Units independent (``units`` None: every cluster holds one unit): Newcombe's
    interval and the pooled two-proportion test. Clustered units: the difference
    with a cluster-robust standard error (each unit's influence on ``p_group − p_rest``
    summed within clusters, ``G/(G − 1)``), a Wald interval and z test (``diff_method``).
    """
    if len(table) == 0:
        return table.assign(**{c: [] for c in ("diff_points", "diff_low", "diff_high", "cohens_h", "p_value", "q_value", "diff_method")})
    totals = table.groupby(kind)[["k", "n_units"]].transform("sum")
    k1, n1 = table["k"].to_numpy(float), table["n_units"].to_numpy(float)
    k2, n2 = totals["k"].to_numpy(float) - k1, totals["n_units"].to_numpy(float) - n1
    with np.errstate(invalid="ignore", divide="ignore"):
        h = stats.cohens_h(k1 / n1, k2 / n2)
    if units is None:
        diff, low, high = stats.newcombe_difference(k1, n1, k2, n2, confidence)
        p = stats.two_proportion_test(k1, n1, k2, n2)
        method = "Newcombe; pooled z test"
    else:
        diff, se = _clustered_differences(units, table, kind)
        z = stats._z(confidence)
        low, high = diff - z * se, diff + z * se
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(se > 0, 2 * special.ndtr(-np.abs(diff / se)), np.nan)
        method = "cluster-robust Wald"
    return table.assign(diff_points=100 * np.asarray(diff), diff_low=100 * np.asarray(low), diff_high=100 * np.asarray(high),
                        cohens_h=h, p_value=p, q_value=stats.benjamini_hochberg(np.asarray(p, dtype=float)), diff_method=method)


def _clustered_differences(units: pd.DataFrame, table: pd.DataFrame, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """``p_group − p_rest`` and its cluster-robust standard error for every row of ``table``."""
    indicators = outcome_indicators(units, kind)
    names = list(indicators)
    values = pd.DataFrame(indicators)
    ok = values[names[0]].notna().to_numpy()
    Y = values[names].to_numpy(float)[ok]
    group = units["group"].to_numpy()[ok]
    codes, G = stats.cluster_codes(units["_cluster"].to_numpy()[ok], len(Y))
    diff = np.full(len(table), np.nan)
    se = np.full(len(table), np.nan)
    column = {name: j for j, name in enumerate(names)}
    for name in dict.fromkeys(table["group"]):
        inside = group == name
        n_a, n_b = inside.sum(), (~inside).sum()
        if n_a == 0 or n_b == 0 or G < 2:
            continue
        p_a, p_b = Y[inside].mean(axis=0), Y[~inside].mean(axis=0)
        phi = np.where(inside[:, None], (Y - p_a) / n_a, -(Y - p_b) / n_b)
        variance = np.diag(ppi.cluster_meat(phi, codes, G))
        rows = np.flatnonzero(table["group"].to_numpy() == name)
        cols = [column[v] for v in table[kind].to_numpy()[rows]]
        diff[rows] = (p_a - p_b)[cols]
        se[rows] = np.sqrt(variance[cols])
    return diff, se


def _ppi_against_rest(units: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """PPI++ share of each frame per group, and its difference against the rest (groups weighted by size)."""
    rows = []
    part = units[units["frame"].notna()]
    lab = part[part["_gold"].notna()]
    for frame in FRAMES:
        res = ppi.ppi_shares((lab["_gold"] == frame).to_numpy(float), lab[f"p_{frame}"].to_numpy(float), lab["group"],
                             part[f"p_{frame}"].to_numpy(float), part["group"], cluster=lab["_cluster"].to_numpy(),
                             cluster_unlabelled=part["_cluster"].to_numpy(), confidence=confidence, df="effective", lam=1.0,
                             weights=lab["_weight"].to_numpy(float) if "_weight" in lab else None)
        for h, name in enumerate(res.groups):
            est = res.by_group[name]
            rest = res.N_per_group.copy()
            rest[h] = 0.0
            ok = ~np.isnan(res.estimates)
            weights = np.where(ok, -rest / rest[ok].sum(), 0.0) if rest[ok].sum() > 0 else np.zeros_like(rest)
            weights[h] = 1.0
            d, _, d_low, d_high = res.combine(weights)
            rows.append([name, frame, est.n, est.estimate, est.low, est.high, 100 * d, 100 * d_low, 100 * d_high])
    return pd.DataFrame(rows, columns=["group", "frame", "n_labelled", "ppi_share", "ppi_low", "ppi_high",
                                       "ppi_diff_points", "ppi_diff_low", "ppi_diff_high"])


def _tests(frames: pd.DataFrame, modes: pd.DataFrame, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """χ² of group × frame, and of group × (with mode, without) for each mode some unit has.

    With clustered ``units``, also a cluster-robust Wald test of the same hypothesis
    (:func:`_cluster_wald`): ``cluster_wald``, ``cluster_dof``, ``cluster_p_value``.
    """
    rows = []
    if len(frames):
        counts = frames.pivot(index="group", columns="frame", values="k").fillna(0)
        rows.append(("frame", counts.to_numpy(), None))
    for mode, part in modes.groupby("mode", sort=False) if len(modes) else ():
        with_mode = part["k"].to_numpy(float)
        if not with_mode.sum():
            continue  # no unit has the mode: nothing to test (its shares, all 0, are in the modes table)
        rows.append((f"mode {mode}", np.column_stack([with_mode, part["n_units"].to_numpy(float) - with_mode]), mode))
    out = []
    for name, table, mode in rows:
        result = stats.chi2_independence(table)
        used = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
        row = {"variable": name, "chi2": result.chi2, "dof": result.dof, "p_value": result.p_value,
               "cramers_v": result.cramers_v, "n_units": result.n, "v_dof": max(0, min(used.shape) - 1)}
        if units is not None:
            wald, dof, p = _cluster_wald(units, mode)
            row.update(cluster_wald=wald, cluster_dof=dof, cluster_p_value=p)
        out.append(row)
    columns = ["variable", "chi2", "dof", "p_value", "cramers_v", "v_dof", "n_units"]
    if units is not None:
        columns += ["cluster_wald", "cluster_dof", "cluster_p_value"]
    return pd.DataFrame(out, columns=columns)


def _cluster_wald(units: pd.DataFrame, mode: str | None = None) -> tuple[float, int, float]:
    """Cluster-robust Wald test that every group has the same frame shares (or share of ``mode``).

    ``θ_g`` = the shares of group g (frames seen in the data, the last left out: they
    sum to 1); H0: ``θ_g = θ_1`` for every g. Each unit's influence on ``θ_g`` is
    ``(y_i − θ_g)/n_g``, summed within clusters (``G/(G − 1)``, as the differences
    against the rest); ``W = dᵀ (C V Cᵀ)⁺ d`` with d the contrasts, ~ χ² with
    rank(C V Cᵀ) degrees of freedom (Wald on a design-based covariance, as
    survey packages do instead of Pearson's χ² when units are clustered).
    """
    classified = units[units["frame"].notna()]
    if mode is None:
        seen = [f for f in FRAMES if (classified["frame"] == f).any()][:-1]
        Y = np.column_stack([(classified["frame"] == f).to_numpy(float) for f in seen]) if seen else np.zeros((len(classified), 0))
    else:
        Y = classified[f"mode_{mode}"].astype(float).to_numpy()[:, None]
    groups = sorted(classified["group"].unique())
    if Y.shape[1] == 0 or len(groups) < 2:
        return math.nan, 0, math.nan
    codes, G = stats.cluster_codes(classified["_cluster"].to_numpy(), len(classified))
    group = classified["group"].to_numpy()
    k = Y.shape[1]
    theta = np.zeros(len(groups) * k)
    phi = np.zeros((len(classified), len(groups) * k))
    for g, name in enumerate(groups):
        inside = group == name
        mean = Y[inside].mean(axis=0)
        theta[g * k:(g + 1) * k] = mean
        phi[inside, g * k:(g + 1) * k] = (Y[inside] - mean) / inside.sum()
    V = ppi.cluster_meat(phi, codes, G)
    C = np.zeros(((len(groups) - 1) * k, len(groups) * k))
    for g in range(1, len(groups)):
        for j in range(k):
            C[(g - 1) * k + j, g * k + j] = 1.0
            C[(g - 1) * k + j, j] = -1.0
    d = C @ theta
    middle = C @ V @ C.T
    dof = int(np.linalg.matrix_rank(middle, tol=1e-12 * max(1.0, float(np.abs(middle).max()))))
    if dof == 0:
        return math.nan, 0, math.nan
    wald = float(d @ np.linalg.pinv(middle, rcond=1e-10) @ d)
    return wald, dof, float(sps.chi2.sf(wald, dof))


def _keyness(counts: pd.DataFrame, item: str, totals: pd.Series) -> pd.DataFrame:
    """G², Lafon specificity and Dirichlet log-odds of every (group, item) count against the rest.

    ``counts`` has ``group``, ``item`` and ``k``; ``totals`` the tokens of each group. The
    log-odds prior is each item's corpus frequency shrunk to 1,000 pseudo-tokens
    (``α_w = K_w · 1000 / N``, the default of :func:`stats.log_odds_dirichlet`).
    """
    if len(counts) == 0:
        return pd.DataFrame(columns=["group", item, "k", "K", "n", "N", "rate_group", "rate_rest", "g2", "g2_p", "g2_q",
                                     "specificity", "specificity_p", "specificity_q", "log_odds", "z"])
    K = counts.groupby(item)["k"].transform("sum").to_numpy(float)
    k = counts["k"].to_numpy(float)
    n = counts["group"].map(totals).to_numpy(float)
    N = float(totals.sum())
    g2, g2_p = stats.log_likelihood_g2(k, K, n, N)
    spec, spec_p = stats.lafon_specificity(k, K, n, N)
    delta, z = stats.log_odds_dirichlet(k, K, n, N)
    with np.errstate(invalid="ignore", divide="ignore"):
        table = counts.assign(K=K.astype(int), n=n.astype(int), N=int(N), rate_group=k / n * 10_000, rate_rest=(K - k) / (N - n) * 10_000,
                              g2=g2, g2_p=g2_p, g2_q=stats.benjamini_hochberg(g2_p),
                              specificity=spec, specificity_p=spec_p, specificity_q=stats.benjamini_hochberg(np.minimum(1.0, 2 * np.asarray(spec_p))),
                              log_odds=delta, z=z)
    return table.sort_values(["group", "specificity"], ascending=[True, False], kind="stable").reset_index(drop=True)


def _label_keyness(data: ReportData, units: pd.DataFrame) -> pd.DataFrame:
    """Keyness of lexicon labels and sides: counted mentions against tokens."""
    names = [name for name, _ in rate_labels(data)]
    per_group = units.groupby("group", sort=True)[[f"n_{n}" for n in names]].sum()
    per_group.columns = names
    counts = per_group.stack().rename("k").reset_index().rename(columns={"level_1": "label"})
    counts.columns = ["group", "label", "k"]
    totals = units.groupby("group", sort=True)["n_tokens"].sum()
    table = _keyness(counts, "label", totals)
    table.insert(2, "side", table["label"].map(lambda n: data.labels.get(n, n)))
    return table


def _lemma_keyness(data: ReportData, units: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Keyness of lemmas (alphabetic, not stop words) seen at least ``min_count`` times."""
    if data.lemmas is None or len(data.lemmas) == 0:
        return _keyness(pd.DataFrame(columns=["group", "lemma", "k"]), "lemma", pd.Series(dtype=float))
    group_of = units.drop_duplicates("id").set_index("id")["group"]
    lemmas = data.lemmas.assign(group=data.lemmas["id"].map(group_of)).dropna(subset=["group"])
    counts = lemmas.groupby(["group", "lemma"], sort=True)["count"].sum().rename("k").reset_index()
    totals = counts.groupby("group")["k"].sum()
    corpus = counts.groupby("lemma")["k"].sum()
    frequent = corpus[corpus >= min_count].index
    # Every group gets a row for every frequent lemma, zero counts included (under-use is keyness too).
    full = pd.MultiIndex.from_product([totals.index, frequent], names=["group", "lemma"])
    counts = counts.set_index(["group", "lemma"])["k"].reindex(full, fill_value=0).reset_index()
    return _keyness(counts, "lemma", totals)


def _summary(data, groups, frames, tests, keyness_labels, keyness_lemmas, params) -> list[str]:
    sentences = []
    by = params["by"]
    test = tests[tests["variable"] == "frame"] if len(tests) else tests
    if len(test) and params.get("clustered") and not np.isnan(test.iloc[0].get("cluster_p_value", np.nan)):
        t = test.iloc[0]
        verdict = "differ" if t["cluster_p_value"] < 0.05 else "do not differ clearly"
        sentences.append(
            f"Frame shares {verdict} between the {params['n_groups']} groups of '{by}' (cluster-robust Wald χ² = "
            f"{t['cluster_wald']:.1f}, df = {int(t['cluster_dof'])}, {_p(t['cluster_p_value'])}; Cramér's V = "
            f"{t['cramers_v']:.2f}; Pearson's χ², which takes the units as independent, gives {_p(t['p_value'])})."
        )
    elif len(test):
        t = test.iloc[0]
        sentences.append(
            f"Frame shares differ between the {params['n_groups']} groups of '{by}' "
            f"(χ² = {t['chi2']:.1f}, df = {int(t['dof'])}, {_p(t['p_value'])}; Cramér's V = {t['cramers_v']:.2f}, "
            f"{_size(t['cramers_v'], int(t['v_dof']))} association)."
            if t["p_value"] < 0.05 else
            f"Frame shares do not differ clearly between the {params['n_groups']} groups of '{by}' "
            f"(χ² = {t['chi2']:.1f}, df = {int(t['dof'])}, {_p(t['p_value'])}; Cramér's V = {t['cramers_v']:.2f})."
        )
    for frame in ("individual", "collective_social", "collective_labour"):
        part = frames[frames["frame"] == frame] if len(frames) else frames
        if len(part) >= 2:
            hi, lo = part.loc[part["share"].idxmax()], part.loc[part["share"].idxmin()]
            sentences.append(
                f"{FRAME_NAMES[frame][0].upper()}{FRAME_NAMES[frame][1:]} is most frequent in {hi['group']} ({hi['share']:.0%}, "
                f"{_ci(hi['low'], hi['high'], params['confidence'])}; {hi['diff_points']:+.1f} points against the rest, "
                f"{_p(hi['q_value'], 'q')}) and least in {lo['group']} ({lo['share']:.0%}, {_ci(lo['low'], lo['high'], params['confidence'])})."
            )
    if not data.classified:
        sentences.append("No classification: frame shares and tests are not available; keyness and mention rates are.")
    for group in groups["group"]:
        parts = []
        labels = keyness_labels[(keyness_labels["group"] == group) & (keyness_labels["specificity_q"] < 0.05) & (keyness_labels["specificity"] > 0)]
        if len(labels):
            parts.append("labels " + ", ".join(labels["label"].head(3)))
        lemmas = keyness_lemmas[(keyness_lemmas["group"] == group) & (keyness_lemmas["specificity_q"] < 0.05) & (keyness_lemmas["specificity"] > 0)]
        if len(lemmas):
            parts.append("lemmas " + ", ".join(lemmas["lemma"].head(8)))
        if parts:
            sentences.append(f"Most specific to {group}: " + "; ".join(parts) + ".")
    if params["n_labelled"]:
        sentences.append(f"{params['n_labelled']:,} labelled {params['unit']}s correct the shares for classifier error "
                         "(PPI++: ppi_share and ppi_diff_points in the frames table).")
    elif data.classified:
        sentences.append("The shares count the classifier's decisions and are not corrected for its errors (no labelled "
                         "sample was given); mean_probability gives the estimate of a calibrated model.")
    sentences.append(
        f"{params['n_units']:,} {params['unit']}s"
        + (f" from {params['n_documents']:,} documents" if params["unit"] != "document" else "")
        + f" in {params['n_groups']} groups of '{by}'"
        + (f"; intervals and the tests of each group against the rest resample or sum over {params['n_clusters']:,} clusters "
           f"('{params['cluster']}'); Pearson's χ² treats units as independent, so its p-value is optimistic (the "
           "cluster-robust Wald test is in the tests table)"
           if params["clustered"] else "")
        + "."
    )
    sentences.extend(data.notes)
    return sentences


def _p(p: float, name: str = "p") -> str:
    return f"{name} < 0.001" if p < 0.001 else f"{name} = {p:.3f}"


def _ci(low: float, high: float, confidence: float) -> str:
    return f"{confidence:.0%} CI {low:.0%}–{high:.0%}"


def _size(v: float, dof: int) -> str:
    """Cohen's (1988) conventions for Cramér's V: 0.1, 0.3, 0.5 divided by √(smaller table side − 1)."""
    small = 0.1 / np.sqrt(max(1, dof))
    if v < small:
        return "a negligible"
    if v < 3 * small:
        return "a small"
    if v < 5 * small:
        return "a medium"
    return "a large"
