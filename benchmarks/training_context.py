"""Add the context fields (``title``, ``doc_type``, ``section_path``) to the training copies, from the corpora.

The code articles of ``framing_train.jsonl`` carry only ``collection``, ``num``
and ``date``; their title, document type and section path (the titles of the
enclosing sections) are those of the same LEGIARTI id in
``/work/shared/corpora/`` (the four LEGI codes). Paragraphs of code articles
(``paragraphs_train.jsonl``) get the ``section_path`` of their ``doc_id``
(LEGI codes and the CASF); paragraphs of sheets and agreements keep their
title. Labels and texts are not touched; existing fields keep their values.

    .venv/bin/python benchmarks/training_context.py [--corpora /work/shared/corpora]
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAINING = ROOT / "isic_nlp" / "models" / "training"
CODES = [
    "code-du-travail.jsonl.gz",
    "code-securite-sociale.jsonl",
    "code-rural-peche-maritime.jsonl.gz",
    "code-relations-public-administration.jsonl",
    "code-action-sociale-familles-partiel.jsonl",
]


def corpus_index(corpora: Path) -> dict[str, dict]:
    index = {}
    for name in CODES:
        opener = gzip.open if name.endswith(".gz") else open
        with opener(corpora / name, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                index[record["id"]] = {
                    "title": record.get("title"),
                    "doc_type": record.get("doc_type"),
                    "section_path": record.get("section_path") or [],
                }
    return index


def enrich(path: Path, index: dict[str, dict], key: str) -> int:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    changed = 0
    for row in rows:
        found = index.get(row.get(key) or "")
        if not found:
            continue
        for field, value in found.items():
            if field not in row:
                row[field] = value
                changed += 1
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("/work/shared/corpora"))
    args = parser.parse_args()
    index = corpus_index(args.corpora)
    print("framing_train:", enrich(TRAINING / "framing_train.jsonl", index, "id"), "fields added")
    print("paragraphs_train:", enrich(TRAINING / "paragraphs_train.jsonl", index, "doc_id"), "fields added")


if __name__ == "__main__":
    main()
