"""Peak memory of ``isic-nlp analyse`` on a corpus and on four times that corpus, side by side.

The corpora are the first ``--documents`` and ``4 × --documents`` articles of
the codes in ``../shared/corpora`` (Code de la sécurité sociale, then Code du
travail and Code rural), written to temporary JSON Lines files. Each
configuration runs in a fresh process, alternated, ``--rounds`` times; the peak
resident memory of the process and its children is sampled with psutil
(every 20 ms) and the median is kept.

Configurations:

* ``streamed``: ``isic-nlp analyse … --out DIR`` as it is now (tables written
  batch by batch, ``analyse(..., out=DIR)``);
* ``in memory``: ``isic_nlp.analyse(...)`` then ``AnalysisResult.write(DIR)``,
  which holds every table until the end (what the CLI did before issue 14).

    .venv/bin/python benchmarks/memory_scale.py --documents 2000 --rounds 2

Writes ``benchmarks/results/memory_scale.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
FILES = ["code-securite-sociale.jsonl", "code-du-travail.jsonl.gz", "code-rural-peche-maritime.jsonl.gz"]
STREAMED = "import sys; from isic_nlp.cli import main; sys.argv = ['isic-nlp', *sys.argv[1:]]; main()"
IN_MEMORY = ("import sys, isic_nlp; a = sys.argv[1:]; "
             "isic_nlp.analyse([a[0]], pipeline=a[1], unit=a[2]).write(a[3])")


def write_corpus(path: Path, n: int) -> int:
    """The first ``n`` articles of the codes to ``path``; returns their whitespace tokens."""
    written = tokens = 0
    with open(path, "w", encoding="utf-8") as out:
        for name in FILES:
            opener = gzip.open if name.endswith(".gz") else open
            with opener(SHARED / name, "rt", encoding="utf-8") as handle:
                for line in handle:
                    out.write(line if line.endswith("\n") else line + "\n")
                    tokens += len(json.loads(line)["text"].split())
                    written += 1
                    if written == n:
                        return tokens
    raise SystemExit(f"only {written} articles in {', '.join(FILES)}")


def peak_rss(args: list[str]) -> tuple[float, float]:
    """Peak RSS (MB) of a fresh Python process running ``args`` and its children, and its seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            rss = watched.memory_info().rss + sum(c.memory_info().rss for c in watched.children(recursive=True))
        except psutil.Error:
            rss = 0
        peak = max(peak, rss)
        time.sleep(0.02)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr.read().decode()[-2000:]}")
    return peak / 2**20, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pipeline", default="fast")
    parser.add_argument("--unit", default="document")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "memory_scale.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sizes = {"1x": args.documents, "4x": 4 * args.documents}
        tokens = {name: write_corpus(tmp / f"{name}.jsonl", n) for name, n in sizes.items()}
        runs: dict[str, dict[str, list]] = {}
        for round_ in range(args.rounds):
            for config in ("streamed", "in memory"):
                for name in sizes:
                    corpus, out = str(tmp / f"{name}.jsonl"), str(tmp / f"out-{config}-{name}".replace(" ", "-"))
                    command = (["-c", STREAMED, "analyse", corpus, "--out", out, "--pipeline", args.pipeline,
                                "--unit", args.unit] if config == "streamed"
                               else ["-c", IN_MEMORY, corpus, args.pipeline, args.unit, out])
                    mb, seconds = peak_rss(command)
                    runs.setdefault(config, {}).setdefault(name, []).append({"peak_rss_mb": mb, "seconds": seconds})
                    print(f"round {round_ + 1}, {config}, {name} ({sizes[name]:,} articles): {mb:,.0f} MB, "
                          f"{seconds:.1f} s, load {os.getloadavg()[0]:.2f}", flush=True)
    results = {}
    for config, by_size in runs.items():
        medians = {name: statistics.median(r["peak_rss_mb"] for r in rs) for name, rs in by_size.items()}
        results[config] = {"runs": by_size, "median_peak_rss_mb": medians, "ratio_4x_1x": medians["4x"] / medians["1x"]}
        print(f"{config}: {medians['1x']:,.0f} MB -> {medians['4x']:,.0f} MB, x{medians['4x'] / medians['1x']:.2f}")
    out = {"command": " ".join(["python", "benchmarks/memory_scale.py", *sys.argv[1:]]), "articles": sizes,
           "whitespace_tokens": tokens, "pipeline": args.pipeline, "unit": args.unit, "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
