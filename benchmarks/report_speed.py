"""Time of ``isic-nlp report trend`` against ``isic-nlp analyse`` on the same corpus, side by side.

A report analyses its corpus, classifies every unit and computes its
statistics; since the redesign (issue 9) the classifier reads the analysis'
own tables, so spaCy runs once per document. This benchmark runs the two
commands alternately, each in a fresh process (pipeline and model loading
included, as a researcher sees them), ``--rounds`` times, and gives the median
of each and the ratio of the medians. One core.

Corpus: the first ``--documents`` records of the Code de la sécurité sociale
(``../shared/corpora/code-securite-sociale.jsonl``, real articles with dates).

    .venv/bin/python benchmarks/report_speed.py                               # this checkout
    git worktree add /tmp/before 3e4dd8e                                      # the code before issue 9's one pass
    .venv/bin/python benchmarks/report_speed.py --root . --root /tmp/before  # both, alternated in one run

Writes ``benchmarks/results/report_speed.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora" / "code-securite-sociale.jsonl"


def run(root: Path, args: list[str]) -> float:
    """Seconds of one ``isic-nlp`` command run from ``root``'s source tree, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    code = "import sys; from isic_nlp.cli import main; sys.argv = ['isic-nlp', *sys.argv[1:]]; main()"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"isic-nlp {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, action="append", help="source tree to time (repeatable; default: this checkout)")
    parser.add_argument("--corpus", type=Path, default=SHARED)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "report_speed.json")
    args = parser.parse_args()
    roots = [r.resolve() for r in (args.root or [ROOT])]
    if not args.corpus.is_file():
        raise SystemExit(f"{args.corpus} not found: this benchmark reads the shared corpora beside the checkout")

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with args.corpus.open(encoding="utf-8") as source, corpus.open("w", encoding="utf-8") as target:
            for i, line in enumerate(source):
                if i >= args.documents:
                    break
                target.write(line)
        commands = {
            "analyse": ["analyse", str(corpus), "--out", f"{tmp}/analyse", "--pipeline", "fast"],
            "report": ["report", "trend", str(corpus), "--out", f"{tmp}/report", "--by", "decade"],
        }
        times: dict[str, dict[str, list[float]]] = {str(r): {name: [] for name in commands} for r in roots}
        for round_ in range(args.rounds):
            for root in roots:  # alternated: every tree and command sees the same machine state
                for name, command in commands.items():
                    times[str(root)][name].append(run(root, command))
                    print(f"round {round_ + 1}: {root} {name} {times[str(root)][name][-1]:.1f} s", flush=True)

    trees = {}
    for root, by_command in times.items():
        medians = {name: statistics.median(values) for name, values in by_command.items()}
        trees[root] = {"seconds": by_command, "median_seconds": medians,
                       "report_over_analyse": medians["report"] / medians["analyse"]}
        print(f"{root}: median analyse {medians['analyse']:.1f} s, report {medians['report']:.1f} s: "
              f"ratio {trees[root]['report_over_analyse']:.2f}")
    result = {
        "command": " ".join(["python", "benchmarks/report_speed.py", *sys.argv[1:]]),
        "corpus": f"first {args.documents} records of {args.corpus.name}",
        "rounds": args.rounds,
        "trees": trees,
        "machine": {"python": platform.python_version(), "processor": platform.machine(), "cores": os.cpu_count()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
