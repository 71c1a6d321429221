"""The eighth half of the context benchmark, ``fresh6``: the fixture only.

``tests/fixtures/context/fresh6.jsonl`` (267 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh6``, labelled by meaning, weighted toward
negation and conditions) was labelled blind while context 2.6.0 was written; 2.6.0 was measured
on it once, with ``fresh5``, after it was frozen (floors in ``test_context_held_out.py``). These
tests check its shape, that it is held out (``fresh5`` included), and that the counts of
``fresh6.md`` are the file's; they never run the context component.
"""

from __future__ import annotations

from benchmarks.sample_context_half import HALVES
from tests.context_halves import check_held_out, check_measured_notes, check_well_formed


def test_fresh6_cases_are_well_formed():
    check_well_formed("fresh6")


def test_fresh6_is_held_out_from_every_earlier_half_fresh5_included():
    assert HALVES["fresh6"]["earlier"] == [
        "cases.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "fresh4.jsonl", "fresh5.jsonl"]
    assert HALVES["fresh6"]["avoid_texts"] == ["external.jsonl"]
    check_held_out("fresh6")  # its articles and texts, so none of fresh5's


def test_fresh6_notes_state_the_file_s_counts():
    check_measured_notes("fresh6", "2.6.0")
