"""Checks shared by the fixture tests of the held-out halves of the context benchmark
(``tests/components/test_context_fresh4.py``, ``test_context_fresh5.py``, ``test_context_fresh6.py``,
``test_context_fresh7.py``, ``test_context_fresh8.py``, ``test_context_fresh9.py``, ``test_context_fresh10.py``,
``test_context_fresh11.py``): the fixture only, never the context component; and ``needs_corpora``, for the tests
that read ../shared/corpora."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.context_quality import FLAGS, load_cases, shared_corpora
from benchmarks.sample_context_half import HALVES, article_key

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "context"
KEYS = ["id", "file", "record_id", "stratum", "text", "mention", "start", "flags", "half"]


def _have_corpora() -> bool:
    try:
        return (shared_corpora() / "casf-versions.jsonl.gz").is_file()
    except SystemExit:  # shared_corpora() exits with an error when there is none
        return False


needs_corpora = pytest.mark.skipif(not _have_corpora(), reason="../shared/corpora not beside the repository")


def cases(name: str) -> list[dict]:
    """The cases of a fixture file of ``tests/fixtures/context``."""
    return load_cases([FIXTURES / name])


def check_well_formed(half: str) -> list[dict]:
    """Ids in order, strata within the sampler's targets, each mention at its offset, known flags; the cases."""
    drawn = cases(f"{half}.jsonl")
    assert [c["id"] for c in drawn] == [f"{half}-{i:03d}" for i in range(1, len(drawn) + 1)]
    targets = HALVES[half]["targets"]
    strata = Counter(c["stratum"] for c in drawn)
    assert set(strata) <= set(targets) and all(strata[s] <= n for s, n in targets.items())
    for case in drawn:
        assert list(case) == KEYS and case["half"] == half
        assert case["text"][case["start"] : case["start"] + len(case["mention"])] == case["mention"]
        assert set(case["flags"]) <= set(FLAGS) and case["flags"] == sorted(set(case["flags"]))
    return drawn


def check_held_out(half: str) -> None:
    """One case per article, no article of an earlier half, no text of an earlier half or of ``external``."""
    drawn = cases(f"{half}.jsonl")
    keys = [article_key(c["record_id"]) for c in drawn]
    assert len(set(keys)) == len(keys)  # one case per article
    assert len({c["text"] for c in drawn}) == len(drawn)
    older = [c for name in HALVES[half]["earlier"] for c in cases(name)]
    assert not set(keys) & {article_key(c["record_id"]) for c in older}
    assert not {c["text"] for c in drawn} & {c["text"] for c in older + cases("external.jsonl")}


def check_after_every_earlier_half(half: str) -> None:
    """``fresh<n>`` leaves out every half before it (``cases``, ``fresh``, ``fresh2`` … ``fresh<n-1>``, in
    that order) and the texts of ``external.jsonl``, and its fixture holds none of their articles or texts."""
    n = int(half.removeprefix("fresh"))
    assert HALVES[half]["earlier"] == ["cases.jsonl", "fresh.jsonl", *(f"fresh{k}.jsonl" for k in range(2, n))]
    assert HALVES[half].get("avoid_texts") == ["external.jsonl"]
    check_held_out(half)


def check_stated_counts(half: str) -> tuple[list[dict], str]:
    """The counts that ``<half>.md`` states (cases, flags, mentions with no flag) are the file's; the cases and notes."""
    drawn = cases(f"{half}.jsonl")
    notes = (FIXTURES / f"{half}.md").read_text(encoding="utf-8")
    flags = Counter(f for c in drawn for f in c["flags"])
    assert f"{len(drawn)} cases" in notes
    sentence = notes.split("Flags by meaning:")[1].split(";")[0]  # "negation 45, hypothesis 38, ..."
    stated = dict(re.findall(r"\b(negation|hypothesis|quotation|exception|abrogation) (\d+)", sentence))
    assert {f: int(n) for f, n in stated.items()} == {f: flags[f] for f in FLAGS}
    assert f"{sum(not c['flags'] for c in drawn)} mentions with no flag" in notes
    return drawn, notes


STRATA = ["negation_clause", "negation", "negation_close", "quote", "repeal", "abrogation", "exception", "hypothesis",
          "plain"]


def check_stated_table(drawn: list[dict], notes: str) -> None:
    """The table of a half's notes, one row per stratum the half draws and an ``all`` row ("| `stratum` |
    cases | none | negation | hypothesis | quotation | exception | abrogation | ..."), counts the file's cases."""
    rows = {line.split("|")[1].strip(): line for line in notes.splitlines() if line.startswith("| ")}
    targets = HALVES[drawn[0]["half"]]["targets"]
    for stratum in [*(s for s in STRATA if s in targets), "all"]:
        of = drawn if stratum == "all" else [c for c in drawn if c["stratum"] == stratum]
        cells = [cell.strip() for cell in rows[stratum if stratum == "all" else f"`{stratum}`"].strip("|").split("|")]
        if not of:
            assert cells[1] == "0", stratum
            continue
        counts = [len(of), sum(not c["flags"] for c in of)]
        counts += [sum(f in c["flags"] for c in of) for f in ["negation", "hypothesis", "quotation", "exception", "abrogation"]]
        assert [int(x) for x in cells[1:8]] == counts, stratum


def check_measured_notes(half: str, version: str) -> None:
    """A half held out for context ``version`` and measured once: its notes say so in their title,
    and state the file's counts and table."""
    drawn, notes = check_stated_counts(half)
    first = notes.splitlines()[0]
    assert first.startswith(f"# `{half}.jsonl`") and f"held out for context {version} and measured once" in first
    check_stated_table(drawn, notes)
