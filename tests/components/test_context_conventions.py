"""The one labelling convention of the context benchmark, ``tests/fixtures/context/CONVENTIONS.md``.

Each rule there ends with the cases that set it, one per bracket: ``[fresh5-225: exception
hypothesis]`` or ``[fresh6-180: none]``. These tests check that every bracket parses, that each
cited case exists in a labelled fixture file with exactly the stated flags (so relabelling a
cited case, or mistyping an example, fails here), that no case is cited with two flag sets,
that each flag has its section, and that the cases of the "Open conflicts" section are not
cited as examples. They read the fixture files only; they never run the context component.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.context_quality import FLAGS
from tests.context_halves import FIXTURES, cases

CONVENTIONS = FIXTURES / "CONVENTIONS.md"
# The labelled halves: cases.jsonl (tune, held_out), fresh.jsonl, freshK.jsonl, external.jsonl.
# Not a second annotator's flags (fresh4_second.jsonl, for agreement) nor record_quotation.jsonl
# (record-level quotation flags of older cases, another shape).
NOT_HALVES = {"record_quotation.jsonl"}
ID = r"(?:ctx|ext|fresh\d*)-\d{3}"
EXAMPLE = re.compile(rf"\[({ID}):\s+([a-z]+(?:\s+[a-z]+)*)\]")  # a bracket may wrap across lines
# Anything in brackets that opens with a case id must be a well-formed example.
BRACKET_WITH_ID = re.compile(rf"\[\s*{ID}[^\]]*\]")
SECTIONS = {"negation": "Negation", "hypothesis": "Hypothesis", "exception": "Exception",
            "quotation": "Quotation", "abrogation": "Abrogation"}


def labelled_halves() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.jsonl") if p.name not in NOT_HALVES and not p.stem.endswith("_second"))


def labels() -> dict[str, set[str]]:
    """Every labelled case's flags, by id (ids are unique across the halves)."""
    found: dict[str, set[str]] = {}
    for path in labelled_halves():
        for case in cases(path.name):
            assert case["id"] not in found, f"{case['id']} is in two fixture files"
            found[case["id"]] = set(case["flags"])
    return found


def parse_flags(text: str) -> set[str]:
    """``"exception hypothesis"`` -> {"exception", "hypothesis"}; ``"none"`` -> set(); else ValueError."""
    words = text.split()
    if words == ["none"]:
        return set()
    if len(set(words)) != len(words) or not set(words) <= set(FLAGS):
        raise ValueError(f"not a flag set: {text!r} (flags: {', '.join(FLAGS)}, or none)")
    return set(words)


def split_sections(notes: str) -> dict[str, str]:
    """The text under each ``## `` heading, by heading."""
    parts = re.split(r"^## (.+)$", notes, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def examples(text: str) -> list[tuple[str, set[str]]]:
    return [(m.group(1), parse_flags(m.group(2))) for m in EXAMPLE.finditer(text)]


@pytest.fixture(scope="module")
def notes() -> str:
    return CONVENTIONS.read_text(encoding="utf-8")


def test_the_halves_read_are_the_labelled_ones():
    names = [p.name for p in labelled_halves()]
    for name in ["cases.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh8.jsonl", "external.jsonl"]:
        assert name in names
    assert len(labels()) >= 2_540  # 318 + 145 + 275 + 270 + 236 + 271 + 267 + 239 + 236 + 283


def test_every_bracketed_example_parses(notes):
    bad = [b for b in BRACKET_WITH_ID.findall(notes) if not EXAMPLE.fullmatch(b)]
    assert not bad, f"brackets that are not [id: flags]: {bad}"
    for match in EXAMPLE.finditer(notes):
        parse_flags(match.group(2))  # raises on an unknown or repeated flag
    assert len(examples(notes)) >= 150


def test_every_cited_case_exists_with_exactly_the_stated_flags(notes):
    known = labels()
    missing = sorted({i for i, _ in examples(notes) if i not in known})
    assert not missing, f"cited ids in no fixture file: {missing}"
    wrong = [f"{i}: stated {sorted(f) or 'none'}, labelled {sorted(known[i]) or 'none'}"
             for i, f in examples(notes) if f != known[i]]
    assert not wrong, "examples whose flags are not the fixture's:\n" + "\n".join(wrong)


def test_no_case_is_cited_with_two_flag_sets(notes):
    stated: dict[str, set[str]] = {}
    for case_id, flags in examples(notes):
        assert stated.setdefault(case_id, flags) == flags, f"{case_id} cited as {sorted(stated[case_id])} and {sorted(flags)}"


def test_every_flag_has_its_section_with_an_example_of_it(notes):
    sections = split_sections(notes)
    for heading in ["General", *SECTIONS.values(), "Open conflicts"]:
        assert heading in sections, f"no '## {heading}' section"
    for flag, heading in SECTIONS.items():
        assert any(flag in f for _, f in examples(sections[heading])), f"no {flag} example under {heading}"


def test_every_rule_cites_a_checked_example(notes):
    rules = re.findall(r"^- \*\*([GNHEQA]\d+)\.(.*?)(?=^- \*\*|^## |\Z)", notes, flags=re.M | re.S)
    assert len(rules) >= 45
    assert len({r for r, _ in rules}) == len(rules), "a rule number is used twice"
    assert not [r for r, body in rules if not EXAMPLE.search(body)]


def test_open_conflicts_are_not_cited_as_examples(notes):
    conflicts = split_sections(notes)["Open conflicts"]
    assert not EXAMPLE.search(conflicts), "an Open conflicts case written as a checked example"
    disputed = set(re.findall(rf"`({ID})`", conflicts))
    assert disputed <= set(labels())  # none at present: every conflict found so far is decided
    cited = {i for i, _ in examples(notes)}
    assert not disputed & cited, f"cases in Open conflicts cited as examples: {sorted(disputed & cited)}"


def test_a_relabelled_case_fails_the_check(notes):
    """The check is not vacuous: the same comparison, on the labels with one cited case relabelled
    (a flag added or removed), reports that case and only it."""
    known = labels()
    cited = examples(notes)
    for case_id, _ in cited[:: max(1, len(cited) // 10)]:
        relabelled = dict(known, **{case_id: known[case_id] ^ {"negation"}})
        assert {i for i, f in cited if f != relabelled[i]} == {case_id}
