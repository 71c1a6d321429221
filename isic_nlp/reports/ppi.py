"""Prediction-powered inference (PPI++) for shares, differences and trends, with clusters.

A classifier gives every unit of the corpus a probability ``Ŷ`` (e.g. ``p_collective``);
a few units also have a gold label ``Y`` (0/1, read by a person). Classify-and-count
estimates are biased by the classifier's errors, and that bias can change from one
period to the next. PPI corrects the bias with the labelled units and keeps most of
the precision of the whole corpus (Angelopoulos, Bates, Fannjiang, Jordan & Zrnic
2023, *Science* 382:669–674; PPI++: Angelopoulos, Duchi & Zrnic 2023,
arXiv:2311.01453):

* share: ``θ̂ = λ·mean_U(Ŷ) + mean_L(Y − λ·Ŷ)`` (U: unlabelled = the corpus, L: labelled);
* regression (OLS on the 0/1 label, or logistic): the ``θ`` that solves
  ``λ·mean_U ∇ℓ_θ(X, Ŷ) + mean_L [∇ℓ_θ(X, Y) − λ·∇ℓ_θ(X, Ŷ)] = 0``;

with the power-tuning ``λ ∈ [0, 1]`` chosen from the data to minimise the variance
(``λ = 0``: labels only; ``λ = 1``: plain PPI). The labelled and the unlabelled parts
are taken as independent samples (as in ``ppi_py``): when the labelled units are a
small sample drawn from the corpus, the correlation this ignores is of order n/N.

Clusters
--------
Units of one creating text (or one document) are not independent. Every estimate
here is an M-estimator, so its variance is ``H⁻¹ (V_L + V_U) H⁻¹`` with the "meat"
of each part summed **within clusters** (Liang & Zeger 1986; Cameron & Miller 2015,
J. Human Resources 50:317–372): for the labelled part
``V_L = c_L · Σ_g (Σ_{i∈g} φ_i)(Σ_{i∈g} φ_i)ᵀ`` with ``φ_i`` the unit's centred
(rectified) estimating function divided by n, likewise ``V_U`` with λ·∇ℓ(Ŷ) over the
corpus. ``c = G/(G − H)`` (G clusters, H strata; H = 1 without strata) is the usual
small-sample factor; with one unit per cluster it is n/(n − 1) and the variance is
exactly the one of ``ppi_py.ppi_ols_ci``/``ppi_logistic_ci`` (they use ``np.cov``).
``ppi_py.ppi_mean_ci`` uses the ``ddof=0`` variance instead: our share interval is
wider than its by a factor √(n/(n − 1)) on the labelled part and √(N/(N − 1)) on the
unlabelled part, nothing else. Without cluster ids each unit is its own cluster.

Intervals are ``θ̂ ± q·se``; ``q`` is the normal quantile by default (as ``ppi_py``)
or Student's t with ``df`` degrees of freedom when ``df`` is given. The reports use,
for shares, Welch–Satterthwaite degrees of freedom on Kish's effective numbers of
clusters (:func:`effective_df`: a period where one text holds most units gets few)
with plain PPI (λ = 1), and for slopes PPI++ with (labelled clusters − strata)
degrees of freedom: the choices that cover in ``benchmarks/ppi_coverage.py``
(0.944 per period, 0.938 for the slope over 500 runs, ~19 labels per period).

Stratified labels
-----------------
The ``sample`` command draws the same number of labelled units in every period.
* Per-period shares: :func:`ppi_shares` estimates each period within the period
  (its own λ, its own labelled units): no weights needed.
* Overall share, differences: linear combinations of the per-period estimates
  (:meth:`PPIShares.combine`), the overall share with weights ``N_h/N``.
* Slope: the labelled part of the estimating equation is weighted by
  ``w_i ∝ N_h/n_h`` (inverse inclusion probability; pass ``weights``, or
  ``strata`` and the corpus's ``strata_unlabelled`` and :func:`stratum_weights`
  computes them) and its variance is centred within strata (stratified sampling).
  A sample drawn proportionally to the corpus needs no weights.

``ppi_py`` is used only in the tests, as the reference: runtime code does not import it.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 200).astype(float)
    >>> yhat = np.clip(y * 0.7 + 0.2 + rng.normal(0, 0.1, 200), 0, 1)
    >>> yhat_u = np.clip(rng.integers(0, 2, 5000) * 0.7 + 0.2, 0, 1)
    >>> est = ppi_mean(y, yhat, yhat_u)
    >>> est.low < est.estimate < est.high and 0 <= est.lam <= 1
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special
from scipy import stats as sps

from ..errors import Errors, IsicValueError
from .stats import cluster_codes

__all__ = [
    "PPIEstimate",
    "PPIRegression",
    "PPIShares",
    "ppi_logistic",
    "ppi_mean",
    "ppi_ols",
    "ppi_shares",
    "ppi_trend",
    "stratum_weights",
    "cluster_meat",
    "effective_clusters",
    "effective_df",
]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PPIEstimate:
    """One estimate with its interval.

    ``estimate`` (PPI++), ``se``, ``low``/``high`` at ``confidence``; ``lam`` the
    power-tuning parameter used; ``labels_only``/``labels_only_se`` the classical
    estimate from the labelled units alone (λ = 0) and ``imputed`` the mean of Ŷ
    over the unlabelled units (λ = 1, no correction); ``n``/``N`` labelled and
    unlabelled units, ``n_clusters``/``N_clusters`` their clusters; ``note`` says
    why an estimate is NaN (``""`` otherwise).
    """

    estimate: float
    se: float
    low: float
    high: float
    lam: float
    labels_only: float
    labels_only_se: float
    imputed: float
    n: int
    N: int
    n_clusters: int
    N_clusters: int
    confidence: float
    note: str = ""


@dataclass(frozen=True)
class PPIRegression:
    """Coefficients of a PPI++ regression, their covariance and intervals (arrays, one per column of X)."""

    coef: np.ndarray
    cov: np.ndarray
    low: np.ndarray
    high: np.ndarray
    lam: float
    n: int
    N: int
    n_clusters: int
    N_clusters: int
    confidence: float
    note: str = ""

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))


# --------------------------------------------------------------------------- helpers


def _quantile(confidence: float, df: float | None) -> float:
    if not 0.0 < confidence < 1.0:
        raise IsicValueError(Errors.E627.format(reason=f"confidence must be in (0, 1), got {confidence!r}"))
    if df is None:
        return float(special.ndtri(0.5 + confidence / 2.0))
    if not df > 0:
        return math.nan
    return float(sps.t.ppf(0.5 + confidence / 2.0, df))


def _vector(values: ArrayLike, name: str) -> np.ndarray:
    out = np.asarray(values, dtype=float).ravel()
    if not np.all(np.isfinite(out)):
        raise IsicValueError(Errors.E627.format(reason=f"{name}: values must be finite"))
    return out


def _codes(cluster: ArrayLike | None, n: int, name: str) -> tuple[np.ndarray, int]:
    """Integer cluster codes 0..G−1 (each unit its own cluster when ``cluster`` is None)."""
    try:
        return cluster_codes(cluster, n)
    except ValueError as error:
        raise IsicValueError(Errors.E627.format(reason=f"{name}: {error}")) from None


def _strata_codes(strata: ArrayLike | None, n: int, name: str) -> tuple[np.ndarray, int]:
    if strata is None:
        return np.zeros(n, dtype=int), 1
    values = np.asarray(strata, dtype=object).ravel()
    if values.size != n:
        raise IsicValueError(Errors.E627.format(reason=f"{name}: {values.size} strata for {n} units"))
    _, codes = np.unique(values.astype(str), return_inverse=True)
    return codes, int(codes.max()) + 1 if n else 0


def _centre(values: np.ndarray, strata: np.ndarray, n_strata: int) -> np.ndarray:
    """Rows minus their stratum's mean (``values`` is (n, d))."""
    if n_strata == 1:
        return values - values.mean(axis=0)
    sums = np.zeros((n_strata, values.shape[1]))
    np.add.at(sums, strata, values)
    counts = np.bincount(strata, minlength=n_strata).astype(float)
    return values - sums[strata] / counts[strata, None]


