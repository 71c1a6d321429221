"""The tenth half of the context benchmark, ``fresh8``: the fixture only.

``tests/fixtures/context/fresh8.jsonl`` (236 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh8``, labelled by meaning, weighted toward
negation, conditions and exceptions) was labelled blind after context 2.7.0 was measured on
``fresh7``, and is held out for the version of the context rules after 2.7.0: it has not been
measured, and nothing scores it by default. These tests check its shape, that it is held out
(``fresh7`` included), and that the counts and table of ``fresh8.md`` are the file's; they never
run the context component.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.sample_context_half import HALVES
from tests.context_halves import check_held_out, check_unmeasured_notes, check_well_formed

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_fresh8_cases_are_well_formed():
    assert len(check_well_formed("fresh8")) == 236


def test_fresh8_is_held_out_from_every_earlier_half_fresh7_included():
    assert HALVES["fresh8"]["earlier"] == [
        "cases.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "fresh4.jsonl", "fresh5.jsonl", "fresh6.jsonl",
        "fresh7.jsonl"]
    assert HALVES["fresh8"]["avoid_texts"] == ["external.jsonl"]
    check_held_out("fresh8")  # its articles and texts, so none of fresh7's (measured for 2.7.0)


def test_fresh8_is_not_scored_by_default():
    """Held out until the rules after 2.7.0 are frozen: the benchmarks neither name it nor load it."""
    for script in ("context_quality.py", "context_agreement.py"):
        assert "fresh8" not in (BENCHMARKS / script).read_text(encoding="utf-8"), script


def test_fresh8_notes_state_the_file_s_counts():
    check_unmeasured_notes("fresh8", "2.7.0")
