"""The eleventh half of the context benchmark, ``fresh9``: the fixture only.

``tests/fixtures/context/fresh9.jsonl`` (260 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh9``, labelled by meaning, weighted toward
negation, conditions and exceptions) was labelled blind while context 2.8.0 was written; 2.8.0
was measured on it once, after it was frozen, alone and pooled with ``fresh8`` (floors in
``test_context_held_out.py``). These tests check its shape, that it is held out (``fresh8``
included, and the texts of ``external.jsonl``), and that the counts and table of ``fresh9.md`` are
the file's; they never run the context component.
"""

from __future__ import annotations

from tests.context_halves import check_after_every_earlier_half, check_measured_notes, check_well_formed


def test_fresh9_cases_are_well_formed():
    assert len(check_well_formed("fresh9")) == 260


def test_fresh9_leaves_out_fresh8_and_every_half_before_it():
    check_after_every_earlier_half("fresh9")


def test_fresh9_notes_state_the_file_s_counts():
    check_measured_notes("fresh9", "2.8.0")