def cluster_meat(phi: np.ndarray, codes: np.ndarray, n_clusters: int, n_strata: int = 1) -> np.ndarray:
    """``G/(G − H) · Σ_g s_g s_gᵀ`` with ``s_g`` the sum of the rows of ``phi`` in cluster g.

    ``phi`` (n, d) holds each unit's (already centred and scaled) influence; NaN
    when there are no more clusters than strata.
    """
    phi = phi.reshape(len(phi), -1)
    d = phi.shape[1]
    if n_clusters <= n_strata:
        return np.full((d, d), np.nan)
    sums = np.zeros((n_clusters, d))
    np.add.at(sums, codes, phi)
    return n_clusters / (n_clusters - n_strata) * (sums.T @ sums)


def stratum_weights(strata: ArrayLike, strata_unlabelled: ArrayLike) -> np.ndarray:
    """Weights of labelled units drawn by stratum: ``N_h/n_h``, normalised to mean 1.

    ``strata``: each labelled unit's stratum (e.g. period); ``strata_unlabelled``:
    the stratum of every unit of the corpus. A labelled stratum absent from the
    corpus gets weight 0.

    >>> stratum_weights(["a", "a", "b"], ["a"] * 10 + ["b"] * 90).round(3).tolist()
    [0.15, 0.15, 2.7]
    """
    lab = np.asarray(strata, dtype=object).astype(str)
    corpus = np.asarray(strata_unlabelled, dtype=object).astype(str)
    names, counts = np.unique(corpus, return_counts=True)
    big = dict(zip(names, counts, strict=True))
    small_names, small_counts = np.unique(lab, return_counts=True)
    small = dict(zip(small_names, small_counts, strict=True))
    w = np.array([big.get(s, 0) / small[s] for s in lab], dtype=float)
    return w / w.mean() if w.sum() > 0 else w


