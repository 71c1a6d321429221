"""How well do the lexicons flag the framings and modes of labelled units?

Measured on the gold files of ``../shared/gold`` (see its README):

* framing (``framing_train.jsonl``, and ``paragraphs_train.jsonl`` with
  ``--gold paragraphs``): among units labelled ``individual``, the share with at
  least one counted individual-side mention; the same for ``collective``; among
  ``none`` units, the share with any counted framing mention;
* modes (``modes_constructed_train.jsonl`` and ``paragraphs_train.jsonl``):
  per mode, recall and precision of "the unit has a counted mention of the mode".

Lexicon authors look at errors on the dev half (even line indexes) only, and
keep the odd half for the check figures, so that the figures are not tuned.

    .venv/bin/python benchmarks/lexicon_quality.py --pipeline fast
    .venv/bin/python benchmarks/lexicon_quality.py --half even --show-errors 20
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

import isic_nlp

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "gold"
MODES = ["communautaire", "groupes", "dsl", "collectives"]


def read_gold(name: str, half: str) -> list[dict]:
    rows = [json.loads(line) for line in (GOLD / f"{name}.jsonl").open(encoding="utf-8")]
    for index, row in enumerate(rows):
        row["half"] = "even" if index % 2 == 0 else "odd"
    return [row for row in rows if half == "all" or row["half"] == half]


def framing_figures(documents: pd.DataFrame) -> dict[str, float]:
    has_individual = documents["n_individual"] > 0
    # Frame 'collective' covers collective social intervention and labour relations (their own group since framing 1.1.0).
    collective = documents["n_collective"] + documents.get("n_collective_labour", 0)
    has_collective = collective > 0
    frame = documents["frame"]
    return {
        "individual_recall": has_individual[frame == "individual"].mean(),
        "collective_recall": has_collective[frame == "collective"].mean(),
        "none_with_framing": (has_individual | has_collective)[frame == "none"].mean(),
        "n_individual": int((frame == "individual").sum()),
        "n_collective": int((frame == "collective").sum()),
        "n_none": int((frame == "none").sum()),
    }


def mode_figures(documents: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for mode in [m for m in MODES if f"n_{m}" in documents]:
        gold = documents["modes"].apply(lambda modes, m=mode: m in json.loads(modes))
        found = documents[f"n_{mode}"] > 0
        tp = int((gold & found).sum())
        rows.append(
            {
                "mode": mode,
                "gold": int(gold.sum()),
                "found": int(found.sum()),
                "recall": tp / gold.sum() if gold.sum() else float("nan"),
                "precision": tp / found.sum() if found.sum() else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def show_errors(documents: pd.DataFrame, mentions: pd.DataFrame, limit: int) -> None:
    """Print missed and spurious units (dev half only), with what fired."""
    by_doc = mentions[mentions["counted"]].groupby("doc_id")
    fired = {
        doc_id: "; ".join(f"{r.text}[{r.entry_id}]" for r in group.itertuples())
        for doc_id, group in by_doc
    }
    checks = [
        (
            "MISSED individual",
            (documents["frame"] == "individual") & (documents["n_individual"] == 0),
        ),
        (
            "MISSED collective",
            (documents["frame"] == "collective") & ((documents["n_collective"] + documents.get("n_collective_labour", 0)) == 0),
        ),
        (
            "SPURIOUS on none",
            (documents["frame"] == "none")
            & ((documents["n_individual"] + documents["n_collective"] + documents.get("n_collective_labour", 0)) > 0),
        ),
    ]
    for title, mask in checks:
        subset = documents[mask & (documents["half"] == "even")].head(limit)
        print(
            f"\n=== {title} (dev half, {int((mask & (documents['half'] == 'even')).sum())} units) ==="
        )
        for row in subset.itertuples():
            print(f"- {row.id}: {row.text[:300]!r}\n    fired: {fired.get(row.id, '')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pipeline", default="fast")
    parser.add_argument(
        "--lexicon",
        action="append",
        help="lexicon file(s) instead of the shipped framing + isic_modes",
    )
    parser.add_argument("--half", choices=["even", "odd", "all"], default="all")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)

    nlp = isic_nlp.load(args.pipeline, lexicons=args.lexicon)
    for name in ("framing_train", "paragraphs_train", "modes_constructed_train"):
        gold = read_gold(name, args.half)
        result = isic_nlp.analyse(gold, nlp=nlp)
        documents = result.documents
        documents["text"] = [row["text"] for row in gold]
        print(f"\n## {name} ({args.half}, {len(documents)} units, pipeline {args.pipeline})")
        if name != "modes_constructed_train":
            for half in ["even", "odd"] if args.half == "all" else [args.half]:
                figures = framing_figures(documents[documents["half"] == half])
                print(
                    f"framing [{half}]: "
                    + ", ".join(
                        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in figures.items()
                    )
                )
            if args.half == "all":
                figures = framing_figures(documents)
                print(
                    "framing [all]: "
                    + ", ".join(
                        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in figures.items()
                    )
                )
        if name != "framing_train":
            print(mode_figures(documents).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if args.show_errors and name == "framing_train":
            show_errors(documents, result.mentions, args.show_errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
