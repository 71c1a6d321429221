"""``benchmarks/context_flag_counts.py``: the flags of the corpus mentions, and what a rule change did."""

from __future__ import annotations

import gzip
import json

import pytest

from benchmarks import context_flag_counts as counts


def _write(path, rows):
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _row(start, flags):
    return {"file": "f.jsonl", "id": "1", "start": start, "end": start + 5, "text": "x", "flags": flags}


def test_compare_counts_gained_lost_and_changed_cues(tmp_path, capsys):
    before, after = tmp_path / "b.jsonl.gz", tmp_path / "a.jsonl.gz"
    _write(before, [_row(0, {"negation": ["ne pas", "neg.ne_particle"]}),
                    _row(10, {"negation": ["ni", "neg.ni"]}),
                    _row(20, {"hypothesis": ["si", "hyp.si"]})])
    _write(after, [_row(0, {"negation": ["ne pas", "neg.ne_particle"]}),       # unchanged
                   _row(10, {"negation": ["ni faire", "neg.ni_verb"]}),         # another cue
                   _row(30, {"hypothesis": ["lorsque", "hyp.lorsque"]})])       # one lost, one gained
    counts.compare(before, after, sample=0, seed=1, only=None)
    out = capsys.readouterr().out
    assert "negation          2        2" in out
    assert "hypothesis        1        1" in out
    assert "1 ~negation    neg.ni_verb" in out
    assert "1 -hypothesis  hyp.si" in out
    assert "1 +hypothesis  hyp.lorsque" in out
    assert "neg.ne_particle" not in out  # no change, not listed


@pytest.mark.slow
def test_count_writes_the_flagged_mentions_of_every_file(tmp_path):
    try:
        counts.corpora()
    except SystemExit:
        pytest.skip("../shared/corpora not beside the repository")
    out = tmp_path / "flags.jsonl.gz"
    totals = counts.count("fast", out, limit=20)
    assert set(totals) == set(counts.FILES)
    with gzip.open(out, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    assert len(rows) == sum(t.get("flagged", 0) for t in totals.values())
    assert rows and all(set(r["flags"]) <= set(counts.FLAGS) for r in rows)
