"""The sampler of new context-benchmark halves, ``benchmarks/sample_context_half.py``.

Its ``fresh2`` defaults must keep drawing the candidates that ``fresh2.jsonl`` was
labelled from, and a later half must leave out every article and text of the halves
before it (that is what makes it held out).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from benchmarks.sample_context_half import HALVES, article_key, candidates, main, parse_targets, used_records
from tests.context_halves import needs_corpora

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "context"


def _cases(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_parse_targets_reads_strata_and_rejects_unknown_ones():
    assert parse_targets("negation=90, quote=30,plain=0") == {"negation": 90, "quote": 30, "plain": 0}
    with pytest.raises(argparse.ArgumentTypeError, match="negaton"):
        parse_targets("negaton=90")
    with pytest.raises(argparse.ArgumentTypeError, match="quote=x"):
        parse_targets("quote=x")


def test_an_unknown_half_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["--half", "fresh99"])
    assert "fresh99" in capsys.readouterr().err


def test_each_half_leaves_out_every_earlier_half():
    order = ["cases.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "fresh4.jsonl", "fresh5.jsonl",
             "fresh6.jsonl", "fresh7.jsonl", "fresh8.jsonl", "fresh9.jsonl", "fresh10.jsonl"]
    assert HALVES["fresh2"]["earlier"] == order[:2]
    assert HALVES["fresh3"]["earlier"] == order[:3]
    assert HALVES["fresh4"]["earlier"] == order[:4]
    assert HALVES["fresh5"]["earlier"] == order[:5]
    assert HALVES["fresh6"]["earlier"] == order[:6]
    assert HALVES["fresh7"]["earlier"] == order[:7]
    assert HALVES["fresh8"]["earlier"] == order[:8]
    assert HALVES["fresh9"]["earlier"] == order[:9]
    assert HALVES["fresh10"]["earlier"] == order[:10]
    assert HALVES["fresh11"]["earlier"] == order
    used, texts = used_records(HALVES["fresh11"]["earlier"])
    for name in order:
        for case in _cases(name):
            assert article_key(case["record_id"]) in used and case["text"] in texts


def test_fresh5_to_fresh11_also_leave_out_the_texts_of_external():
    """external.jsonl's lines are not from ../shared/corpora's articles, but none of its texts may
    come back in fresh5 … fresh11 (fresh4_second.jsonl holds no text: ids and second flags only)."""
    later = ("fresh5", "fresh6", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11")
    assert all(HALVES[h]["avoid_texts"] == ["external.jsonl"] for h in later)
    assert all("avoid_texts" not in HALVES[h] for h in ("fresh2", "fresh3", "fresh4"))
    assert all("text" not in case for case in _cases("fresh4_second.jsonl"))
    _, texts = used_records(HALVES["fresh5"]["avoid_texts"])
    assert texts == {case["text"] for case in _cases("external.jsonl")}


@pytest.mark.slow
@needs_corpora
def test_fresh3_pools_hold_nothing_of_an_earlier_half():
    half = HALVES["fresh3"]
    used, texts = used_records(half["earlier"])
    pools = candidates(half["seed"], 1500, half["targets"], half["earlier"], half["everywhere"])
    assert all(pools[s] for s in half["targets"])
    for pool in pools.values():
        for item in pool:
            assert article_key(item["record_id"]) not in used


@pytest.mark.slow
@needs_corpora
def test_the_fresh2_defaults_still_draw_the_fresh2_candidates(capsys):
    """The README command (no argument: ``--half fresh2``) prints the same ids, record ids,
    strata, texts and mentions, in the same order, as fresh2.jsonl (whose flags were
    written by hand afterwards)."""
    assert main([]) == 0
    drawn = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    keys = ("id", "file", "record_id", "stratum", "text", "mention", "start")
    assert [tuple(c[k] for k in keys) for c in drawn] == [tuple(c[k] for k in keys) for c in _cases("fresh2.jsonl")]


@pytest.mark.slow
@needs_corpora
@pytest.mark.parametrize("half", ["fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9", "fresh10",
                                  "fresh11"])
def test_a_half_s_defaults_still_draw_its_candidates(capsys, half):
    """``--half fresh3`` ... ``--half fresh11`` print the ids, records, strata,
    texts and mentions of their fixture files, in order (the flags were written by hand afterwards)."""
    assert main(["--half", half]) == 0
    drawn = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    keys = ("id", "file", "record_id", "stratum", "text", "mention", "start")
    assert [tuple(c[k] for k in keys) for c in drawn] == [tuple(c[k] for k in keys) for c in _cases(f"{half}.jsonl")]
