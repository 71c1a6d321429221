"""The context rules on sentences: ``tests/fixtures/context/rule_sentences.yaml``.

One group per rule (the context version that brought it, the rule in a sentence), each with
sentences and the flags ``isic_context`` must give their mention in ``fast``; controls, where a
rule must not fire, sit beside it. A new rule adds a group there, not a list here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from benchmarks.context_quality import FLAGS

RULE_SENTENCES = Path(__file__).resolve().parents[1] / "fixtures" / "context" / "rule_sentences.yaml"
GROUPS = yaml.safe_load(RULE_SENTENCES.read_text(encoding="utf-8"))
SENTENCES = [(group, sentence) for group in GROUPS for sentence in group["sentences"]]


def _version(text: str) -> tuple[int, ...]:
    """'2.7.0' -> (2, 7, 0); 'issue 12 (2.4.0)' -> (2, 4, 0)."""
    return tuple(int(part) for part in text.rsplit("(", 1)[-1].rstrip(")").split("."))


@pytest.mark.parametrize("text, mention, flags", [
    pytest.param(s["text"], s["mention"], set(s["flags"]), id=s["id"]) for _, s in SENTENCES])
def test_rule_sentence(nlp_fast, text, mention, flags):
    doc = nlp_fast(text)
    spans = [span for span in doc.spans["isic"] if span.text == mention]
    assert spans, f"no mention {mention!r}; mentions: {[span.text for span in doc.spans['isic']]}"
    assert set(spans[0]._.isic_context or {}) == flags, spans[0]._.isic_context


def test_rule_sentences_are_well_formed():
    ids = [sentence["id"] for _, sentence in SENTENCES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for group, sentence in SENTENCES:
        assert set(group) <= {"version", "rule", "sentences"} and group.get("rule"), group.get("version")
        assert set(sentence) == {"id", "text", "mention", "flags"}, sentence["id"]
        assert set(sentence["flags"]) <= set(FLAGS), sentence["id"]
        assert sentence["mention"] in sentence["text"], sentence["id"]
    assert len(SENTENCES) >= 191


def test_no_rule_is_newer_than_the_shipped_context_rules(nlp_fast):
    """Every group's version is at most the shipped ``context.yaml`` version (a rule written for
    the next version is tested with the lexicon that has it)."""
    shipped = _version(nlp_fast.get_pipe("isic_context").lexicons[0].version)
    assert max(_version(group["version"]) for group in GROUPS) <= shipped