# --------------------------------------------------------------------------- shares


def ppi_mean(
    y: ArrayLike,
    yhat: ArrayLike,
    yhat_unlabelled: ArrayLike,
    *,
    cluster: ArrayLike | None = None,
    cluster_unlabelled: ArrayLike | None = None,
    lam: float | None = None,
    confidence: float = 0.95,
    df: float | str | None = None,
    weights: ArrayLike | None = None,
) -> PPIEstimate:
    """PPI++ estimate of the mean of ``y`` (a share when y is 0/1), with a clustered interval.

    ``y``, ``yhat``: gold labels and predictions of the labelled units;
    ``yhat_unlabelled``: predictions of the corpus. ``lam=None`` chooses λ as
    ``ppi_py.ppi_mean_ci`` does (``Ĉov(Y, Ŷ)/((1 + n/N)·V̂ar(Ŷ))``, clipped to [0, 1];
    with clusters, the covariances are cluster sums). Variance as in the module
    docstring. ``df``: None for the normal quantile, a number for Student's t,
    ``"effective"`` for :func:`effective_df`. ``weights``: sampling weights of the
    labelled units (e.g. ``N_h/n_h`` of a stratified sample; normalised to mean 1):
    the rectifier is then the weighted mean ``Σ w(Y − λŶ)/Σ w`` (as ``ppi_py`` with
    ``w``) and its influence ``w_i (r_i − r̄_w)/Σ w``. NaN with a ``note`` when there
    are fewer than 2 labelled clusters.

    >>> est = ppi_mean([1, 0, 1, 1], [0.9, 0.2, 0.6, 0.8], [0.7] * 100, lam=1)
    >>> round(est.estimate, 4)
    0.825
    """
    y_, yh = _vector(y, "y"), _vector(yhat, "yhat")
    yu = _vector(yhat_unlabelled, "yhat_unlabelled")
    if y_.size != yh.size:
        raise IsicValueError(Errors.E627.format(reason="ppi_mean: y and yhat differ in length"))
    n, N = y_.size, yu.size
    cl, G = _codes(cluster, n, "cluster")
    cu, GU = _codes(cluster_unlabelled, N, "cluster_unlabelled")
    imputed = float(yu.mean()) if N else math.nan
    nan = math.nan
    if n < 2 or N < 2 or G < 2 or GU < 2:
        note = "fewer than 2 labelled units or clusters" if n < 2 or G < 2 else "fewer than 2 unlabelled units or clusters"
        lo = float(y_.mean()) if n else nan
        return PPIEstimate(nan, nan, nan, nan, nan, lo, nan, imputed, n, N, G, GU, float(confidence), note)
    w = _weights(weights, n)
    if lam is None:
        # As ppi_py: the gradients w·(Y − θ̂), w·(Ŷ − θ̂) at the λ = 1 estimate (centred in _lambda).
        theta = imputed + float((w * (y_ - yh)).mean())
        lam = _lambda(
            (w * (y_ - theta) - (w * (y_ - theta)).mean())[:, None], (w * (yh - theta) - (w * (yh - theta)).mean())[:, None],
            np.concatenate([w * (yh - theta), yu - theta])[:, None], cl, G, cu, GU, np.eye(1),
        )
    lam = float(lam)
    rect = y_ - lam * yh
    rect_mean = float((w * rect).mean())
    estimate = lam * imputed + rect_mean
    var_l = cluster_meat((w * (rect - rect_mean) / n)[:, None], cl, G)[0, 0]
    var_u = cluster_meat((lam * (yu - yu.mean()) / N)[:, None], cu, GU)[0, 0]
    se = math.sqrt(var_l + var_u)
    if df == "effective":
        df = effective_df((var_l, var_u), (cl, cu))
    q = _quantile(confidence, df)
    labels_only = float((w * y_).mean())
    classical_se = math.sqrt(cluster_meat((w * (y_ - labels_only) / n)[:, None], cl, G)[0, 0])
    return PPIEstimate(
        estimate=estimate, se=se, low=estimate - q * se, high=estimate + q * se, lam=lam,
        labels_only=labels_only, labels_only_se=classical_se, imputed=imputed,
        n=n, N=N, n_clusters=G, N_clusters=GU, confidence=float(confidence),
    )


