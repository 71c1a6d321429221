"""Frame trends of the shared LEGI codes under each date definition, with and without codification texts.

Classifies every article of the Code de la sécurité sociale and of the Code du travail
with the shipped model (about 80 s and 2 min), then prints, for the individual and
collective frames, the logistic trend (each article one trial) under ``date`` (the
prepared files' choice), ``date_signature`` (signature of the creating or codification
text; articles without one are left out) and ``date_in_force`` (first version's entry
into force), for all articles and with the codification texts excluded::

    .venv/bin/python benchmarks/date_sensitivity.py --corpora ../shared/corpora
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import pandas as pd

from isic_nlp.classify import classify
from isic_nlp.reports.codification import apply_codification, flag_codification
from isic_nlp.reports.dates import add_date_definitions, date_sensitivity, frame_slopes

FILES = ("code-securite-sociale.jsonl", "code-du-travail.jsonl.gz")
SHOWN = ["date_field", "n_dated", "n_undated", "frame", "points_per_decade", "log_odds_per_decade",
         "log_odds_low", "log_odds_high"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    warnings.simplefilter("ignore")
    for name in FILES:
        started = time.perf_counter()
        table, _ = classify(args.corpora / name)
        flagged = flag_codification(add_date_definitions(table))
        print(f"\n== {name}: {len(table):,} articles classified in {time.perf_counter() - started:.0f} s", flush=True)
        for label, units in (("all articles", flagged), ("codification excluded", apply_codification(flagged, "exclude"))):
            result = date_sensitivity(units, ["date", "date_signature", "date_in_force"], frame_slopes)
            print(f"-- {label}")
            print(result[result["frame"].isin(["individual", "collective"])][SHOWN].round(3).to_string(index=False), flush=True)


if __name__ == "__main__":
    main()
