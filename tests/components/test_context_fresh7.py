"""The ninth half of the context benchmark, ``fresh7``: the fixture only.

``tests/fixtures/context/fresh7.jsonl`` (239 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh7``, labelled by meaning, weighted toward
negation, conditions and exceptions) was labelled blind while context 2.7.0 was written; 2.7.0
was measured on it once, after it was frozen (floors in ``test_context_held_out.py``). These tests check its shape, that it is held out (``fresh6`` included), and
that the counts and table of ``fresh7.md`` are the file's; they never run the context component.
"""

from __future__ import annotations

from benchmarks.sample_context_half import HALVES
from tests.context_halves import check_held_out, check_measured_notes, check_well_formed

def test_fresh7_cases_are_well_formed():
    assert len(check_well_formed("fresh7")) == 239


def test_fresh7_is_held_out_from_every_earlier_half_fresh6_included():
    assert HALVES["fresh7"]["earlier"] == [
        "cases.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "fresh4.jsonl", "fresh5.jsonl", "fresh6.jsonl"]
    assert HALVES["fresh7"]["avoid_texts"] == ["external.jsonl"]
    check_held_out("fresh7")  # its articles and texts, so none of fresh5's or fresh6's (measured for 2.6.0)


def test_fresh7_notes_state_the_file_s_counts():
    check_measured_notes("fresh7", "2.7.0")
