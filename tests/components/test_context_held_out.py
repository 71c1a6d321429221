"""The held-out figures of the shipped context rules (2.4.0): ``fresh3`` and ``external_test``.

``tests/fixtures/context/fresh3.jsonl`` (270 real corpus lines) and the
``external_test`` half of ``external.jsonl`` (140 sentences adapted from the
negation and hypothesis tests of EDS-NLP and medkit, or written around their cue
lists) were labelled before context 2.4.0 was written and were never tuned on;
the README reports the figures ``benchmarks/context_quality.py`` gave on them,
measured once. A rule change that loses a few of their cases fails here (the
floors are those figures minus a small margin); tuning on them would make them
tuning data, as ``fresh2`` became for 2.3.0.
"""

from __future__ import annotations

import pytest

MARGIN = 0.03
# Reported for fast, context 2.4.0 (README, "Context"): F1, or share of cases right.
REPORTED = {
    "fresh3": {"negation": 0.75, "hypothesis": 0.82, "quotation": 0.94, "legal_constructs": 0.947,
               "all_flags_right": 0.852},
    "external_test": {"negation": 0.89, "hypothesis": 0.90, "all_flags_right": 0.879},
}
SUPPORT = {"fresh3": {"negation": 42, "hypothesis": 42, "quotation": 18}, "external_test": {"negation": 42, "hypothesis": 36}}


@pytest.fixture(scope="module")
def held_out_scores():
    from benchmarks.context_quality import EXTERNAL, FRESH3, external_parts, load_cases, predict_cases, scores

    fresh3 = load_cases([FRESH3])
    external = load_cases([EXTERNAL])
    parts = external_parts(external)
    test = [c for c in external if parts[c["id"]][1] == "external_test"]
    predicted, _ = predict_cases("fast", fresh3 + test)
    return {"fresh3": scores(fresh3, predicted[: len(fresh3)]), "external_test": scores(test, predicted[len(fresh3):])}


@pytest.mark.parametrize("half", sorted(REPORTED))
def test_held_out_figures_do_not_fall_below_the_reported_ones(held_out_scores, half):
    got = held_out_scores[half]
    for flag, n in SUPPORT[half].items():
        assert got[flag]["support"] == n, (half, flag)
        assert got[flag]["f1"] >= REPORTED[half][flag] - MARGIN, (half, flag, got[flag])
    if "legal_constructs" in REPORTED[half]:
        assert got["legal_constructs"]["n"] == 75
        assert got["legal_constructs"]["accuracy"] >= REPORTED[half]["legal_constructs"] - MARGIN
    assert got["all_flags_right"] >= REPORTED[half]["all_flags_right"] - MARGIN


def test_the_external_split_is_half_of_each_source_and_fixed():
    from benchmarks.context_quality import EXTERNAL, external_parts, load_cases

    external = load_cases([EXTERNAL])
    parts = external_parts(external)
    assert set(parts) == {c["id"] for c in external}
    for source in {c["file"] for c in external}:
        ids = [c["id"] for c in external if c["file"] == source]
        n_test = sum(parts[i][1] == "external_test" for i in ids)
        assert n_test == len(ids) // 2, source
    # Fixed by its seed: the held-out half measured for 2.4.0 is the one tested here.
    assert sum(p[1] == "external_test" for p in parts.values()) == 140
    assert sorted(i for i, p in parts.items() if p[1] == "external_test")[:3] == ["ext-001", "ext-002", "ext-003"]
