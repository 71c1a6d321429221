"""The twelfth half of the context benchmark, ``fresh10``: the fixture only.

``tests/fixtures/context/fresh10.jsonl`` (253 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh10``, labelled by meaning under
``tests/fixtures/context/CONVENTIONS.md``, weighted toward negation) was labelled blind while the
version after context 2.8.0 was being written; it is held out for that version, has not been
measured, and nothing scores it by default. The checks below read the fixture, its notes and the
sampler's settings only (never the context component): shape, held out from every earlier half
(``fresh9`` included) and from the texts of ``external.jsonl``, not named by the benchmark
scripts, and the counts and table of ``fresh10.md``.
"""

from __future__ import annotations

from tests.context_halves import (
    check_after_every_earlier_half,
    check_not_scored,
    check_unmeasured_notes,
    check_well_formed,
)


def test_fresh10_cases_are_well_formed():
    assert len(check_well_formed("fresh10")) == 253


def test_fresh10_leaves_out_fresh9_and_every_half_before_it():
    check_after_every_earlier_half("fresh10")


def test_fresh10_is_named_by_no_benchmark_script():
    check_not_scored("fresh10")


def test_fresh10_notes_say_unmeasured_and_state_the_file_s_counts():
    check_unmeasured_notes("fresh10", "2.8.0")
