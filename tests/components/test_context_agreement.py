"""The agreement of two annotators on the context flags (benchmarks/context_agreement.py)."""

from __future__ import annotations

import json

import pytest

from benchmarks.context_agreement import FIXTURES, SECOND_HALVES, agreement, second_path
from benchmarks.context_quality import FLAGS, load_cases


def _case(i, flags, stratum="negation"):
    return {"id": f"c{i}", "flags": flags, "stratum": stratum}


def test_identical_labels_agree_fully_and_a_disagreement_is_counted():
    cases = [_case(0, ["negation"]), _case(1, []), _case(2, ["negation"]), _case(3, ["exception"], "exception")]
    same = agreement(cases, {c["id"]: set(c["flags"]) for c in cases})
    assert same["second_vs_first"]["negation"]["f1"] == 1.0 and same["kappa"]["negation"] == 1.0
    assert same["second_vs_first"]["all_flags_right"] == 1.0
    other = {"c0": {"negation"}, "c1": {"negation"}, "c2": set(), "c3": {"exception"}}
    result = agreement(cases, other, rules=[{"negation"}, set(), {"negation"}, set()])
    negation = result["second_vs_first"]["negation"]
    assert (negation["tp"], negation["fp"], negation["fn"]) == (1, 1, 1) and negation["f1"] == 0.5
    assert result["kappa"]["negation"] == pytest.approx(0.0)
    assert result["second_vs_first"]["all_flags_right"] == 0.5
    assert result["rules_vs_first"]["negation"]["f1"] == 1.0
    assert result["rules_vs_second"]["negation"]["f1"] == 0.5
    assert result["rules_vs_first"]["legal_constructs"] == {"accuracy": 0.0, "n": 1, "ci": pytest.approx([0.0, 0.7934], abs=1e-3)}


def test_a_case_without_a_second_label_is_an_error():
    with pytest.raises(ValueError, match="1 cases have no second label, e.g. \\['c1'\\]"):
        agreement([_case(0, []), _case(1, [])], {"c0": set()})


@pytest.mark.parametrize("half, n", [("fresh4", 236), ("fresh11", 360)])
def test_a_second_labelling_covers_its_half_with_known_flags(half, n):
    assert half in SECOND_HALVES
    first = {case["id"] for case in load_cases([FIXTURES / f"{half}.jsonl"])}
    rows = [json.loads(line) for line in second_path(half).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [row["id"] for row in rows] == sorted(first) and len(rows) == n
    assert all(set(row["flags"]) <= set(FLAGS) and set(row) == {"id", "flags", "note"} for row in rows)