def effective_clusters(codes: np.ndarray) -> float:
    """Kish's effective number of clusters ``(Σ n_g)² / Σ n_g²`` (n_g: units of cluster g).

    G for clusters of equal size; close to 1 when one cluster holds most units.

    >>> effective_clusters(np.array([0, 0, 0, 1, 2]))
    2.272727272727273
    """
    sizes = np.bincount(codes).astype(float)
    return float(sizes.sum() ** 2 / (sizes**2).sum()) if sizes.size else 0.0


def effective_df(variances: tuple, codes: tuple) -> float:
    """Welch–Satterthwaite degrees of freedom of a sum of clustered variance parts.

    Each part's variance is taken to have ``G_eff − 1`` degrees of freedom, with
    ``G_eff`` its :func:`effective_clusters`: ``df = (Σ V_k)² / Σ (V_k² / (G_eff,k − 1))``.
    A period where one text holds most units gets few degrees of freedom (a wide
    t quantile), where a count of clusters would pretend there are many.
    """
    total, denominator = 0.0, 0.0
    for v, c in zip(variances, codes, strict=True):
        if not v > 0:
            continue
        total += v
        denominator += v * v / max(effective_clusters(c) - 1.0, 1e-9)
    return total * total / denominator if denominator > 0 else math.nan


def _lambda(grads, grads_hat, grads_hat_all, cl, G, cu, GU, inv_hessian, n_strata: int = 1) -> float:
    """Power-tuning λ, the formula of ``ppi_py._calc_lam_glm`` with cluster sums.

    ``grads``/``grads_hat``: centred labelled gradients at Y and at Ŷ; ``grads_hat_all``:
    the gradients at Ŷ of the labelled then the unlabelled units (centred here).
    Without clusters this is exactly ppi_py's λ.
    """
    n, d = grads.shape
    N = len(grads_hat_all) - n
    s = np.zeros((G, d))
    s_hat = np.zeros((G, d))
    np.add.at(s, cl, grads)
    np.add.at(s_hat, cl, grads_hat)
    cov = (s.T @ s_hat + s_hat.T @ s) / n
    both = grads_hat_all - grads_hat_all.mean(axis=0)
    pooled = np.zeros((G + GU, d))
    np.add.at(pooled, np.concatenate([cl, G + cu]), both)
    var_hat = pooled.T @ pooled / (len(both) - 1)
    num = np.trace(inv_hessian @ cov @ inv_hessian)
    den = 2 * (1 + n / N) * np.trace(inv_hessian @ var_hat @ inv_hessian)
    if not den > 0 or not np.isfinite(num):
        return 0.0
    return float(np.clip(num / den, 0.0, 1.0))


@dataclass(frozen=True)
class PPIShares:
    """Per-group PPI++ shares and their joint covariance (clusters may span groups).

    ``groups`` (sorted), ``estimates``/``cov``, ``lams``, ``n``/``N`` per group, and
    per-group :class:`PPIEstimate` in ``by_group``. :meth:`combine` gives any
    linear combination (a difference, the overall share) with its interval.
    """

    groups: list
    estimates: np.ndarray
    cov: np.ndarray
    by_group: dict
    N_per_group: np.ndarray
    df: float | None
    confidence: float

    def combine(self, weights: ArrayLike) -> tuple[float, float, float, float]:
        """``(estimate, se, low, high)`` of ``Σ weights·estimates``; groups of weight 0 may have no estimate."""
        w = np.asarray(weights, dtype=float)
        used = w != 0
        if np.isnan(self.estimates[used]).any():
            return math.nan, math.nan, math.nan, math.nan
        est = float(w[used] @ self.estimates[used])
        cov = self.cov[np.ix_(used, used)]
        se = float(math.sqrt(max(w[used] @ cov @ w[used], 0.0)))
        q = _quantile(self.confidence, self.df)
        return est, se, est - q * se, est + q * se

    def difference(self, a, b) -> tuple[float, float, float, float]:
        """Share of group ``a`` minus share of group ``b``, with its interval."""
        w = np.zeros(len(self.groups))
        w[self.groups.index(a)] += 1.0
        w[self.groups.index(b)] -= 1.0
        return self.combine(w)

    def overall(self) -> tuple[float, float, float, float]:
        """The corpus share: the group shares weighted by their number of units ``N_h/N``."""
        return self.combine(self.N_per_group / self.N_per_group.sum())


