"""The tenth half of the context benchmark, ``fresh8``: the fixture only.

``tests/fixtures/context/fresh8.jsonl`` (236 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh8``, labelled by meaning, weighted toward
negation, conditions and exceptions) was labelled blind after context 2.7.0 was measured on
``fresh7``; context 2.8.0 was measured on it once, after it was frozen, alone and pooled with
``fresh9`` (floors in ``test_context_held_out.py``). These tests check its shape, that it is held
out (``fresh7`` included), and that the counts and table of ``fresh8.md`` are the file's; they
never run the context component.
"""

from __future__ import annotations

from tests.context_halves import check_after_every_earlier_half, check_measured_notes, check_well_formed


def test_fresh8_cases_are_well_formed():
    assert len(check_well_formed("fresh8")) == 236


def test_fresh8_leaves_out_fresh7_and_every_half_before_it():
    check_after_every_earlier_half("fresh8")


def test_fresh8_notes_state_the_file_s_counts():
    check_measured_notes("fresh8", "2.8.0")
