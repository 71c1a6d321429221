"""Re-analysis after a lexicon edit with the Doc cache (``analyse --cache``), against the first run.

For each pipeline: the first run fills an empty cache; then the framing
lexicon is edited (one entry added, version bumped) and the corpus analysed
again with the cache (only the lexicon components run) and without it (the
reference); the two must give identical tables. Pipelines are loaded before
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
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora" / "code-securite-sociale.jsonl"
EDIT = """
  - id: participation.benchmark_edit
    label: participation
    pattern: commission de recours amiable
"""


def edited_framing(folder: Path) -> Path:
    """A copy of the shipped framing lexicon with one more entry and a bumped version."""
    from isic_nlp.shipped import data_file

    text = data_file("lexicons", "framing.yaml").read_text(encoding="utf-8")
    text = text.replace("\nversion: ", "\nversion: 9", 1).replace("\nentries:\n", "\nentries:\n" + EDIT.lstrip("\n"), 1)
    path = folder / "framing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pipelines", nargs="+", default=["fast", "accurate"])
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
        lexicon = edited_framing(Path(tmp))
        for name in args.pipelines:
            shipped = isic_nlp.load(name)
            edited = isic_nlp.load(name, lexicons=[str(lexicon), "isic_modes"])
            first, rerun = [], []
            identical = True
            for round_ in range(args.rounds):
                cache = Path(tempfile.mkdtemp(dir=tmp))
                started = time.perf_counter()
                result = isic_nlp.analyse(records, nlp=shipped, cache=cache)
                first.append(time.perf_counter() - started)
                started = time.perf_counter()
                cached = isic_nlp.analyse(records, nlp=edited, cache=cache)
                rerun.append(time.perf_counter() - started)
                if round_ == 0:
                    reference = isic_nlp.analyse(records, nlp=edited)
                    for table in ("documents", "mentions"):
                        try:
                            pd.testing.assert_frame_equal(getattr(reference, table), getattr(cached, table))
                        except AssertionError:
                            identical = False
                    n_tokens = result.manifest["counts"]["tokens"]
                print(f"{name} round {round_ + 1}: first {first[-1]:.1f} s, after the edit {rerun[-1]:.1f} s", flush=True)
            median_first, median_rerun = statistics.median(first), statistics.median(rerun)
            results[name] = {"first_seconds": first, "rerun_seconds": rerun, "median_first": median_first,
                             "median_rerun": median_rerun, "speed_up": median_first / median_rerun,
                             "identical_outputs": identical}
            print(f"{name}: {median_first:.1f} s -> {median_rerun:.1f} s, x{median_first / median_rerun:.1f}, "
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
