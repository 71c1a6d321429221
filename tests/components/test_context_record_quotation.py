"""Record-level quotation labels of the older context halves (``record_quotation.jsonl``): the fixture only.

``tests/fixtures/context/record_quotation.jsonl`` gives, for the cases of ``tune``/``held_out``,
``fresh``, ``fresh2`` and ``fresh3`` whose record can change the answer, the ``quotation`` flag read
in the whole record (labelled by hand; ``record_quotation.md``). These tests check its shape, that
``benchmarks/record_quotation_candidates.py`` still picks exactly its cases, and that the counts the
notes state are the file's. They never run the context component.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from benchmarks import record_quotation_candidates as rq
from benchmarks.context_quality import load_cases
from tests.context_halves import FIXTURES, needs_corpora

OLDER_HALVES = ("tune", "held_out", "fresh", "fresh2", "fresh3")
KEYS = ["id", "half", "reason", "quotation", "line_label", "opened_by", "note"]


def labels() -> list[dict]:
    path = FIXTURES / "record_quotation.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_label_is_an_older_case_with_its_line_label():
    rows = labels()
    cases = {c["id"]: c for c in load_cases(rq.OLDER)}
    assert [list(row) for row in rows] == [KEYS] * len(rows)
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        case = cases[row["id"]]  # KeyError: not a case of the four older fixture files
        assert row["half"] == case["half"] in OLDER_HALVES
        assert row["reason"] in rq.REASONS
        assert not row["id"].startswith(("fresh4-", "fresh5-", "ext"))
        assert row["line_label"] is ("quotation" in case["flags"])
        assert isinstance(row["quotation"], bool)
        assert (row["opened_by"] is not None) is row["quotation"]  # a passage named for every quotation only


def test_no_later_or_external_case_is_relabelled():
    ids = {row["id"] for row in labels()}
    later = load_cases([FIXTURES / "fresh4.jsonl", FIXTURES / "external.jsonl"])
    assert not ids & {c["id"] for c in later}


@needs_corpora
def test_the_selection_script_picks_exactly_the_labelled_cases_in_order():
    found = rq.candidates()
    assert [(i, name) for name in rq.REASONS for i, _ in found[name]] == [(row["id"], row["reason"]) for row in labels()]
    notes = (FIXTURES / "record_quotation.md").read_text(encoding="utf-8")
    for name in rq.REASONS:
        assert f"`{name}` ({len(found[name])} cases)" in notes


def test_the_selection_tests_on_small_records():
    assert rq.unclosed("Il est remplacé par : « Article 1\nLe salarié")
    assert not rq.unclosed("le terme « individuel » est inséré")
    assert rq.unclosed('les mots : " ne remplit pas')
    assert not rq.unclosed('« a » puis “ b ”, "c"')
    assert rq.unclosed("« a » puis « b")
    assert not rq.unclosed("« b « c » d")  # the last mark is a »: an inner pair hides the open « (as fresh-128)
    assert rq.more_opened("« b « c » d") and rq.more_opened("“ a\n“ b ” c")
    assert not rq.more_opened("« a » « b » “ c ”") and not rq.more_opened("a » b")
    record = "Article 2\nL'article 8.1 est remplacé par les dispositions suivantes :\nArticle 8.1\nLe salarié a droit."
    case = {"text": "Le salarié a droit.", "start": 0}
    assert rq.reason(record, case) == ("amendment_wording_above",
                                       "L'article 8.1 est remplacé par les dispositions suivantes :")
    assert rq.reason(record.replace("remplacé par les dispositions suivantes :", "abrogé."), case) is None
    assert rq.reason("Cette allocation peut être complétée par :\nLe salarié a droit.", case) is None
    quoted = "Il est inséré un article rédigé comme suit :\n« Article 3\nLe salarié a droit."
    assert rq.reason(quoted, case) == ("unclosed_before_line", None)
    assert rq.reason(quoted, {"text": "absent du texte", "start": 0}) is None
    inner = "Il est remplacé :\n« Titre VII\nLa garantie « maintien » est due.\nLe salarié a droit. »"
    assert rq.reason(inner, case) == ("more_opened_than_closed", None)
    assert rq.reason(inner.replace("Il est remplacé :", "rédigé comme suit :"), case) == (
        "amendment_wording_above", "rédigé comme suit :")  # checked after the wording


def test_the_notes_state_the_file_s_counts():
    rows = labels()
    notes = " ".join((FIXTURES / "record_quotation.md").read_text(encoding="utf-8").split())
    record = sum(row["quotation"] for row in rows)
    line = sum(row["line_label"] for row in rows)
    to_true = sum(row["quotation"] and not row["line_label"] for row in rows)
    to_false = sum(row["line_label"] and not row["quotation"] for row in rows)
    assert f"{len(rows)} candidates; quotation in record {record}, not quotation {len(rows) - record}" in notes
    assert f"line label quotation {line}." in notes
    assert (f"They differ on {to_true + to_false} cases: {to_true} line false → record true, "
            f"{to_false} line true → record false.") in notes
    for name in rq.REASONS:
        mine = [row for row in rows if row["reason"] == name]
        cells = (len(mine), sum(r["quotation"] and r["line_label"] for r in mine),
                 sum(r["quotation"] and not r["line_label"] for r in mine),
                 sum(not r["quotation"] and not r["line_label"] for r in mine))
        assert f"| `{name}` | " + " | ".join(map(str, cells)) + " |" in notes
    halves = Counter(row["half"] for row in rows)
    assert f"{len(rows)} candidates: " + ", ".join(f"{h} {halves[h]}" for h in OLDER_HALVES) in notes
    for half in OLDER_HALVES:
        mine = [row for row in rows if row["half"] == half]
        cells = (len(mine), sum(r["quotation"] for r in mine), sum(r["line_label"] for r in mine),
                 sum(r["quotation"] and not r["line_label"] for r in mine))
        assert f"| {half} | " + " | ".join(map(str, cells)) + " |" in notes
    changed = {row["id"] for row in rows if row["quotation"] != row["line_label"]}
    listed = notes.split(f"The {len(changed)} changed cases:")[1].split(". Five")[0]
    named, prefix = set(), ""
    for item in re.findall(r"`([a-z0-9]*-\d{3}|-\d{3})`", listed):  # `ctx-020`, `-037`: the prefix carries on
        prefix = item.split("-")[0] or prefix
        named.add(f"{prefix}-{item.split('-')[1]}")
    assert named == changed
