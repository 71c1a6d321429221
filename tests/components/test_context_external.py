"""The external-style half of the context benchmark, ``external``: the fixture's shape only.

``tests/fixtures/context/external.jsonl`` (``external.md``: provenance, licences, conventions)
holds French sentences adapted from the public negation and hypothesis tests of EDS-NLP and
medkit, and sentences written from their cue lists, with lexicon terms as targets. It was
labelled by meaning and committed before any context rule was run on it; it is to be scored
once, after the rules are frozen. No score threshold here: only the file's shape, its
provenance, its counts, and that each mention is a mention of the shipped ``fast`` pipeline
(read with ``isic_context`` disabled: the rules' verdict is never computed here).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "context"
SOURCES = {
    "edsnlp": {
        "tests/pipelines/qualifiers/test_negation.py",
        "tests/pipelines/qualifiers/test_hypothesis.py",
        "edsnlp/pipes/qualifiers/negation/negation.py",
        "edsnlp/pipes/qualifiers/hypothesis/hypothesis.py",
        "edsnlp/pipes/qualifiers/negation/patterns.py",
        "edsnlp/pipes/qualifiers/hypothesis/patterns.py",
        "edsnlp/pipes/terminations.py",
    },
    "medkit": {
        "tests/unit/text/context/test_negation_detector.py",
        "tests/unit/text/context/test_hypothesis_detector.py",
        "medkit/text/context/hypothesis_detector_default_rules.yml",
    },
    "written": {"issue-12"},
}
KEYS = ["id", "file", "record_id", "stratum", "text", "mention", "start", "flags", "half"]
STRATA = {"negation", "hypothesis", "pseudo", "control", "affirmed"}


def _cases() -> list[dict]:
    lines = (FIXTURES / "external.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_external_fixture_shape_and_offsets():
    cases = _cases()
    assert [c["id"] for c in cases] == [f"ext-{n:03d}" for n in range(1, len(cases) + 1)]
    for case in cases:
        assert list(case) == KEYS, case["id"]
        assert case["half"] == "external"
        assert case["stratum"] in STRATA, case["id"]
        assert isinstance(case["start"], int) and case["mention"].strip() == case["mention"] != ""
        assert case["text"][case["start"] : case["start"] + len(case["mention"])] == case["mention"], case["id"]
        assert case["flags"] == sorted(set(case["flags"])) and set(case["flags"]) <= {"negation", "hypothesis"}
    # one case per (sentence, mention): a sentence comes back only with another mention
    assert len({(c["text"], c["start"]) for c in cases}) == len(cases)


def test_external_fixture_provenance():
    cases = _cases()
    notes = (FIXTURES / "external.md").read_text(encoding="utf-8")
    for case in cases:
        library, _, path = case["file"].partition(":")
        assert path in SOURCES.get(library, set()), case["id"]
        assert case["record_id"].strip(), case["id"]
    for library, paths in SOURCES.items():
        for path in paths:
            assert path in notes, path  # every source file is described in external.md
    for licence in ("BSD-3-Clause", "MIT", "c04ccb90106ff0309bf07ee6a1e0294db1ef2f3b", "1f0428051324eec9d2b9763ce47e0763817c0092"):
        assert licence in notes
    # adapted test examples point at the example they come from
    for case in cases:
        if "/test_" in case["file"]:
            assert re.search(r"\[\d+\]|test_", case["record_id"]), case["id"]
        elif case["file"].endswith(("negation.py", "hypothesis.py")):
            assert "docstring" in case["record_id"], case["id"]


def test_external_fixture_counts():
    cases = _cases()
    flags = Counter(flag for c in cases for flag in c["flags"])
    assert len(cases) >= 150
    assert flags["negation"] >= 60 and flags["hypothesis"] >= 40
    assert sum(not c["flags"] for c in cases) >= 60  # affirmed mentions, controls and pseudo-cues
    assert Counter(c["file"].partition(":")[0] for c in cases)["medkit"] >= 50
    # the counts stated in external.md are those of the file
    notes = (FIXTURES / "external.md").read_text(encoding="utf-8")
    assert f"{len(cases)} cases" in notes
    assert f"negation {flags['negation']}, hypothesis {flags['hypothesis']}" in notes
    # nothing copied from a corpus half: these sentences are not real corpus lines
    corpus_texts = set()
    for name in ("cases.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "fresh4.jsonl"):
        for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                corpus_texts.add(json.loads(line)["text"])
    assert not {c["text"] for c in cases} & corpus_texts


def test_external_mentions_are_fast_pipeline_mentions(nlp_fast):
    cases = _cases()
    missing = []
    with nlp_fast.select_pipes(disable=["isic_context"]):
        for case, doc in zip(cases, nlp_fast.pipe(c["text"] for c in cases)):
            found = {
                (s.start_char, s.end_char) for s in doc.spans["isic"] if not s._.isic_false_friend
            }
            if (case["start"], case["start"] + len(case["mention"])) not in found:
                missing.append(case["id"])
    assert not missing
