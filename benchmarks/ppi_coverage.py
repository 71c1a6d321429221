"""Coverage of the 95% intervals of shares and slopes when the classifier's errors shift by period.

A simulated corpus of clustered units (articles of creating texts) over 8 periods
of 5 years, with a known prevalence that rises linearly (10% in 1985 → 6 points
per decade), and a "classifier" whose sensitivity falls (0.85 → 0.60) and whose
specificity rises (0.80 → 0.95) from one period to the next: classify-and-count
is biased upwards early and downwards late, as the referee found on the real
corpus. About 150 units are labelled by the design of ``isic-nlp sample``: the
same number drawn at random in every period.

Each run draws a new corpus (texts, their own prevalence, their articles, the
classifier's decisions) and a new labelled sample; the estimators are

* ``naive``: classify-and-count (share of units the classifier puts in the
  frame), cluster-robust interval (like the report's cluster bootstrap, in closed
  form, with Student's t on the effective number of clusters for the shares);
* ``mean_probability``: the mean of the classifier's probability, same interval;
* ``labels_only``: the labelled units alone (λ = 0), clustered;
* ``ppi``: what the reports use (:mod:`isic_nlp.reports.ppi`): per period, plain PPI
  (λ = 1) within the period, clustered, Student's t on the effective numbers of
  clusters; the slope by PPI++ (λ tuned on all labels), labels weighted by period
  (N_h/n_h), variance centred within periods, t on (labelled clusters − periods);
* ``ppi_tuned``: the other choice for each: per period PPI++ with λ tuned within the
  period; the slope with λ = 1.

Two more rows check the clustering alone, with every unit's true label known (no
classifier, no labels): ``true_independent`` takes the units as independent (the
article-level intervals the referee objected to), ``true_clustered`` sums them
within texts (Student's t on the effective number of texts), ``true_bootstrap`` is the
reports' percentile bootstrap over texts (shares only).

The truth is the super-population prevalence: ``p(year)`` averaged over the
period (its midpoint) for the shares, 6 points per decade for the slope (the
least-squares slope of a linear probability). Coverage = share of runs whose
interval holds the truth (per-period figures are averaged over the 8 periods
and the lowest period is given too); width = mean interval width in points.

    .venv/bin/python benchmarks/ppi_coverage.py                  # 500 runs, seed 0
    .venv/bin/python benchmarks/ppi_coverage.py --runs 100 --labels 150

Writes ``benchmarks/results/ppi_coverage.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from pathlib import Path

import numpy as np
from scipy import stats as sps

from isic_nlp.reports import ppi, stats
from isic_nlp.reports.inference import probability_slope

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "ppi_coverage.json"

START, PERIODS, WIDTH = 1985, 8, 5
BASE, SLOPE_PER_YEAR = 0.10, 0.006  # 10% in 1985, +6 points per decade
SENSITIVITY = np.linspace(0.85, 0.60, PERIODS)
SPECIFICITY = np.linspace(0.80, 0.95, PERIODS)
CONFIDENCE = 0.95
ESTIMATORS = ("naive", "mean_probability", "labels_only", "ppi", "ppi_tuned", "true_independent", "true_clustered",
              "true_bootstrap")


def truth_share(period: int) -> float:
    """Prevalence at the period's mean year (years are uniform over its 5 integer years)."""
    return BASE + SLOPE_PER_YEAR * (period * WIDTH + 2)


def corpus(rng: np.random.Generator, texts_per_period: int = 40, concentration: float = 8.0) -> dict:
    """Units with year, period, cluster, true label, decision and probability.

    Texts have 1 + NegBin(2, 0.2) articles (mean 9, long tail); in period 4 one
    text is a décret with 400 articles (most of its period). A text's own
    prevalence is Beta with mean p(year) and the given concentration.
    """
    sizes, years, periods = [], [], []
    for period in range(PERIODS):
        n = rng.negative_binomial(2, 0.2, texts_per_period) + 1
        if period == 4:
            n[0] = 400
        sizes.append(n)
        years.append(START + period * WIDTH + rng.integers(0, WIDTH, texts_per_period))
        periods.append(np.full(texts_per_period, period))
    sizes, years, periods = np.concatenate(sizes), np.concatenate(years), np.concatenate(periods)
    mean = BASE + SLOPE_PER_YEAR * (years - START)
    level = rng.beta(mean * concentration, (1 - mean) * concentration)
    cluster = np.repeat(np.arange(sizes.size), sizes)
    y = (rng.random(cluster.size) < level[cluster]).astype(float)
    period = periods[cluster]
    sens, spec = SENSITIVITY[period], SPECIFICITY[period]
    decision = np.where(y == 1, rng.random(y.size) < sens, rng.random(y.size) > spec).astype(float)
    probability = np.clip(0.25 + 0.5 * decision + rng.normal(0, 0.12, y.size), 0.01, 0.99)
    return {"year": years[cluster].astype(float), "period": period, "cluster": cluster, "y": y,
            "decision": decision, "probability": probability}


