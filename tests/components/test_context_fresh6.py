"""The eighth half of the context benchmark, ``fresh6``: the fixture only.

``tests/fixtures/context/fresh6.jsonl`` (267 real lines of ../shared/corpora, drawn by
``benchmarks/sample_context_half.py --half fresh6``, labelled by meaning, weighted toward
negation and conditions) is held out for the version of the context rules after 2.6.0 (``fresh5``
is held out for 2.6.0 itself): it has not been measured, and nothing scores it by default. These
tests check its shape, that it is held out (``fresh5`` included), and that the counts of
``fresh6.md`` are the file's; they never run the context component.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.sample_context_half import HALVES
from tests.context_halves import check_held_out, check_unmeasured_notes, check_well_formed

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_fresh6_cases_are_well_formed():
    check_well_formed("fresh6")


def test_fresh6_is_held_out_from_every_earlier_half_fresh5_included():
    assert HALVES["fresh6"]["earlier"] == [
        "cases.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "fresh4.jsonl", "fresh5.jsonl"]
    assert HALVES["fresh6"]["avoid_texts"] == ["external.jsonl"]
    check_held_out("fresh6")  # its articles and texts, so none of fresh5's (held out for 2.6.0)


def test_fresh6_is_not_scored_by_default():
    """Held out until the rules after 2.6.0 are frozen: the benchmark neither names it nor loads it."""
    for script in ("context_quality.py", "context_agreement.py"):
        assert "fresh6" not in (BENCHMARKS / script).read_text(encoding="utf-8"), script


def test_fresh6_notes_state_the_file_s_counts():
    check_unmeasured_notes("fresh6", "2.6.0")