def ppi_shares(
    y: ArrayLike,
    yhat: ArrayLike,
    group: ArrayLike,
    yhat_unlabelled: ArrayLike,
    group_unlabelled: ArrayLike,
    *,
    cluster: ArrayLike | None = None,
    cluster_unlabelled: ArrayLike | None = None,
    confidence: float = 0.95,
    df: float | str | None = None,
    lam: float | str | None = None,
    weights: ArrayLike | None = None,
) -> PPIShares:
    """PPI++ share of every group (period), each estimated within its group, and their covariance.

    Each group's share is :func:`ppi_mean` on its own labelled and unlabelled
    units: right for a sample stratified by group. ``lam``: ``None`` tunes λ
    within each group, ``"pooled"`` tunes one λ on all groups, a number fixes it
    (``1``: plain PPI). The joint covariance sums every unit's influence within
    clusters (zero between groups when clusters are nested in groups).
    ``df="clusters"``: Student's t with (labelled clusters − 1) degrees of freedom
    per group; ``df="effective"``: Welch–Satterthwaite on the effective numbers of
    clusters (:func:`effective_df`). Combinations use (labelled clusters − groups).

    With about 20 labels per period the simulation of ``benchmarks/ppi_coverage.py``
    covers at 0.95 with ``lam=1, df="effective"`` and under-covers with a λ tuned per
    period (the tuned λ is noisy and gives more weight to the few, skewed labels):
    the reports use ``lam=1`` for period and group shares.
    """
    y_, yh = _vector(y, "y"), _vector(yhat, "yhat")
    yu = _vector(yhat_unlabelled, "yhat_unlabelled")
    g_l = np.asarray(group, dtype=object).astype(str)
    g_u = np.asarray(group_unlabelled, dtype=object).astype(str)
    if not (y_.size == yh.size == g_l.size) or yu.size != g_u.size:
        raise IsicValueError(Errors.E627.format(reason="ppi_shares: arrays differ in length"))
    cl, G = _codes(cluster, y_.size, "cluster")
    cu, GU = _codes(cluster_unlabelled, yu.size, "cluster_unlabelled")
    w_all = None if weights is None else _weights(weights, y_.size)
    names = sorted(set(g_u))
    H = len(names)
    if lam == "pooled":
        lam = ppi_mean(y_, yh, yu, cluster=cl, cluster_unlabelled=cu, weights=w_all).lam if y_.size >= 2 else math.nan
        lam = None if math.isnan(lam) else lam
    combine_df = df
    if df in ("clusters", "effective"):
        combine_df = float(len(np.unique(cl)) - len(set(g_l))) if y_.size else math.nan
        df = combine_df if df == "clusters" else df
    phi_l = np.zeros((y_.size, H))
    phi_u = np.zeros((yu.size, H))
    estimates = np.full(H, np.nan)
    by_group = {}
    N_per = np.zeros(H)
    for h, name in enumerate(names):
        li, ui = np.flatnonzero(g_l == name), np.flatnonzero(g_u == name)
        N_per[h] = ui.size
        group_df = df if df in (None, "effective") else _group_df(df, cl[li])
        est = ppi_mean(y_[li], yh[li], yu[ui], cluster=cl[li], cluster_unlabelled=cu[ui], lam=lam,
                       confidence=confidence, df=group_df, weights=None if w_all is None else w_all[li])
        by_group[name] = est
        if math.isnan(est.estimate):
            continue
        estimates[h] = est.estimate
        rect = y_[li] - est.lam * yh[li]
        w_h = np.ones(li.size) if w_all is None else w_all[li] / w_all[li].mean()
        phi_l[li, h] = w_h * (rect - (w_h * rect).mean()) / li.size
        phi_u[ui, h] = est.lam * (yu[ui] - yu[ui].mean()) / ui.size
    member_l = g_l[:, None] == np.array(names, dtype=object)[None, :]
    member_u = g_u[:, None] == np.array(names, dtype=object)[None, :]
    cov = _joint_meat(phi_l, member_l, cl, G) + _joint_meat(phi_u, member_u, cu, GU)
    return PPIShares(names, estimates, cov, by_group, N_per, None if combine_df is None else float(combine_df), float(confidence))


