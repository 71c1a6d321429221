"""Creation dates of the LEGI reader vs the ``date`` of the prepared code files.

Reads the four code trees of ``@socialgouv/legi-data@2.513.0`` with
:func:`isic_nlp.corpus.legi.read_legi`, joins each article on ``id`` with the
prepared ``code-*.jsonl(.gz)`` of the shared corpora, and prints per code the
match rate of ``date`` (the target is >= 99 %), then every difference sorted
into categories, and, for information, the agreement of ``date_source``,
``text`` and the other fields.

Get the package files first (only the four code files are extracted)::

    cd /tmp && npm pack @socialgouv/legi-data@2.513.0 && tar xzf socialgouv-legi-data-2.513.0.tgz \\
        package/data/LEGITEXT000006072050.json package/data/LEGITEXT000006073189.json \\
        package/data/LEGITEXT000022197698.json package/data/LEGITEXT000031366350.json

then, from the repository root::

    .venv/bin/python benchmarks/legi_dates.py --legi /tmp/package/data --corpora ../shared/corpora

Exit status 1 if a code is under 99 %.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

from isic_nlp.corpus.legi import read_legi
from isic_nlp.corpus.readers import Record

CODES = {
    "LEGITEXT000006072050": "code-du-travail",
    "LEGITEXT000006073189": "code-securite-sociale",
    "LEGITEXT000022197698": "code-rural-peche-maritime",
    "LEGITEXT000031366350": "code-relations-public-administration",
}
COMPARED = (
    "date_source", "article_num", "cid", "section_path", "etat", "creating_text",
    "first_version_date", "current_version_date", "n_versions", "last_modified_by", "nota", "title",
)


def prepared(corpora: Path, name: str) -> dict[str, dict]:
    for candidate in (corpora / f"{name}.jsonl", corpora / f"{name}.jsonl.gz"):
        if candidate.exists():
            opener = gzip.open if candidate.suffix == ".gz" else open
            with opener(candidate, "rt", encoding="utf-8") as handle:
                return {obj["id"]: obj for obj in map(json.loads, handle)}
    raise SystemExit(f"no prepared file for {name} in {corpora}")


def _no_final_semicolon(text: str) -> str:
    return "\n".join(re.sub(r"\s*;$", "", line) for line in text.split("\n"))


def category(mine: dict, theirs: dict) -> str:
    """Why the two dates differ, in words."""
    if mine.get("date") is None:
        return "reader gives no date"
    if theirs.get("date") is None:
        return "prepared file has no date"
    if mine.get("date_source") == "first_version_in_force" and theirs.get("date_source") == "codification_text":
        first = date.fromisoformat(mine["first_version_date"])
        signed = date.fromisoformat(theirs["date"])
        if first > signed.replace(year=signed.year + 2):
            return (
                "first version in force more than two years after the codification text "
                "(outside the README's window: the prepared file took a wider one)"
            )
        if first < signed.replace(year=signed.year - 1):
            return "first version in force more than one year before the codification text"
    if mine.get("date_source") != theirs.get("date_source"):
        return f"different rule: reader {mine.get('date_source')} vs prepared {theirs.get('date_source')}"
    return f"same rule ({mine.get('date_source')}), different link or version chosen"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--legi", type=Path, required=True, help="folder with the LEGITEXT….json files")
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--examples", type=int, default=3, help="examples printed per category")
    args = parser.parse_args()
    worst = 100.0
    total_in = total_match = 0
    for code_id, name in CODES.items():
        path = args.legi / f"{code_id}.json"
        start = time.perf_counter()
        mine = {r.id: r for r in read_legi(path) if isinstance(r, Record)}
        seconds = time.perf_counter() - start
        theirs = prepared(args.corpora, name)
        common = mine.keys() & theirs.keys()
        same = [i for i in common if mine[i].meta["date"] == theirs[i]["date"]]
        rate = 100 * len(same) / len(theirs)
        worst = min(worst, rate)
        total_in += len(theirs)
        total_match += len(same)
        print(f"\n== {name} ({code_id}): {len(mine)} articles read in {seconds:.1f} s, {len(theirs)} prepared")
        print(f"   date match: {len(same)}/{len(theirs)} = {rate:.2f} %")
        categories: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        for i in sorted(theirs.keys() - mine.keys()):
            categories["article absent from the reader's output"] += 1
        for i in sorted(mine.keys() - theirs.keys()):
            categories["article absent from the prepared file"] += 1
        for i in sorted(common - set(same)):
            cat = category(mine[i].meta, theirs[i])
            categories[cat] += 1
            examples.setdefault(cat, []).append(
                f"{i} {mine[i].meta['article_num']}: reader {mine[i].meta['date']} "
                f"({mine[i].meta['date_source']}), prepared {theirs[i]['date']} ({theirs[i]['date_source']})"
            )
        for cat, count in categories.most_common():
            print(f"   - {count:5d}  {cat}")
            for line in examples.get(cat, [])[: args.examples]:
                print(f"            e.g. {line}")
        agree = {
            field: sum(mine[i].meta.get(field) == theirs[i].get(field) for i in common) for field in COMPARED
        }
        agree["text"] = sum(mine[i].text == theirs[i]["text"] for i in common)
        # The prepared files drop a ";" ending a line (the end of an enumerated item); the reader keeps it.
        agree["text (ignoring a final ';' on a line)"] = sum(
            _no_final_semicolon(mine[i].text) == _no_final_semicolon(theirs[i]["text"]) for i in common
        )
        print("   other fields equal: " + ", ".join(f"{k} {100 * v / max(len(common), 1):.1f} %" for k, v in agree.items()))
    print(f"\nall codes: {total_match}/{total_in} = {100 * total_match / total_in:.2f} % of dates match")
    return 0 if worst >= 99.0 else 1


if __name__ == "__main__":
    sys.exit(main())
