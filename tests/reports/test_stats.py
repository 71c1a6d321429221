"""Tests of isic_nlp.reports.stats against hand computations and independent libraries.

statsmodels (a test-only dependency) and scipy are the independent references;
hand values are written out as arithmetic. Any warning raised by the code under
test fails the test (``filterwarnings("error")``).
"""

from __future__ import annotations

import itertools
import math
import statistics
import time
from fractions import Fraction

import numpy as np
import pytest
import scipy.stats as sps
from statsmodels.discrete.discrete_model import Logit
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.stats import proportion as smp
from statsmodels.stats.multitest import multipletests

from isic_nlp.reports.stats import (
    ChiSquareResult,
    benjamini_hochberg,
    bootstrap_ratio,
    chi2_independence,
    cluster_codes,
    cohens_h,
    lafon_specificity,
    log_likelihood_g2,
    log_odds_dirichlet,
    logistic_trend,
    logistic_trend_bootstrap,
    mann_kendall_sen,
    newcombe_difference,
    two_proportion_test,
    wilson_interval,
)

pytestmark = pytest.mark.filterwarnings("error")

Z95 = 1.959963984540054  # Φ⁻¹(0.975)


def _grid(ns=(1, 2, 5, 10, 37, 1000)):
    """All (k, n) with 0 <= k <= n, thinned for large n."""
    pairs = [(k, n) for n in ns for k in sorted({*range(0, n + 1, max(1, n // 25)), n})]
    k, n = zip(*pairs, strict=True)
    return np.array(k), np.array(n)


# --------------------------------------------------------------------------- Wilson


@pytest.mark.parametrize("confidence", [0.95, 0.9, 0.99])
def test_wilson_matches_statsmodels(confidence):
    k, n = _grid()
    low, high = wilson_interval(k, n, confidence)
    ref_low, ref_high = smp.proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    np.testing.assert_allclose(low, ref_low, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(high, ref_high, rtol=1e-12, atol=1e-14)


def test_wilson_by_hand():
    # k = 3, n = 10, written in the other usual form:
    # (k + z²/2)/(n + z²) ± z·√n/(n + z²)·√(p̂q̂ + z²/4n)
    z2 = Z95 * Z95
    centre = (3 + z2 / 2) / (10 + z2)
    half = Z95 * math.sqrt(10) / (10 + z2) * math.sqrt(0.3 * 0.7 + z2 / 40)
    low, high = wilson_interval(3, 10)
    assert isinstance(low, float) and isinstance(high, float)
    assert low == pytest.approx(centre - half, rel=1e-12)
    assert high == pytest.approx(centre + half, rel=1e-12)
    assert (round(low, 4), round(high, 4)) == (0.1078, 0.6032)


def test_wilson_edges():
    low, high = wilson_interval([0, 10, 0], [10, 10, 0])
    assert low[0] == 0.0 and high[1] == 1.0
    assert np.isnan(low[2]) and np.isnan(high[2])
    assert np.all(np.isnan(wilson_interval(0, 0)))
    assert wilson_interval(np.array([], dtype=int), 5).low.shape == (0,)
    # broadcasting: one n for several k
    assert wilson_interval([1, 2, 3], 10).high.shape == (3,)
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(-1, 10)
    with pytest.raises(ValueError):
        wilson_interval(1, 10, confidence=95)


# --------------------------------------------------------------------------- Newcombe, h


def test_newcombe_matches_statsmodels():
    cases = [(30, 100, 20, 100), (0, 20, 5, 25), (7, 7, 0, 9), (1, 3, 2, 3), (412, 1000, 380, 1100)]
    for k1, n1, k2, n2 in cases:
        for confidence in (0.95, 0.9):
            diff, low, high = newcombe_difference(k1, n1, k2, n2, confidence)
            ref = smp.confint_proportions_2indep(
                k1, n1, k2, n2, method="newcomb", compare="diff", alpha=1 - confidence
            )
            assert diff == pytest.approx(k1 / n1 - k2 / n2, abs=1e-15)
            assert (low, high) == pytest.approx(ref, rel=1e-10, abs=1e-13)
            assert low <= diff <= high


def test_newcombe_vectorised_and_empty():
    res = newcombe_difference(np.array([30, 0]), np.array([100, 0]), 20, 100)
    scalar = newcombe_difference(30, 100, 20, 100)
    assert res.diff[0] == scalar.diff and res.low[0] == scalar.low and res.high[0] == scalar.high
    assert np.isnan(res.diff[1]) and np.isnan(res.low[1]) and np.isnan(res.high[1])


def test_cohens_h():
    p1 = np.array([0.5, 0.1, 0.0, 1.0, 0.3])
    p2 = np.array([0.25, 0.2, 0.0, 0.0, 0.7])
    np.testing.assert_allclose(cohens_h(p1, p2), smp.proportion_effectsize(p1, p2), rtol=1e-12)
    # by hand: 2·asin(√0.5) − 2·asin(√0.25) = 2·π/4 − 2·π/6 = π/6
    assert cohens_h(0.5, 0.25) == pytest.approx(math.pi / 6, rel=1e-12)
    with pytest.raises(ValueError):
        cohens_h(1.2, 0.5)


# --------------------------------------------------------------------------- two proportions


def test_two_proportion_test_matches_statsmodels():
    # proportions_ztest (default prop_var=False) pools the proportion under H0: the
    # same statistic as test_proportions_2indep(method="score", correction=False).
    cases = [(30, 100, 20, 80), (5, 40, 25, 60), (0, 10, 4, 10), (999, 1000, 990, 1000)]
    for k1, n1, k2, n2 in cases:
        p = two_proportion_test(k1, n1, k2, n2)
        ref = smp.proportions_ztest([k1, k2], [n1, n2])[1]
        score = smp.test_proportions_2indep(k1, n1, k2, n2, method="score", correction=False)
        assert p == pytest.approx(ref, rel=1e-10)
        assert p == pytest.approx(score.pvalue, rel=1e-10)
        # and Pearson's chi-squared on the 2×2 table without Yates correction
        table = [[k1, n1 - k1], [k2, n2 - k2]]
        assert p == pytest.approx(sps.chi2_contingency(table, correction=False).pvalue, rel=1e-9)


def test_two_proportion_test_undefined_is_nan():
    p = two_proportion_test([0, 10, 0, 2], [10, 10, 0, 5], [0, 10, 2, 1], [10, 10, 5, 5])
    assert np.all(np.isnan(p[:3])) and np.isfinite(p[3])


# --------------------------------------------------------------------------- chi-squared


def test_chi2_matches_scipy():
    rng = np.random.default_rng(3)
    for shape in [(2, 2), (3, 4), (5, 2), (6, 7)]:
        table = rng.integers(1, 60, size=shape)
        res = chi2_independence(table)
        ref = sps.chi2_contingency(table, correction=False)
        assert res.chi2 == pytest.approx(ref.statistic, rel=1e-12)
        assert res.p_value == pytest.approx(ref.pvalue, rel=1e-10)
        assert res.dof == ref.dof
        assert res.n == table.sum()
        v = sps.contingency.association(table, method="cramer")
        assert res.cramers_v == pytest.approx(v, rel=1e-12)


def test_chi2_by_hand_2x2():
    # [[10, 20], [30, 40]]: n = 100, rows 30/70, cols 40/60, expected 12, 18, 28, 42;
    # every |O − E| = 2, so χ² = 4/12 + 4/18 + 4/28 + 4/42 = n(ad − bc)²/(r1 r2 c1 c2).
    chi2 = 4 / 12 + 4 / 18 + 4 / 28 + 4 / 42
    assert chi2 == pytest.approx(100 * (10 * 40 - 20 * 30) ** 2 / (30 * 70 * 40 * 60))
    res = chi2_independence([[10, 20], [30, 40]])
    assert res.chi2 == pytest.approx(chi2, rel=1e-12)
    assert res.dof == 1
    assert res.cramers_v == pytest.approx(math.sqrt(chi2 / 100), rel=1e-12)
    assert res.p_value == pytest.approx(math.erfc(math.sqrt(chi2 / 2)), rel=1e-12)


def test_chi2_drops_empty_rows_and_columns():
    table = np.array([[10, 0, 20], [0, 0, 0], [30, 0, 40]])
    assert chi2_independence(table) == chi2_independence([[10, 20], [30, 40]])
    one_row = chi2_independence([[0, 0], [3, 4]])
    assert one_row.dof == 0 and one_row.n == 7.0
    assert math.isnan(one_row.chi2) and math.isnan(one_row.p_value)
    assert isinstance(one_row, ChiSquareResult)
    assert math.isnan(chi2_independence(np.zeros((0, 3))).chi2)
    with pytest.raises(ValueError):
        chi2_independence([1, 2, 3])
    with pytest.raises(ValueError):
        chi2_independence([[1, -2], [3, 4]])


# --------------------------------------------------------------------------- BH


def test_benjamini_hochberg_matches_statsmodels():
    rng = np.random.default_rng(5)
    p = np.concatenate([rng.uniform(0, 0.01, 30), rng.uniform(size=170), [0.5, 0.5, 1.0, 0.0]])
    rng.shuffle(p)
    q = benjamini_hochberg(p)
    np.testing.assert_allclose(q, multipletests(p, method="fdr_bh")[1], rtol=1e-12)


def test_benjamini_hochberg_nan_and_shape():
    rng = np.random.default_rng(6)
    p = rng.uniform(size=(4, 5))
    p[1, 2] = p[3, 0] = np.nan
    q = benjamini_hochberg(p)
    assert q.shape == (4, 5)
    ok = ~np.isnan(p)
    assert np.array_equal(np.isnan(q), ~ok)
    np.testing.assert_allclose(q[ok], multipletests(p[ok], method="fdr_bh")[1], rtol=1e-12)
    # by hand: m = 3 non-NaN; sorted 0.01, 0.03, 0.04 → 3·0.01/1, 3·0.03/2, 3·0.04/3, then
    # running minimum from the top: 0.03, 0.04 (min of 0.045 and 0.04), 0.04
    q = benjamini_hochberg([0.01, 0.04, np.nan, 0.03])
    np.testing.assert_allclose(q, [0.03, 0.04, np.nan, 0.04])
    assert benjamini_hochberg([]).shape == (0,)
    with pytest.raises(ValueError):
        benjamini_hochberg([0.2, 1.5])


# --------------------------------------------------------------------------- G²


def _table(k, K, n, N):
    return np.array([[k, n - k], [K - k, N - n - K + k]])


def test_g2_matches_scipy_log_likelihood():
    rng = np.random.default_rng(7)
    N, n = 5000, 1200
    K = rng.integers(1, 400, 60)
    k = rng.binomial(K, 0.3)
    k[:3] = 0  # zero cells
    k[3] = K[3]
    score, p = log_likelihood_g2(k, K, n, N)
    for i in range(K.size):
        table = _table(k[i], K[i], n, N)
        ref = sps.chi2_contingency(table, correction=False, lambda_="log-likelihood")
        expected = sps.contingency.expected_freq(table)
        pd_stat = sps.power_divergence(
            table.ravel(), expected.ravel(), ddof=2, lambda_="log-likelihood"
        ).statistic
        assert abs(score[i]) == pytest.approx(ref.statistic, rel=1e-9, abs=1e-12)
        assert abs(score[i]) == pytest.approx(pd_stat, rel=1e-9, abs=1e-12)
        assert p[i] == pytest.approx(ref.pvalue, rel=1e-9)
        over = k[i] / n > (K[i] - k[i]) / (N - n)
        assert (score[i] > 0) == over or score[i] == 0


def test_g2_by_hand():
    # k = 10, K = 20, n = 100, N = 1000: cells 10, 90 / 10, 890; expected 2, 98 / 18, 882.
    g2 = 2 * (
        10 * math.log(10 / 2)
        + 90 * math.log(90 / 98)
        + 10 * math.log(10 / 18)
        + 890 * math.log(890 / 882)
    )
    score, p = log_likelihood_g2(10, 20, 100, 1000)
    assert score == pytest.approx(g2, rel=1e-12) and score > 0
    assert p == pytest.approx(math.erfc(math.sqrt(g2 / 2)), rel=1e-10)  # χ²(1) survival
    # under-used: same |G²| with the part and the rest swapped, negative sign
    score_rest, p_rest = log_likelihood_g2(10, 20, 900, 1000)
    assert score_rest == pytest.approx(-g2, rel=1e-12) and p_rest == pytest.approx(p)


def test_g2_edges():
    score, p = log_likelihood_g2([0, 5, 5, 1], [0, 5, 5, 10], [10, 10, 100, 10], 100)
    assert np.isnan(score[0]) and np.isnan(p[0])  # K = 0
    assert np.isnan(score[2])  # n = N
    assert score[3] == 0.0 and p[3] == pytest.approx(1.0)  # exactly the expected rate
    assert np.isfinite(score[1]) and score[1] > 0
    with pytest.raises(ValueError):
        log_likelihood_g2(5, 4, 10, 100)  # k > K
    with pytest.raises(ValueError):
        log_likelihood_g2(1, 95, 10, 100)  # K − k > N − n


# --------------------------------------------------------------------------- Lafon


def _exact_tail(k, N, K, n, upper):
    """P(X ≥ k) or P(X ≤ k) for X ~ H(N, K, n), as a Fraction."""
    js = range(k, min(K, n) + 1) if upper else range(max(0, n - (N - K)), k + 1)
    return Fraction(sum(math.comb(K, j) * math.comb(N - K, n - j) for j in js), math.comb(N, n))


def _log10_fraction(f: Fraction) -> float:
    return math.log10(f.numerator) - math.log10(f.denominator)


@pytest.mark.parametrize(("N", "K", "n"), [(20, 6, 8), (20, 5, 8), (30, 12, 10)])
def test_lafon_exact_small_tables(N, K, n):
    ks = np.arange(0, min(K, n) + 1)
    score, p = lafon_specificity(ks, K, n, N)
    for k in ks:
        upper = k * N >= K * n  # k ≥ K·n/N: over-represented side
        tail = _exact_tail(int(k), N, K, n, upper)
        expected = -_log10_fraction(tail) if upper else _log10_fraction(tail)
        assert score[k] == pytest.approx(expected, rel=1e-10, abs=1e-12)
        assert p[k] == pytest.approx(float(tail), rel=1e-10)
        assert (score[k] >= 0) == upper


def test_lafon_sign_rule_by_hand():
    # N = 20, K = 6, n = 8: expected count 6·8/20 = 2.4.
    # k = 6: P(X ≥ 6) = C(6,6)·C(14,2)/C(20,8) = 91/125970 → score −log10 of it.
    # k = 2 < 2.4: P(X ≤ 2) = (C(14,8) + 6·C(14,7) + 15·C(14,6))/C(20,8) → log10 of it (< 0).
    score, p = lafon_specificity([6, 2], 6, 8, 20)
    assert score[0] == pytest.approx(-math.log10(91 / 125970), rel=1e-12)
    low_tail = (3003 + 6 * 3432 + 15 * 3003) / 125970
    assert score[1] == pytest.approx(math.log10(low_tail), rel=1e-12) and score[1] < 0
    assert p[1] == pytest.approx(low_tail, rel=1e-12)


def test_lafon_far_tails_are_exact_and_finite():
    # N = 4000, K = 1000, n = 2000: tails from 1e-20 down to ~1e-375, across the switch
    # from boost's sf/cdf to the log-space sum (1e-280).
    N, K, n = 4000, 1000, 2000
    ks = np.array([0, 300, 380, 400, 420, 450, 550, 600, 620, 640, 700, 800, 1000])
    score, p = lafon_specificity(ks, K, n, N)
    for i, k in enumerate(ks):
        upper = k * N >= K * n
        log10_tail = _log10_fraction(_exact_tail(int(k), N, K, n, upper))
        assert score[i] == pytest.approx(-log10_tail if upper else log10_tail, rel=1e-9)
    assert score.max() > 370 and score.min() < -370  # beyond the double range of p
    assert p[-1] == 0.0 and p[0] == 0.0 and p[1] > 0.0


def test_lafon_big_corpus_is_finite():
    N, n = 50_000_000, 5_000_000
    K = np.array([2_000_000, 2_000_000, 2_000_000, 10, 0])
    k = np.array([2_000_000, 0, 200_000, 1, 0])
    score, p = lafon_specificity(k, K, n, N)
    assert np.all(np.isfinite(score))
    assert score[0] > 1e5 and score[1] < -1e4
    assert abs(score[2]) < 1 and score[4] == 0.0 and p[4] == 1.0
    assert np.all((p >= 0) & (p <= 1))


def test_lafon_edges():
    assert lafon_specificity(3, 3, 10, 10) == (0.0, 1.0)  # the part is the corpus
    assert all(math.isnan(v) for v in lafon_specificity(0, 0, 0, 0))
    assert lafon_specificity(np.array([], dtype=int), 0, 0, 10).score.shape == (0,)
    with pytest.raises(ValueError):
        lafon_specificity(1.5, 3, 10, 20)


# --------------------------------------------------------------------------- log-odds


def _fightin_words(y_i, y_j, n_i, n_j, alpha, alpha0):
    delta = math.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha)) - math.log(
        (y_j + alpha) / (n_j + alpha0 - y_j - alpha)
    )
    return delta, delta / math.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))


def test_log_odds_three_words_by_hand():
    part, rest = [5, 3, 2], [10, 20, 30]
    K = [a + b for a, b in zip(part, rest, strict=True)]
    n, N = sum(part), sum(part) + sum(rest)
    delta, z = log_odds_dirichlet(part, K, n, N)
    for w in range(3):
        alpha = K[w] * 1000 / N  # default prior: corpus frequencies, α0 = 1000
        d_ref, z_ref = _fightin_words(part[w], rest[w], n, N - n, alpha, 1000)
        assert delta[w] == pytest.approx(d_ref, rel=1e-12)
        assert z[w] == pytest.approx(z_ref, rel=1e-12)
    # explicit prior: α_w = 1 for each word, α0 = 3
    delta, z = log_odds_dirichlet(part, K, n, N, prior=[1.0, 1.0, 1.0])
    for w in range(3):
        d_ref, z_ref = _fightin_words(part[w], rest[w], n, N - n, 1.0, 3.0)
        assert (delta[w], z[w]) == pytest.approx((d_ref, z_ref), rel=1e-12)
    # a scalar prior with its total
    assert np.allclose(
        log_odds_dirichlet(part, K, n, N, prior=1.0, prior_total=3.0).z, z, rtol=1e-12
    )
    # the default prior with another α0
    d_ref, z_ref = _fightin_words(5, 10, n, N - n, 15 * 50 / N, 50)
    assert log_odds_dirichlet(5, 15, n, N, prior_total=50).z == pytest.approx(z_ref, rel=1e-12)


def test_log_odds_symmetry_subset_and_edges():
    rng = np.random.default_rng(8)
    part, rest = rng.integers(0, 50, 40), rng.integers(0, 200, 40)
    K, n = part + rest, part.sum()
    N = n + rest.sum()
    delta, z = log_odds_dirichlet(part, K, n, N)
    delta_sw, z_sw = log_odds_dirichlet(rest, K, N - n, N)  # part and rest swapped
    np.testing.assert_allclose(z_sw, -z, rtol=1e-12)
    np.testing.assert_allclose(delta_sw, -delta, rtol=1e-12)
    # the default prior needs only each word's own K and N
    np.testing.assert_allclose(log_odds_dirichlet(part[:5], K[:5], n, N).z, z[:5], rtol=1e-15)
    assert all(math.isnan(v) for v in log_odds_dirichlet(0, 0, 10, 100))
    with pytest.raises(ValueError):
        log_odds_dirichlet(part, K, n, N, prior=1.0)


# --------------------------------------------------------------------------- bootstrap ratio


def test_bootstrap_ratio_deterministic_and_seeded():
    rng = np.random.default_rng(9)
    den = rng.integers(50, 500, 300)
    num = rng.binomial(den, rng.uniform(0.01, 0.2, 300))
    a = bootstrap_ratio(num, den, n_boot=500, seed=1)
    assert a == bootstrap_ratio(num, den, n_boot=500, seed=1)
    assert a != bootstrap_ratio(num, den, n_boot=500, seed=2)
    assert a.estimate == pytest.approx(num.sum() / den.sum(), rel=1e-15)
    assert a.low < a.estimate < a.high


def test_bootstrap_ratio_constant_ratio_has_zero_width():
    den = np.array([10, 40, 7, 100])
    est, low, high = bootstrap_ratio(0.25 * den, den)
    assert est == low == high == 0.25


def test_bootstrap_ratio_bernoulli_documents_close_to_wilson():
    rng = np.random.default_rng(10)
    num = (rng.uniform(size=600) < 0.3).astype(float)  # one unit per document
    _, low, high = bootstrap_ratio(num, np.ones(600), n_boot=2000, seed=3)
    w_low, w_high = wilson_interval(num.sum(), 600)
    assert low == pytest.approx(w_low, abs=0.008) and high == pytest.approx(w_high, abs=0.008)


def test_bootstrap_ratio_resamples_documents_not_tokens():
    # 200 documents of 50 tokens; half of them use the word at 10 %, half at 50 %.
    # A token-level interval ignores that clustering and is several times narrower.
    rng = np.random.default_rng(11)
    rate = np.repeat([0.1, 0.5], 100)
    den = np.full(200, 50)
    num = rng.binomial(den, rate)
    _, low, high = bootstrap_ratio(num, den, n_boot=1000)
    w_low, w_high = wilson_interval(num.sum(), den.sum())
    assert (high - low) > 2.5 * (w_high - w_low)


def test_bootstrap_ratio_edges_and_chunks():
    assert all(math.isnan(v) for v in bootstrap_ratio([], []))
    assert all(math.isnan(v) for v in bootstrap_ratio([0, 0], [0, 0]))
    # resamples picking only the empty document are dropped: the rest all give 1/1
    assert bootstrap_ratio([1, 0], [1, 0], n_boot=200) == (1.0, 1.0, 1.0)
    # more documents than one chunk holds → several chunks, still deterministic
    rng = np.random.default_rng(12)
    num, den = rng.poisson(2, 5000), rng.integers(1, 30, 5000)
    assert bootstrap_ratio(num, den, n_boot=900) == bootstrap_ratio(num, den, n_boot=900)
    with pytest.raises(ValueError):
        bootstrap_ratio([1, 2], [1])
    with pytest.raises(ValueError):
        bootstrap_ratio([1, 2], [1, -1])


def test_bootstrap_ratio_matrix_gives_each_column_its_own_ratio_with_the_same_draws():
    # Several series (e.g. every label) share one resampling of the documents.
    rng = np.random.default_rng(13)
    den = rng.integers(20, 400, 250).astype(float)
    num = np.column_stack([rng.binomial(den.astype(int), p) for p in (0.02, 0.1, 0.3)])
    both = bootstrap_ratio(num, den, n_boot=400, seed=5)
    for j in range(num.shape[1]):
        alone = bootstrap_ratio(num[:, j], den, n_boot=400, seed=5)
        assert (both.estimate[j], both.low[j], both.high[j]) == pytest.approx(tuple(alone), rel=1e-12)


# --------------------------------------------------------------------------- logistic trend


def _documents(n_docs, seed, max_trials=20, slope=0.015):
    rng = np.random.default_rng(seed)
    year = rng.integers(1950, 2020, n_docs)
    trials = rng.integers(1, max_trials + 1, n_docs)
    p = 1 / (1 + np.exp(-(-0.8 + slope * (year - 1985))))
    return year, rng.binomial(trials, p), trials


def test_logistic_trend_matches_statsmodels_glm():
    year, s, m = _documents(400, seed=13)
    m[:5] = 0  # documents without units are ignored
    s[:5] = 0
    fit = logistic_trend(year, s, m, per=10.0)
    keep = m > 0
    X = np.column_stack([np.ones(keep.sum()), year[keep] - fit.centre])
    ref = GLM(np.column_stack([s[keep], m[keep] - s[keep]]), X, family=Binomial()).fit(tol=1e-13)
    b, se_b = ref.params[1], ref.bse[1]
    assert fit.converged and fit.note == ""
    assert fit.slope_per / 10 == pytest.approx(b, rel=1e-6, abs=1e-9)
    assert fit.se / 10 == pytest.approx(se_b, rel=1e-6)
    assert fit.intercept == pytest.approx(ref.params[0], rel=1e-6, abs=1e-9)
    assert fit.p_value == pytest.approx(ref.pvalues[1], rel=1e-6)
    ci = ref.conf_int()[1] * 10
    assert (fit.low, fit.high) == pytest.approx(tuple(ci), rel=1e-6)
    assert (fit.odds_ratio_low, fit.odds_ratio, fit.odds_ratio_high) == pytest.approx(
        (math.exp(ci[0]), math.exp(10 * b), math.exp(ci[1])), rel=1e-6
    )
    assert fit.centre == pytest.approx(np.average(year[keep], weights=m[keep]))
    assert fit.n_units == m.sum() and fit.n_rows == keep.sum()
    assert (fit.start, fit.end) == (year[keep].min(), year[keep].max())
    # the same model with frequency weights on the proportions
    ref_w = GLM(s[keep] / m[keep], X, family=Binomial(), freq_weights=m[keep]).fit(tol=1e-13)
    assert fit.se / 10 == pytest.approx(ref_w.bse[1], rel=1e-6)


def test_logistic_trend_ame_matches_statsmodels_margeff():
    # Expand to one row per unit: statsmodels' Logit average marginal effect is
    # b·mean(p(1 − p)) over units, ours is in percentage points per decade.
    year, s, m = _documents(150, seed=14, max_trials=8)
    fit = logistic_trend(year, s, m)
    y_units = np.repeat(year, m).astype(float)
    outcome = np.concatenate(
        [np.r_[np.ones(a), np.zeros(b - a)] for a, b in zip(s, m, strict=True)]
    )
    X = np.column_stack([np.ones(y_units.size), y_units - fit.centre])
    logit = Logit(outcome, X).fit(disp=0, tol=1e-12)
    margeff = logit.get_margeff(at="overall").margeff[0]
    assert fit.ame_points == pytest.approx(100 * 10 * margeff, rel=1e-6)
    assert fit.slope_per == pytest.approx(10 * logit.params[1], rel=1e-6)


def test_logistic_trend_aggregation_and_per():
    year, s, m = _documents(300, seed=15)
    by_doc = logistic_trend(year, s, m, per=10)
    years = np.unique(year)
    s_y = np.array([s[year == y].sum() for y in years])
    m_y = np.array([m[year == y].sum() for y in years])
    by_year = logistic_trend(years, s_y, m_y, per=1)
    assert by_year.slope_per * 10 == pytest.approx(by_doc.slope_per, rel=1e-9)
    assert by_year.se * 10 == pytest.approx(by_doc.se, rel=1e-9)
    assert by_year.ame_points * 10 == pytest.approx(by_doc.ame_points, rel=1e-9)
    assert by_year.p_value == pytest.approx(by_doc.p_value, rel=1e-9)
    assert by_year.n_rows == years.size and by_doc.n_rows == 300


@pytest.mark.parametrize(
    ("successes", "trials", "note"),
    [
        ([0, 0, 0, 0], [5, 5, 5, 5], "no variation"),
        ([5, 5, 5, 5], [5, 5, 5, 5], "no variation"),
        ([0, 0, 0, 0], [0, 0, 0, 0], "no units"),
        ([0, 0, 5, 5], [5, 5, 5, 5], "did not converge"),  # complete separation
        ([0, 0, 2, 5], [5, 5, 5, 5], "did not converge"),  # quasi-complete separation
    ],
)
def test_logistic_trend_unfittable(successes, trials, note):
    fit = logistic_trend([2000, 2001, 2002, 2003], successes, trials)
    assert not fit.converged and fit.note.startswith(note)
    assert math.isnan(fit.slope_per) and math.isnan(fit.se) and math.isnan(fit.ame_points)
    assert fit.n_units == sum(trials)
    boot = logistic_trend_bootstrap([2000, 2001, 2002, 2003], successes, trials, n_boot=20)
    assert not boot.converged and boot.note == fit.note and math.isnan(boot.slope_high)


def test_logistic_trend_single_year_and_invalid():
    fit = logistic_trend([2000, 2000], [1, 2], [5, 5])
    assert not fit.converged and fit.note.startswith("a single year")
    with pytest.raises(ValueError):
        logistic_trend([2000, 2001], [6, 1], [5, 5])
    with pytest.raises(ValueError):
        logistic_trend([2000, 2001], [1.5, 1], [5, 5])
    with pytest.raises(ValueError):
        logistic_trend([2000, 2001], [1, 1], [5])


def test_logistic_trend_bootstrap_deterministic():
    year, s, m = _documents(300, seed=16)
    a = logistic_trend_bootstrap(year, s, m, n_boot=300, seed=4)
    assert a == logistic_trend_bootstrap(year, s, m, n_boot=300, seed=4)
    assert a != logistic_trend_bootstrap(year, s, m, n_boot=300, seed=5)
    assert a.slope_per == a.wald.slope_per and a.ame_points == a.wald.ame_points
    assert a.slope_low < a.slope_per < a.slope_high
    assert a.ame_low < a.ame_points < a.ame_high
    assert a.odds_ratio_low == pytest.approx(math.exp(a.slope_low))
    assert a.n_boot + a.n_failed == 300 and a.n_failed == 0


def test_logistic_trend_bootstrap_close_to_wald_for_one_unit_documents():
    year, s, m = _documents(3000, seed=17, max_trials=1, slope=0.02)
    boot = logistic_trend_bootstrap(year, s, m, n_boot=1000, seed=0)
    wald = boot.wald
    width = wald.high - wald.low
    assert boot.slope_low == pytest.approx(wald.low, abs=0.1 * width)
    assert boot.slope_high == pytest.approx(wald.high, abs=0.1 * width)


def test_logistic_trend_bootstrap_is_fast_and_cluster_aware():
    # 20,000 documents over 70 years, documents with their own level (clustering):
    # the document bootstrap is wider than the Wald interval that trusts every unit.
    rng = np.random.default_rng(18)
    year = rng.integers(1950, 2020, 20_000)
    trials = rng.integers(1, 40, 20_000)
    level = rng.normal(-0.8 + 0.01 * (year - 1985), 1.0)
    s = rng.binomial(trials, 1 / (1 + np.exp(-level)))
    start = time.perf_counter()
    boot = logistic_trend_bootstrap(year, s, trials, n_boot=1000)
    assert time.perf_counter() - start < 5.0
    assert boot.n_boot == 1000
    assert (boot.slope_high - boot.slope_low) > 1.5 * (boot.wald.high - boot.wald.low)


# --------------------------------------------------------------------------- clusters


def _clustered_units(n_clusters=60, seed=30):
    """Unit-level 0/1 outcomes in clusters with their own level; a cluster's units share a year."""
    rng = np.random.default_rng(seed)
    size = rng.integers(1, 30, n_clusters)
    year = rng.integers(1980, 2020, n_clusters)
    level = rng.normal(-0.5 + 0.03 * (year - 2000), 1.0)
    cl = np.repeat(np.arange(n_clusters), size)
    y = rng.binomial(1, 1 / (1 + np.exp(-level[cl]))).astype(float)
    return np.repeat(year, size).astype(float), y, cl


def test_logistic_trend_cluster_se_matches_statsmodels_glm_cluster():
    year, y, cl = _clustered_units()
    ours = logistic_trend(year, y, np.ones_like(y), cluster=cl, per=10.0)
    x = np.column_stack([np.ones_like(year), (year - ours.centre) / 10.0])
    ref = GLM(y, x, family=Binomial()).fit(cov_type="cluster", cov_kwds={"groups": cl})
    assert ours.slope_per == pytest.approx(ref.params[1], rel=1e-8)
    assert ours.se == pytest.approx(ref.bse[1], rel=1e-8)
    assert ours.p_value == pytest.approx(ref.pvalues[1], rel=1e-6)
    assert (ours.se_kind, ours.n_clusters) == ("cluster", 60)
    # Rows may be aggregated within cluster and year: the same fit and the same sandwich.
    rows = {}
    for yr, yy, c in zip(year, y, cl, strict=True):
        s_, m_ = rows.get((c, yr), (0, 0))
        rows[(c, yr)] = (s_ + yy, m_ + 1)
    keys = list(rows)
    agg = logistic_trend([k[1] for k in keys], [rows[k][0] for k in keys], [rows[k][1] for k in keys],
                         cluster=[k[0] for k in keys])
    assert agg.se == pytest.approx(ours.se, rel=1e-10)
    # Singleton clusters: the robust (HC1-like) se differs from the model se, but not by much here.
    model = logistic_trend(year, y, np.ones_like(y))
    assert model.se_kind == "model" and ours.se > 1.5 * model.se  # clustered data: much wider


def test_logistic_trend_bootstrap_resamples_clusters():
    year, y, cl = _clustered_units(seed=31)
    ones = np.ones_like(y)
    ids = [f"{c:03d}" for c in cl]  # codes follow the sorted ids: the same order as the sums below
    clustered = logistic_trend_bootstrap(year, y, ones, cluster=ids, n_boot=400, seed=2)
    units = logistic_trend_bootstrap(year, y, ones, n_boot=400, seed=2)
    # Each cluster sits in one year: resampling clusters == resampling rows summed per cluster.
    s = np.bincount(cl, weights=y)
    m = np.bincount(cl).astype(float)
    yr = np.array([year[cl == c][0] for c in range(cl.max() + 1)])
    summed = logistic_trend_bootstrap(yr, s, m, n_boot=400, seed=2)
    assert (clustered.slope_low, clustered.slope_high) == pytest.approx((summed.slope_low, summed.slope_high), rel=1e-12)
    assert clustered.n_clusters == 60 and clustered.wald.se_kind == "cluster"
    assert clustered.slope_high - clustered.slope_low > 1.5 * (units.slope_high - units.slope_low)
    # Its width agrees with the cluster-robust Wald interval.
    assert (clustered.slope_high - clustered.slope_low) == pytest.approx(clustered.wald.high - clustered.wald.low, rel=0.35)


def test_logistic_trend_bootstrap_counts_failed_refits():
    # Three clusters in three years: a resample of one cluster drawn three times has a single year.
    boot = logistic_trend_bootstrap([2000, 2010, 2020], [1, 0, 4], [10, 10, 10], cluster=["a", "b", "c"], n_boot=300, seed=1)
    assert boot.converged and boot.n_failed > 15 and boot.n_boot + boot.n_failed == 300


def test_bootstrap_ratio_clusters_and_failed_samples():
    num = np.array([1, 0, 1, 1, 0, 0, 1, 1.0])
    den = np.ones(8)
    cl = ["a", "a", "b", "b", "c", "c", "d", "d"]
    a = bootstrap_ratio(num, den, cluster=cl, n_boot=500, seed=3)
    b = bootstrap_ratio([1, 2, 0, 2], [2, 2, 2, 2], n_boot=500, seed=3)
    assert tuple(a) == tuple(b) and a.n_failed == 0 and a.n_boot == 500
    # Zero denominators: resamples of them only are dropped and counted.
    c = bootstrap_ratio([1, 0], [1, 0], cluster=["x", "y"], n_boot=400, seed=0)
    assert c.n_failed > 50 and c.n_failed + c.n_boot == 400
    assert cluster_codes(None, 3)[1] == 3
    with pytest.raises(ValueError, match="missing"):
        cluster_codes(["a", None], 2)


# --------------------------------------------------------------------------- Mann–Kendall


def test_mann_kendall_sen_by_hand():
    x = list(range(2000, 2012))
    y = [3.0, 2.5, 4.0, 4.0, 5.5, 4.5, 6.0, 7.5, 6.5, 8.0, 7.0, 9.5]  # one tie in y (4.0)
    pairs = list(itertools.combinations(range(len(x)), 2))
    S = sum(np.sign(x[j] - x[i]) * np.sign(y[j] - y[i]) for i, j in pairs)
    slope = statistics.median((y[j] - y[i]) / (x[j] - x[i]) for i, j in pairs)
    n = len(x)
    # Mann–Kendall variance with one tied group of size 2 in y (no continuity correction)
    var_s = (n * (n - 1) * (2 * n + 5) - 2 * 1 * (2 * 2 + 5)) / 18
    n0 = n * (n - 1) / 2
    res = mann_kendall_sen(x, y)
    assert res.n == n and res.s == S
    assert res.tau == pytest.approx(S / math.sqrt(n0 * (n0 - 1)), rel=1e-12)  # tau-b, 1 tie
    assert res.p_value == pytest.approx(math.erfc(abs(S) / math.sqrt(2 * var_s)), rel=1e-9)
    assert res.sen_slope == pytest.approx(slope, rel=1e-12)
    assert res.sen_low <= res.sen_slope <= res.sen_high
    ref = sps.theilslopes(y, x, alpha=0.95)
    assert (res.sen_low, res.sen_high) == pytest.approx((ref.low_slope, ref.high_slope))


def test_mann_kendall_sen_edges():
    res = mann_kendall_sen([2000, 2001], [1.0, 2.0])
    assert res.n == 2 and math.isnan(res.tau) and math.isnan(res.sen_slope)
    res = mann_kendall_sen([2000, 2001, np.nan, 2003], [1.0, np.nan, 2.0, 3.0])
    assert res.n == 2 and math.isnan(res.p_value)
    flat = mann_kendall_sen([2000, 2001, 2002, 2003], [2.0, 2.0, 2.0, 2.0])
    assert math.isnan(flat.tau) and flat.s == 0 and flat.sen_slope == 0.0
    res = mann_kendall_sen([2000, 2001, 2002, 2003, 2004], [5.0, 4.0, 3.0, 2.0, 1.0])
    assert res.s == -10 and res.tau == pytest.approx(-1.0) and res.sen_slope == -1.0
    # exact p for n = 5 without ties: only 1 of the 5! orderings gives S = −10, so p = 2/120
    assert res.p_value == pytest.approx(2 / 120, rel=1e-9)
