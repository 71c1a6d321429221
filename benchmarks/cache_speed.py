"""Re-analysis after a lexicon edit with the Doc cache (``analyse --cache``), against the first run.

For each pipeline: a run without cache (the cost of filling one is the
ratio of the next run to it), then the first run fills an empty cache; then the framing
lexicon is edited (one entry added, version bumped: a rare term, then
a frequent word, each from the filled cache) and the corpus analysed
again with the cache (records the edit cannot change keep their rows; the
others go through the lexicon components on their cached Docs) and without
it (the reference); the two must give identical tables, lexicon versions included. Pipelines are loaded before
timing; times are of ``isic_nlp.analyse`` alone, one core, medians of
``--rounds`` rounds (each with a fresh cache).

Corpus: the first ``--documents`` records of the Code de la sécurité sociale
(``../shared/corpora/code-securite-sociale.jsonl``).

    .venv/bin/python benchmarks/cache_speed.py --documents 1000 --rounds 3

Writes ``benchmarks/results/cache_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora" / "code-securite-sociale.jsonl"
#: The entries added: a rare term (a few records hold all its words) and a frequent word of the CSS.
PATTERNS = ["commission de recours amiable", "assuré"]


def edited_framing(folder: Path, pattern: str) -> Path:
    """A copy of the shipped framing lexicon with one more entry and a bumped version."""
    from isic_nlp.shipped import data_file

    edit = f"  - id: participation.benchmark_edit\n    label: participation\n    pattern: {pattern}\n"
    text = data_file("lexicons", "framing.yaml").read_text(encoding="utf-8")
    text = text.replace("\nversion: ", "\nversion: 9", 1).replace("\nentries:\n", "\nentries:\n" + edit, 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "framing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pipelines", nargs="+", default=["fast", "accurate"])
    parser.add_argument("--patterns", nargs="+", default=PATTERNS, help="phrases added to the framing lexicon, one edit each")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cache_speed.json")
    args = parser.parse_args()
    if not args.corpus.is_file():
        raise SystemExit(f"{args.corpus} not found: this benchmark reads the shared corpora beside the checkout")

    import pandas as pd

    import isic_nlp

    with args.corpus.open(encoding="utf-8") as handle:
        records = [json.loads(line) for _, line in zip(range(args.documents), handle)]
    n_tokens = None
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.pipelines:
            shipped = isic_nlp.load(name)
            edited = {pattern: isic_nlp.load(name, lexicons=[str(edited_framing(Path(tmp) / str(i), pattern)),
                                                             "isic_modes"])
                      for i, pattern in enumerate(args.patterns)}
            plain, first = [], []
            rerun: dict[str, list[float]] = {pattern: [] for pattern in args.patterns}
            reused: dict[str, int] = {}
            identical = True
            for round_ in range(args.rounds):
                cache = Path(tempfile.mkdtemp(dir=tmp))
                started = time.perf_counter()
                isic_nlp.analyse(records, nlp=shipped)
                plain.append(time.perf_counter() - started)
                started = time.perf_counter()
                result = isic_nlp.analyse(records, nlp=shipped, cache=cache / "filled")
                first.append(time.perf_counter() - started)
                n_tokens = result.manifest["counts"]["tokens"]
                for pattern, nlp in edited.items():
                    # Each edit starts from the cache the first run filled.
                    shutil.copytree(cache / "filled", cache / pattern)
                    started = time.perf_counter()
                    cached = isic_nlp.analyse(records, nlp=nlp, cache=cache / pattern)
                    rerun[pattern].append(time.perf_counter() - started)
                    reused[pattern] = cached.manifest["cache"]["records_reused"]
                    if round_ == 0:
                        reference = isic_nlp.analyse(records, nlp=nlp)
                        for table in ("documents", "mentions", "errors"):
                            try:
                                pd.testing.assert_frame_equal(getattr(reference, table), getattr(cached, table))
                            except AssertionError:
                                identical = False
                print(f"{name} round {round_ + 1}: without cache {plain[-1]:.2f} s, first {first[-1]:.2f} s, after "
                      + ", ".join(f"adding '{p}' {rerun[p][-1]:.2f} s ({reused[p]} of {len(records)} records reused)"
                                  for p in args.patterns), flush=True)
            median_first, median_plain = statistics.median(first), statistics.median(plain)
            edits = {}
            for pattern in args.patterns:
                median_rerun = statistics.median(rerun[pattern])
                edits[pattern] = {"rerun_seconds": rerun[pattern], "median_rerun": median_rerun,
                                  "speed_up": median_first / median_rerun,
                                  "speed_up_vs_no_cache": median_plain / median_rerun,
                                  "records_reused": reused[pattern]}
                print(f"{name}, adding '{pattern}': {median_first:.2f} s -> {median_rerun:.2f} s, "
                      f"x{median_first / median_rerun:.1f} (x{median_plain / median_rerun:.1f} against a run without "
                      f"cache; {reused[pattern]} of {len(records)} records reused)")
            results[name] = {"plain_seconds": plain, "first_seconds": first, "median_plain": median_plain,
                             "median_first": median_first, "first_run_cost": median_first / median_plain,
                             "edits": edits, "identical_outputs": identical}
            print(f"{name}: filling the cache costs x{median_first / median_plain:.2f} on the first run; "
                  f"identical outputs: {identical}")
    out = {
        "command": " ".join(["python", "benchmarks/cache_speed.py", *sys.argv[1:]]),
        "corpus": f"first {len(records)} records of {args.corpus.name} ({n_tokens:,} tokens)",
        "pipelines": results,
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
