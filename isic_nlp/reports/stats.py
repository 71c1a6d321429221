"""Statistics for the reports: proportions, contingency tables, keyness, trends, bootstraps.

Conventions
-----------
* **Inputs.** Count arguments are array-likes (Python scalars, lists, numpy arrays)
  and broadcast against each other like numpy operands. Counts must be finite and
  non-negative; impossible tables (``k > n``, a word counted more often in a part
  than in the corpus, ...) raise :class:`~isic_nlp.errors.IsicValueError` (a
  :class:`ValueError` with a catalogue code, E006 or E621-E626).
* **Outputs.** Scalar inputs give Python ``float`` values, array inputs give
  ``float64`` arrays of the broadcast shape. Multi-valued results are
  :class:`~typing.NamedTuple` instances (they unpack like plain tuples:
  ``low, high = wilson_interval(3, 10)``) or small frozen dataclasses.
* **Undefined values are NaN, silently.** A proportion over ``n == 0``, a test on
  a table with an empty margin, a trend on all-zero outcomes... give NaN (and, for
  the trend fits, a ``note``); no numpy ``RuntimeWarning`` escapes.
* **Confidence** is a level in (0, 1), e.g. ``0.95``; the normal quantile used is
  ``z = Φ⁻¹(1 − (1 − confidence)/2)`` (1.959964 for 0.95).
* **p-values** are two-sided unless said otherwise (Lafon specificities are
  one-sided tail probabilities). None is corrected for multiple testing: pass a
  vector of them to :func:`benjamini_hochberg`.
* **Keyness** functions compare a *part* (a group of documents) with the *rest*
  of the corpus it belongs to: ``k`` = the word's count in the part, ``K`` = its
  count in the whole corpus, ``n`` = tokens in the part, ``N`` = tokens in the
  whole corpus; the rest has ``K − k`` occurrences among ``N − n`` tokens.
  A positive score means the word is over-used in the part.
* **Clusters.** Units (articles, alinéas) of one document, and articles created by
  one text, are not independent. :func:`bootstrap_ratio` and
  :func:`logistic_trend_bootstrap` take a ``cluster`` id per row and resample whole
  clusters (rows of a cluster stay together); :func:`logistic_trend` with
  ``cluster`` gives cluster-robust (CR1 sandwich) standard errors. The other
  closed-form intervals (Wilson, Newcombe, the two-proportion and χ² tests)
  treat units as independent and are too narrow when clusters differ a lot.

Example:
    >>> from isic_nlp.reports.stats import wilson_interval
    >>> low, high = wilson_interval(3, 10)
    >>> round(low, 4), round(high, 4)
    (0.1078, 0.6032)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import special
from scipy import stats as sps

from ..errors import Errors, IsicValueError

__all__ = [
    "ChiSquareResult",
    "DifferenceInterval",
    "Interval",
    "Keyness",
    "LogOdds",
    "LogisticTrend",
    "LogisticTrendBootstrap",
    "MannKendallResult",
    "RatioEstimate",
    "benjamini_hochberg",
    "bootstrap_ratio",
    "cluster_codes",
    "chi2_independence",
    "cohens_h",
    "lafon_specificity",
    "log_likelihood_g2",
    "log_odds_dirichlet",
    "logistic_trend",
    "logistic_trend_bootstrap",
    "mann_kendall_sen",
    "newcombe_difference",
    "two_proportion_test",
    "wilson_interval",
]

FloatOrArray = float | np.ndarray

# Above this many resampled indices at once the bootstraps work in chunks (~16 MB).
_CHUNK_CELLS = 2**21


# --------------------------------------------------------------------------- results


class Interval(NamedTuple):
    """A confidence interval."""

    low: FloatOrArray
    high: FloatOrArray


class DifferenceInterval(NamedTuple):
    """A difference of proportions ``p1 − p2`` and its confidence interval."""

    diff: FloatOrArray
    low: FloatOrArray
    high: FloatOrArray


class Keyness(NamedTuple):
    """A keyness score (positive: over-used in the part) and its p-value."""

    score: FloatOrArray
    p_value: FloatOrArray


class LogOdds(NamedTuple):
    """A log-odds ratio ``delta`` (positive: over-used in the part) and its z-score."""

    delta: FloatOrArray
    z: FloatOrArray


class _Ratio(NamedTuple):
    estimate: float
    low: float
    high: float


class RatioEstimate(_Ratio):
    """A ratio of sums and its bootstrap percentile interval.

    It unpacks as ``(estimate, low, high)``; ``n_boot`` and ``n_failed`` (resamples
    dropped because their denominator was 0) are attributes.
    """

    n_boot: int = 0
    n_failed: int = 0

    def __new__(cls, estimate, low, high, n_boot: int = 0, n_failed: int = 0):
        self = super().__new__(cls, estimate, low, high)
        self.n_boot = n_boot
        self.n_failed = n_failed
        return self


@dataclass(frozen=True)
class ChiSquareResult:
    """Pearson's chi-squared test of independence on an r×c table.

    ``n`` is the table total (a float); ``dof`` is 0 and the other fields NaN
    when fewer than two non-empty rows or columns remain.
    """

    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    n: float


@dataclass(frozen=True)
class LogisticTrend:
    """Binomial GLM ``logit(p) = intercept + b·(year − centre)``, reported per ``per`` years.

    ``slope_per = b·per`` (change in log-odds per ``per`` years), ``se`` its
    standard error, ``low``/``high`` its Wald interval; ``odds_ratio = exp(slope_per)``
    with ``odds_ratio_low``/``odds_ratio_high``; ``ame_points`` is the average
    marginal effect in percentage points per ``per`` years; ``p_value`` the Wald
    test of ``b = 0``. ``n_units`` = Σ trials, ``n_rows`` = rows with trials > 0,
    ``start``/``end`` = first and last year among them. When the model cannot be
    fitted every float is NaN, ``converged`` is False and ``note`` says why
    (``note`` is ``""`` otherwise).
    """

    slope_per: float
    se: float
    low: float
    high: float
    odds_ratio: float
    odds_ratio_low: float
    odds_ratio_high: float
    ame_points: float
    p_value: float
    intercept: float
    centre: float
    per: float
    confidence: float
    n_units: int
    n_rows: int
    start: float
    end: float
    converged: bool
    iterations: int
    note: str
    n_clusters: int = 0
    se_kind: str = "model"


@dataclass(frozen=True)
class LogisticTrendBootstrap:
    """:class:`LogisticTrend` point estimates with document-bootstrap percentile intervals.

    ``slope_low``/``slope_high`` bound ``slope_per``, ``odds_ratio_low``/``odds_ratio_high``
    are their exponentials, ``ame_low``/``ame_high`` bound ``ame_points``. ``n_boot`` is
    the number of bootstrap fits used, ``n_failed`` those dropped because the
    resample could not be fitted (no variation in the outcome or in the years,
    separation). ``wald`` is the full closed-form fit (its ``se``, ``p_value``...).
    """

    slope_per: float
    slope_low: float
    slope_high: float
    odds_ratio: float
    odds_ratio_low: float
    odds_ratio_high: float
    ame_points: float
    ame_low: float
    ame_high: float
    n_units: int
    n_rows: int
    start: float
    end: float
    n_boot: int
    n_failed: int
    confidence: float
    converged: bool
    note: str
    wald: LogisticTrend
    n_clusters: int = 0


@dataclass(frozen=True)
class MannKendallResult:
    """Mann–Kendall trend test and Sen's slope.

    ``tau`` is Kendall's tau-b, ``s`` the Mann–Kendall statistic
    ``S = Σ_{i<j} sign(x_j − x_i)·sign(y_j − y_i)``, ``p_value`` two-sided;
    ``sen_slope`` (units of y per unit of x) with its ``confidence`` interval
    ``sen_low``/``sen_high``; ``n`` = number of finite (x, y) pairs used.
    """

    tau: float
    s: float
    p_value: float
    sen_slope: float
    sen_low: float
    sen_high: float
    n: int


# --------------------------------------------------------------------------- helpers


def _out(x: np.ndarray) -> FloatOrArray:
    """A Python float for 0-d results, the array otherwise."""
    return float(x) if np.ndim(x) == 0 else x


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise IsicValueError(Errors.E006.format(option="confidence", expected="a level between 0 and 1, such as 0.95", value=confidence))
    return float(special.ndtri(0.5 + confidence / 2.0))


def _arrays(*values: ArrayLike) -> list[np.ndarray]:
    """Float arrays broadcast to a common shape (copies, safe to write)."""
    arrays = [np.asarray(v, dtype=float) for v in values]
    return [np.array(a) for a in np.broadcast_arrays(*arrays)]


def _check_proportion(k: np.ndarray, n: np.ndarray, where: str, names: str = "k, n") -> None:
    if np.any(k < 0) or np.any(n < 0):
        raise IsicValueError(Errors.E621.format(where=where, values=names))
    if np.any(k > n):
        first, second = names.split(", ")
        raise IsicValueError(Errors.E622.format(where=where, rule=f"a count {first} exceeds its number of trials {second}"))


def _keyness_arrays(k: ArrayLike, K: ArrayLike, n: ArrayLike, N: ArrayLike) -> list[np.ndarray]:
    k_, K_, n_, N_ = _arrays(k, K, n, N)
    if np.any(k_ < 0) or np.any(K_ < 0) or np.any(n_ < 0) or np.any(N_ < 0):
        raise IsicValueError(Errors.E621.format(where="keyness", values="k, K, n and N"))
    if np.any(k_ > K_) or np.any(n_ > N_) or np.any(K_ > N_):
        raise IsicValueError(Errors.E622.format(where="keyness", rule="need k <= K <= N and n <= N (the part is inside the corpus)"))
    if np.any(k_ > n_) or np.any(K_ - k_ > N_ - n_):
        raise IsicValueError(Errors.E622.format(where="keyness", rule="a word is counted more often than there are tokens"))
    return [k_, K_, n_, N_]


def _wilson(k: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = z * z
        denom = 1.0 + z2 / n
        centre = (p + z2 / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    low = np.where(k == 0, 0.0, low)
    high = np.where(k == n, 1.0, high)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


# --------------------------------------------------------------------------- proportions


def poisson_upper_zero(confidence: float = 0.95) -> float:
    """Exact (Garwood) upper bound of a Poisson mean when zero events were seen: ``chi2(1 - α/2, 2) / 2``.

    Two-sided, as the other intervals: 3.689 at 95 % (the "rule of three" is the one-sided 2.996).

    >>> round(poisson_upper_zero(0.95), 3)
    3.689
    """
    from scipy.stats import chi2

    return float(chi2.ppf(1 - (1 - confidence) / 2, 2) / 2)


def wilson_interval(k: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> Interval:
    """Wilson score interval for the proportion ``k/n``; NaN where ``n == 0``.

    ``(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`` with ``p̂ = k/n``
    (Wilson 1927; Brown, Cai & DasGupta 2001). Bounds are clipped to [0, 1];
    the lower bound is exactly 0 when ``k == 0``, the upper exactly 1 when ``k == n``.

    >>> wilson_interval([0, 0], [10, 0]).low
    array([ 0., nan])
    """
    z = _z(confidence)
    k_, n_ = _arrays(k, n)
    _check_proportion(k_, n_, "wilson_interval")
    low, high = _wilson(k_, n_, z)
    return Interval(_out(low), _out(high))


def newcombe_difference(
    k1: ArrayLike, n1: ArrayLike, k2: ArrayLike, n2: ArrayLike, confidence: float = 0.95
) -> DifferenceInterval:
    """``p1 − p2`` with Newcombe's hybrid score interval (method 10); NaN if n1 or n2 is 0.

    From the Wilson intervals ``(l1, u1)``, ``(l2, u2)`` and ``d = p1 − p2``:
    ``low = d − √((p1 − l1)² + (u2 − p2)²)``, ``high = d + √((u1 − p1)² + (p2 − l2)²)``
    (Newcombe 1998, Statistics in Medicine 17:873–890).

    >>> [round(v, 4) for v in newcombe_difference(30, 100, 20, 100)]
    [0.1, -0.0202, 0.2167]
    """
    z = _z(confidence)
    k1_, n1_, k2_, n2_ = _arrays(k1, n1, k2, n2)
    _check_proportion(k1_, n1_, "newcombe_difference", "k1, n1")
    _check_proportion(k2_, n2_, "newcombe_difference", "k2, n2")
    l1, u1 = _wilson(k1_, n1_, z)
    l2, u2 = _wilson(k2_, n2_, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = k1_ / n1_
        p2 = k2_ / n2_
    diff = p1 - p2
    low = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return DifferenceInterval(_out(diff), _out(low), _out(high))


def cohens_h(p1: ArrayLike, p2: ArrayLike) -> FloatOrArray:
    """Cohen's h effect size for two proportions: ``2·asin√p1 − 2·asin√p2``.

    Cohen (1988), *Statistical Power Analysis*, ch. 6: |h| ≈ 0.2 small, 0.5
    medium, 0.8 large. Proportions must be in [0, 1] (NaN propagates).

    >>> round(cohens_h(0.5, 0.25), 4)
    0.5236
    """
    p1_, p2_ = _arrays(p1, p2)
    if np.any((p1_ < 0) | (p1_ > 1)) or np.any((p2_ < 0) | (p2_ > 1)):
        raise IsicValueError(Errors.E623.format(where="cohens_h", values="proportions"))
    return _out(2.0 * np.arcsin(np.sqrt(p1_)) - 2.0 * np.arcsin(np.sqrt(p2_)))


def two_proportion_test(k1: ArrayLike, n1: ArrayLike, k2: ArrayLike, n2: ArrayLike) -> FloatOrArray:
    """Two-sided p-value of the pooled z test of ``p1 = p2``.

    ``z = (p1 − p2) / √(p̄(1 − p̄)(1/n1 + 1/n2))`` with ``p̄ = (k1 + k2)/(n1 + n2)``,
    ``p = 2·Φ(−|z|)``; the same as Pearson's chi-squared test without continuity
    correction on the 2×2 table (Agresti 2013, *Categorical Data Analysis*, §3.1).
    NaN when ``n1`` or ``n2`` is 0 or when ``p̄`` is 0 or 1 (no variation at all).

    >>> round(two_proportion_test(30, 100, 20, 100), 4)
    0.1025
    """
    k1_, n1_, k2_, n2_ = _arrays(k1, n1, k2, n2)
    _check_proportion(k1_, n1_, "two_proportion_test", "k1, n1")
    _check_proportion(k2_, n2_, "two_proportion_test", "k2, n2")
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (k1_ + k2_) / (n1_ + n2_)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1_ + 1.0 / n2_))
        z = (k1_ / n1_ - k2_ / n2_) / se
        p = 2.0 * special.ndtr(-np.abs(z))
    p = np.where(np.isfinite(se) & (se > 0), p, np.nan)
    return _out(p)


# --------------------------------------------------------------------------- tables


def chi2_independence(table: ArrayLike) -> ChiSquareResult:
    """Pearson's chi-squared test of independence and Cramér's V for an r×c count table.

    All-zero rows and columns are dropped first (they carry no information and
    would make expected counts 0); r and c below are those that remain.
    ``χ² = Σ (O − E)²/E`` with ``E = row·col/n``, no Yates correction,
    ``dof = (r − 1)(c − 1)``, ``V = √(χ²/(n·(min(r, c) − 1)))`` (Cramér 1946,
    *Mathematical Methods of Statistics*, §21.9; no bias correction).

    >>> res = chi2_independence([[10, 20, 0], [30, 40, 0]])
    >>> res.dof, round(res.chi2, 4), round(res.cramers_v, 4)
    (1, 0.7937, 0.0891)
    """
    obs = np.asarray(table, dtype=float)
    if obs.ndim != 2:
        raise IsicValueError(Errors.E626.format(where="chi2_independence", ndim=obs.ndim))
    if not np.all(np.isfinite(obs)) or np.any(obs < 0):
        raise IsicValueError(Errors.E621.format(where="chi2_independence", values="counts"))
    n = float(obs.sum())
    obs = obs[obs.sum(axis=1) > 0][:, obs.sum(axis=0) > 0]
    r, c = obs.shape
    if r < 2 or c < 2:
        return ChiSquareResult(math.nan, 0, math.nan, math.nan, n)
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / n
    chi2 = float(((obs - expected) ** 2 / expected).sum())
    dof = (r - 1) * (c - 1)
    cramers_v = math.sqrt(chi2 / (n * (min(r, c) - 1)))
    return ChiSquareResult(chi2, dof, float(sps.chi2.sf(chi2, dof)), cramers_v, n)


def benjamini_hochberg(p_values: ArrayLike) -> FloatOrArray:
    """Benjamini–Hochberg adjusted p-values (q-values), same shape as the input.

    With the m non-NaN p-values sorted, ``q_(i) = min_{j ≥ i} min(1, m·p_(j)/j)``
    (Benjamini & Hochberg 1995, JRSS B 57:289–300). NaNs stay NaN and are not
    counted in m. Reject at FDR level α where ``q ≤ α``.

    >>> benjamini_hochberg([0.01, 0.04, float("nan"), 0.03])
    array([0.03, 0.04,  nan, 0.04])
    """
    p = np.asarray(p_values, dtype=float)
    flat = p.ravel()
    ok = ~np.isnan(flat)
    values = flat[ok]
    if np.any((values < 0) | (values > 1)):
        raise IsicValueError(Errors.E623.format(where="benjamini_hochberg", values="p-values"))
    m = values.size
    order = np.argsort(values, kind="stable")
    scaled = values[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    q_ok = np.empty(m)
    q_ok[order] = q_sorted
    out = np.full(flat.shape, np.nan)
    out[ok] = q_ok
    return _out(out.reshape(p.shape))


# --------------------------------------------------------------------------- keyness


def log_likelihood_g2(k: ArrayLike, K: ArrayLike, n: ArrayLike, N: ArrayLike) -> Keyness:
    """Signed log-likelihood ratio G² of a word, part vs rest; p from χ² with 1 dof.

    On the 2×2 table ``[[k, n − k], [K − k, (N − n) − (K − k)]]`` (part/rest ×
    word/other tokens), ``G² = 2 Σ O·ln(O/E)`` with ``E = row·col/N`` and zero
    cells contributing 0 (Dunning 1993, Computational Linguistics 19:61–74;
    Rayson & Garside 2000). The Wmatrix/Rayson web calculator sums only the two
    word cells; that approximation is close to this full G² for rare words.
    The score is ``+G²`` when ``k/n > (K − k)/(N − n)`` (over-used in the part),
    ``−G²`` otherwise. NaN when a margin is empty (``n`` is 0 or ``N``, ``K`` is
    0 or ``N``). Needs no integer counts.

    >>> score, p = log_likelihood_g2(10, 20, 100, 1000)
    >>> round(score, 4), round(p, 7)
    (21.177, 4.2e-06)
    """
    k_, K_, n_, N_ = _keyness_arrays(k, K, n, N)
    observed = (k_, n_ - k_, K_ - k_, N_ - n_ - K_ + k_)
    rows = (n_, n_, N_ - n_, N_ - n_)
    cols = (K_, N_ - K_, K_, N_ - K_)
    g2 = np.zeros(k_.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        for o, row, col in zip(observed, rows, cols, strict=True):
            g2 += np.where(o > 0, o * np.log(o * N_ / (row * col)), 0.0)
        g2 = np.maximum(2.0 * g2, 0.0)
        sign = np.sign(k_ * (N_ - n_) - (K_ - k_) * n_)
    degenerate = (n_ == 0) | (n_ == N_) | (K_ == 0) | (K_ == N_)
    score = np.where(degenerate, np.nan, sign * g2 + 0.0)
    p = np.where(degenerate, np.nan, sps.chi2.sf(g2, 1))
    return Keyness(_out(score), _out(p))


# Tails below this are recomputed in log space (boost's sf/cdf would lose precision, then 0).
_TINY_TAIL = 1e-280


def _log_hypergeom_tail(k: int, N: int, K: int, n: int, upper: bool) -> float:
    """ln P(X ≥ k) (upper) or ln P(X ≤ k) for X ~ H(N, K, n), summing pmf terms in log space.

    Terms decrease at least geometrically away from ``k`` in the tail, so the sum
    stops once they are below 1e-20 of the first one.
    """
    lo, hi = max(0, n - (N - K)), min(K, n)
    if upper:
        ratio = (K - k) * (n - k) / ((k + 1) * (N - K - n + k + 1)) if k < hi else 0.0
        length = hi - k + 1
    else:
        ratio = k * (N - K - n + k) / ((K - k + 1) * (n - k + 1)) if k > lo else 0.0
        length = k - lo + 1
    if 0.0 < ratio < 1.0:
        length = min(length, 10 + math.ceil(46.1 / -math.log(ratio)))
    j = np.arange(k, k + length) if upper else np.arange(k - length + 1, k + 1)
    return float(special.logsumexp(sps.hypergeom.logpmf(j, N, K, n)))


def lafon_specificity(k: ArrayLike, K: ArrayLike, n: ArrayLike, N: ArrayLike) -> Keyness:
    """Lafon's hypergeometric specificity score of a word in a part, and its one-sided p.

    ``X ~ Hypergeometric(N tokens, K occurrences, n drawn)`` is the word's count
    in a random part of size n (Lafon 1980, *Mots* 1:127–165; as in Lexico, TXM,
    IRaMuTeQ). If ``k ≥ K·n/N`` the score is ``−log10 P(X ≥ k)`` (≥ 0,
    over-represented), otherwise ``+log10 P(X ≤ k)`` (< 0, under-represented);
    ``p_value`` is that tail probability. TXM switches tails at the mode
    rather than the mean: the two differ only for |score| < 1.

    Tails are computed with boost's exact sf/cdf and, below 1e-280, by summing
    the pmf in log space, so scores stay finite and accurate far beyond 300
    (nothing is capped); ``p_value`` is then ``exp(−score·ln 10)`` and is 0.0
    once below ~1e-308, while the score still ranks such words. Counts must be
    integers. NaN when ``N == 0``.

    >>> score, p = lafon_specificity([6, 0], 6, 8, 20)
    >>> [round(float(s), 4) for s in score]
    [3.1412, -1.6227]
    """
    k_, K_, n_, N_ = _keyness_arrays(k, K, n, N)
    shape = k_.shape
    k_, K_, n_, N_ = (value.reshape(-1) for value in (k_, K_, n_, N_))
    for value in (k_, K_, n_, N_):
        if np.any(value != np.round(value)):
            raise IsicValueError(Errors.E625.format(where="lafon_specificity", values="counts"))
    score = np.full(k_.shape, np.nan)
    p = np.full(k_.shape, np.nan)
    valid = N_ > 0
    upper = valid & (k_ * N_ >= K_ * n_)
    lower = valid & ~upper
    tail = np.empty(k_.shape)
    tail[upper] = sps.hypergeom.sf(k_[upper] - 1, N_[upper], K_[upper], n_[upper])
    tail[lower] = sps.hypergeom.cdf(k_[lower], N_[lower], K_[lower], n_[lower])
    tail = np.clip(tail, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        log_tail = np.log(tail)
    for i in np.flatnonzero(valid & (tail < _TINY_TAIL)):
        log_tail[i] = _log_hypergeom_tail(
            int(k_[i]), int(N_[i]), int(K_[i]), int(n_[i]), bool(upper[i])
        )
    log10_tail = log_tail / math.log(10.0)
    score[upper] = -log10_tail[upper] + 0.0
    score[lower] = log10_tail[lower]
    p[valid] = np.exp(log_tail[valid])
    return Keyness(_out(score.reshape(shape)), _out(p.reshape(shape)))


def log_odds_dirichlet(
    k: ArrayLike,
    K: ArrayLike,
    n: ArrayLike,
    N: ArrayLike,
    prior: ArrayLike | None = None,
    prior_total: float | None = None,
) -> LogOdds:
    """Log-odds ratio with an informative Dirichlet prior, part vs rest ("Fightin' Words").

    Monroe, Colaresi & Quinn (2008), Political Analysis 16:372–403, eq. 16–22,
    with ``y_i = k``, ``n_i = n`` (part) and ``y_j = K − k``, ``n_j = N − n`` (rest):
    ``δ = ln((y_i + α)/(n_i + α0 − y_i − α)) − ln((y_j + α)/(n_j + α0 − y_j − α))``,
    ``σ² ≈ 1/(y_i + α) + 1/(y_j + α)``, ``z = δ/σ``.

    Prior: by default ``α_w = K_w·α0/N`` with ``α0 = prior_total`` (default 1,000
    tokens), the corpus distribution shrunk to 1,000 pseudo-tokens. It sums to α0
    over the full vocabulary (Σ K_w = N); each word's α only needs its own K and
    N, so passing a subset of words gives the same values. With an explicit
    ``prior`` (α_w, broadcast like ``k``), ``α0 = Σ prior`` unless ``prior_total``
    is given — required when ``prior`` is a scalar or covers only some words.
    NaN where a log is undefined (e.g. ``K == 0`` with the default prior).

    >>> delta, z = log_odds_dirichlet([10, 90], [20, 980], 100, 1000)
    >>> [round(float(v), 4) for v in z]
    [2.1622, -14.5643]
    """
    k_, K_, n_, N_ = _keyness_arrays(k, K, n, N)
    if prior is None:
        alpha0 = 1000.0 if prior_total is None else float(prior_total)
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = K_ * alpha0 / N_
    else:
        prior_arr = np.asarray(prior, dtype=float)
        if np.any(prior_arr < 0) or not np.all(np.isfinite(prior_arr)):
            raise IsicValueError(Errors.E621.format(where="log_odds_dirichlet", values="prior pseudo-counts"))
        if prior_total is None:
            if prior_arr.ndim == 0:
                raise IsicValueError(Errors.E006.format(option="log_odds_dirichlet: prior_total", expected="given with a scalar prior", value=prior_total))
            alpha0 = float(prior_arr.sum())
        else:
            alpha0 = float(prior_total)
        alpha = np.broadcast_to(prior_arr, k_.shape)
    if not alpha0 > 0:
        raise IsicValueError(Errors.E006.format(option="log_odds_dirichlet: the prior total", expected="positive", value=alpha0))
    y_i, y_j, n_i, n_j = k_, K_ - k_, n_, N_ - n_
    a_i, b_i = y_i + alpha, n_i + alpha0 - y_i - alpha
    a_j, b_j = y_j + alpha, n_j + alpha0 - y_j - alpha
    ok = (a_i > 0) & (b_i > 0) & (a_j > 0) & (b_j > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log(a_i / b_i) - np.log(a_j / b_j)
        z = delta / np.sqrt(1.0 / a_i + 1.0 / a_j)
    delta = np.where(ok, delta, np.nan)
    z = np.where(ok, z, np.nan)
    return LogOdds(_out(delta), _out(z))


# --------------------------------------------------------------------------- bootstrap


def _percentile(values: np.ndarray, confidence: float) -> tuple[float, float]:
    if values.size == 0:
        return math.nan, math.nan
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)


def cluster_codes(cluster: ArrayLike | None, n: int) -> tuple[np.ndarray, int]:
    """Integer codes ``0..G−1`` of the cluster of each of ``n`` rows, and G.

    ``None``: every row is its own cluster. Missing ids (None, NaN) raise
    :class:`ValueError`: a unit without a cluster cannot be resampled with its cluster.

    >>> cluster_codes(["b", "a", "b"], 3)
    (array([1, 0, 1]), 2)
    """
    if cluster is None:
        return np.arange(n), n
    values = np.asarray(cluster, dtype=object).ravel()
    if values.size != n:
        raise IsicValueError(Errors.E627.format(reason=f"cluster: {values.size} cluster ids for {n} rows"))
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        raise IsicValueError(Errors.E627.format(reason="cluster: a cluster id is missing"))
    if n == 0:
        return np.zeros(0, dtype=int), 0
    _, codes = np.unique(values.astype(str), return_inverse=True)
    return codes.ravel(), int(codes.max()) + 1


def _copies(rng: np.random.Generator, size: int, n_clusters: int) -> np.ndarray:
    """(size, G) copies of each cluster in ``size`` resamples of G clusters with replacement."""
    idx = rng.integers(0, n_clusters, size=(size, n_clusters))
    flat = (idx + n_clusters * np.arange(size)[:, None]).ravel()
    return np.bincount(flat, minlength=size * n_clusters).reshape(size, n_clusters).astype(float)


def bootstrap_ratio(
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    cluster: ArrayLike | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> RatioEstimate:
    """Ratio of sums ``Σnum/Σden`` with a percentile interval from resampling clusters.

    ``numerator``/``denominator`` hold one value per row (a unit, or a document
    already summed); ``cluster`` gives each row's cluster (a creating text, a
    document): rows of one cluster are summed first and resampled together.
    Without ``cluster`` each row is its own cluster (the behaviour before clusters
    were added). ``numerator`` may also be a (rows × series) matrix: then every
    series (e.g. every label) is resampled with the same draws and the result
    holds arrays. Each of the ``n_boot`` samples draws the G clusters uniformly
    with replacement (copies per cluster are multinomial(G, 1/G)); the interval
    is the ``(1 ± confidence)/2`` quantiles of ``Σnum*/Σden*`` (Efron & Tibshirani
    1993, ch. 13; a cluster bootstrap, Davison & Hinkley 1997, §3.8). Samples
    with ``Σden* == 0`` are dropped and counted in ``n_failed`` (an attribute of
    the result, with ``n_boot``, the samples used). Deterministic for a ``seed``;
    memory is bounded by working in chunks of ~2 million resampled clusters.
    Denominators must be non-negative. NaN triple when there are no rows (and a
    NaN estimate when ``Σden == 0``).

    >>> bootstrap_ratio([1, 2, 3], [10, 20, 30])
    RatioEstimate(estimate=0.1, low=0.1, high=0.1)
    >>> bootstrap_ratio([[1, 0], [2, 0], [3, 0]], [10, 20, 30]).estimate.tolist()
    [0.1, 0.0]
    >>> bootstrap_ratio([1, 0, 1, 1], [1, 1, 1, 1], cluster=["a", "a", "b", "b"], n_boot=200).n_failed
    0
    """
    _z(confidence)
    if n_boot < 1:
        raise IsicValueError(Errors.E006.format(option="bootstrap_ratio: n_boot", expected="at least 1", value=n_boot))
    raw = np.asarray(numerator, dtype=float)
    matrix = raw.ndim == 2
    num = raw if matrix else raw.ravel()[:, None]
    den = np.asarray(denominator, dtype=float).ravel()
    if num.shape[0] != den.shape[0]:
        raise IsicValueError(Errors.E624.format(where="bootstrap_ratio", values="numerator and denominator", lengths=f"{num.shape[0]} and {den.shape[0]}", item="document"))
    if not (np.all(np.isfinite(num)) and np.all(np.isfinite(den))) or np.any(den < 0):
        raise IsicValueError(Errors.E621.format(where="bootstrap_ratio", values="numerators (finite) and denominators"))
    codes, n_clusters = cluster_codes(cluster, den.size)
    if cluster is not None and n_clusters:
        num_c = np.zeros((n_clusters, num.shape[1]))
        np.add.at(num_c, codes, num)
        num, den = num_c, np.bincount(codes, weights=den, minlength=n_clusters)
    n_series = num.shape[1]

    def result(estimate, low, high, used=0, failed=0) -> RatioEstimate:
        if matrix:
            return RatioEstimate(estimate, low, high, used, failed)
        return RatioEstimate(float(estimate[0]), float(low[0]), float(high[0]), used, failed)

    if n_clusters == 0:
        nan = np.full(n_series, math.nan)
        return result(nan, nan.copy(), nan.copy())
    total_den = float(den.sum())
    estimate = num.sum(axis=0) / total_den if total_den != 0 else np.full(n_series, math.nan)
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, _CHUNK_CELLS // n_clusters))
    ratios = []
    for start in range(0, n_boot, chunk):
        copies = _copies(rng, min(chunk, n_boot - start), n_clusters)
        sum_num = copies @ num
        sum_den = copies @ den
        keep = sum_den != 0
        ratios.append(sum_num[keep] / sum_den[keep, None])
    draws = np.concatenate(ratios)
    failed = n_boot - len(draws)
    if len(draws) == 0:
        nan = np.full(n_series, math.nan)
        return result(estimate, nan, nan.copy(), 0, failed)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(draws, [tail, 1.0 - tail], axis=0)
    return result(estimate, low, high, len(draws), failed)


# --------------------------------------------------------------------------- trends


_MAX_ITER = 50
_TOL = 1e-10


def _fit_logit(
    t: np.ndarray, s: np.ndarray, m: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Newton–Raphson for B binomial logit fits sharing the covariate ``t``.

    ``s``, ``m``: (B, Y) successes and trials. Returns ``beta`` (B, 2), the
    variance of the slope (B,), the trials-weighted mean of p(1 − p) (B,),
    ``converged`` (B,) and the iterations used (B,). Fits whose outcome or
    covariate does not vary, or that do not converge, have ``converged`` False.
    """
    with np.errstate(all="ignore"):
        total = m.sum(axis=1)
        p0 = s.sum(axis=1) / total
        present = m > 0
        t_min = np.where(present, t, np.inf).min(axis=1)
        t_max = np.where(present, t, -np.inf).max(axis=1)
        fittable = (total > 0) & (p0 > 0) & (p0 < 1) & (t_max > t_min)
        beta = np.zeros((s.shape[0], 2))
        beta[:, 0] = np.where(fittable, np.log(p0 / (1.0 - p0)), 0.0)
        active = fittable.copy()
        converged = np.zeros(s.shape[0], dtype=bool)
        iterations = np.zeros(s.shape[0], dtype=int)
        for _ in range(_MAX_ITER):
            if not active.any():
                break
            a = np.flatnonzero(active)
            mu = special.expit(beta[a, :1] + beta[a, 1:] * t)
            w = m[a] * mu * (1.0 - mu)
            r = s[a] - m[a] * mu
            u0, u1 = r.sum(axis=1), (r * t).sum(axis=1)
            i00, i01, i11 = w.sum(axis=1), (w * t).sum(axis=1), (w * t * t).sum(axis=1)
            det = i00 * i11 - i01 * i01
            d0 = (i11 * u0 - i01 * u1) / det
            d1 = (i00 * u1 - i01 * u0) / det
            beta[a, 0] += d0
            beta[a, 1] += d1
            iterations[a] += 1
            finite = np.isfinite(d0) & np.isfinite(d1)
            done = finite & (np.abs(d0) <= _TOL * (1.0 + np.abs(beta[a, 0])))
            done &= np.abs(d1) <= _TOL * (1.0 + np.abs(beta[a, 1]))
            converged[a[done]] = True
            active[a[done | ~finite]] = False
        mu = special.expit(beta[:, :1] + beta[:, 1:] * t)
        w = m * mu * (1.0 - mu)
        i00, i01, i11 = w.sum(axis=1), (w * t).sum(axis=1), (w * t * t).sum(axis=1)
        var_slope = i00 / (i00 * i11 - i01 * i01)
        mean_pq = w.sum(axis=1) / total
    converged &= np.isfinite(var_slope) & (var_slope > 0)
    return beta, var_slope, mean_pq, converged, iterations


