"""The twelfth half of the context benchmark, ``fresh10``: the fixture only.

``tests/fixtures/context/fresh10.jsonl`` (253 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh10``, labelled by meaning under
``tests/fixtures/context/CONVENTIONS.md``, weighted toward negation) was labelled blind while
context 2.9.0 was written; 2.9.0 was measured on it once, after it was frozen (floors in
``test_context_held_out.py``). These tests check its shape, that it is held out (``fresh9``
included, and the texts of ``external.jsonl``), and that the counts and table of ``fresh10.md``
are the file's; they never run the context component.
"""

from __future__ import annotations

from tests.context_halves import check_after_every_earlier_half, check_measured_notes, check_well_formed


def test_fresh10_cases_are_well_formed():
    assert len(check_well_formed("fresh10")) == 253


def test_fresh10_leaves_out_fresh9_and_every_half_before_it():
    check_after_every_earlier_half("fresh10")


def test_fresh10_notes_state_the_file_s_counts():
    check_measured_notes("fresh10", "2.9.0")
