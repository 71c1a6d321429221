"""Typography does not change the mentions (issue 12): every variant gives the
same mentions as the plain text, with the original text and offsets; and the
shipped context rules on real constructions of the codes."""

from __future__ import annotations

import unicodedata

import pytest

PLAIN = "Le conseil de la vie sociale donne son avis sur le projet personnalisé de la personne."

VARIANTS = {
    "nfd": unicodedata.normalize("NFD", PLAIN),
    "no-break-space": PLAIN.replace("vie sociale", "vie\u00a0sociale"),
    "double-space": PLAIN.replace("de la vie", "de  la vie"),
    "line-break": PLAIN.replace("vie sociale", "vie\nsociale"),
    "soft-hyphen": PLAIN.replace("personnalisé", "person\u00adnalisé"),
    "zero-width": PLAIN.replace("personnalisé", "person\u200bnalisé"),
    "line-end-hyphenation": PLAIN.replace("personnalisé", "person-\nnalisé"),
    "all-caps-without-accents": PLAIN.upper().replace("É", "E"),
    "all-caps-with-accents": PLAIN.upper(),
}


def labels(doc):
    return [(span.label_, span.id_) for span in doc.spans["isic"]]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_typographic_variants_give_the_same_mentions(nlp_fast, variant):
    text = VARIANTS[variant]
    doc = nlp_fast(text)
    assert labels(doc) == labels(nlp_fast(PLAIN))
    for span in doc.spans["isic"]:
        assert text[span.start_char : span.end_char] == span.text


@pytest.mark.parametrize(
    "text, words",
    [
        ("Le droit à l’information de l'usager.", "droit à l’information"),
        ("La mise en oeuvre du droit à l'information.", "droit à l'information"),
        ("La co construction du projet.", "co construction"),
        ("La co-construction du projet.", "co-construction"),
        ("La coconstruction du projet.", "coconstruction"),
    ],
)
def test_apostrophes_ligatures_and_compounds(nlp_fast, text, words):
    doc = nlp_fast(text)
    assert words in [span.text for span in doc.spans["isic"]]


def test_normalisations_are_counted(nlp_fast):
    doc = nlp_fast(VARIANTS["nfd"].replace("vie sociale", "vie\u00a0sociale").replace("Le ", "L’ "))
    counts = doc.user_data["isic_normalisation"]
    assert counts["nfc"] == 1 and counts["whitespace"] == 1 and counts["apostrophe"] == 1


@pytest.mark.parametrize(
    "text, words, flags",
    [
        ("Le conseil de la vie sociale n'est plus réuni.", "conseil de la vie sociale", {"negation"}),
        ("Nul ne peut être privé du droit à l'information.", "droit à l'information", set()),
        ("La personne ne bénéficie ni du projet personnalisé ni du conseil de la vie sociale.", "conseil de la vie sociale", {"negation"}),
        ("Pas de projet personnalisé pour les mineurs.", "projet personnalisé", {"negation"}),
        ("Le dispositif est sans retentissement sur le lien social.", "lien social", set()),
        ("Cette disposition ne permet pas d'exclure le droit à l'information.", "droit à l'information", set()),
        ("La durée ne peut en aucun cas être supérieure à celle du projet personnalisé.", "projet personnalisé", set()),
        ("A titre expérimental, le conseil de la vie sociale est consulté.", "conseil de la vie sociale", {"hypothesis"}),
        ("Lorsque le conseil de la vie sociale est consulté, le directeur statue.", "conseil de la vie sociale", {"hypothesis"}),
        ("L'article relatif au conseil de la vie sociale n'est pas abrogé.", "conseil de la vie sociale", set()),
        ('Au 2°, les mots : " projet personnalisé " sont remplacés par les mots : " contrat ".', "projet personnalisé", {"quotation"}),
        ("Au 2°, les mots : “ projet personnalisé ” sont remplacés.", "projet personnalisé", {"quotation"}),
    ],
)
def test_shipped_context_rules(nlp_fast, text, words, flags):
    doc = nlp_fast(text)
    spans = [span for span in doc.spans["isic"] if span.text == words]
    assert spans
    assert set(spans[0]._.isic_context or {}) == flags
