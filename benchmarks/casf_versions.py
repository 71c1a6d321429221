"""Records of the two views of casf-versions.jsonl.gz, snapshot sizes, and codification units in them.

    .venv/bin/python benchmarks/casf_versions.py --corpora ../shared/corpora
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

from isic_nlp.corpus.readers import InputProblem, Record
from isic_nlp.corpus.versions import read_events, read_in_force
from isic_nlp.reports.codification import codification_summary, flag_codification

DAYS = ("1990-12-31", "2001-12-31", "2015-12-31")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    args = parser.parse_args()
    path = args.corpora / "casf-versions.jsonl.gz"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        started = time.perf_counter()
        events = list(read_events(path))
        records = [r for r in events if isinstance(r, Record)]
        print(f"events view: {len(records):,} records in {time.perf_counter() - started:.1f} s; problems: "
              + (", ".join(f"{p.code} {p.reason}" for p in events if isinstance(p, InputProblem)) or "none"))
        for (code, event), n in sorted(Counter((r.meta["code"], r.meta["event"]) for r in records).items()):
            print(f"  {code} {event}: {n:,}")
        signed = sum(r.meta["date_signature"] is not None for r in records)
        print(f"  with the modifying text's signature date: {signed:,} ({signed / len(records):.0%})")
        for day in DAYS:
            snapshot = [r for r in read_in_force(path, day) if isinstance(r, Record)]
            per_code = Counter(r.meta["code"] for r in snapshot)
            print(f"in force on {day}: {len(snapshot):,} articles ({', '.join(f'{c} {n:,}' for c, n in sorted(per_code.items()))})")
    for warning in caught:
        print(f"warning: {str(warning.message)[:160]}")
    table = pd.DataFrame([{"id": r.id, **r.meta} for r in records])
    print("\ncodification units in the events view:")
    print(codification_summary(flag_codification(table)).to_string(index=False))


if __name__ == "__main__":
    main()
