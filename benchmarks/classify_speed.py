"""Speed of ``isic_nlp.classify``: units per second with the ``fast`` and ``accurate`` pipelines.

Units: the 879 labelled units of the shipped training data (code articles,
paragraphs, professional-literature passages: 120 tokens on average), repeated
until ``--units``. The shipped model is loaded once (not timed); each round
times :func:`isic_nlp.classify.classify` (spaCy profile + scikit-learn model)
and, separately, the model alone on precomputed features. One core.

The shipped model is trained on ``fast`` features; with ``accurate`` it warns
(W504) and its probabilities may be off: this measures speed only.

    .venv/bin/python benchmarks/classify_speed.py                 # 2,000 units, 3 rounds
    .venv/bin/python benchmarks/classify_speed.py --units 500 --rounds 1 --pipelines fast

Writes ``benchmarks/results/classify_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAINING = ROOT / "isic_nlp" / "models" / "training"


def units(n: int) -> list[dict]:
    rows = [
        json.loads(line)
        for path in sorted(TRAINING.glob("*.jsonl"))
        for line in path.open(encoding="utf-8")
    ]
    out = []
    while len(out) < n:
        for row in rows[: n - len(out)]:
            out.append({"id": f"{row['id']}#{len(out)}", "text": row["text"]})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pipelines", nargs="+", default=["fast", "accurate"])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "classify_speed.json"
    )
    args = parser.parse_args()

    import isic_nlp
    from isic_nlp.classify import Classifier
    from isic_nlp.classify.api import classify

    data = units(args.units)
    n_chars = sum(len(u["text"]) for u in data)
    results = {}
    for name in args.pipelines:
        nlp = isic_nlp.load(name)
        clf = Classifier.load(nlp=nlp)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # W504 with accurate: speed only
            classify(data[:20], clf=clf)  # warm-up
            totals, models = [], []
            for _ in range(args.rounds):
                started = time.perf_counter()
                table, _ = classify(data, clf=clf)
                totals.append(time.perf_counter() - started)
                features = clf.features([u["text"] for u in data])
                started = time.perf_counter()
                clf.predict(table=features)
                models.append(time.perf_counter() - started)
        assert len(table) == len(data)
        results[name] = {
            "units_per_second": round(len(data) / statistics.median(totals), 1),
            "model_only_units_per_second": round(len(data) / statistics.median(models), 1),
            "seconds_per_round": [round(t, 3) for t in totals],
        }
        print(
            f"{name:>9}: {results[name]['units_per_second']:8.1f} units/s "
            f"(model alone {results[name]['model_only_units_per_second']:.0f} units/s)",
            flush=True,
        )
    report = {
        "units": len(data),
        "characters": n_chars,
        "rounds": args.rounds,
        "results": results,
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
        },
        "isic_nlp": isic_nlp.__version__,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
