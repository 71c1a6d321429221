"""``analyse`` with one and with two worker processes, side by side, on the same texts.

For each pipeline, the texts (the first records of the shared corpora until
``--tokens`` whitespace tokens) are analysed with ``n_process=1`` and
``n_process=2``, alternated, ``--rounds`` times; the pipeline is loaded before
timing. Reports the medians, the speed-up and whether the tables are identical,
and the CPU time of this process and its workers with the machine's load
average (the machine may be shared: when the load is above the number of cores,
the wall-clock speed-up understates what two processes give).

    .venv/bin/python benchmarks/processes_speed.py --tokens 1000000 --rounds 1
    .venv/bin/python benchmarks/processes_speed.py --tokens 1000000 --rounds 5 --pipelines fast --write \
        --out benchmarks/results/processes_speed_write.json     # as the CLI: tables streamed to a folder

Writes ``benchmarks/results/processes_speed.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
FILES = ["code-securite-sociale.jsonl", "fiches-service-public.jsonl.gz", "conventions-collectives-secteur-social.jsonl"]


def texts(limit: int) -> list[dict]:
    out, n = [], 0
    for name in FILES:
        path = SHARED / name
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                out.append({"id": f"{name}:{record['id']}", "text": record["text"]})
                n += len(record["text"].split())
                if n >= limit:
                    return out
    return out


def _cpu_seconds() -> tuple[float, float]:
    """User + system CPU time of this process, and of its finished children (the workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pipelines", nargs="+", default=["fast", "accurate"])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "processes_speed.json")
    parser.add_argument("--write", action="store_true",
                        help="analyse(..., out=DIR) as the CLI does: tables streamed to a folder (Parquet and CSV)")
    args = parser.parse_args()

    import pandas as pd

    import isic_nlp

    records = texts(args.tokens)
    n_tokens = sum(len(r["text"].split()) for r in records)
    results = {}
    for name in args.pipelines:
        nlp = isic_nlp.load(name)
        times: dict[int, list[float]] = {1: [], 2: []}
        cpu: dict[int, list[float]] = {1: [], 2: []}
        cpu_split: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
        loads: list[float] = []
        tables = {}
        for _ in range(args.rounds):
            for n_process in (1, 2):
                cpu_before = _cpu_seconds()
                started = time.perf_counter()
                if args.write:
                    folder = Path(tempfile.mkdtemp()) / "out"
                    result = isic_nlp.analyse(records, nlp=nlp, n_process=n_process, out=folder)
                else:
                    result = isic_nlp.analyse(records, nlp=nlp, n_process=n_process)
                times[n_process].append(time.perf_counter() - started)
                main, workers = (after - before for after, before in zip(_cpu_seconds(), cpu_before))
                cpu[n_process].append(main + workers)
                cpu_split[n_process].append((main, workers))
                loads.append(os.getloadavg()[0])
                # Read now: with --write the result reads its tables from the folder, which goes next.
                tables[n_process] = {t: getattr(result, t) for t in ("documents", "mentions")}
                if args.write:
                    shutil.rmtree(folder.parent)
                print(f"{name}, {n_process} process(es): {times[n_process][-1]:.1f} s, "
                      f"CPU {cpu[n_process][-1]:.1f} s (main {cpu_split[n_process][-1][0]:.1f} s), load {loads[-1]:.2f}",
                      flush=True)
        identical = True
        for table in ("documents", "mentions"):
            try:
                pd.testing.assert_frame_equal(tables[1][table], tables[2][table])
            except AssertionError:
                identical = False
        one, two = statistics.median(times[1]), statistics.median(times[2])
        # On two free cores, two processes take at least max(main CPU, workers' CPU / 2): the speed-up
        # the CPU times allow, whatever the load of a shared machine.
        bounds = [cpu[1][i] / max(main, workers / 2) for i, (main, workers) in enumerate(cpu_split[2])]
        results[name] = {"seconds_1": times[1], "seconds_2": times[2], "cpu_seconds_1": cpu[1], "cpu_seconds_2": cpu[2],
                         "cpu_main_workers_2": cpu_split[2], "cpu_speed_up": statistics.median(bounds),
                         "load_average_1min": loads, "median_1": one, "median_2": two,
                         "speed_up": one / two, "tokens_per_second_1": n_tokens / one,
                         "tokens_per_second_2": n_tokens / two, "identical_outputs": identical}
        print(f"{name}: {one:.1f} s -> {two:.1f} s with 2 processes, x{one / two:.2f} "
              f"(x{statistics.median(bounds):.2f} from CPU times), identical: {identical}")
    out = {"command": " ".join(["python", "benchmarks/processes_speed.py", *sys.argv[1:]]),
           "mode": "tables written to a folder (out=)" if args.write else "tables in memory",
           "texts": len(records), "whitespace_tokens": n_tokens, "cores": os.cpu_count(), "pipelines": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
