"""The eleventh half of the context benchmark, ``fresh9``: the fixture only.

``tests/fixtures/context/fresh9.jsonl`` (260 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh9``, labelled by meaning, weighted toward
negation, conditions and exceptions) was labelled blind while the version after context 2.7.0
was being written; it is held out for that version together with ``fresh8``, has not been
measured, and nothing scores it by default. The checks below read the fixture, its notes and
the sampler's settings only (never the context component): shape, held out from every earlier
half (``fresh8`` included) and from the texts of ``external.jsonl``, not named by the benchmark
scripts, and the counts and table of ``fresh9.md``.
"""

from __future__ import annotations

from tests.context_halves import (
    check_after_every_earlier_half,
    check_not_scored,
    check_unmeasured_notes,
    check_well_formed,
)


def test_fresh9_cases_are_well_formed():
    assert len(check_well_formed("fresh9")) == 260


def test_fresh9_leaves_out_fresh8_and_every_half_before_it():
    check_after_every_earlier_half("fresh9")


def test_fresh9_is_named_by_no_benchmark_script():
    check_not_scored("fresh9")


def test_fresh9_notes_say_unmeasured_and_state_the_file_s_counts():
    check_unmeasured_notes("fresh9", "2.7.0")
