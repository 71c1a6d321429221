"""What the trend and comparison reports share for inference: clusters, composition, labels.

* :func:`resolve_cluster`: the cluster of every unit (the creating text of a LEGI
  article, else its document), which every interval, test and slope resamples
  or sums over;
* :func:`composition` and :func:`top_clusters`: how many units each cluster
  contributes, per period and overall (one décret can supply most of a period);
* :func:`text_level_shares` and :func:`text_level_slopes`: the view where every
  cluster weighs the same (the mean of within-cluster shares);
* :func:`gold_frames`: gold labels matched to the units, and :func:`ppi_share_table`
  / :func:`ppi_slope` / :func:`probability_slope`: shares and slopes corrected for
  classifier error by PPI++ (:mod:`isic_nlp.reports.ppi`), or, without labels,
  from the mean probability.

Example:
    >>> import pandas as pd
    >>> units = pd.DataFrame({"doc_id": ["a1", "a2", "b1"],
    ...     "creating_text": ['{"text_cid": "JORF1", "title": "Loi 1 - art. 2"}', '{"text_cid": "JORF1"}', '{"text_cid": "JORF2"}']})
    >>> resolve_cluster(units, None)[0].tolist(), resolve_cluster(units, None)[1]
    (['JORF1', 'JORF1', 'JORF2'], 'creating_text.text_cid')
"""

from __future__ import annotations

import json
import math
import re
import warnings

import numpy as np
import pandas as pd

from ..classify.labels import FRAMES as GOLD_FRAMES
from .data import REPORT_FRAMES as FRAMES
from ..errors import Errors, IsicError
from . import ppi, stats

# The text that made each unit: LEGI articles' creating text; for article versions
# (isic_nlp.corpus.versions) the text that created or modified the version (text_key).
CREATING_TEXT_FIELDS = ("creating_text_cid", "creating_text_text_cid", "creating_text_title", "text_key")


def _creating_text(value, key: str):
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed.get(key) if isinstance(parsed, dict) else None


def resolve_cluster(units: pd.DataFrame, cluster: str | None) -> tuple[pd.Series, str]:
    """``(cluster id of each unit, the field used)``.

    ``cluster`` names a column of the units. ``None``: the creating text of LEGI
    articles (``creating_text_cid``, or the ``text_cid`` inside the ``creating_text``
    object the LEGI reader writes, or ``creating_text_title``), the modifying text of
    article versions (``text_key``), else ``doc_id`` (the
    document the units were cut from). A unit without a value is its own cluster
    (``doc:<doc_id>``, its document; warned with W604 when ``cluster`` was given).
    Unknown field: E607.
    """
    if cluster is not None:
        if cluster not in units.columns:
            raise IsicError(Errors.E607.format(field=cluster, known=", ".join(map(str, units.columns))))
        values, name = units[cluster], cluster
    else:
        name = next((f for f in CREATING_TEXT_FIELDS if f in units.columns and units[f].notna().any()), None)
        if name is not None:
            values = units[name]
        elif "creating_text" in units.columns and units["creating_text"].notna().any():
            # The creating text's id, else its title without the article number (the CASF
            # records of ../shared/corpora name the decree, not its LEGI id).
            distinct = units["creating_text"].dropna().unique()
            cids = {v: _creating_text(v, "text_cid") for v in distinct}
            titles = {v: _text_title(_creating_text(v, "title")) for v in distinct if not cids[v]}
            values = units["creating_text"].map({v: cids[v] or titles.get(v) for v in distinct})
            used_titles = any(titles.values())
            name = ("creating_text.title" if used_titles and not any(cids.values()) else
                    "creating_text.text_cid, else title" if used_titles else "creating_text.text_cid")
            if values.isna().all():
                values, name = units["doc_id"], "doc_id"
        else:
            values, name = units["doc_id"], "doc_id"
    ids = values.astype("string")
    missing = ids.isna() | (ids.str.strip() == "")
    if missing.any():
        # With the default, units outside LEGI (no creating text) being their own document is expected: no warning.
        if cluster is not None and name != "doc_id":
            warnings.warn(Errors.W604.format(n=int(missing.sum()), total=len(units), field=name), UserWarning, stacklevel=3)
        ids = ids.mask(missing, "doc:" + units["doc_id"].astype(str))
    return ids.astype(str), name


