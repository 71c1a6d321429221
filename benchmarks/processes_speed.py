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
    .venv/bin/python benchmarks/processes_speed.py --baseline 62e00c7 ...   # and two processes as of that commit

``--baseline REF`` adds, in the same rounds, two processes with ``isic_nlp/parallel.py``
as it was at the git commit ``REF`` (the rest of the code being today's), so that a change
to how the chunks are shared out is measured side by side with the version before it.

Writes ``benchmarks/results/processes_speed.json``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
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


def baseline_run_chunks(ref: str):
    """``run_chunks`` of ``isic_nlp/parallel.py`` at commit ``ref``, as a module of the installed package
    (its relative imports are today's modules; registered before any worker is forked)."""
    source = subprocess.run(["git", "show", f"{ref}:isic_nlp/parallel.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    name = "isic_nlp._parallel_baseline"
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    module.__package__ = "isic_nlp"
    sys.modules[name] = module
    exec(compile(source, f"{ref}:isic_nlp/parallel.py", "exec"), module.__dict__)
    return module.run_chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pipelines", nargs="+", default=["fast", "accurate"])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "processes_speed.json")
    parser.add_argument("--write", action="store_true",
                        help="analyse(..., out=DIR) as the CLI does: tables streamed to a folder (Parquet and CSV)")
    parser.add_argument("--baseline", metavar="REF",
                        help="also run two processes with isic_nlp/parallel.py as of this git commit, alternated")
    args = parser.parse_args()

    import pandas as pd

    import isic_nlp
    import isic_nlp.analysis

    current = isic_nlp.analysis.run_chunks
    variants: dict[str, tuple[int, object]] = {"1": (1, current), "2": (2, current)}
    if args.baseline:
        variants["2_baseline"] = (2, baseline_run_chunks(args.baseline))
    records = texts(args.tokens)
    n_tokens = sum(len(r["text"].split()) for r in records)
    results = {}
    for name in args.pipelines:
        nlp = isic_nlp.load(name)
        times: dict[str, list[float]] = {key: [] for key in variants}
        cpu: dict[str, list[float]] = {key: [] for key in variants}
        cpu_split: dict[str, list[tuple[float, float]]] = {key: [] for key in variants}
        loads: list[float] = []
        tables = {}
        for _ in range(args.rounds):
            for key, (n_process, run_chunks) in variants.items():
                isic_nlp.analysis.run_chunks = run_chunks
                cpu_before = _cpu_seconds()
                started = time.perf_counter()
                if args.write:
                    folder = Path(tempfile.mkdtemp()) / "out"
                    result = isic_nlp.analyse(records, nlp=nlp, n_process=n_process, out=folder)
                else:
                    result = isic_nlp.analyse(records, nlp=nlp, n_process=n_process)
                times[key].append(time.perf_counter() - started)
                main, workers = (after - before for after, before in zip(_cpu_seconds(), cpu_before))
                cpu[key].append(main + workers)
                cpu_split[key].append((main, workers))
                loads.append(os.getloadavg()[0])
                # Read now: with --write the result reads its tables from the folder, which goes next.
                tables[key] = {t: getattr(result, t) for t in ("documents", "mentions")}
                if args.write:
                    shutil.rmtree(folder.parent)
                print(f"{name}, {key} process(es): {times[key][-1]:.1f} s, "
                      f"CPU {cpu[key][-1]:.1f} s (main {cpu_split[key][-1][0]:.1f} s), load {loads[-1]:.2f}",
                      flush=True)
        isic_nlp.analysis.run_chunks = current
        identical = True
        for key in variants:
            for table in ("documents", "mentions"):
                try:
                    pd.testing.assert_frame_equal(tables["1"][table], tables[key][table])
                except AssertionError:
                    identical = False
        one, two = statistics.median(times["1"]), statistics.median(times["2"])
        # On two free cores, this process and its one worker take at least the larger of their
        # two CPU times: the speed-up the CPU times allow, whatever the load of a shared machine.
        bounds = [cpu["1"][i] / max(main, workers) for i, (main, workers) in enumerate(cpu_split["2"])]
        results[name] = {"seconds_1": times["1"], "seconds_2": times["2"], "cpu_seconds_1": cpu["1"],
                         "cpu_seconds_2": cpu["2"], "cpu_main_workers_2": cpu_split["2"],
                         "cpu_speed_up": statistics.median(bounds),
                         "load_average_1min": loads, "median_1": one, "median_2": two,
                         "speed_up": one / two, "tokens_per_second_1": n_tokens / one,
                         "tokens_per_second_2": n_tokens / two, "identical_outputs": identical}
        if args.baseline:
            before = statistics.median(times["2_baseline"])
            results[name]["baseline"] = {"commit": args.baseline, "seconds_2": times["2_baseline"],
                                         "cpu_seconds_2": cpu["2_baseline"], "median_2": before,
                                         "speed_up": one / before, "ratio_to_current": before / two}
        print(f"{name}: {one:.1f} s -> {two:.1f} s with 2 processes, x{one / two:.2f} "
              f"(x{statistics.median(bounds):.2f} from CPU times), identical: {identical}"
              + (f"; {args.baseline}: {before:.2f} s, x{one / before:.2f}" if args.baseline else ""))
    out = {"command": " ".join(["python", "benchmarks/processes_speed.py", *sys.argv[1:]]),
           "mode": "tables written to a folder (out=)" if args.write else "tables in memory",
           "texts": len(records), "whitespace_tokens": n_tokens, "cores": os.cpu_count(), "pipelines": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
