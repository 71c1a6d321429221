"""PPI++ estimators (isic_nlp.reports.ppi) against ppi_py, statsmodels and computations by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from isic_nlp.reports import ppi

ppi_py = pytest.importorskip("ppi_py")
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")  # sklearn's, inside ppi_py


def data(seed: int = 0, n: int = 200, N: int = 4000, noise: float = 0.35, clusters: int | None = None):
    """Labelled (x, y, ŷ) and unlabelled (x_u, ŷ_u): a share that rises with x, a noisy classifier."""
    rng = np.random.default_rng(seed)

    def draw(m):
        x = rng.uniform(-2, 2, m)
        y = rng.binomial(1, 1 / (1 + np.exp(-(-0.5 + 0.6 * x)))).astype(float)
        yhat = np.clip(0.15 + 0.6 * y + 0.1 * x + rng.normal(0, noise, m), 0, 1)
        return x, y, yhat

    x, y, yhat = draw(n)
    x_u, _, yhat_u = draw(N)
    out = {"x": x, "y": y, "yhat": yhat, "x_u": x_u, "yhat_u": yhat_u}
    if clusters:
        out["cl"] = rng.integers(0, clusters, n)
        out["cl_u"] = rng.integers(0, clusters * 10, N)
    return out


def design(x):
    return np.column_stack([np.ones(len(x)), x])


# --- shares ------------------------------------------------------------------------------


def test_mean_matches_ppi_py_estimate_lambda_and_interval():
    d = data(1)
    est = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"])
    assert 0.05 < est.lam < 0.95  # power tuning is active, not clipped
    assert est.estimate == pytest.approx(float(ppi_py.ppi_mean_pointestimate(d["y"], d["yhat"], d["yhat_u"])[0]), abs=1e-12)
    low, high = ppi_py.ppi_mean_ci(d["y"], d["yhat"], d["yhat_u"], alpha=0.05)
    ref_half = (float(high[0]) - float(low[0])) / 2
    # ppi_py uses the ddof=0 variance for the mean; we use ddof=1: wider by at most √(n/(n−1)).
    half = (est.high - est.low) / 2
    assert ref_half < half < ref_half * math.sqrt(200 / 199) + 1e-12
    # And exactly the ddof=1 formula.
    lam, n, N = est.lam, 200, 4000
    se = math.sqrt(np.var(d["y"] - lam * d["yhat"], ddof=1) / n + lam**2 * np.var(d["yhat_u"], ddof=1) / N)
    assert est.se == pytest.approx(se, rel=1e-12)
    assert half == pytest.approx(1.959963984540054 * se, rel=1e-12)


def test_mean_fixed_lambda_labels_only_and_imputed():
    d = data(2)
    zero = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"], lam=0)
    assert zero.estimate == pytest.approx(d["y"].mean()) and zero.se == pytest.approx(d["y"].std(ddof=1) / math.sqrt(200))
    one = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"], lam=1)
    assert one.estimate == pytest.approx(d["yhat_u"].mean() + (d["y"] - d["yhat"]).mean())
    assert one.imputed == pytest.approx(d["yhat_u"].mean()) and one.labels_only == pytest.approx(d["y"].mean())


def test_singleton_clusters_equal_no_clusters():
    d = data(3)
    a = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"])
    b = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"], cluster=[f"l{i}" for i in range(200)],
                     cluster_unlabelled=np.arange(4000))
    assert (a.estimate, a.se, a.lam) == pytest.approx((b.estimate, b.se, b.lam), rel=1e-12)
    X, X_u = design(d["x"]), design(d["x_u"])
    for fit in (ppi.ppi_ols, ppi.ppi_logistic):
        r1 = fit(X, d["y"], d["yhat"], X_u, d["yhat_u"])
        r2 = fit(X, d["y"], d["yhat"], X_u, d["yhat_u"], cluster=np.arange(200), cluster_unlabelled=np.arange(4000))
        np.testing.assert_allclose(r1.coef, r2.coef, rtol=1e-12)
        np.testing.assert_allclose(r1.cov, r2.cov, rtol=1e-10)


def test_clustered_mean_against_statsmodels_cluster_se():
    d = data(4, clusters=25)
    # λ fixed: the two parts are clustered means; statsmodels' OLS on a constant with
    # cov_type="cluster" gives each (its correction G/(G−1)·(n−1)/(n−1) is ours).
    est = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"], cluster=d["cl"], cluster_unlabelled=d["cl_u"], lam=0.6)
    rect = d["y"] - 0.6 * d["yhat"]
    se_l = sm.OLS(rect, np.ones(200)).fit(cov_type="cluster", cov_kwds={"groups": d["cl"]}).bse[0]
    se_u = sm.OLS(0.6 * d["yhat_u"], np.ones(4000)).fit(cov_type="cluster", cov_kwds={"groups": d["cl_u"]}).bse[0]
    assert est.se == pytest.approx(math.sqrt(se_l**2 + se_u**2), rel=1e-10)
    unclustered = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"], lam=0.6)
    assert est.estimate == pytest.approx(unclustered.estimate) and est.n_clusters == 25
    tuned = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"], cluster=d["cl"], cluster_unlabelled=d["cl_u"])
    assert 0 <= tuned.lam <= 1


def test_t_quantile_when_df_given():
    d = data(5, n=40)
    z = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"])
    t = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"], df=9)
    assert t.se == z.se and (t.high - t.low) / (z.high - z.low) == pytest.approx(2.2621571627409915 / 1.959963984540054)


def test_shares_by_group_and_their_combinations():
    rng = np.random.default_rng(6)
    d = data(6, n=240, N=6000)
    g_l = np.repeat(["a", "b", "c"], 80)  # 80 labels per group: a stratified sample
    g_u = rng.choice(["a", "b", "c"], 6000, p=[0.2, 0.3, 0.5])
    cl_l = np.array([f"{g}{i // 4}" for g, i in zip(g_l, range(240))])  # clusters nested in groups
    cl_u = np.array([f"{g}{i % 300}" for g, i in zip(g_u, range(6000))])
    shares = ppi.ppi_shares(d["y"], d["yhat"], g_l, d["yhat_u"], g_u, cluster=cl_l, cluster_unlabelled=cl_u)
    assert shares.groups == ["a", "b", "c"]
    for h, name in enumerate(shares.groups):
        own = ppi.ppi_mean(d["y"][g_l == name], d["yhat"][g_l == name], d["yhat_u"][g_u == name],
                           cluster=cl_l[g_l == name], cluster_unlabelled=cl_u[g_u == name])
        assert shares.estimates[h] == pytest.approx(own.estimate) and shares.cov[h, h] == pytest.approx(own.se**2)
    # Clusters nested in groups: the group estimates are independent.
    assert np.allclose(shares.cov - np.diag(np.diag(shares.cov)), 0)
    diff, se, low, high = shares.difference("c", "a")
    assert diff == pytest.approx(shares.estimates[2] - shares.estimates[0])
    assert se == pytest.approx(math.sqrt(shares.cov[0, 0] + shares.cov[2, 2]))
    overall, *_ = shares.overall()
    weights = np.array([(g_u == g).mean() for g in "abc"])
    assert overall == pytest.approx(weights @ shares.estimates)


def test_shares_covariance_when_a_cluster_spans_groups():
    d = data(7, n=60, N=600)
    g_l = np.repeat(["a", "b"], 30)
    g_u = np.repeat(["a", "b"], 300)
    cl_l = np.concatenate([np.arange(30), np.arange(30)]) // 3  # cluster k holds units of a and of b
    cl_u = np.concatenate([np.arange(300), np.arange(300)]) // 10
    s = ppi.ppi_shares(d["y"], d["yhat"], g_l, d["yhat_u"], g_u, cluster=cl_l, cluster_unlabelled=cl_u)
    # By hand: influences summed within clusters, columns scaled by √(G_h/(G_h − 1)).
    a, b = s.by_group["a"], s.by_group["b"]
    cov = 0.0
    for part, lam_a, lam_b in (("l", a.lam, b.lam), ("u", a.lam, b.lam)):
        if part == "l":
            ra, rb = d["y"][:30] - lam_a * d["yhat"][:30], d["y"][30:] - lam_b * d["yhat"][30:]
            pa, pb, ca, cb = (ra - ra.mean()) / 30, (rb - rb.mean()) / 30, cl_l[:30], cl_l[30:]
        else:
            ua, ub = lam_a * d["yhat_u"][:300], lam_b * d["yhat_u"][300:]
            pa, pb, ca, cb = (ua - ua.mean()) / 300, (ub - ub.mean()) / 300, cl_u[:300], cl_u[300:]
        G = len(set(ca))
        cov += sum(pa[ca == k].sum() * pb[cb == k].sum() for k in set(ca)) * G / (G - 1)
    assert s.cov[0, 1] == pytest.approx(cov, rel=1e-10) and abs(cov) > 0


# --- regressions -------------------------------------------------------------------------


@pytest.mark.slow  # ppi_py's numba functions compile on first use (~15 s)
@pytest.mark.parametrize("kind", ["ols", "logistic"])
def test_regression_matches_ppi_py(kind):
    d = data(8, noise=0.4)
    X, X_u = design(d["x"]), design(d["x_u"])
    ours = (ppi.ppi_ols if kind == "ols" else ppi.ppi_logistic)(X, d["y"], d["yhat"], X_u, d["yhat_u"])
    assert 0.0 < ours.lam < 1.0
    if kind == "ols":
        point = ppi_py.ppi_ols_pointestimate(X, d["y"], d["yhat"], X_u, d["yhat_u"])
        low, high = ppi_py.ppi_ols_ci(X, d["y"], d["yhat"], X_u, d["yhat_u"], alpha=0.05)
        tol = 1e-9
    else:
        point = ppi_py.ppi_logistic_pointestimate(X, d["y"], d["yhat"], X_u, d["yhat_u"])
        low, high = ppi_py.ppi_logistic_ci(X, d["y"], d["yhat"], X_u, d["yhat_u"], alpha=0.05)
        tol = 1e-6  # ppi_py minimises with L-BFGS, we with Newton's method
    # ppi_py's pointestimate tunes λ once; its ci tunes it a second time at the tuned θ (we do the same).
    np.testing.assert_allclose(ours.low, low, rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.high, high, rtol=tol, atol=tol)
    np.testing.assert_allclose(point, ours.coef, atol=0.02)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["ols", "logistic"])
def test_regression_with_weights_matches_ppi_py(kind):
    d = data(9, noise=0.4)
    X, X_u = design(d["x"]), design(d["x_u"])
    w = np.where(d["x"] > 0, 3.0, 1.0)
    fit = ppi.ppi_ols if kind == "ols" else ppi.ppi_logistic
    ref = ppi_py.ppi_ols_ci if kind == "ols" else ppi_py.ppi_logistic_ci
    ours = fit(X, d["y"], d["yhat"], X_u, d["yhat_u"], weights=w, lam=0.5)
    low, high = ref(X, d["y"], d["yhat"], X_u, d["yhat_u"], alpha=0.05, w=w, lam=0.5)
    np.testing.assert_allclose(ours.low, low, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ours.high, high, rtol=1e-6, atol=1e-7)


def test_labels_only_regression_is_the_statsmodels_cluster_sandwich():
    d = data(10, clusters=30)
    X, X_u = design(d["x"]), design(d["x_u"])
    ours = ppi.ppi_ols(X, d["y"], d["yhat"], X_u, d["yhat_u"], cluster=d["cl"], cluster_unlabelled=d["cl_u"], lam=0)
    ref = sm.OLS(d["y"], X).fit(cov_type="cluster", cov_kwds={"groups": d["cl"], "use_correction": False})
    np.testing.assert_allclose(ours.coef, ref.params, rtol=1e-10)
    np.testing.assert_allclose(ours.cov, ref.cov_params() * 30 / 29, rtol=1e-8)
    logit = ppi.ppi_logistic(X, d["y"], d["yhat"], X_u, d["yhat_u"], cluster=d["cl"], cluster_unlabelled=d["cl_u"], lam=0)
    ref = sm.GLM(d["y"], X, family=sm.families.Binomial()).fit(cov_type="cluster", cov_kwds={"groups": d["cl"], "use_correction": False})
    np.testing.assert_allclose(logit.coef, ref.params, rtol=1e-7)
    np.testing.assert_allclose(logit.cov, ref.cov_params() * 30 / 29, rtol=1e-6)


def test_clustered_regression_by_hand_loops():
    d = data(11, n=80, N=500, clusters=12)
    X, X_u = design(d["x"]), design(d["x_u"])
    lam = 0.7
    r = ppi.ppi_ols(X, d["y"], d["yhat"], X_u, d["yhat_u"], cluster=d["cl"], cluster_unlabelled=d["cl_u"], lam=lam)
    theta = np.linalg.lstsq(X_u, lam * d["yhat_u"], rcond=None)[0] + np.linalg.lstsq(X, d["y"] - lam * d["yhat"], rcond=None)[0]
    np.testing.assert_allclose(r.coef, theta, rtol=1e-10)
    n, N = 80, 500
    H = (X_u.T @ X_u + X.T @ X) / (n + N)
    g = [X[i] * (X[i] @ theta - d["y"][i]) - lam * X[i] * (X[i] @ theta - d["yhat"][i]) for i in range(n)]
    gu = [lam * X_u[j] * (X_u[j] @ theta - d["yhat_u"][j]) for j in range(N)]
    gbar, gubar = np.mean(g, axis=0), np.mean(gu, axis=0)
    meat = np.zeros((2, 2))
    for codes, grads, mean, m in ((d["cl"], g, gbar, n), (d["cl_u"], gu, gubar, N)):
        ks = sorted(set(codes))
        part = np.zeros((2, 2))
        for k in ks:
            s = sum((grads[i] - mean) / m for i in range(len(codes)) if codes[i] == k)
            part += np.outer(s, s)
        meat += part * len(ks) / (len(ks) - 1)
    Hi = np.linalg.inv(H)
    np.testing.assert_allclose(r.cov, Hi @ meat @ Hi, rtol=1e-10)


def test_stratum_weights_and_stratified_trend():
    w = ppi.stratum_weights(["a", "a", "b", "b"], ["a"] * 30 + ["b"] * 10)
    np.testing.assert_allclose(w, [1.5, 1.5, 0.5, 0.5])
    rng = np.random.default_rng(12)
    years_u = rng.choice([1990, 2000, 2010], 3000, p=[0.1, 0.3, 0.6]) + rng.integers(0, 10, 3000)
    p = 0.2 + 0.01 * (years_u - 1990)
    y_u = rng.binomial(1, p).astype(float)
    yhat_u = np.clip(0.2 + 0.5 * y_u + rng.normal(0, 0.2, 3000), 0, 1)
    strata_u = (years_u // 10) * 10
    pick = np.concatenate([rng.choice(np.flatnonzero(strata_u == s), 50, replace=False) for s in (1990, 2000, 2010)])
    t = ppi.ppi_trend(years_u[pick], y_u[pick], yhat_u[pick], years_u, yhat_u,
                      strata=strata_u[pick], strata_unlabelled=strata_u)
    # The same OLS with the weights by hand: same slope; centring within strata gives a smaller variance.
    X = np.column_stack([np.ones(150), (years_u[pick] - years_u.mean()) / 10])
    X_u = np.column_stack([np.ones(3000), (years_u - years_u.mean()) / 10])
    weights = ppi.stratum_weights(strata_u[pick], strata_u)
    plain = ppi.ppi_ols(X, y_u[pick], yhat_u[pick], X_u, yhat_u, weights=weights)
    assert t.points == pytest.approx(100 * plain.coef[1], rel=1e-10)
    assert t.points_se <= 100 * plain.se[1] + 1e-12
    assert t.points_low < 10.0 < t.points_high  # the true slope is 1 point a year
    with pytest.raises(ValueError, match="strata_unlabelled"):
        ppi.ppi_trend(years_u[pick], y_u[pick], yhat_u[pick], years_u, yhat_u, strata=strata_u[pick])


def test_too_few_labels_give_nan_with_a_note():
    est = ppi.ppi_mean([1.0], [0.8], [0.5, 0.6])
    assert math.isnan(est.estimate) and "fewer than 2" in est.note
    X = design(np.array([0.0, 1.0]))
    r = ppi.ppi_ols(X, [0.0, 1.0], [0.1, 0.9], design(np.arange(5.0)), np.full(5, 0.5))
    assert np.isnan(r.coef).all() and r.note
    with pytest.raises(ValueError, match="differ in length"):
        ppi.ppi_mean([1.0, 0.0], [0.5], [0.5, 0.5])


# --- coverage under classifier error that shifts by period (benchmarks/ppi_coverage.py, small) ---


def test_ppi_covers_where_classify_and_count_does_not():
    from benchmarks.ppi_coverage import simulate

    result = simulate(runs=100, labels=150, seed=1, bootstrap=False)["estimators"]
    ppi_row, naive = result["ppi"], result["naive"]
    assert ppi_row["coverage_periods"] >= 0.88 and ppi_row["coverage_slope"] >= 0.88
    assert naive["coverage_periods"] <= 0.6 and naive["coverage_slope"] <= 0.6
    assert abs(ppi_row["bias_slope_points"]) < 1.0 < abs(naive["bias_slope_points"])
    # Corrected and still narrower than the labels alone.
    assert ppi_row["width_periods_points"] < result["labels_only"]["width_periods_points"]
    # With the true labels: units taken as independent under-cover, units summed within texts do not.
    clustered, independent = result["true_clustered"], result["true_independent"]
    assert clustered["coverage_periods"] >= 0.88 and clustered["coverage_slope"] >= 0.88
    assert independent["coverage_periods"] < 0.85 and independent["coverage_slope"] < 0.85


def test_effective_clusters_and_degrees_of_freedom():
    assert ppi.effective_clusters(np.arange(10)) == pytest.approx(10)
    assert ppi.effective_clusters(np.array([0] * 90 + list(range(1, 11)))) == pytest.approx(100**2 / (90**2 + 10))
    # Two parts: Welch–Satterthwaite by hand.
    a, b = np.arange(20), np.repeat(np.arange(4), 5)
    df = ppi.effective_df((1.0, 3.0), (a, b))
    assert df == pytest.approx(16 / (1 / 19 + 9 / 3))
    est = ppi.ppi_mean(*[np.r_[np.ones(5), np.zeros(15)], np.linspace(0.1, 0.9, 20), np.full(50, 0.3)], df="effective", lam=1.0)
    assert est.high - est.low > 2 * 1.959963984540054 * est.se  # t with finite df is wider than z


def test_weighted_mean_matches_ppi_py():
    d = data(13, noise=0.6)
    w = np.where(d["x"] > 0, 4.0, 1.0)
    est = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"], weights=w)
    ref = float(ppi_py.ppi_mean_pointestimate(d["y"], d["yhat"], d["yhat_u"], w=w)[0])
    assert est.estimate == pytest.approx(ref, abs=1e-12) and 0 < est.lam < 1
    # Variance: the linearised ratio (Hájek) estimator, w_i (r_i − r̄_w), not ppi_py's Var(w·r).
    wn = w / w.mean()
    r = d["y"] - est.lam * d["yhat"]
    rbar = np.average(r, weights=wn)
    var = (wn * (r - rbar)) @ (wn * (r - rbar)) / 200**2 * 200 / 199 + est.lam**2 * np.var(d["yhat_u"], ddof=1) / 4000
    assert est.se == pytest.approx(math.sqrt(var), rel=1e-12)
    same = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"], weights=np.full(200, 3.0))
    plain = ppi.ppi_mean(d["y"], d["yhat"], d["yhat_u"])
    assert (same.estimate, same.se, same.lam) == pytest.approx((plain.estimate, plain.se, plain.lam), rel=1e-12)
    assert est.labels_only == pytest.approx(np.average(d["y"], weights=w))
