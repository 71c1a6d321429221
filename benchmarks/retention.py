"""Retention by decade of the date filters and of the codification flags, on the shared LEGI codes.

How many articles of each decade the manifest's filter ``date_source == creating_text``
(``corpora/legi-codes-creating-text.yaml``) keeps, and what excluding the codification
texts (``reports/codification.yaml``, plus texts that created more than 200 articles)
keeps, for the Code du travail and the Code de la sécurité sociale of the shared corpora::

    .venv/bin/python benchmarks/retention.py --corpora ../shared/corpora
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from isic_nlp.reports.codification import apply_codification, codification_summary, flag_codification
from isic_nlp.reports.dates import add_date_definitions, retention_by_period

FILES = ("code-du-travail.jsonl.gz", "code-securite-sociale.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    tables = []
    for name in FILES:
        units = add_date_definitions(pd.read_json(args.corpora / name, lines=True, dtype=False))
        tables.append(units)
        for field in ("date", "date_in_force"):
            kept = units[units["date_source"] == "creating_text"]
            print(f"\n== {name}: periods of '{field}'")
            print(retention_by_period(units, {"creating_text": kept}, "decade", date_field=field).to_string(index=False))
    both = flag_codification(pd.concat(tables, ignore_index=True))
    filters = {
        "creating_text": both[both["date_source"] == "creating_text"],
        "no_codification": apply_codification(both, "exclude"),
        "creating_text_no_codification": apply_codification(both[both["date_source"] == "creating_text"], "exclude"),
    }
    print("\n== both codes: periods of 'date'")
    print(retention_by_period(both, filters, "decade").to_string(index=False))
    print("\n== codification units per text (both codes)")
    print(codification_summary(both).to_string(index=False))


if __name__ == "__main__":
    main()
