"""The held-out figures of the context rules: ``fresh11`` (2.10.0), ``fresh10`` (2.9.0), ``fresh8`` and ``fresh9`` (2.8.0),
``fresh7`` (2.7.0),
``fresh5`` and ``fresh6`` (2.6.0),
``fresh4`` (2.5.0), ``fresh3`` and ``external_test`` (2.4.0).

``tests/fixtures/context/fresh3.jsonl`` (270 real corpus lines) and the
``external_test`` half of ``external.jsonl`` (140 sentences adapted from the
negation and hypothesis tests of EDS-NLP and medkit, or written around their cue
lists) were labelled before context 2.4.0 was written; ``fresh4.jsonl`` (236
real corpus lines) before 2.5.0 was; ``fresh5.jsonl`` and ``fresh6.jsonl`` (271 and 267
real corpus lines) while 2.6.0 was being written, by someone else; ``fresh7.jsonl`` (239) while
2.7.0 was; ``fresh8.jsonl`` and ``fresh9.jsonl`` (236 and 260) while 2.8.0 was; ``fresh10.jsonl``
(253) while 2.9.0 was; ``fresh11.jsonl`` (360) while 2.10.0 was. The README reports the figures
``benchmarks/context_quality.py`` gave on each, measured once. A rule change
that loses a few of their cases fails here (the floors are those figures minus
a small margin). ``fresh3`` has been tuning data since (its floors stay those
of its measurement); ``external_test`` has not been tuned on.
"""

from __future__ import annotations

import pytest

MARGIN = 0.03
# Reported for fast (README, "Context"): F1, or share of cases right; fresh11 for 2.10.0, fresh10 for 2.9.0, fresh8 and fresh9 for 2.8.0,
# fresh7 for 2.7.0, fresh5 and fresh6 for 2.6.0, fresh4 for 2.5.0, the others for 2.4.0.
LEGAL_N = {"fresh11": 40, "fresh10": 30, "fresh9": 50, "fresh8": 40, "fresh7": 40, "fresh6": 30, "fresh5": 31, "fresh4": 51, "fresh3": 75}
REPORTED = {
    "fresh11": {"negation": 0.70, "hypothesis": 0.87, "exception": 0.84, "legal_constructs": 0.975,
                "all_flags_right": 0.869},
    "fresh10": {"negation": 0.67, "hypothesis": 0.82, "exception": 0.75, "legal_constructs": 0.967,
                "all_flags_right": 0.881},
    "fresh9": {"negation": 0.63, "hypothesis": 0.92, "exception": 0.86, "legal_constructs": 0.900,
               "all_flags_right": 0.896},
    "fresh8": {"negation": 0.78, "hypothesis": 0.90, "exception": 0.93, "legal_constructs": 0.975,
               "all_flags_right": 0.907},
    "fresh7": {"negation": 0.93, "hypothesis": 0.77, "exception": 0.94, "legal_constructs": 1.000,
               "all_flags_right": 0.883},
    "fresh5": {"negation": 0.82, "hypothesis": 0.82, "exception": 0.82, "legal_constructs": 0.903,
               "all_flags_right": 0.830},
    "fresh6": {"negation": 0.72, "hypothesis": 0.80, "exception": 0.74, "legal_constructs": 0.833,
               "all_flags_right": 0.783},
    "fresh4": {"negation": 0.70, "hypothesis": 0.85, "exception": 0.83, "legal_constructs": 0.902,
               "all_flags_right": 0.814},
    "fresh3": {"negation": 0.75, "hypothesis": 0.82, "quotation": 0.94, "legal_constructs": 0.947,
               "all_flags_right": 0.852},
    "external_test": {"negation": 0.89, "hypothesis": 0.90, "all_flags_right": 0.879},
}
# The labels' counts today: the halves were relabelled on 2026-12-05 (tests/fixtures/context/CONVENTIONS.md,
# "Decided conflicts"), after the figures above were measured; the floors stay those figures.
SUPPORT = {"fresh11": {"negation": 44, "hypothesis": 79, "exception": 34},
           "fresh10": {"negation": 12, "hypothesis": 43, "exception": 20},
           "fresh9": {"negation": 18, "hypothesis": 49, "exception": 24},
           "fresh8": {"negation": 25, "hypothesis": 52, "exception": 23},
           "fresh7": {"negation": 28, "hypothesis": 50, "exception": 27},
           "fresh5": {"negation": 55, "hypothesis": 45, "exception": 23},
           "fresh6": {"negation": 46, "hypothesis": 52, "exception": 21},
           "fresh4": {"negation": 46, "hypothesis": 43, "exception": 15},
           "fresh3": {"negation": 43, "hypothesis": 46, "quotation": 18},
           "external_test": {"negation": 42, "hypothesis": 36}}


@pytest.fixture(scope="module")
def held_out_scores():
    from benchmarks.context_quality import EXTERNAL, external_parts, load_cases, predict_cases, scores
    from tests.context_halves import cases

    external = load_cases([EXTERNAL])
    parts = external_parts(external)
    halves = {half: cases(f"{half}.jsonl") for half in REPORTED if half != "external_test"}
    halves["external_test"] = [c for c in external if parts[c["id"]][1] == "external_test"]
    predicted, _ = predict_cases("fast", [case for cases in halves.values() for case in cases])
    out, start = {}, 0
    for half, cases in halves.items():
        out[half] = scores(cases, predicted[start: start + len(cases)])
        start += len(cases)
    return out


@pytest.mark.parametrize("half", sorted(REPORTED))
def test_held_out_figures_do_not_fall_below_the_reported_ones(held_out_scores, half):
    got = held_out_scores[half]
    for flag, n in SUPPORT[half].items():
        assert got[flag]["support"] == n, (half, flag)
        assert got[flag]["f1"] >= REPORTED[half][flag] - MARGIN, (half, flag, got[flag])
    if "legal_constructs" in REPORTED[half]:
        assert got["legal_constructs"]["n"] == LEGAL_N[half]
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
