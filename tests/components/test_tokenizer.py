"""The paragraph-dash tokenizer: *II.-En cas de* gives the paragraph's first word its own token."""

from __future__ import annotations

import pytest
import spacy

from isic_nlp.components.tokenizer import PARAGRAPH_DASH  # noqa: F401  (registers the tokenizer)


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("fr", config={"nlp": {"tokenizer": {"@tokenizers": "isic_nlp.LegalTokenizer.v1"}}})


@pytest.mark.parametrize("text, tokens", [
    ("II.-En cas de refus", ["II.", "-", "En", "cas", "de", "refus"]),
    ("I.-Sauf dérogation", ["I.", "-", "Sauf", "dérogation"]),
    ("R. 923-18.-Lorsque le salarié", ["R.", "923", "-", "18.", "-", "Lorsque", "le", "salarié"]),
    ("2°-Le droit", ["2", "°", "-", "Le", "droit"]),
    ("IV.-A titre expérimental", ["IV.", "-", "A", "titre", "expérimental"]),
])
def test_a_numbered_paragraph_starts_a_word(blank, text, tokens):
    assert [t.text for t in blank(text)] == tokens


@pytest.mark.parametrize("text", ["ci-dessous", "J.-P. Sartre", "Saint-Denis", "L. 111-1", "peut-être", "II. - En"])
def test_other_dashes_are_tokenized_as_by_spacy(blank, text):
    assert [t.text for t in blank(text)] == [t.text for t in spacy.blank("fr")(text)]


@pytest.mark.parametrize("pipeline", ["fast", "accurate"])
def test_the_first_word_of_a_paragraph_is_a_cue(pipeline):
    import isic_nlp

    nlp = isic_nlp.load(pipeline)
    doc = nlp("II.-Lorsque le conseil de la vie sociale est réuni, il rend un avis.\n"
              "III.-Sauf dérogation au projet personnalisé, l'usager est consulté.")
    flags = {span.text: span._.isic_context for span in doc.spans["isic"]}
    assert "hypothesis" in flags["conseil de la vie sociale"]
    assert "exception" in flags["projet personnalisé"]