def labelled(rng: np.random.Generator, units: dict, per_period: int) -> np.ndarray:
    """Indices of ``per_period`` units drawn at random in each period (the design of ``isic-nlp sample``)."""
    return np.concatenate([rng.choice(np.flatnonzero(units["period"] == p), per_period, replace=False) for p in range(PERIODS)])


def _clustered_mean(values: np.ndarray, cluster: np.ndarray | None, z: float) -> tuple[float, float, float]:
    """Mean with a cluster-robust interval: Student's t on the effective number of clusters
    (the normal quantile when units are taken as independent)."""
    codes, G = stats.cluster_codes(cluster, values.size)
    mean = float(values.mean())
    se = math.sqrt(ppi.cluster_meat(((values - mean) / values.size)[:, None], codes, G)[0, 0])
    if cluster is not None:
        z = float(sps.t.ppf(0.5 + CONFIDENCE / 2, max(ppi.effective_clusters(codes) - 1, 1e-9)))
    return mean, mean - z * se, mean + z * se


def one_run(seed: int, labels: int = 150, confidence: float = 0.95, bootstrap: bool = True) -> dict:
    """Per estimator: per-period (estimate, low, high) arrays and the slope triple, in points."""
    rng = np.random.default_rng(seed)
    units = corpus(rng)
    pick = labelled(rng, units, max(2, round(labels / PERIODS)))
    z = float(stats._z(confidence))
    out = {name: {"periods": np.full((PERIODS, 3), np.nan), "slope": np.full(3, np.nan)} for name in ESTIMATORS}
    for p in range(PERIODS):
        inside = units["period"] == p
        lab = pick[units["period"][pick] == p]
        out["naive"]["periods"][p] = _clustered_mean(units["decision"][inside], units["cluster"][inside], z)
        out["true_independent"]["periods"][p] = _clustered_mean(units["y"][inside], None, z)
        out["true_clustered"]["periods"][p] = _clustered_mean(units["y"][inside], units["cluster"][inside], z)
        if bootstrap:
            boot = stats.bootstrap_ratio(units["y"][inside], np.ones(int(inside.sum())), cluster=units["cluster"][inside],
                                         n_boot=400, confidence=confidence, seed=seed)
            out["true_bootstrap"]["periods"][p] = tuple(boot)
        out["mean_probability"]["periods"][p] = _clustered_mean(units["probability"][inside], units["cluster"][inside], z)
        for name, lam in (("labels_only", 0.0), ("ppi", 1.0), ("ppi_tuned", None)):
            est = ppi.ppi_mean(units["y"][lab], units["probability"][lab], units["probability"][inside],
                               cluster=units["cluster"][lab], cluster_unlabelled=units["cluster"][inside], lam=lam,
                               confidence=confidence, df="effective")
            out[name]["periods"][p] = (est.estimate, est.low, est.high)
    year, cluster = units["year"], units["cluster"]
    out["naive"]["slope"] = probability_slope(year, units["decision"], cluster, confidence=confidence)
    out["mean_probability"]["slope"] = probability_slope(year, units["probability"], cluster, confidence=confidence)
    out["true_independent"]["slope"] = probability_slope(year, units["y"], np.arange(year.size), confidence=confidence)
    out["true_clustered"]["slope"] = probability_slope(year, units["y"], cluster, confidence=confidence)
    common = {"cluster": cluster[pick], "cluster_unlabelled": cluster, "strata": units["period"][pick],
              "strata_unlabelled": units["period"], "confidence": confidence, "df": "clusters", "logistic": False}
    for name, lam in (("labels_only", 0.0), ("ppi_tuned", 1.0)):
        # The same weighted, stratified, clustered PPI regression as ppi_trend, with λ fixed.
        centre = year.mean()
        X = np.column_stack([np.ones(pick.size), (year[pick] - centre) / 10])
        X_u = np.column_stack([np.ones(year.size), (year - centre) / 10])
        G = len(np.unique(cluster[pick]))
        r = ppi.ppi_ols(X, units["y"][pick], units["probability"][pick], X_u, units["probability"],
                        weights=ppi.stratum_weights(units["period"][pick], units["period"]), cluster=cluster[pick],
                        cluster_unlabelled=cluster, strata=units["period"][pick], lam=lam, confidence=confidence,
                        df=G - PERIODS)
        out[name]["slope"] = (100 * r.coef[1], 100 * r.low[1], 100 * r.high[1])
    t = ppi.ppi_trend(year[pick], units["y"][pick], units["probability"][pick], year, units["probability"], **common)
    out["ppi"]["slope"] = (t.points, t.points_low, t.points_high)
    for name in ESTIMATORS:
        out[name]["periods"] = out[name]["periods"] * 100
        out[name]["slope"] = np.asarray(out[name]["slope"], dtype=float)
    return out