def _trend_rows(
    year: ArrayLike, successes: ArrayLike, trials: ArrayLike, cluster: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Validated 1-D arrays, keeping rows with trials > 0 (and their cluster ids, if any)."""
    y = np.asarray(year, dtype=float).ravel()
    s = np.asarray(successes, dtype=float).ravel()
    m = np.asarray(trials, dtype=float).ravel()
    if not y.shape == s.shape == m.shape:
        raise IsicValueError(Errors.E624.format(where="logistic_trend", values="year, successes and trials", lengths=f"{y.size}, {s.size} and {m.size}", item="year or unit"))
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(s)) and np.all(np.isfinite(m))):
        raise IsicValueError(Errors.E621.format(where="logistic_trend", values="years (finite), successes and trials"))
    if np.any(s < 0) or np.any(s > m):
        raise IsicValueError(Errors.E622.format(where="logistic_trend", rule="need 0 <= successes <= trials"))
    if np.any(s != np.round(s)) or np.any(m != np.round(m)):
        raise IsicValueError(Errors.E625.format(where="logistic_trend", values="successes and trials"))
    keep = m > 0
    cl = None
    if cluster is not None:
        cl = np.asarray(cluster, dtype=object).ravel()
        if cl.size != y.size:
            raise IsicValueError(Errors.E627.format(reason="logistic_trend: cluster differs in length from year"))
        cl = cl[keep]
    return y[keep], s[keep], m[keep], cl


def _nan_trend(
    per: float, confidence: float, y: np.ndarray, m: np.ndarray, note: str, it: int = 0, n_clusters: int = 0,
    se_kind: str = "model",
) -> LogisticTrend:
    """A fit that could not be made: NaN estimates, the counts, and why."""
    nan = math.nan
    start, end = (float(y.min()), float(y.max())) if y.size else (nan, nan)
    return LogisticTrend(
        nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, float(per), float(confidence),
        int(m.sum()), int(y.size), start, end, False, it, note, n_clusters, se_kind,
    )  # fmt: skip


def logistic_trend(
    year: ArrayLike,
    successes: ArrayLike,
    trials: ArrayLike,
    *,
    cluster: ArrayLike | None = None,
    per: float = 10.0,
    confidence: float = 0.95,
) -> LogisticTrend:
    """Binomial GLM trend ``logit(p) = a + b·(year − centre)`` fitted by Newton–Raphson.

    One row per document (or per year, or per cluster and year): ``successes`` of
    ``trials`` units, both integers; rows with 0 trials are ignored. ``centre`` is
    the trials-weighted mean year (it changes ``intercept`` only). Maximum
    likelihood by Newton's method (= IRLS for the canonical logit link; ≤ 50
    iterations, step ≤ 1e-10), Wald standard error from the observed information
    (McCullagh & Nelder 1989, *Generalized Linear Models*, §4.4). ``slope_per =
    b·per``; ``ame_points = 100·per·b·Σ trials·p(1 − p)/Σ trials`` (average marginal
    effect in percentage points per ``per`` years).

    Without ``cluster`` units are treated as independent (``se_kind="model"``).
    With ``cluster`` (one id per row) the standard error is cluster-robust
    (``se_kind="cluster"``): the sandwich ``c·I⁻¹ (Σ_g u_g u_gᵀ) I⁻¹`` with ``u_g``
    the score summed over the rows of cluster g and the CR1 factor
    ``c = G/(G − 1)·(n − 1)/(n − 2)`` (n units, 2 parameters), as statsmodels'
    ``GLM(...).fit(cov_type="cluster")`` on one row per unit (Cameron & Miller 2015,
    J. Human Resources 50:317–372); ``n_clusters`` = G. Fewer than 2 clusters: not fitted.

    Not fitted (NaN, ``converged=False``, ``note``): no units, no variation in the
    outcome (all 0 or all successes), a single year, or no convergence
    (complete or quasi-complete separation: the MLE does not exist).

    >>> fit = logistic_trend([2000, 2010, 2020], [10, 20, 30], [100, 100, 100])
    >>> round(fit.slope_per, 4), round(fit.ame_points, 2), fit.converged
    (0.6549, 10.04, True)
    """
    z_crit = _z(confidence)
    y, s, m, cl = _trend_rows(year, successes, trials, cluster)
    kind = "model" if cluster is None else "cluster"
    codes, n_clusters = cluster_codes(cl, y.size) if cl is not None else (None, 0)
    if y.size == 0:
        return _nan_trend(per, confidence, y, m, "no units (all trials are 0)", 0, n_clusters, kind)
    if s.sum() == 0 or s.sum() == m.sum():
        return _nan_trend(per, confidence, y, m, "no variation: all outcomes are 0 or all are 1", 0, n_clusters, kind)
    years, year_codes = np.unique(y, return_inverse=True)
    if years.size < 2:
        return _nan_trend(per, confidence, y, m, "a single year: no trend can be fitted", 0, n_clusters, kind)
    if cl is not None and n_clusters < 2:
        return _nan_trend(per, confidence, y, m, "a single cluster: no cluster-robust interval", 0, n_clusters, kind)
    s_year = np.bincount(year_codes, weights=s, minlength=years.size)
    m_year = np.bincount(year_codes, weights=m, minlength=years.size)
    centre = float((years * m_year).sum() / m_year.sum())
    beta, var_slope, mean_pq, converged, iterations = _fit_logit(
        years - centre, s_year[None, :], m_year[None, :]
    )
    if not converged[0]:
        note = f"did not converge in {_MAX_ITER} iterations (separation: the MLE does not exist)"
        return _nan_trend(per, confidence, y, m, note, int(iterations[0]), n_clusters, kind)
    b = float(beta[0, 1])
    var_b = float(var_slope[0])
    if cl is not None:
        var_b = _cluster_slope_variance(beta[0], y - centre, s, m, codes, n_clusters)
    slope = b * per
    se = math.sqrt(var_b) * abs(per)
    low, high = slope - z_crit * se, slope + z_crit * se
    return LogisticTrend(
        slope_per=slope,
        se=se,
        low=low,
        high=high,
        odds_ratio=math.exp(slope),
        odds_ratio_low=math.exp(low),
        odds_ratio_high=math.exp(high),
        ame_points=100.0 * per * b * float(mean_pq[0]),
        p_value=float(2.0 * special.ndtr(-abs(b) / math.sqrt(var_b))),
        intercept=float(beta[0, 0]),
        centre=centre,
        per=float(per),
        confidence=float(confidence),
        n_units=int(m.sum()),
        n_rows=int(y.size),
        start=float(years[0]),
        end=float(years[-1]),
        converged=True,
        iterations=int(iterations[0]),
        note="",
        n_clusters=n_clusters,
        se_kind=kind,
    )


def _cluster_slope_variance(
    beta: np.ndarray, t: np.ndarray, s: np.ndarray, m: np.ndarray, codes: np.ndarray, n_clusters: int
) -> float:
    """CR1 sandwich variance of the slope: scores summed within clusters (statsmodels' correction)."""
    mu = special.expit(beta[0] + beta[1] * t)
    r = s - m * mu
    w = m * mu * (1.0 - mu)
    info = np.array([[w.sum(), (w * t).sum()], [(w * t).sum(), (w * t * t).sum()]])
    scores = np.zeros((n_clusters, 2))
    np.add.at(scores, codes, np.column_stack([r, r * t]))
    bread = np.linalg.inv(info)
    n_units = m.sum()
    factor = n_clusters / (n_clusters - 1.0) * (n_units - 1.0) / (n_units - 2.0)
    return float((bread @ (scores.T @ scores) @ bread)[1, 1] * factor)


def logistic_trend_bootstrap(
    year: ArrayLike,
    successes: ArrayLike,
    trials: ArrayLike,
    *,
    cluster: ArrayLike | None = None,
    per: float = 10.0,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> LogisticTrendBootstrap:
    """:func:`logistic_trend` with percentile intervals from resampling clusters.

    ``cluster`` gives each row's cluster (a creating text, a document); without
    it each row (document) is its own cluster. Each of the ``n_boot`` samples
    draws the G clusters uniformly with replacement, keeps all the rows of a
    drawn cluster together, aggregates them by year (the binomial likelihood only
    depends on these sums) and refits; the intervals are the ``(1 ± confidence)/2``
    quantiles of ``slope_per`` and ``ame_points`` over the fits that converged (a
    cluster bootstrap: Davison & Hinkley 1997, §3.8; Cameron & Miller 2015,
    J. Human Resources 50:317–372). Resamples that cannot be fitted (no
    variation in the outcome or in the years, separation) are **counted** in
    ``n_failed`` (``n_boot`` counts those used): a caller must look at it, an
    interval from a biased subset of resamples is not to be shown as is.
    ``wald`` is the closed-form fit, cluster-robust when ``cluster`` is given.
    Deterministic for a ``seed``. When the full-data fit fails, everything is
    NaN with its ``note``.

    >>> boot = logistic_trend_bootstrap([2000, 2010, 2020], [10, 20, 30], [100, 100, 100],
    ...                                 n_boot=200)
    >>> boot.slope_per == boot.wald.slope_per, boot.n_boot + boot.n_failed
    (True, 200)
    """
    if n_boot < 1:
        raise IsicValueError(Errors.E006.format(option="logistic_trend_bootstrap: n_boot", expected="at least 1", value=n_boot))
    fit = logistic_trend(year, successes, trials, cluster=cluster, per=per, confidence=confidence)
    y, s, m, cl = _trend_rows(year, successes, trials, cluster)
    codes, n_clusters = cluster_codes(cl, y.size)
    nan = math.nan
    if not fit.converged:
        return LogisticTrendBootstrap(
            nan, nan, nan, nan, nan, nan, nan, nan, nan, fit.n_units, fit.n_rows,
            fit.start, fit.end, 0, 0, float(confidence), False, fit.note, fit, n_clusters,
        )  # fmt: skip
    years, year_codes = np.unique(y, return_inverse=True)
    n_years = years.size
    t = years - fit.centre
    # Successes and trials of each cluster in each year: a resample is copies @ these.
    if cl is not None:
        cell = codes * n_years + year_codes
        s_cy = np.bincount(cell, weights=s, minlength=n_clusters * n_years).reshape(n_clusters, n_years)
        m_cy = np.bincount(cell, weights=m, minlength=n_clusters * n_years).reshape(n_clusters, n_years)
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, _CHUNK_CELLS // max(n_clusters, n_years)))
    slopes, ames = [], []
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        if cl is None:  # rows are the clusters: sum the drawn rows by year (faster than a product)
            idx = rng.integers(0, n_clusters, size=(size, n_clusters))
            bins = (year_codes[idx] + n_years * np.arange(size)[:, None]).ravel()
            s_b = np.bincount(bins, weights=s[idx].ravel(), minlength=size * n_years).reshape(size, n_years)
            m_b = np.bincount(bins, weights=m[idx].ravel(), minlength=size * n_years).reshape(size, n_years)
        else:
            copies = _copies(rng, size, n_clusters)
            s_b, m_b = copies @ s_cy, copies @ m_cy
        beta, _, mean_pq, converged, _ = _fit_logit(t, s_b, m_b)
        b = beta[converged, 1]
        slopes.append(b * per)
        ames.append(100.0 * per * b * mean_pq[converged])
    slope_draws, ame_draws = np.concatenate(slopes), np.concatenate(ames)
    slope_low, slope_high = _percentile(slope_draws, confidence)
    ame_low, ame_high = _percentile(ame_draws, confidence)
    return LogisticTrendBootstrap(
        slope_per=fit.slope_per,
        slope_low=slope_low,
        slope_high=slope_high,
        odds_ratio=fit.odds_ratio,
        odds_ratio_low=math.exp(slope_low),
        odds_ratio_high=math.exp(slope_high),
        ame_points=fit.ame_points,
        ame_low=ame_low,
        ame_high=ame_high,
        n_units=fit.n_units,
        n_rows=fit.n_rows,
        start=fit.start,
        end=fit.end,
        n_boot=int(slope_draws.size),
        n_failed=int(n_boot - slope_draws.size),
        confidence=float(confidence),
        converged=True,
        note="",
        wald=fit,
        n_clusters=n_clusters,
    )


def mann_kendall_sen(x: ArrayLike, y: ArrayLike, *, confidence: float = 0.95) -> MannKendallResult:
    """Mann–Kendall trend test of y against x (e.g. years) and Sen's slope with its CI.

    ``tau`` and ``p_value`` are from :func:`scipy.stats.kendalltau` (tau-b, ties
    corrected; exact p for small samples without ties, normal approximation
    otherwise), ``S = tau_b·√((n0 − n1)(n0 − n2))`` with ``n0 = n(n − 1)/2`` and
    n1, n2 the tied pairs in x and y (Mann 1945; Kendall 1975). Sen's slope is
    the median of the pairwise slopes ``(y_j − y_i)/(x_j − x_i)`` over pairs with
    ``x_i ≠ x_j`` and its interval is from :func:`scipy.stats.theilslopes` (Sen
    1968, JASA 63:1379–1389); O(n²) memory, meant for yearly series. Pairs with
    a NaN are dropped. Everything NaN when n < 3 or x is constant; tau and
    p_value NaN (and s = 0) when y is constant.

    >>> res = mann_kendall_sen([2000, 2001, 2002, 2003], [1.0, 3.0, 2.0, 5.0])
    >>> res.s, round(res.tau, 4), round(res.sen_slope, 4)
    (4.0, 0.6667, 1.1667)
    """
    x_ = np.asarray(x, dtype=float).ravel()
    y_ = np.asarray(y, dtype=float).ravel()
    if x_.shape != y_.shape:
        raise IsicValueError(Errors.E624.format(where="mann_kendall_sen", values="x and y", lengths=f"{x_.size} and {y_.size}", item="point"))
    keep = np.isfinite(x_) & np.isfinite(y_)
    x_, y_ = x_[keep], y_[keep]
    n = int(x_.size)
    nan = math.nan
    if n < 3 or np.all(x_ == x_[0]):
        return MannKendallResult(nan, nan, nan, nan, nan, nan, n)
    sen = sps.theilslopes(y_, x_, alpha=confidence)
    if np.all(y_ == y_[0]):
        tau, s, p = nan, 0.0, nan
    else:
        res = sps.kendalltau(x_, y_)
        tau, p = float(res.statistic), float(res.pvalue)

        def tied_pairs(v: np.ndarray) -> float:
            counts = np.unique(v, return_counts=True)[1].astype(float)
            return float((counts * (counts - 1) / 2).sum())

        n0 = n * (n - 1) / 2
        s = float(round(tau * math.sqrt((n0 - tied_pairs(x_)) * (n0 - tied_pairs(y_)))))
    return MannKendallResult(
        tau=tau,
        s=s,
        p_value=p,
        sen_slope=float(sen.slope),
        sen_low=float(sen.low_slope),
        sen_high=float(sen.high_slope),
        n=n,
    )
