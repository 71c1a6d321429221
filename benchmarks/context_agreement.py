"""How far two annotators agree on the context flags: the ceiling a detector can reach.

``tests/fixtures/context/<half>_second.jsonl`` holds a second, blind labelling
of a half's cases: ``fresh4`` (same definitions and conventions, ``fresh2.md``
and ``fresh3.md``) and ``fresh11`` (``CONVENTIONS.md`` as it was before
``fresh11``'s cases were added to it; see ``fresh11_second.md``); the second
annotator saw neither the first labels nor the half's notes, nor any output of
the rules. This script scores the second labels against the first exactly as
``context_quality.py`` scores the rules (precision, recall and F1 per flag with
their intervals, legal constructs, every flag right), adds Cohen's kappa per
flag (scikit-learn), and, beside them, the rules against each annotator, so
that the rules' F1 can be read against the annotators' own agreement.

    .venv/bin/python benchmarks/context_agreement.py                      # fresh4, fast; writes benchmarks/results/context_agreement.json
    .venv/bin/python benchmarks/context_agreement.py --half fresh11 --out benchmarks/results/context_agreement_fresh11.json
    .venv/bin/python benchmarks/context_agreement.py --show-disagreements 40
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "context"
# The halves labelled twice: the second labelling of each is <half>_second.jsonl.
SECOND_HALVES = ("fresh4", "fresh11")


def second_path(half: str) -> Path:
    """The file of a half's second labelling."""
    return FIXTURES / f"{half}_second.jsonl"


def second_labels(half: str) -> dict[str, set[str]]:
    """The second annotator's flags of a half, by case id."""
    path = second_path(half)
    return {row["id"]: set(row["flags"]) for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())
            if row}


def kappas(cases: list[dict], other: list[set[str]]) -> dict[str, float]:
    """Cohen's kappa of each flag between the cases' labels and ``other`` (nan where neither uses it)."""
    from sklearn.metrics import cohen_kappa_score

    from benchmarks.context_quality import FLAGS

    out = {}
    for flag in FLAGS:
        first = [flag in case["flags"] for case in cases]
        second = [flag in flags for flags in other]
        out[flag] = float(cohen_kappa_score(first, second)) if any(first) or any(second) else float("nan")
    return out


def agreement(cases: list[dict], second: dict[str, set[str]], rules: list[set[str]] | None = None) -> dict:
    """The second labels scored against the first (and, given ``rules``, the rules against each)."""
    from benchmarks.context_quality import scores

    missing = [case["id"] for case in cases if case["id"] not in second]
    if missing:
        raise ValueError(f"{len(missing)} cases have no second label, e.g. {missing[:3]}")
    other = [second[case["id"]] for case in cases]
    out = {"second_vs_first": scores(cases, other), "kappa": kappas(cases, other)}
    if rules is not None:
        as_second = [{**case, "flags": sorted(flags)} for case, flags in zip(cases, other)]
        out["rules_vs_first"] = scores(cases, rules)
        out["rules_vs_second"] = scores(as_second, rules)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", default="fresh4", choices=SECOND_HALVES, help="the half labelled twice")
    parser.add_argument("--pipeline", default="fast")
    parser.add_argument("--show-disagreements", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "context_agreement.json")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from benchmarks.context_quality import FLAGS, load_cases, predict_cases

    cases = load_cases([FIXTURES / f"{args.half}.jsonl"])
    second = second_labels(args.half)
    rules, _ = predict_cases(args.pipeline, cases)
    result = agreement(cases, second, rules)
    print(f"{args.half}: {len(cases)} cases; F1 (legal constructs, every flag right: share of cases)")
    print(f"{'flag':<12}{'second vs first':>18}{'kappa':>8}{'rules vs first':>16}{'rules vs second':>17}")
    for flag in FLAGS:
        cells = [result["second_vs_first"][flag]["f1"], result["kappa"][flag],
                 result["rules_vs_first"][flag]["f1"], result["rules_vs_second"][flag]["f1"]]
        support = result["second_vs_first"][flag]["support"]
        print(f"{flag:<12}{cells[0]:>18.2f}{cells[1]:>8.2f}{cells[2]:>16.2f}{cells[3]:>17.2f}   (first: {support})")
    for key, label in (("legal_constructs", "legal"), ("all_flags_right", "every flag")):
        values = [result[part][key]["accuracy"] if key == "legal_constructs" else result[part][key]
                  for part in ("second_vs_first", "rules_vs_first", "rules_vs_second")]
        print(f"{label:<12}{values[0]:>18.3f}{'':>8}{values[1]:>16.3f}{values[2]:>17.3f}")
    shown = 0
    for case, flags in zip(cases, (second[c["id"]] for c in cases)):
        if shown < args.show_disagreements and set(case["flags"]) != flags:
            print(f"  {case['id']} first={sorted(case['flags'])} second={sorted(flags)} [{case['mention']}] "
                  f"{case['text'][:200]!r}")
            shown += 1
    report = {"command": "python benchmarks/context_agreement.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "half": args.half, "pipeline": args.pipeline, "n_cases": len(cases), **result}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=float) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
