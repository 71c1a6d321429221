"""The sixth half of the context benchmark, ``fresh4``: the fixture only.

``tests/fixtures/context/fresh4.jsonl`` (236 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh4``, labelled by meaning) was labelled while
context 2.5.0 was written by someone who had not seen it. These tests check its shape and that
it is held out; they never run the context component (its figures are measured once, by
``benchmarks/context_quality.py --half fresh4``, after the rules are written).
"""

from __future__ import annotations

from tests.context_halves import check_held_out, check_stated_counts, check_well_formed


def test_fresh4_cases_are_well_formed():
    check_well_formed("fresh4")


def test_fresh4_is_held_out_from_every_earlier_half():
    check_held_out("fresh4")


def test_fresh4_notes_state_the_file_s_counts():
    check_stated_counts("fresh4")
