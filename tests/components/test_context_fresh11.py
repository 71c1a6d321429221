"""The thirteenth half of the context benchmark, ``fresh11``: the fixture only.

``tests/fixtures/context/fresh11.jsonl`` (360 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh11``, labelled by meaning under
``tests/fixtures/context/CONVENTIONS.md``; 220 of them from the ``negation_clause`` stratum, a negation
word and a mention in one clause) was labelled blind while context 2.10.0 was written; 2.10.0 was
measured on it once, after it was frozen (floors in ``test_context_held_out.py``). These tests check
its shape, that it is held out (``fresh10`` included, and the texts of ``external.jsonl``), and that
the counts and table of ``fresh11.md`` are the file's; they never run the context component.
"""

from __future__ import annotations

from tests.context_halves import check_after_every_earlier_half, check_measured_notes, check_well_formed


def test_fresh11_cases_are_well_formed():
    assert len(check_well_formed("fresh11")) == 360


def test_fresh11_leaves_out_fresh10_and_every_half_before_it():
    check_after_every_earlier_half("fresh11")


def test_fresh11_notes_state_the_file_s_counts():
    check_measured_notes("fresh11", "2.10.0")
