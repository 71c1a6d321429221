#!/usr/bin/env python3
"""Build the embedded demo corpus ``corpora/demo.jsonl.gz``.

Draws a few hundred real, dated records from the derived corpora of
``/work/shared/corpora`` (see that folder's README for provenance, licences
and the record schema), in two parts:

1. **stratified**: a random draw per (collection, 5-year period) cell, at most
   ``PER_CELL`` records per cell (all of them when the cell is smaller). In the
   LEGI code collections, about two thirds of each cell are taken, where
   available, from records whose ``date_source`` is ``creating_text`` (the date
   is the signature date of the text that created the article) and the rest
   from the other date sources, so that a mix is kept.
2. **oversample**: records not drawn in part 1 whose text matches the regular
   expressions of ``OVERSAMPLE_PATTERNS`` (vocabulary of collective social work
   / ISIC modes and of collective participation) and is not excused by
   ``OVERSAMPLE_EXCLUDE`` (false friends), at most ``OVERSAMPLE_CAP`` records
   per (pattern group, collection).

THE OVERSAMPLE BIASES EVERY SHARE: the demo is for trying the tool, never for
findings.

Every record keeps all its fields unchanged; one field is added,
``demo_stratum``: ``stratified:<collection>:<period>`` or
``oversample:<group>``.

Excluded everywhere: ``demo-echantillon`` (itself a sample),
``circulaires-citees-service-public`` (title-only records), records without a
year, texts shorter than ``MIN_CHARS`` or longer than ``MAX_CHARS`` characters.

Deterministic: fixed seed, inputs read in sorted order, candidates sorted by
id before any random draw, output sorted, gzip header without timestamp or
file name. Standard library only.

Usage (from the repository root)::

    python corpora/build_demo.py [--shared ../shared/corpora] [--out corpora/demo.jsonl.gz]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "corpora"
DEFAULT_OUT = REPO_ROOT / "corpora" / "demo.jsonl.gz"

SEED = 20251124
PER_CELL = 7            # stratified records per (collection, 5-year period)
CREATING_TEXT_SHARE = 2 / 3   # LEGI cells: share drawn from date_source == creating_text
OVERSAMPLE_CAP = 10     # oversampled records per (pattern group, collection)
MIN_CHARS = 30
MAX_CHARS = 20_000

# Files never drawn from.
EXCLUDED_FILES = {
    "demo-echantillon",                     # a sample itself
    "circulaires-citees-service-public",    # text is the title only
}
LEGI_COLLECTIONS = {
    "code-du-travail",
    "code-securite-sociale",
    "code-rural-peche-maritime",
    "code-relations-public-administration",
}

# Oversample: collective / ISIC vocabulary, one group per ISIC mode plus the
# collective-participation group. Matched case-insensitively on the text;
# ['’] accepts both apostrophes. Labour-relations vocabulary is deliberately
# NOT oversampled (it is abundant in the codes and conventions already).
# These are crude retrieval patterns, not labels: many hits are false friends
# (agricultural "actions collectives", occupational-health "diagnostic
# territorial", ...), which is useful for a demo of a meaning-based tool.
_A = "['’]"
OVERSAMPLE_PATTERNS: dict[str, str] = {
    "communautaire": (
        r"\b(?:santé|actions?|démarches?|approches?|développement|travail|diagnostics?)"
        r" communautaires?\b"
        r"|\bvie communautaire\b|\baccueil communautaire\b"
    ),
    "groupes": (
        rf"\bgroupes? (?:de parole|d{_A}entraide|d{_A}aide mutuelle|d{_A}aidants|de pairs)\b"
        r"|\bentraide mutuelle\b|\baide mutuelle\b|\bpair-aidance\b"
        r"|\btravail social (?:avec les|de) groupes?\b"
    ),
    "dsl": (
        r"\bdéveloppement social\b|\bdéveloppement local\b"
        r"|\bdiagnostics? (?:partagés?|territoria(?:l|ux|lisés?))\b"
        r"|\bprojets? (?:social )?de territoire\b"
    ),
    "collectives": (
        r"\bactions? collectives?\b|\bcentres? sociaux\b|\bcentre social\b"
        rf"|\binitiatives? (?:des |d{_A})habitants\b|\banimation sociale\b"
        r"|\bateliers? collectifs?\b|\binformations? collectives?\b"
    ),
    "participation": (
        r"\bconseils? de (?:la )?vie sociale\b|\bconseils? citoyens?\b"
        r"|\binstances? de participation\b"
        r"|\bparticipation des (?:habitants|usagers|personnes (?:accueillies|prises en charge|protégées))\b"
        rf"|\blien social\b|\bpouvoir d{_A}agir (?:des|collectif)\b"
        r"|\béducation populaire\b|\bco-?construction\b"
    ),
}
# A match is ignored when the text around it (80 characters either side)
# matches this: EU law, names of administrations and councils, labour-law
# and branch-funding uses of "actions collectives", the name of a collective
# agreement, mutual aid between farmers.
OVERSAMPLE_EXCLUDE = re.compile(
    rf"(?:cadre|programme) d{_A}action communautaire"
    r"|action collective de prévention des risques professionnels"
    r"|actions? collectives? (?:nationales|de formation|de communication)"
    r"|convention collective nationale (?:des personnels )?des centres sociaux"
    r"|(?:direction|directeur|directrice|ministère|ministre|conseil national|délégué)"
    r"[^.;\n]{0,40}de l[a'’] ?(?:jeunesse, de l'|jeunesse, de l’)?éducation populaire"
    r"|exploitants qui se prêtent entre eux une aide mutuelle",
    re.IGNORECASE,
)
_COMPILED = {k: re.compile(v, re.IGNORECASE) for k, v in OVERSAMPLE_PATTERNS.items()}


def oversample_groups(text: str) -> list[str]:
    """Groups of OVERSAMPLE_PATTERNS with at least one non-excluded match."""
    hits = []
    for group, pattern in _COMPILED.items():
        for m in pattern.finditer(text):
            window = text[max(0, m.start() - 80): m.end() + 80]
            if not OVERSAMPLE_EXCLUDE.search(window):
                hits.append(group)
                break
    return hits


def period_of(year: int) -> str:
    start = year - year % 5
    return f"{start}-{start + 4}"


def read_records(path: Path):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def collection_files(shared: Path) -> list[Path]:
    files = []
    for p in sorted(shared.iterdir()):
        if p.name.endswith(".jsonl") or p.name.endswith(".jsonl.gz"):
            name = p.name.split(".jsonl")[0]
            if name not in EXCLUDED_FILES:
                files.append(p)
    return files


def eligible(rec: dict) -> bool:
    text = rec.get("text") or ""
    return (
        isinstance(rec.get("year"), int)
        and not rec.get("text_is_title_only")
        and MIN_CHARS <= len(text) <= MAX_CHARS
    )


def draw_cell(rng: random.Random, recs: list[dict], collection: str, k: int) -> list[dict]:
    """k records of one cell (all if fewer).

    LEGI codes: ceil(k * CREATING_TEXT_SHARE) records with date_source
    ``creating_text`` where available; the other slots go round-robin to the
    other date sources present in the cell (sorted by name), so that a mix is
    kept; any shortfall is filled from whatever is left.
    """
    recs = sorted(recs, key=lambda r: r["id"])
    if len(recs) <= k:
        return recs
    if collection not in LEGI_COLLECTIONS:
        return rng.sample(recs, k)
    pools: dict[str, list[dict]] = defaultdict(list)
    for r in recs:
        pools[str(r.get("date_source"))].append(r)
    # random order inside each pool, drawn in sorted pool order
    shuffled = {src: rng.sample(pools[src], len(pools[src])) for src in sorted(pools)}
    ct = shuffled.pop("creating_text", [])
    n_ct = min(len(ct), math.ceil(k * CREATING_TEXT_SHARE))
    picked = ct[:n_ct]
    rest_ct = ct[n_ct:]
    others = [shuffled[src] for src in sorted(shuffled)]
    while len(picked) < k and any(others):
        for pool in others:
            if pool and len(picked) < k:
                picked.append(pool.pop(0))
    while len(picked) < k and rest_ct:
        picked.append(rest_ct.pop(0))
    return picked


def build(shared: Path) -> tuple[list[dict], dict]:
    rng = random.Random(SEED)
    by_coll: dict[str, list[dict]] = {}
    stats = {"read": Counter(), "eligible": Counter()}
    for path in collection_files(shared):
        name = path.name.split(".jsonl")[0]
        recs = []
        for rec in read_records(path):
            stats["read"][name] += 1
            if eligible(rec):
                recs.append(rec)
        stats["eligible"][name] = len(recs)
        by_coll[name] = recs

    chosen: dict[str, dict] = {}   # id -> record (with demo_stratum)

    # 1. stratified: collection x 5-year period
    for coll in sorted(by_coll):
        cells: dict[str, list[dict]] = defaultdict(list)
        for rec in by_coll[coll]:
            cells[period_of(rec["year"])].append(rec)
        for period in sorted(cells):
            for rec in draw_cell(rng, cells[period], coll, PER_CELL):
                out = dict(rec)
                out["demo_stratum"] = f"stratified:{coll}:{period}"
                chosen[rec["id"]] = out

    # 2. oversample: collective / ISIC vocabulary
    groups_of = {r["id"]: oversample_groups(r["text"]) for coll in sorted(by_coll) for r in by_coll[coll]}
    for group in OVERSAMPLE_PATTERNS:
        for coll in sorted(by_coll):
            cands = sorted(
                (r for r in by_coll[coll]
                 if r["id"] not in chosen and group in groups_of[r["id"]]),
                key=lambda r: r["id"],
            )
            for rec in rng.sample(cands, min(OVERSAMPLE_CAP, len(cands))):
                out = dict(rec)
                out["demo_stratum"] = f"oversample:{group}"
                chosen[rec["id"]] = out

    records = sorted(chosen.values(), key=lambda r: (r["year"], r["date"], r["collection"], r["id"]))
    return records, stats


def write_gz(records: list[dict], out: Path) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        for rec in records:
            gz.write((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))
    data = buf.getvalue()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return data


def summary(records: list[dict]) -> str:
    lines = [f"records: {len(records)}"]
    years = [r["year"] for r in records]
    lines.append(f"years: {min(years)}-{max(years)} ({len(set(years))} distinct)")
    for label, key in (
        ("demo_stratum", lambda r: r["demo_stratum"].rsplit(":", 1)[0]
         if r["demo_stratum"].startswith("stratified") else r["demo_stratum"]),
        ("collection", lambda r: r["collection"]),
        ("doc_type", lambda r: r["doc_type"]),
        ("decade", lambda r: f"{r['year'] - r['year'] % 10}s"),
        ("date_source", lambda r: f"{r['collection']} | {r['date_source']}"),
    ):
        c = Counter(key(r) for r in records)
        lines.append(f"{label}:")
        lines.extend(f"  {k}: {v}" for k, v in sorted(c.items()))
    hits = Counter(g for r in records for g in oversample_groups(r["text"]))
    lines.append("records matching each oversample group (whole demo):")
    lines.extend(f"  {g}: {hits[g]}" for g in OVERSAMPLE_PATTERNS)
    lines.append(f"text characters: {sum(len(r['text']) for r in records)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="folder of the derived corpora (default: ../shared/corpora "
                         "relative to the repository root)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="output file (default: corpora/demo.jsonl.gz)")
    ap.add_argument("--quiet", action="store_true", help="no summary on stderr")
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        print(f"error: {args.shared} is not a folder", file=sys.stderr)
        return 2
    records, stats = build(args.shared)
    data = write_gz(records, args.out)
    if not args.quiet:
        print(f"wrote {args.out} ({len(data)} bytes)", file=sys.stderr)
        print("eligible / read per collection:", file=sys.stderr)
        for k in sorted(stats["read"]):
            print(f"  {k}: {stats['eligible'][k]} / {stats['read'][k]}", file=sys.stderr)
        print(summary(records), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