def _group_df(df, codes: np.ndarray) -> float:
    """Within one group: its labelled clusters − 1."""
    return float(len(np.unique(codes)) - 1)


def _joint_meat(phi: np.ndarray, member: np.ndarray, codes: np.ndarray, n_clusters: int) -> np.ndarray:
    """Cluster sums of each column, each column with its own G_h/(G_h − 1) factor.

    ``member`` (n, H) says which units belong to each column's group: G_h counts
    the clusters holding at least one of them.
    """
    d = phi.shape[1]
    sums = np.zeros((n_clusters, d))
    np.add.at(sums, codes, phi)
    holds = np.zeros((n_clusters, d))
    np.add.at(holds, codes, member.astype(float))
    used = (holds > 0).sum(axis=0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(used > 1, np.sqrt(used / (used - 1)), np.nan)
    scaled = sums * factor
    return scaled.T @ scaled


# --------------------------------------------------------------------------- regressions


def _design(x: ArrayLike, name: str) -> np.ndarray:
    out = np.asarray(x, dtype=float)
    if out.ndim == 1:
        out = out[:, None]
    if not np.all(np.isfinite(out)):
        raise IsicValueError(Errors.E627.format(reason=f"{name}: values must be finite"))
    return out


def _weights(w: ArrayLike | None, n: int) -> np.ndarray:
    if w is None:
        return np.ones(n)
    w_ = _vector(w, "weights")
    if w_.size != n or np.any(w_ < 0) or not w_.sum() > 0:
        raise IsicValueError(Errors.E627.format(reason="weights: one non-negative weight per unit, not all 0"))
    return w_ / w_.sum() * n


def _regression(
    kind: str, X, y, yhat, X_u, yhat_u, *, weights, weights_unlabelled, cluster, cluster_unlabelled,
    strata, lam, confidence, df,
) -> PPIRegression:
    X, X_u = _design(X, "X"), _design(X_u, "X_unlabelled")
    y_, yh, yu = _vector(y, "y"), _vector(yhat, "yhat"), _vector(yhat_u, "yhat_unlabelled")
    n, N, d = y_.size, yu.size, X.shape[1]
    if X.shape[0] != n or yh.size != n or X_u.shape[0] != N or X_u.shape[1] != d:
        raise IsicValueError(Errors.E627.format(reason=f"ppi_{kind}: arrays differ in length or width"))
    w, wu = _weights(weights, n), _weights(weights_unlabelled, N)
    cl, G = _codes(cluster, n, "cluster")
    cu, GU = _codes(cluster_unlabelled, N, "cluster_unlabelled")
    st, H = _strata_codes(strata, n, "strata")
    nan_out = PPIRegression(np.full(d, np.nan), np.full((d, d), np.nan), np.full(d, np.nan), np.full(d, np.nan),
                            math.nan, n, N, G, GU, float(confidence))
    if G <= H or GU < 2 or n <= d:
        return PPIRegression(**{**nan_out.__dict__, "note": "too few labelled units or clusters"})
    fit = _ols_fit if kind == "ols" else _logistic_fit
    stats_ = _ols_stats if kind == "ols" else _logistic_stats
    tuned = lam is None
    lam_ = 1.0 if tuned else float(lam)
    theta = fit(X, y_, yh, X_u, yu, w, wu, lam_)
    # As ppi_py: λ from the gradients at θ(1), then again at θ(λ) (two rounds).
    for _ in range(2 if tuned else 0):
        if theta is None:
            break
        g, gh, ghu, inv_h = stats_(theta, X, y_, yh, X_u, yu, w, wu, True)
        lam_ = _lambda(g - g.mean(axis=0), gh - gh.mean(axis=0), np.concatenate([gh, ghu]), cl, G, cu, GU, inv_h)
        theta = fit(X, y_, yh, X_u, yu, w, wu, lam_)
    if theta is None:
        return PPIRegression(**{**nan_out.__dict__, "note": "the fit did not converge"})
    g, gh, ghu, inv_h = stats_(theta, X, y_, yh, X_u, yu, w, wu, lam_ != 0)
    rect = g - lam_ * gh
    meat_l = cluster_meat(_centre(rect, st, H) / n, cl, G, H)
    meat_u = cluster_meat(lam_ * (ghu - ghu.mean(axis=0)) / N, cu, GU) if lam_ != 0 else np.zeros((d, d))
    cov = inv_h @ (meat_l + meat_u) @ inv_h
    q = _quantile(confidence, df)
    se = np.sqrt(np.diag(cov))
    return PPIRegression(theta, cov, theta - q * se, theta + q * se, lam_, n, N, G, GU, float(confidence))


def _ols_fit(X, y, yh, X_u, yu, w, wu, lam):
    """Solve the rectified normal equations: λ·WLS(X_u, Ŷ_u) + WLS(X, Y − λŶ) (as ppi_py)."""
    a = np.linalg.lstsq(X_u * np.sqrt(wu)[:, None], lam * yu * np.sqrt(wu), rcond=None)[0]
    b = np.linalg.lstsq(X * np.sqrt(w)[:, None], (y - lam * yh) * np.sqrt(w), rcond=None)[0]
    return a + b


def _ols_stats(theta, X, y, yh, X_u, yu, w, wu, use_unlabelled):
    n, N = len(y), len(yu)
    grads = w[:, None] * X * (X @ theta - y)[:, None]
    grads_hat = w[:, None] * X * (X @ theta - yh)[:, None]
    grads_hat_u = wu[:, None] * X_u * (X_u @ theta - yu)[:, None]
    if use_unlabelled:
        hessian = ((wu[:, None] * X_u).T @ X_u + (w[:, None] * X).T @ X) / (N + n)
    else:
        hessian = (w[:, None] * X).T @ X / n
    return grads, grads_hat, grads_hat_u, np.linalg.inv(hessian)


def _logistic_fit(X, y, yh, X_u, yu, w, wu, lam, max_iter: int = 100):
    """Newton's method on the rectified logistic loss (convex for λ ∈ [0, 1]: its Hessian is
    ``λ·H_U + (1 − λ)·H_L``). The same minimiser as ppi_py's L-BFGS."""
    n, N = len(y), len(yu)
    theta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        mu, mu_u = special.expit(X @ theta), special.expit(X_u @ theta)
        grad = (lam / N * X_u.T @ (wu * (mu_u - yu)) - lam / n * X.T @ (w * (mu - yh))
                + 1 / n * X.T @ (w * (mu - y)))
        hess = (lam / N * (X_u * (wu * mu_u * (1 - mu_u))[:, None]).T @ X_u
                + (1 - lam) / n * (X * (w * mu * (1 - mu))[:, None]).T @ X)
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return None
        theta = theta - step
        if not np.all(np.isfinite(theta)):
            return None
        if np.max(np.abs(step)) <= 1e-12 * (1 + np.max(np.abs(theta))):
            return theta
    return theta if np.max(np.abs(step)) < 1e-8 else None


def _logistic_stats(theta, X, y, yh, X_u, yu, w, wu, use_unlabelled):
    n, N = len(y), len(yu)
    mu, mu_u = special.expit(X @ theta), special.expit(X_u @ theta)
    grads = w[:, None] * X * (mu - y)[:, None]
    grads_hat = w[:, None] * X * (mu - yh)[:, None]
    grads_hat_u = wu[:, None] * X_u * (mu_u - yu)[:, None]
    if use_unlabelled:
        hessian = ((X_u * (wu * mu_u * (1 - mu_u))[:, None]).T @ X_u + (X * (w * mu * (1 - mu))[:, None]).T @ X) / (N + n)
    else:
        hessian = (X * (w * mu * (1 - mu))[:, None]).T @ X / n
    return grads, grads_hat, grads_hat_u, np.linalg.inv(hessian)


def ppi_ols(
    X: ArrayLike, y: ArrayLike, yhat: ArrayLike, X_unlabelled: ArrayLike, yhat_unlabelled: ArrayLike, *,
    weights: ArrayLike | None = None, weights_unlabelled: ArrayLike | None = None,
    cluster: ArrayLike | None = None, cluster_unlabelled: ArrayLike | None = None, strata: ArrayLike | None = None,
    lam: float | None = None, confidence: float = 0.95, df: float | None = None,
) -> PPIRegression:
    """PPI++ least squares of y on X (give X its intercept column), as ``ppi_py.ppi_ols_ci``, with clusters.

    ``weights``: sampling weights of the labelled units (normalised to mean 1);
    ``strata``: their sampling strata, to centre the labelled variance within
    strata. Without clusters, strata and weights the coefficients and intervals
    are those of ``ppi_py.ppi_ols_ci``.
    """
    return _regression("ols", X, y, yhat, X_unlabelled, yhat_unlabelled, weights=weights,
                       weights_unlabelled=weights_unlabelled, cluster=cluster, cluster_unlabelled=cluster_unlabelled,
                       strata=strata, lam=lam, confidence=confidence, df=df)


def ppi_logistic(
    X: ArrayLike, y: ArrayLike, yhat: ArrayLike, X_unlabelled: ArrayLike, yhat_unlabelled: ArrayLike, *,
    weights: ArrayLike | None = None, weights_unlabelled: ArrayLike | None = None,
    cluster: ArrayLike | None = None, cluster_unlabelled: ArrayLike | None = None, strata: ArrayLike | None = None,
    lam: float | None = None, confidence: float = 0.95, df: float | None = None,
) -> PPIRegression:
    """PPI++ logistic regression of y (0/1) on X, as ``ppi_py.ppi_logistic_ci``, with clusters (see :func:`ppi_ols`)."""
    return _regression("logistic", X, y, yhat, X_unlabelled, yhat_unlabelled, weights=weights,
                       weights_unlabelled=weights_unlabelled, cluster=cluster, cluster_unlabelled=cluster_unlabelled,
                       strata=strata, lam=lam, confidence=confidence, df=df)


@dataclass(frozen=True)
class PPITrend:
    """The trend of a share: OLS slope in points per ``per`` years and logistic slope in log-odds."""

    points: float
    points_se: float
    points_low: float
    points_high: float
    log_odds: float
    log_odds_low: float
    log_odds_high: float
    lam: float
    n: int
    N: int
    n_clusters: int
    N_clusters: int
    note: str = ""


def ppi_trend(
    year: ArrayLike, y: ArrayLike, yhat: ArrayLike, year_unlabelled: ArrayLike, yhat_unlabelled: ArrayLike, *,
    per: float = 10.0, cluster: ArrayLike | None = None, cluster_unlabelled: ArrayLike | None = None,
    strata: ArrayLike | None = None, strata_unlabelled: ArrayLike | None = None, weights: ArrayLike | None = None,
    confidence: float = 0.95, df: float | str | None = None, logistic: bool = True,
) -> PPITrend:
    """Slope of a share over time by PPI++: ``100·per·b`` points per ``per`` years (OLS on the 0/1 label).

    With ``strata`` and ``strata_unlabelled`` (e.g. the period of each labelled
    unit and of each corpus unit) the labelled units are weighted ``N_h/n_h``
    (:func:`stratum_weights`) and their variance is centred within strata: right
    for a sample with the same number of labels per period. ``weights`` (the
    sample's own ``N_h/n_h``) replace that computation; ``strata`` then only centre
    the variance. ``df="clusters"``:
    Student's t with (labelled clusters − strata) degrees of freedom. The
    logistic slope (log-odds per ``per`` years) is given too unless ``logistic=False``.
    """
    yr, yru = _vector(year, "year"), _vector(year_unlabelled, "year_unlabelled")
    centre = float(yru.mean()) if yru.size else 0.0
    X = np.column_stack([np.ones(yr.size), (yr - centre) / per])
    X_u = np.column_stack([np.ones(yru.size), (yru - centre) / per])
    if weights is None and strata is not None:
        if strata_unlabelled is None:
            raise IsicValueError(Errors.E627.format(reason="ppi_trend: strata need strata_unlabelled (the stratum of every corpus unit)"))
        weights = stratum_weights(strata, strata_unlabelled)
    if df == "clusters":
        G = _codes(cluster, yr.size, "cluster")[1]
        H = _strata_codes(strata, yr.size, "strata")[1]
        df = float(G - H)
    common = {"weights": weights, "cluster": cluster, "cluster_unlabelled": cluster_unlabelled,
              "strata": strata, "confidence": confidence, "df": df}
    nan = math.nan
    if yr.size and np.ptp(yr) == 0:
        return PPITrend(nan, nan, nan, nan, nan, nan, nan, nan, yr.size, yru.size, 0, 0, "a single year among the labels")
    ols = ppi_ols(X, y, yhat, X_u, yhat_unlabelled, **common)
    lo_fit = ppi_logistic(X, y, yhat, X_u, yhat_unlabelled, **common) if logistic else None
    lo = (lo_fit.coef[1], lo_fit.low[1], lo_fit.high[1]) if lo_fit is not None else (nan, nan, nan)
    return PPITrend(
        points=100 * float(ols.coef[1]), points_se=100 * float(ols.se[1]),
        points_low=100 * float(ols.low[1]), points_high=100 * float(ols.high[1]),
        log_odds=float(lo[0]), log_odds_low=float(lo[1]), log_odds_high=float(lo[2]),
        lam=ols.lam, n=ols.n, N=ols.N, n_clusters=ols.n_clusters, N_clusters=ols.N_clusters, note=ols.note,
    )
