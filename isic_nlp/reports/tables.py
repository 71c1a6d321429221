"""The tables both reports share: frame and mode shares, mention rates, per group of units.

Intervals follow the sampling unit. When every unit of a group is a whole
document, units are independent and a share gets a Wilson interval; when
several units (articles, alinéas) come from one document, documents are
resampled (cluster bootstrap), never units or tokens. Mention rates always
get a bootstrap interval over documents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..classify.labels import FRAMES, MODES
from ..errors import Errors, IsicError
from . import stats
from .data import SIDES, ReportData

WILSON = "Wilson"
BOOTSTRAP = "bootstrap over documents"


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


def shares(units: pd.DataFrame, keys: list[str], kind: str, *, confidence: float, n_boot: int, seed: int) -> pd.DataFrame:
    """Share of units with each frame (``kind="frame"``) or mode (``"mode"``) per group of ``keys``.

    Columns: the keys, ``frame``/``mode``, ``n_units`` (classified units), ``k``,
    ``share``, ``low``, ``high``, ``interval`` and ``mean_probability`` (the mean
    of the model's probability: the expected share if the probabilities are calibrated).
    """
    indicators = outcome_indicators(units, kind)
    columns = [*keys, kind, "n_units", "n_documents", "k", "share", "low", "high", "interval", "mean_probability"]
    if not indicators:
        return pd.DataFrame(columns=columns)
    names = list(indicators)
    values = pd.DataFrame(indicators)
    values["doc_id"] = units["doc_id"].to_numpy()
    for key in keys:
        values[key] = units[key].to_numpy()
    probabilities = units[[f"p_{n}" for n in names]].to_numpy(dtype=float)
    values = values[values[names[0]].notna()]
    probabilities = probabilities[units["frame"].notna().to_numpy()]
    rows = []
    for group, part in values.groupby(keys, sort=True, dropna=False):
        group = group if isinstance(group, tuple) else (group,)
        mean_p = np.nanmean(probabilities[values.index.get_indexer(part.index)], axis=0) if len(part) else np.full(len(names), np.nan)
        per_doc = part.groupby("doc_id", sort=False)[names].sum()
        n_per_doc = part.groupby("doc_id", sort=False).size().to_numpy(dtype=float)
        n = len(part)
        k = per_doc.sum().to_numpy()
        if n_per_doc.max(initial=0) <= 1:
            low, high = stats.wilson_interval(k, n, confidence)
            method = WILSON
        else:
            _, low, high = stats.bootstrap_ratio(per_doc.to_numpy(), n_per_doc, n_boot=n_boot, confidence=confidence, seed=seed)
            method = BOOTSTRAP
        for j, name in enumerate(names):
            rows.append([*group, name, n, len(per_doc), int(k[j]), k[j] / n if n else np.nan,
                         float(np.atleast_1d(low)[j]), float(np.atleast_1d(high)[j]), method, float(mean_p[j])])
    return pd.DataFrame(rows, columns=columns)


def rate_labels(data: ReportData) -> list[tuple[str, str]]:
    """``(name, side)`` of every rate in a report: the three sides first, then each label."""
    present = [s for s in SIDES if f"n_{s}" in data.units.columns]
    return [(s, s) for s in present] + [(label, side) for label, side in data.labels.items() if f"n_{label}" in data.units.columns]


def rates(data: ReportData, units: pd.DataFrame, keys: list[str], *, confidence: float, n_boot: int, seed: int) -> pd.DataFrame:
    """Counted mentions per 10,000 tokens of each side and label, per group, with a bootstrap over documents."""
    labels = rate_labels(data)
    columns = [*keys, "label", "side", "n_documents", "n_tokens", "n_mentions", "rate", "low", "high"]
    count_columns = [f"n_{name}" for name, _ in labels]
    rows = []
    for group, part in units.groupby(keys, sort=True, dropna=False):
        group = group if isinstance(group, tuple) else (group,)
        per_doc = part.groupby("doc_id", sort=False)[["n_tokens", *count_columns]].sum()
        tokens = per_doc["n_tokens"].to_numpy(dtype=float)
        counts = per_doc[count_columns].to_numpy(dtype=float)
        estimate, low, high = stats.bootstrap_ratio(counts, tokens, n_boot=n_boot, confidence=confidence, seed=seed)
        for j, (name, side) in enumerate(labels):
            rows.append([*group, name, side, len(per_doc), int(tokens.sum()), int(counts[:, j].sum()),
                         float(estimate[j]) * 10_000, float(low[j]) * 10_000, float(high[j]) * 10_000])
    return pd.DataFrame(rows, columns=columns)