def simulate(runs: int = 500, labels: int = 150, seed: int = 0, confidence: float = 0.95, bootstrap: bool = True) -> dict:
    """Coverage and mean width of every estimator over ``runs`` seeded runs (``bootstrap``: the true_bootstrap row)."""
    truth_periods = 100 * np.array([truth_share(p) for p in range(PERIODS)])
    truth_slope = 1000 * SLOPE_PER_YEAR
    names = [n for n in ESTIMATORS if bootstrap or n != "true_bootstrap"]
    hits = {n: {"periods": np.zeros(PERIODS), "slope": 0} for n in names}
    widths = {n: {"periods": [], "slope": []} for n in names}
    errors = {n: {"periods": [], "slope": []} for n in names}

    def mean(values) -> float:
        finite = np.asarray(values, dtype=float)
        finite = finite[np.isfinite(finite)]
        return float(finite.mean()) if finite.size else math.nan

    for r in range(runs):
        res = one_run(seed * 100_003 + r, labels, confidence, bootstrap)
        for name in names:
            est, low, high = res[name]["periods"].T
            hits[name]["periods"] += (low <= truth_periods) & (truth_periods <= high)
            widths[name]["periods"].append(mean(high - low))
            errors[name]["periods"].append(mean(est - truth_periods))
            s_est, s_low, s_high = res[name]["slope"]
            hits[name]["slope"] += int(s_low <= truth_slope <= s_high)
            widths[name]["slope"].append(s_high - s_low)
            errors[name]["slope"].append(s_est - truth_slope)
    table = {}
    for name in names:
        per_period = hits[name]["periods"] / runs
        has_slope = bool(np.isfinite(errors[name]["slope"]).any())  # true_bootstrap has shares only
        table[name] = {
            "coverage_periods": float(per_period.mean()),
            "coverage_periods_lowest": float(per_period.min()),
            "width_periods_points": mean(widths[name]["periods"]),
            "bias_periods_points": mean(errors[name]["periods"]),
            "coverage_slope": hits[name]["slope"] / runs if has_slope else math.nan,
            "width_slope_points": mean(widths[name]["slope"]),
            "bias_slope_points": mean(errors[name]["slope"]),
        }
    return {"runs": runs, "labels": labels, "seed": seed, "confidence": confidence, "estimators": table,
            "truth_slope_points_per_decade": truth_slope, "truth_shares_points": truth_periods.round(2).tolist()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--labels", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.perf_counter()
    result = simulate(args.runs, args.labels, args.seed)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["design"] = {
        "periods": PERIODS, "period_years": WIDTH, "start": START, "texts_per_period": 40,
        "articles_per_text": "1 + NegBin(2, 0.2), one décret of 400 articles in period 5",
        "text_prevalence": "Beta, mean p(year), concentration 8", "prevalence": "10% in 1985 + 0.6 points a year",
        "sensitivity": SENSITIVITY.round(3).tolist(), "specificity": SPECIFICITY.round(3).tolist(),
        "probability": "clip(0.25 + 0.5·decision + N(0, 0.12), 0.01, 0.99)",
        "labelled": f"{round(args.labels / PERIODS)} units drawn at random in each period",
    }
    result["python"] = platform.python_version()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, allow_nan=True).replace("NaN", "null") + "\n", encoding="utf-8")
    print(f"{args.runs} runs, {args.labels} labels, seed {args.seed}, {result['seconds']} s; "
          f"truth: slope {result['truth_slope_points_per_decade']:+.1f} points per decade")
    head = f"{'estimator':<18}{'cover periods':>14}{'lowest':>8}{'width':>8}{'bias':>8}{'cover slope':>13}{'width':>8}{'bias':>8}"
    print(head)
    for name, row in result["estimators"].items():
        print(f"{name:<18}{row['coverage_periods']:>14.3f}{row['coverage_periods_lowest']:>8.3f}{row['width_periods_points']:>8.1f}"
              f"{row['bias_periods_points']:>+8.1f}{row['coverage_slope']:>13.3f}{row['width_slope_points']:>8.1f}"
              f"{row['bias_slope_points']:>+8.1f}")
    print(f"Written: {args.out}")


if __name__ == "__main__":
    main()