def _text_title(title) -> str | None:
    """A creating text's title without the article it points to (``Loi n° 2002-2 ... - art. 3`` -> ``Loi n° 2002-2 ...``)."""
    if not isinstance(title, str) or not title.strip():
        return None
    return re.sub(r"\s+(?:-\s+)?art\.\s.*$", "", title.strip())


def cluster_titles(units: pd.DataFrame, ids: pd.Series) -> pd.Series:
    """A readable title for each cluster id: the creating text's title without its article number."""
    if "creating_text" in units.columns:
        titles = units["creating_text"].map(lambda v: _text_title(_creating_text(v, "title")))
    elif "title" in units.columns:
        titles = units["title"]
    else:
        return pd.Series(dtype=str)
    table = pd.DataFrame({"id": ids.to_numpy(), "title": titles.to_numpy()}).dropna()
    return table.drop_duplicates("id").set_index("id")["title"]


def composition(units: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of ``keys`` (e.g. facet, period): units, clusters, and the weight of the largest clusters.

    ``units`` needs ``_cluster``. Columns: the keys, ``n_units``, ``n_clusters``,
    ``units_per_cluster`` (mean), ``largest_cluster``, ``largest_units``,
    ``largest_share`` (its share of the group's units), ``top3_share``.
    """
    rows = []
    for group, part in units.groupby(keys, sort=True):
        group = group if isinstance(group, tuple) else (group,)
        sizes = part["_cluster"].value_counts()
        n = len(part)
        rows.append([*group, n, len(sizes), n / len(sizes), sizes.index[0], int(sizes.iloc[0]),
                     sizes.iloc[0] / n, sizes.iloc[:3].sum() / n])
    return pd.DataFrame(rows, columns=[*keys, "n_units", "n_clusters", "units_per_cluster", "largest_cluster",
                                       "largest_units", "largest_share", "top3_share"])


def top_clusters(units: pd.DataFrame, titles: pd.Series, year: str = "_year", limit: int = 20) -> pd.DataFrame:
    """The clusters that contribute most units: id, title, units, share of all units, years, periods."""
    grouped = units.groupby("_cluster", sort=False)
    table = pd.DataFrame({
        "n_units": grouped.size(),
        "first_year": grouped[year].min(),
        "last_year": grouped[year].max(),
        "n_periods": grouped["period"].nunique() if "period" in units else 1,
    })
    table["share_of_units"] = table["n_units"] / len(units)
    table = table.sort_values("n_units", ascending=False, kind="stable").head(limit)
    table.insert(0, "title", table.index.map(lambda c: titles.get(c, "")))
    return table.rename_axis("cluster").reset_index()


def text_level_shares(units: pd.DataFrame, keys: list[str], *, confidence: float, n_boot: int, seed: int) -> pd.DataFrame:
    """Share of each frame when every cluster weighs the same: the mean of the clusters' own shares.

    Interval: percentile bootstrap over clusters. Columns: the keys, ``frame``,
    ``n_clusters``, ``share``, ``low``, ``high``.
    """
    columns = [*keys, "frame", "n_clusters", "share", "low", "high"]
    if "frame" not in units.columns:
        return pd.DataFrame(columns=columns)
    classified = units[units["frame"].notna()]
    rows = []
    for group, part in classified.groupby(keys, sort=True):
        group = group if isinstance(group, tuple) else (group,)
        per_cluster = pd.crosstab(part["_cluster"], part["frame"], normalize="index").reindex(columns=list(FRAMES), fill_value=0.0)
        values = per_cluster.to_numpy(dtype=float)
        estimate, low, high = stats.bootstrap_ratio(values, np.ones(len(values)), n_boot=n_boot, confidence=confidence, seed=seed)
        if len(values) < 2:  # one cluster: its resamples are all alike
            low, high = np.full(len(FRAMES), np.nan), np.full(len(FRAMES), np.nan)
        for j, frame in enumerate(FRAMES):
            rows.append([*group, frame, len(values), float(estimate[j]), float(low[j]), float(high[j])])
    return pd.DataFrame(rows, columns=columns)


def text_level_slopes(year: np.ndarray, shares: np.ndarray, *, n_boot: int, confidence: float, seed: int) -> tuple:
    """Least-squares slope of the clusters' shares on their year, each cluster one point, in points per decade.

    ``year`` (G,), ``shares`` (G, frames). Returns ``(slope, low, high, n_failed)``
    arrays per frame: percentile bootstrap over clusters; a resample whose years
    do not vary has no slope and is counted in ``n_failed``.
    """
    x = np.asarray(year, dtype=float)
    Y = np.asarray(shares, dtype=float)

    def slope(w):
        sw = w.sum(axis=-1)
        xbar = (w @ x) / sw
        ybar = (w @ Y) / sw[..., None]
        sxx = w @ (x * x) - sw * xbar**2
        sxy = w @ (x[:, None] * Y) - sw[..., None] * xbar[..., None] * ybar
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sxx[..., None] > 1e-9 * max(1.0, float(np.var(x)) * len(x)), sxy / sxx[..., None], np.nan)

    n_frames = Y.shape[1]
    if len(x) < 3 or np.ptp(x) == 0:
        nan = np.full(n_frames, np.nan)
        return nan, nan, nan, 0
    estimate = slope(np.ones(len(x))) * 1000
    rng = np.random.default_rng(seed)
    draws = []
    chunk = max(1, min(n_boot, 2**21 // len(x)))
    for start in range(0, n_boot, chunk):
        draws.append(slope(stats._copies(rng, min(chunk, n_boot - start), len(x))) * 1000)
    draws = np.concatenate(draws)
    ok = np.isfinite(draws[:, 0])
    tail = (1 - confidence) / 2
    if not ok.any():
        nan = np.full(n_frames, np.nan)
        return estimate, nan, nan, int((~ok).sum())
    low, high = np.quantile(draws[ok], [tail, 1 - tail], axis=0)
    return estimate, low, high, int((~ok).sum())


# --------------------------------------------------------------------------- labels and PPI


def gold_frames(units: pd.DataFrame, labels: pd.DataFrame | None) -> pd.Series | None:
    """The gold frame of each unit (NaN when not labelled), from ``labels`` (``id`` + ``frame``).

    Checks (E608): the columns are there, every frame is known, an id is labelled
    once, and at least one labelled id is a unit of the report; labelled ids
    that are not units are left out (W605).
    """
    if labels is None:
        return None
    if not isinstance(labels, pd.DataFrame) or not {"id", "frame"} <= set(labels.columns):
        raise IsicError(Errors.E608.format(reason="it has no 'id' and 'frame' columns", frames=", ".join(GOLD_FRAMES)))
    table = labels.dropna(subset=["frame"]).astype({"id": str})
    # The guideline's frames, or the report's (collective already split into social intervention and labour relations).
    bad = sorted(set(table["frame"].astype(str)) - set(GOLD_FRAMES) - set(FRAMES))
    if bad:
        raise IsicError(Errors.E608.format(reason=f"unknown frame(s) {', '.join(bad)}", frames=", ".join(GOLD_FRAMES)))
    dup = table["id"][table["id"].duplicated()]
    if len(dup):
        raise IsicError(Errors.E608.format(reason=f"id {dup.iloc[0]} is labelled more than once", frames=", ".join(GOLD_FRAMES)))
    ids = set(units["id"].astype(str))
    unknown = int((~table["id"].isin(ids)).sum())
    if unknown == len(table):
        raise IsicError(Errors.E608.format(reason="none of its ids is a unit of the report", frames=", ".join(GOLD_FRAMES)))
    if unknown:
        warnings.warn(Errors.W605.format(n=unknown), UserWarning, stacklevel=3)
    # Collective units are split as the report splits them (ANNOTATION.md section 4): labour
    # relations when the reader ticked 'labour_relations', collective social intervention otherwise.
    labour = table["labour_relations"].map(_yes) if "labour_relations" in table else pd.Series(False, index=table.index)
    frames = table["frame"].astype(str).where(table["frame"] != "collective",
                                              np.where(labour, "collective_labour", "collective_social"))
    return units["id"].astype(str).map(pd.Series(frames.to_numpy(), index=table["id"].to_numpy()))


def _yes(value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return str(value).strip().lower() in ("yes", "true", "1", "oui", "x")


def ppi_share_table(units: pd.DataFrame, keys: list[str], group: str, *, confidence: float, kind: str = "frame") -> pd.DataFrame:
    """PPI++ share of every frame (or mode) per ``keys`` + ``group`` (e.g. facet + period), each group on its own.

    ``units`` need ``_cluster``, ``p_<frame>`` (or ``p_<mode>``) and the gold
    labels: ``_gold`` (gold frame or NaN) for frames, ``_gold_<mode>`` (0/1, NaN
    when not labelled) for modes; classified units only. Plain PPI (λ = 1: a λ
    tuned on ~20 labels per period under-covers) with Student's t on the
    effective numbers of clusters (:func:`isic_nlp.reports.ppi.effective_df`).
    With ``_weight`` (the sample's ``N_h/n_h``) the labelled units are weighted
    within each group (needed when the sample's strata differ from the groups).
    Columns: the keys, ``group``, ``kind``, ``n_labelled``, ``ppi_share``,
    ``ppi_low``, ``ppi_high``, ``labels_only``, ``ppi_lambda``.
    """
    columns = [*keys, group, kind, "n_labelled", "ppi_share", "ppi_low", "ppi_high", "labels_only", "ppi_lambda"]
    rows = []
    classified = units[units["frame"].notna()] if "frame" in units else units.iloc[:0]
    outer = classified.groupby(keys, sort=True) if keys else [((), classified)]
    names = FRAMES if kind == "frame" else [c.removeprefix("_gold_") for c in units.columns if c.startswith("_gold_")]
    for key, part in outer:
        key = key if isinstance(key, tuple) else (key,)
        for name in names:
            gold = (part["_gold"] == name).where(part["_gold"].notna()) if kind == "frame" else part[f"_gold_{name}"]
            lab = part[gold.notna()]
            if len(lab) == 0:
                continue
            result = ppi.ppi_shares(
                gold[lab.index].to_numpy(float), lab[f"p_{name}"].to_numpy(float), lab[group].astype(str),
                part[f"p_{name}"].to_numpy(float), part[group].astype(str),
                cluster=lab["_cluster"].to_numpy(), cluster_unlabelled=part["_cluster"].to_numpy(),
                confidence=confidence, df="effective", lam=1.0,
                weights=lab["_weight"].to_numpy(float) if "_weight" in lab else None,
            )
            for value in result.groups:
                est = result.by_group[value]
                rows.append([*key, value, name, est.n, est.estimate, est.low, est.high, est.labels_only, est.lam])
    return pd.DataFrame(rows, columns=columns)


def label_design(units: pd.DataFrame, labels: pd.DataFrame | None) -> pd.DataFrame | None:
    """``_weight`` (and ``_stratum``) of the labelled units, from the ``weight``/``stratum`` columns of
    ``isic-nlp sample`` sheets; None when the labels have no weights.

    A sample drawn with ``--strategy uncertain`` has no weights (NaN): it is not a
    probability sample and PPI cannot use it (E608).
    """
    if labels is None or "weight" not in labels.columns:
        return None
    table = labels.dropna(subset=["frame"]).astype({"id": str}).drop_duplicates("id").set_index("id")
    weight = pd.to_numeric(table["weight"], errors="coerce")
    if weight.isna().any() or (weight <= 0).any():
        raise IsicError(Errors.E608.format(
            reason=f"{int(weight.isna().sum() + (weight <= 0).sum())} labelled unit(s) have no sampling weight: the sample "
                   "is not a probability sample (e.g. drawn with --strategy uncertain), and corrected estimates need one",
            frames=", ".join(GOLD_FRAMES)))
    ids = units["id"].astype(str)
    out = pd.DataFrame(index=units.index)
    out["_weight"] = ids.map(weight).to_numpy()
    if "stratum" in table.columns:
        out["_stratum"] = ids.map(table["stratum"].astype("string")).to_numpy()
    return out


def gold_modes(units: pd.DataFrame, labels: pd.DataFrame | None) -> pd.DataFrame | None:
    """0/1 per ISIC mode for the labelled units (NaN elsewhere), when ``labels`` has ``modes``.

    ``modes``: a list, or a ``;``-joined string (CSV); empty = no mode. Unknown modes: E608.
    """
    if labels is None or "modes" not in labels.columns:
        return None
    from ..classify.labels import MODES

    def parse(value) -> list[str]:
        if isinstance(value, (list, tuple, np.ndarray)):
            return [str(v) for v in value]
        if not isinstance(value, str):
            return []
        return [v.strip() for v in value.split(";") if v.strip()]

    table = labels.dropna(subset=["frame"]).astype({"id": str}).drop_duplicates("id").set_index("id")
    parsed = table["modes"].map(parse)
    bad = sorted({m for ms in parsed for m in ms} - set(MODES))
    if bad:
        raise IsicError(Errors.E608.format(reason=f"unknown mode(s) {', '.join(bad)}", frames=", ".join(GOLD_FRAMES)))
    ids = units["id"].astype(str)
    out = pd.DataFrame(index=units.index)
    for mode in MODES:
        flags = parsed.map(lambda ms, m=mode: float(m in ms))
        out[f"_gold_{mode}"] = ids.map(flags).to_numpy()
    return out


def ppi_slope(part: pd.DataFrame, frame: str, *, confidence: float) -> ppi.PPITrend | None:
    """PPI++ trend of ``frame`` over ``part``: labels weighted by the sample's ``_weight`` (N_h/n_h) and
    centred within its ``_stratum`` when the labels carry them, else weighted N_h/n_h by report period.

    None without labels, or when a period of ``part`` has no labelled unit: its
    classifier error could not be corrected, and the slope would be biased.
    """
    part = part[part["frame"].notna()]
    lab = part[part["_gold"].notna()]
    if len(lab) < 3 or not set(part["period"]) <= set(lab["period"]):
        return None
    design = {"strata": lab["period"].astype(str).to_numpy(), "strata_unlabelled": part["period"].astype(str).to_numpy()}
    if "_weight" in lab:  # the sample's own weights and strata
        strata = lab["_stratum"] if "_stratum" in lab and lab["_stratum"].notna().all() else lab["period"]
        design = {"weights": lab["_weight"].to_numpy(float), "strata": strata.astype(str).to_numpy()}
    return ppi.ppi_trend(
        lab["_year"].to_numpy(float), (lab["_gold"] == frame).to_numpy(float), lab[f"p_{frame}"].to_numpy(float),
        part["_year"].to_numpy(float), part[f"p_{frame}"].to_numpy(float),
        cluster=lab["_cluster"].to_numpy(), cluster_unlabelled=part["_cluster"].to_numpy(),
        confidence=confidence, df="clusters", logistic=False, **design,
    )


def probability_slope(year: np.ndarray, probability: np.ndarray, cluster: np.ndarray, *, confidence: float) -> tuple[float, float, float]:
    """OLS slope of the model's probability on the year, points per decade, cluster-robust CR1 interval.

    The no-label estimate: right only if the probabilities are calibrated in
    every period. Variance as statsmodels' ``OLS(...).fit(cov_type="cluster")``
    (``G/(G − 1)·(n − 1)/(n − 2)``). ``(slope, low, high)``; NaN with < 2 clusters or one year.
    """
    x = np.asarray(year, dtype=float)
    y = np.asarray(probability, dtype=float)
    codes, G = stats.cluster_codes(cluster, len(x))
    n = len(x)
    if G < 2 or n < 3 or np.ptp(x) == 0:
        return math.nan, math.nan, math.nan
    X = np.column_stack([np.ones(n), (x - x.mean()) / 10.0])
    bread = np.linalg.inv(X.T @ X)
    beta = bread @ X.T @ y
    resid = y - X @ beta
    meat = ppi.cluster_meat(X * resid[:, None], codes, G)  # includes G/(G − 1)
    cov = bread @ meat @ bread * (n - 1) / (n - 2)
    se = math.sqrt(cov[1, 1])
    z = float(stats._z(confidence))
    return 100 * beta[1], 100 * (beta[1] - z * se), 100 * (beta[1] + z * se)
