"""The ``fast`` pipeline's own linguistic components: ``isic_sentencizer`` and ``isic_lookup_lemmatizer``."""

from __future__ import annotations

import pytest
import spacy


@pytest.fixture(scope="module")
def nlp_sentences():
    nlp = spacy.blank("fr")
    nlp.add_pipe("isic_sentencizer")
    return nlp


@pytest.mark.parametrize(
    "text, sentences",
    [
        # abbreviations of article numbers are tokens of their own: no false break
        ("Article L. 311-3. Les droits sont garantis.", ["Article L. 311-3.", "Les droits sont garantis."]),
        # ";" ends list items of the codes; a line break ends an alinéa
        ("Le conseil donne son avis ; il est consulté.\nLe directeur statue.",
         ["Le conseil donne son avis ;", "il est consulté.\n", "Le directeur statue."]),
        # a run of final punctuation ends one sentence, not several
        ("Est-il consulté ?! Oui.", ["Est-il consulté ?!", "Oui."]),
        ("Sans point final", ["Sans point final"]),
    ],
)
def test_sentence_boundaries(nlp_sentences, text, sentences):
    assert [sent.text for sent in nlp_sentences(text).sents] == sentences


def test_sentencizer_on_an_empty_text(nlp_sentences):
    assert len(nlp_sentences("")) == 0


def test_custom_punctuation():
    nlp = spacy.blank("fr")
    nlp.add_pipe("isic_sentencizer", config={"punct_chars": ["."]})
    assert [s.text for s in nlp("Les usagers ; les familles.\nLe conseil.").sents] == [
        "Les usagers ; les familles.",
        "\nLe conseil.",
    ]


def test_fast_pipeline_sentences_match_the_sentencizer(nlp_fast):
    doc = nlp_fast("Article L. 311-3. Les droits sont garantis ; le conseil est consulté.")
    assert [sent.text for sent in doc.sents] == [
        "Article L. 311-3.",
        "Les droits sont garantis ;",
        "le conseil est consulté.",
    ]


@pytest.mark.parametrize(
    "word, lemma",
    [
        ("droits", "droit"),
        # capitalised at the start of a sentence: falls back to the lower-case form
        ("Droits", "droit"),
        ("Décisions", "décision"),
        ("accueillies", "accueillir"),
        ("étaient", "être"),
        # a word the table does not know keeps its lower-case form
        ("CASF", "casf"),
    ],
)
def test_lookup_lemmatizer(nlp_fast, word, lemma):
    doc = nlp_fast(word)
    assert [token.lemma_ for token in doc] == [lemma]
