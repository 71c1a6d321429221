"""Fine tags (ANNOTATION.md section 1) across sources: which tags a model can give, and how well.

The guideline's fine tags (``rights``, ``participation``, ``labour_relations``...)
are labelled on the 879 training units. For each tag with at least
``--min-positives`` positive units, one logistic regression per tag is trained on
the same features as the frame model and scored on the units of a source it did
not see (the ``code``, ``file`` and ``collection`` schemes of
``classify_transfer.py``) and by random grouped 5-fold CV. Per tag: F1 at
p >= 0.5, Brier score, and expected calibration error (10 bins) of the pooled
held-out predictions, for each way of making probabilities:

* ``balanced``: class-balanced logistic regression (recall-friendly; its
  probabilities over-state rare tags);
* ``plain``: unweighted logistic regression;
* ``sigmoid``: class-balanced logistic regression, then Platt scaling fitted on
  inner 3-fold out-of-fold scores (``CalibratedClassifierCV``, ``ensemble=False``).

    .venv/bin/python benchmarks/classify_tags.py            # writes benchmarks/results/classify_tags.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import classify_transfer as ct  # noqa: E402  (same units, features and splits)

RESULTS = ct.ROOT / "benchmarks" / "results" / "classify_tags.json"
VARIANTS = ("balanced", "plain", "sigmoid")


def estimator(variant: str, C: float, seed: int):
    if variant == "plain":
        return LogisticRegression(C=C, max_iter=5000, random_state=seed)
    balanced = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed)
    if variant == "balanced":
        return balanced
    return CalibratedClassifierCV(balanced, cv=3, method="sigmoid", ensemble=False)


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: |mean p - share positive| per equal-width bin, weighted by the bin's size."""
    edges = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = edges == b
        if mask.any():
            total += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return float(total)


def scores(p: np.ndarray, y: np.ndarray) -> dict:
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "f1": round(float(f1_score(y, (p >= 0.5).astype(int), zero_division=0)), 4),
        "brier": round(float(((p - y) ** 2).mean()), 4),
        "ece": round(ece(p, y), 4),
        "mean_p": round(float(p.mean()), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemes", nargs="+", default=["code", "file", "collection", "random"])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--min-positives", type=int, default=20)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    units = ct.load_units()
    table, columns = ct.feature_table(units, None)
    counts = {t: int(sum(t in ts for ts in units["tags"])) for t in sorted({t for ts in units["tags"] for t in ts})}
    tags = [t for t, n in counts.items() if n >= args.min_positives]
    Y = np.array([[int(t in ts) for t in tags] for ts in units["tags"]])
    print(f"{len(units)} units; tags {counts}; learned (>= {args.min_positives}): {tags}", flush=True)
    config = {**ct.BASE, "C": args.C}
    results: dict = {"tag_counts": counts, "learned": tags, "C": args.C, "schemes": {}}
    for scheme in args.schemes:
        started = time.perf_counter()
        pooled = {v: np.full(Y.shape, np.nan) for v in args.variants}
        for _name, train, test in ct.scheme_splits(units, scheme, args.seed):
            features = ct.build(config, columns, args.seed).named_steps["features"]
            X_train = features.fit_transform(table.iloc[train])
            X_test = features.transform(table.iloc[test])
            for j, _tag in enumerate(tags):
                y = Y[train, j]
                if y.sum() < 3 or y.sum() > len(y) - 3:
                    continue  # too few positives (or negatives) in this training part
                for v in args.variants:
                    pooled[v][test, j] = estimator(v, args.C, args.seed).fit(X_train, y).predict_proba(X_test)[:, 1]
        out = {}
        for v in args.variants:
            out[v] = {}
            for j, tag in enumerate(tags):
                seen = ~np.isnan(pooled[v][:, j])
                if seen.sum() and Y[seen, j].sum():
                    out[v][tag] = scores(pooled[v][seen, j], Y[seen, j])
            f1s = [s["f1"] for s in out[v].values()]
            out[v]["macro_f1"] = round(float(np.mean(f1s)), 4) if f1s else None
            out[v]["mean_brier"] = round(float(np.mean([s["brier"] for s in out[v].values() if isinstance(s, dict)])), 4)
            out[v]["mean_ece"] = round(float(np.mean([s["ece"] for s in out[v].values() if isinstance(s, dict)])), 4)
            print(f"  {scheme:10s} {v:9s} macro-F1 {out[v]['macro_f1']}  Brier {out[v]['mean_brier']}  "
                  f"ECE {out[v]['mean_ece']}", flush=True)
        out["seconds"] = round(time.perf_counter() - started, 1)
        results["schemes"][scheme] = out
    if not args.no_save:
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    for scheme, out in results["schemes"].items():
        print(f"\n{scheme}: per tag F1 / Brier / ECE")
        for tag in tags:
            cells = [f"{v}: {out[v][tag]['f1']:.2f}/{out[v][tag]['brier']:.3f}/{out[v][tag]['ece']:.3f}"
                     for v in args.variants if tag in out[v]]
            print(f"  {tag:20s} " + "  ".join(cells))


if __name__ == "__main__":
    main()
