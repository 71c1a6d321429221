"""The sixth half of the context benchmark, ``fresh4``: the fixture only.

``tests/fixtures/context/fresh4.jsonl`` (236 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh4``, labelled by meaning) was labelled while
context 2.5.0 was written by someone who had not seen it. These tests check its shape and that
it is held out; they never run the context component (its figures are measured once, by
``benchmarks/context_quality.py --half fresh4``, after the rules are written).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "context"
FLAGS = {"negation", "hypothesis", "quotation", "exception", "abrogation"}
KEYS = ["id", "file", "record_id", "stratum", "text", "mention", "start", "flags", "half"]


def _cases(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_fresh4_cases_are_well_formed():
    from benchmarks.sample_context_half import HALVES

    cases = _cases("fresh4.jsonl")
    assert [c["id"] for c in cases] == [f"fresh4-{i:03d}" for i in range(1, len(cases) + 1)]
    targets = HALVES["fresh4"]["targets"]
    strata = Counter(c["stratum"] for c in cases)
    assert set(strata) <= set(targets) and all(strata[s] <= n for s, n in targets.items())
    for case in cases:
        assert list(case) == KEYS and case["half"] == "fresh4"
        assert case["text"][case["start"] : case["start"] + len(case["mention"])] == case["mention"]
        assert set(case["flags"]) <= FLAGS and case["flags"] == sorted(set(case["flags"]))


def test_fresh4_is_held_out_from_every_earlier_half():
    from benchmarks.sample_context_half import HALVES, article_key

    cases = _cases("fresh4.jsonl")
    keys = [article_key(c["record_id"]) for c in cases]
    assert len(set(keys)) == len(keys)  # one case per article
    assert len({c["text"] for c in cases}) == len(cases)
    older = [c for name in HALVES["fresh4"]["earlier"] for c in _cases(name)]
    assert not set(keys) & {article_key(c["record_id"]) for c in older}
    assert not {c["text"] for c in cases} & {c["text"] for c in older + _cases("external.jsonl")}


def test_fresh4_notes_state_the_file_s_counts():
    cases = _cases("fresh4.jsonl")
    notes = (FIXTURES / "fresh4.md").read_text(encoding="utf-8")
    flags = Counter(f for c in cases for f in c["flags"])
    assert f"{len(cases)} cases" in notes
    sentence = notes.split("Flags by meaning:")[1].split(";")[0]  # "negation 45, hypothesis 38, ..."
    stated = dict(re.findall(r"\b(negation|hypothesis|quotation|exception|abrogation) (\d+)", sentence))
    assert {f: int(n) for f, n in stated.items()} == {f: flags[f] for f in FLAGS}
    assert f"{sum(not c['flags'] for c in cases)} mentions with no flag" in notes
