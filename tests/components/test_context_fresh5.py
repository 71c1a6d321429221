"""The seventh half of the context benchmark, ``fresh5``: the fixture only.

``tests/fixtures/context/fresh5.jsonl`` (271 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh5``, labelled by meaning, weighted toward
negation) is held out for the version of the context rules after 2.5.0: it has not been
measured, and nothing scores it by default. These tests check its shape, that it is held out,
and that the counts of ``fresh5.md`` are the file's; they never run the context component.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.sample_context_half import HALVES
from tests.context_halves import check_held_out, check_unmeasured_notes, check_well_formed


def test_fresh5_cases_are_well_formed():
    check_well_formed("fresh5")


def test_fresh5_is_held_out_from_every_earlier_half():
    assert HALVES["fresh5"]["earlier"] == ["cases.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "fresh4.jsonl"]
    check_held_out("fresh5")


def test_fresh5_is_not_scored_by_default():
    """Held out until the next rules are frozen: context_quality.py neither names it nor loads it."""
    source = (Path(__file__).resolve().parents[2] / "benchmarks" / "context_quality.py").read_text(encoding="utf-8")
    assert "fresh5" not in source


def test_fresh5_notes_state_the_file_s_counts():
    check_unmeasured_notes("fresh5", "2.5.0")
