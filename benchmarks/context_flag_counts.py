"""Context flags of every mention of the nine corpus files, and what a rule change did to them.

A rule of ``context.yaml`` is checked on the corpora, not only on the labelled
halves: this script runs ``fast`` (or ``--pipeline``) over every record of the
nine files of ``../shared/corpora`` (all but ``demo-echantillon``, a sample of
the others, and ``casf-versions``, older versions of CASF articles), writes
each flagged mention (file, record id, offsets, text, flags with their cue ids)
to a gzipped JSON-lines file and prints the flagged mentions per flag.
``--compare`` reads two such files (before and after a change, made by this
script on two checkouts) and prints the mentions whose flags changed, by change
and cue, with a seeded sample of them in their sentence, to read one by one.

    git archive HEAD~1 | tar -x -C /tmp/base   # the rules before the change
    PYTHONPATH=/tmp/base .venv/bin/python benchmarks/context_flag_counts.py --out /tmp/b.jsonl.gz
    PYTHONPATH=. .venv/bin/python benchmarks/context_flag_counts.py --out /tmp/a.jsonl.gz
    .venv/bin/python benchmarks/context_flag_counts.py --compare /tmp/b.jsonl.gz /tmp/a.jsonl.gz --sample 20
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = (
    "circulaires-citees-service-public.jsonl",
    "code-action-sociale-familles-partiel.jsonl",
    "code-du-travail.jsonl.gz",
    "code-relations-public-administration.jsonl",
    "code-rural-peche-maritime.jsonl.gz",
    "code-securite-sociale.jsonl",
    "conventions-collectives-secteur-social.jsonl",
    "fiches-service-public.jsonl.gz",
    "fiches-travail-emploi.jsonl",
)
# Appended, not inserted: with PYTHONPATH=<a checkout of older rules>, isic_nlp comes from there.
sys.path.append(str(ROOT))
from benchmarks.context_quality import FLAGS, shared_corpora as corpora  # noqa: E402


def records(path: Path):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                record = json.loads(line)
                yield str(record.get("id", number)), record.get("text") or ""


def count(pipeline: str, out: Path, limit: int | None) -> dict:
    """Write the flagged mentions of every record; return the counts per file and flag."""
    import isic_nlp

    print("isic_nlp from", isic_nlp.__file__, flush=True)
    nlp = isic_nlp.load(pipeline)
    totals: dict[str, collections.Counter] = {}
    with gzip.open(out, "wt", encoding="utf-8") as sink:
        for name in FILES:
            counter = totals.setdefault(name, collections.Counter())
            items = list(records(corpora() / name))[:limit]
            texts = (text for _, text in items)
            for (rid, _), doc in zip(items, nlp.pipe(texts, batch_size=64)):
                for span in doc.spans.get("isic", []):
                    counter["mentions"] += 1
                    flags = span._.isic_context
                    if not flags:
                        continue
                    counter["flagged"] += 1
                    counter.update(list(flags))
                    row = {"file": name, "id": rid, "start": span.start_char, "end": span.end_char,
                           "text": span.text, "flags": {f: list(c) for f, c in flags.items()}}
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(name, dict(counter), flush=True)
    total = sum(totals.values(), collections.Counter())
    print("all", dict(total))
    return {name: dict(c) for name, c in totals.items()}


def load(path: Path) -> dict[tuple, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return {(r["file"], r["id"], r["start"], r["end"]): r for r in map(json.loads, handle)}


def context_of(file: str, rid: str, start: int, end: int, texts: dict) -> str:
    """The line of the record around the mention, the mention in [brackets]."""
    if file not in texts:
        texts[file] = dict(records(corpora() / file))
    text = texts[file][rid]
    left = max(text.rfind("\n", 0, start), text.rfind(". ", 0, max(0, start - 250)))
    right = text.find("\n", end)
    right = len(text) if right < 0 else min(right, end + 250)
    return (text[left + 1 : start] + "[" + text[start:end] + "]" + text[end:right]).strip()


def compare(before: Path, after: Path, sample: int, seed: int, only: str | None) -> None:
    old, new = load(before), load(after)
    changes = collections.Counter()
    rows = []
    for key in sorted(set(old) | set(new)):
        a = old.get(key, {}).get("flags", {})
        b = new.get(key, {}).get("flags", {})
        for flag in FLAGS:
            if (flag in a) != (flag in b) or (flag in a and a[flag][1] != b[flag][1]):
                kind = "+" if flag not in a else "-" if flag not in b else "~"
                cue = (b if flag in b else a)[flag][1]
                changes[(kind + flag, cue)] += 1
                rows.append((kind + flag, cue, key, a.get(flag), b.get(flag)))
    before_n = collections.Counter(f for r in old.values() for f in r["flags"])
    after_n = collections.Counter(f for r in new.values() for f in r["flags"])
    print("flag        before    after")
    for flag in FLAGS:
        print(f"{flag:11s} {before_n[flag]:7d} {after_n[flag]:8d}")
    print(f"flagged     {len(old):7d} {len(new):8d}")
    print("\nchanges (+ gained, - lost, ~ other cue), by cue:")
    for (kind, cue), n in changes.most_common():
        print(f"  {n:6d} {kind:12s} {cue}")
    if only:
        rows = [r for r in rows if only in r[0] or only in r[1]]
    texts: dict = {}
    for kind, cue, (file, rid, start, end), a, b in random.Random(seed).sample(rows, min(sample, len(rows))):
        line = context_of(file, rid, start, end, texts)[:600]
        print(f"\n{kind} {cue} {file} {rid} before={a} after={b}\n    {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pipeline", default="fast")
    parser.add_argument("--out", type=Path, help="where to write the flagged mentions (.jsonl.gz)")
    parser.add_argument("--limit", type=int, help="the first N records of each file only")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--sample", type=int, default=20,
                        help="with --compare: changed mentions to print")
    parser.add_argument("--only", help="with --compare: sample the changes of this flag or cue id")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.compare:
        compare(*args.compare, args.sample, args.seed, args.only)
        return 0
    if not args.out:
        parser.error("--out or --compare is required")
    count(args.pipeline, args.out, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
