"""The cases of the older context halves whose record can change their ``quotation`` label.

The halves ``tune``/``held_out`` (``cases.jsonl``), ``fresh``, ``fresh2`` and
``fresh3`` were labelled from the case's line alone; ``fresh4`` adopted a
record-level convention (a line inside the replacing or inserted wording of an
amending text is quotation even when the opening quotation mark is lines
earlier, or absent). This script picks, from the characters of each record
only (no isic_nlp component is run), the cases whose record may put their
line inside such wording; ``tests/fixtures/context/record_quotation.jsonl``
labels each of them by hand, in its record (see ``record_quotation.md``).

The case's line is the record line that holds the mention (the record text
from the last newline before the mention). A case is a candidate when

- ``unclosed_before_line``: in the record text before that line, the last « comes
  after the last », or the last “ after the last ”, or the number of straight
  double quotes is odd; else
- ``amendment_wording_above``: a line before it (stripped) ends with amendment
  wording, ``AMENDMENT_WORDING`` (*remplacé par les dispositions suivantes*,
  *rédigé comme suit*, *complété par les articles suivants :* …); else
- ``more_opened_than_closed``: the record text before that line holds more «
  than », or more “ than ” (an outer passage still open whose last mark is the
  » of an inner pair: « … « rente survie handicap » …).

    PYTHONPATH=. .venv/bin/python benchmarks/record_quotation_candidates.py          # the ids, by reason (JSON)
    PYTHONPATH=. .venv/bin/python benchmarks/record_quotation_candidates.py --lines  # with the matching line
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.context_quality import CASES, FRESH, FRESH2, FRESH3, load_cases, record_texts  # noqa: E402

OLDER = (CASES, FRESH, FRESH2, FRESH3)  # the halves labelled from the case's line alone
REASONS = ("unclosed_before_line", "amendment_wording_above", "more_opened_than_closed")
AMENDMENT_WORDING = re.compile(
    r"(?:(?:remplacée?s?|complétée?s?|modifiée?s?|rédigée?s?)\s+"
    r"(?:par\s+(?:les?|la|l'|une?)\s*(?:dispositions?|articles?|alinéas?|texte|paragraphes?|mots?|phrases?)\b.*"
    r"(?:suivante?s?|du\s+présent\s+texte)"
    r"|comme\s+suit|de\s+la\s+(?:manière|façon)\s+suivante)"
    r"|\bremplace\b.*\bcomme\s+suit)"
    r"\s*[:.]?$",
    re.IGNORECASE,
)


def unclosed(text: str) -> bool:
    """Whether ``text`` ends inside a quotation: its last « after its last », its last “ after its last ”,
    or an odd number of straight double quotes."""
    return (text.rfind("«") > text.rfind("»") or text.rfind("“") > text.rfind("”")
            or text.count('"') % 2 == 1)


def more_opened(text: str) -> bool:
    """Whether ``text`` holds more « than », or more “ than ” (a passage may be open though its last
    mark closes an inner pair)."""
    return text.count("«") > text.count("»") or text.count("“") > text.count("”")


def line_start(record: str, case: dict) -> int | None:
    """Where the record line holding the case's mention starts (None if the case's text is not in it)."""
    at = record.find(case["text"])
    if at < 0:
        return None
    return record.rfind("\n", 0, at + case["start"]) + 1


def reason(record: str, case: dict) -> tuple[str, str | None] | None:
    """Why the record may change the case's quotation label (a reason of ``REASONS`` and the amendment
    line, if any), or None."""
    start = line_start(record, case)
    if start is None:
        return None
    before = record[:start]
    if unclosed(before):
        return "unclosed_before_line", None
    for line in reversed(before.split("\n")):
        if AMENDMENT_WORDING.search(line.strip()):
            return "amendment_wording_above", line.strip()
    if more_opened(before):
        return "more_opened_than_closed", None
    return None


def candidates(cases: list[dict] | None = None, texts: dict | None = None) -> dict[str, list[tuple[str, str | None]]]:
    """The candidates by reason: (case id, amendment line or None), in the fixtures' order."""
    cases = load_cases(OLDER) if cases is None else cases
    texts = record_texts(cases) if texts is None else texts
    out: dict[str, list[tuple[str, str | None]]] = {name: [] for name in REASONS}
    for case in cases:
        record = texts.get((case.get("file"), case.get("record_id")))
        found = reason(record, case) if record is not None else None
        if found:
            out[found[0]].append((case["id"], found[1]))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", action="store_true", help="print each candidate with its amendment line")
    args = parser.parse_args(argv)
    found = candidates()
    if args.lines:
        for name, rows in found.items():
            for case_id, line in rows:
                print(f"{name}\t{case_id}\t{line or ''}")
    else:
        print(json.dumps({name: [case_id for case_id, _ in rows] for name, rows in found.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
