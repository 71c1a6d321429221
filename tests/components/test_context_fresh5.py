"""The seventh half of the context benchmark, ``fresh5``: the fixture only.

``tests/fixtures/context/fresh5.jsonl`` (271 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh5``, labelled by meaning, weighted toward
negation) was labelled blind while context 2.6.0 was written, and 2.6.0 was measured on it once
after it was frozen (``benchmarks/context_quality.py --half fresh5``; floors in
``test_context_held_out.py``). These tests check its shape, that it is held out, and that the
counts of ``fresh5.md`` are the file's; they never run the context component.
"""

from __future__ import annotations

from benchmarks.sample_context_half import HALVES
from tests.context_halves import check_held_out, check_measured_notes, check_well_formed


def test_fresh5_cases_are_well_formed():
    check_well_formed("fresh5")


def test_fresh5_is_held_out_from_every_earlier_half():
    assert HALVES["fresh5"]["earlier"] == ["cases.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "fresh4.jsonl"]
    check_held_out("fresh5")


def test_fresh5_notes_state_the_file_s_counts():
    check_measured_notes("fresh5", "2.6.0")
