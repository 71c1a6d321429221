"""The tables both reports share: frame and mode shares, mention rates, per group of units.

Intervals follow the sampling unit, the *cluster* (``cluster``: a column of the
units, ``doc_id`` by default; the reports pass the creating text of LEGI
articles). When every cluster of a group holds one unit, units are independent
and a share gets a Wilson interval; when several units come from one cluster,
whole clusters are resampled (cluster bootstrap), never units or tokens.
Mention rates always get a bootstrap interval over clusters. A share of 0 % or
100 % (no unit, or every unit, with the outcome) and a rate of 0 would get a
zero-width bootstrap interval: they get a Wilson interval over the clusters and
the exact Poisson upper bound instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..classify.labels import MODES
from ..errors import Errors, IsicError
from . import stats
from .data import REPORT_FRAMES as FRAMES
from .data import SIDES, ReportData

WILSON = "Wilson"
#: A share of 0 % or 100 % in clustered units: Wilson with one observation per cluster.
WILSON_CLUSTERS = "Wilson over clusters (0 % or 100 %)"
BOOTSTRAP = "bootstrap over documents"


def bootstrap_name(cluster: str) -> str:
    """How an interval was made: ``bootstrap over documents`` (doc_id), ``... creating texts`` or ``... <cluster>``."""
    if cluster == "doc_id":
        return BOOTSTRAP
    if cluster.startswith("creating_text"):
        return "bootstrap over creating texts"
    return f"bootstrap over {cluster}"


def check_options(*, n_boot: int, confidence: float, examples: int) -> None:
    """Report options a user can get wrong: a coded message rather than a traceback."""
    if n_boot < 1:
        raise IsicError(Errors.E006.format(option="--n-boot", expected="1 or more", value=n_boot))
    if not 0 < confidence < 1:
        raise IsicError(Errors.E006.format(option="confidence", expected="between 0 and 1", value=confidence))
    if examples < 0:
        raise IsicError(Errors.E006.format(option="--examples", expected="0 or more", value=examples))


def outcome_indicators(units: pd.DataFrame, kind: str) -> dict[str, pd.Series]:
    """For ``frame``: one 0/1 series per frame; for ``mode``: per mode. ``NaN`` where not classified."""
    if "frame" not in units.columns:
        return {}
    classified = units["frame"].notna()
    if kind == "frame":
        return {f: (units["frame"] == f).astype(float).where(classified) for f in FRAMES}
    return {m: units[f"mode_{m}"].astype(float).where(classified) for m in MODES}


def shares(units: pd.DataFrame, keys: list[str], kind: str, *, confidence: float, n_boot: int, seed: int,
           cluster: str = "doc_id") -> pd.DataFrame:
    """Share of units with each frame (``kind="frame"``) or mode (``"mode"``) per group of ``keys``.

    Columns: the keys, ``frame``/``mode``, ``n_units`` (classified units), ``k``,
    ``share``, ``low``, ``high``, ``interval``, ``n_clusters``, ``n_failed``
    (bootstrap resamples dropped) and ``mean_probability`` (the mean of the
    model's probability: the expected share if the probabilities are calibrated).
    """
    indicators = outcome_indicators(units, kind)
    columns = [*keys, kind, "n_units", "n_documents", "k", "share", "low", "high", "interval", "mean_probability",
               "n_clusters", "n_failed"]
    if not indicators:
        return pd.DataFrame(columns=columns)
    names = list(indicators)
    values = pd.DataFrame(indicators)
    values["doc_id"] = units["doc_id"].to_numpy()
    values["_cluster"] = units[cluster].to_numpy()
    for key in keys:
        values[key] = units[key].to_numpy()
    probabilities = units[[f"p_{n}" for n in names]].to_numpy(dtype=float)
    values = values[values[names[0]].notna()]
    probabilities = probabilities[units["frame"].notna().to_numpy()]
    rows = []
    for group, part in values.groupby(keys, sort=True, dropna=False):
        group = group if isinstance(group, tuple) else (group,)
        mean_p = np.nanmean(probabilities[values.index.get_indexer(part.index)], axis=0) if len(part) else np.full(len(names), np.nan)
        per_cluster = part.groupby("_cluster", sort=False)[names].sum()
        n_per_cluster = part.groupby("_cluster", sort=False).size().to_numpy(dtype=float)
        n = len(part)
        k = per_cluster.sum().to_numpy()
        failed = 0
        edge = np.zeros(len(names), dtype=bool)  # shares of 0 % or 100 % given a Wilson interval over clusters
        if len(per_cluster) < 2 and n_per_cluster.max(initial=0) > 1:
            low = high = np.full(len(names), np.nan)  # one cluster: its resamples are all alike
            method = "one cluster: no interval"
        elif n_per_cluster.max(initial=0) <= 1:
            low, high = stats.wilson_interval(k, n, confidence)
            method = WILSON
        else:
            boot = stats.bootstrap_ratio(per_cluster.to_numpy(), n_per_cluster, n_boot=n_boot, confidence=confidence, seed=seed)
            _, low, high = boot
            failed = boot.n_failed
            method = bootstrap_name(cluster)
            # No unit (or every unit) with the outcome: every resample gives 0 % (100 %), a
            # zero-width interval. Wilson over the clusters instead, each counted as one
            # observation (conservative: no cluster can be more informative than one unit).
            low, high = np.array(low, dtype=float), np.array(high, dtype=float)
            c = len(per_cluster)
            edge = (k == 0) | (k == n)
            for j in np.flatnonzero(edge):
                low[j], high[j] = stats.wilson_interval(0 if k[j] == 0 else c, c, confidence)
        methods = [WILSON_CLUSTERS if e else method for e in edge]
        n_docs = part["doc_id"].nunique()
        for j, name in enumerate(names):
            rows.append([*group, name, n, n_docs, int(k[j]), k[j] / n if n else np.nan,
                         float(np.atleast_1d(low)[j]), float(np.atleast_1d(high)[j]), methods[j], float(mean_p[j]),
                         len(per_cluster), failed])
    return pd.DataFrame(rows, columns=columns)


def rate_labels(data: ReportData) -> list[tuple[str, str]]:
    """``(name, side)`` of every rate in a report: the three sides first, then each label."""
    present = [s for s in SIDES if f"n_{s}" in data.units.columns]
    return [(s, s) for s in present] + [(label, side) for label, side in data.labels.items() if f"n_{label}" in data.units.columns]


def rates(data: ReportData, units: pd.DataFrame, keys: list[str], *, confidence: float, n_boot: int, seed: int,
          cluster: str = "doc_id") -> pd.DataFrame:
    """Counted mentions per 10,000 tokens of each side and label, per group, with a bootstrap over clusters."""
    labels = rate_labels(data)
    columns = [*keys, "label", "side", "n_documents", "n_tokens", "n_mentions", "rate", "low", "high", "n_clusters", "n_failed"]
    count_columns = [f"n_{name}" for name, _ in labels]
    rows = []
    for group, part in units.groupby(keys, sort=True, dropna=False):
        group = group if isinstance(group, tuple) else (group,)
        per_cluster = part.groupby(cluster, sort=False)[["n_tokens", *count_columns]].sum()
        tokens = per_cluster["n_tokens"].to_numpy(dtype=float)
        counts = per_cluster[count_columns].to_numpy(dtype=float)
        boot = stats.bootstrap_ratio(counts, tokens, n_boot=n_boot, confidence=confidence, seed=seed)
        estimate, low, high = boot
        low, high = np.array(low, dtype=float), np.array(high, dtype=float)
        # No counted mention: every resample gives 0, a zero-width interval. The exact
        # (Garwood) Poisson upper bound of zero events in these tokens instead.
        zero = counts.sum(axis=0) == 0
        if zero.any() and tokens.sum() > 0:
            low[zero], high[zero] = 0.0, stats.poisson_upper_zero(confidence) / tokens.sum()
        n_docs = part["doc_id"].nunique()
        for j, (name, side) in enumerate(labels):
            rows.append([*group, name, side, n_docs, int(tokens.sum()), int(counts[:, j].sum()),
                         float(estimate[j]) * 10_000, float(low[j]) * 10_000, float(high[j]) * 10_000,
                         len(per_cluster), boot.n_failed])
    return pd.DataFrame(rows, columns=columns)
