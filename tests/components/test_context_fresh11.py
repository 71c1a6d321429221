"""The thirteenth half of the context benchmark, ``fresh11``: the fixture only.

``tests/fixtures/context/fresh11.jsonl`` (360 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh11``, labelled by meaning under
``tests/fixtures/context/CONVENTIONS.md``; 220 of them from the ``negation_clause`` stratum, a negation
word and a mention in one clause) was labelled blind while the version after context 2.9.0 was being
written; it is held out for that version, has not been measured, and nothing scores it by default.
The checks below read the fixture, its notes and the sampler's settings only (never the context
component): shape, held out from every earlier half (``fresh10`` included) and from the texts of
``external.jsonl``, not named by the benchmark scripts, and the counts and table of ``fresh11.md``.
"""

from __future__ import annotations

from tests.context_halves import (
    check_after_every_earlier_half,
    check_not_scored,
    check_unmeasured_notes,
    check_well_formed,
)


def test_fresh11_cases_are_well_formed():
    assert len(check_well_formed("fresh11")) == 360


def test_fresh11_leaves_out_fresh10_and_every_half_before_it():
    check_after_every_earlier_half("fresh11")


def test_fresh11_is_named_by_no_benchmark_script():
    check_not_scored("fresh11")


def test_fresh11_notes_say_unmeasured_and_state_the_file_s_counts():
    check_unmeasured_notes("fresh11", "2.9.0")
