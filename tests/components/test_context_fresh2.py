"""The fourth half of the context benchmark, ``fresh2``: the fixture and the figures.

``tests/fixtures/context/fresh2.jsonl`` (275 real sentences of ../shared/corpora,
drawn by ``benchmarks/sample_context_half.py --half fresh2``, labelled by meaning) was
committed before context 2.2.0 was written and held out for it; context 2.3.0 was tuned on
its errors (with those of the three other halves), so it is tuning data since 2.3.0. The
figures below are those the README reports for ``fast`` (``benchmarks/context_quality.py
--half fresh2``) minus a small margin: a rule change that loses a few of its cases fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "context"

# Reported for fast, context 2.3.0 (docs/context.md, "Quality"), minus MARGIN (2.2.0: negation 0.78,
# hypothesis 0.87, quotation 0.95, legal constructs 0.894, every flag right 0.851).
REPORTED = {"negation": 0.968, "hypothesis": 0.923, "quotation": 0.973, "legal_constructs": 0.976, "all_flags_right": 0.949}
MARGIN = 0.03


def _cases(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_fresh2_fixture_is_real_held_out_and_stratified():
    from benchmarks.sample_context_half import article_key

    fresh2 = _cases("fresh2.jsonl")
    older = _cases("cases.jsonl") + _cases("fresh.jsonl")
    assert len(fresh2) >= 200 and {c["half"] for c in fresh2} == {"fresh2"}
    assert len({c["id"] for c in fresh2}) == len(fresh2)
    for case in fresh2:
        assert case["file"] and case["record_id"]
        assert case["text"][case["start"] : case["start"] + len(case["mention"])] == case["mention"]
        assert set(case["flags"]) <= {"negation", "hypothesis", "quotation", "exception", "abrogation"}
    # one case per article, none of an article (nor a text) of the older halves
    keys = [article_key(c["record_id"]) for c in fresh2]
    assert len(set(keys)) == len(keys)
    assert not set(keys) & {article_key(c["record_id"]) for c in older}
    assert not {c["text"] for c in fresh2} & {c["text"] for c in older}
    # negation well represented: 100+ sentences with a negation cue near the mention
    assert sum(c["stratum"].startswith("negation") for c in fresh2) >= 100
    assert sum("negation" in c["flags"] for c in fresh2) >= 40


@pytest.fixture(scope="module")
def fresh2_scores():
    from benchmarks.context_quality import predict_cases, scores

    cases = _cases("fresh2.jsonl")
    predicted, _ = predict_cases("fast", cases)
    return scores(cases, predicted)


@pytest.mark.parametrize("flag", ["negation", "hypothesis", "quotation"])
def test_fresh2_f1_does_not_fall_below_the_reported_figure(fresh2_scores, flag):
    assert fresh2_scores[flag]["f1"] >= REPORTED[flag] - MARGIN, fresh2_scores[flag]
    assert fresh2_scores[flag]["support"] == {"negation": 48, "hypothesis": 38, "quotation": 19}[flag]


def test_fresh2_legal_constructs_and_whole_cases(fresh2_scores):
    assert fresh2_scores["legal_constructs"]["accuracy"] >= REPORTED["legal_constructs"] - MARGIN
    assert fresh2_scores["legal_constructs"]["n"] == 85
    assert fresh2_scores["all_flags_right"] >= REPORTED["all_flags_right"] - MARGIN
