"""Quoted amendment text set out as blocks (context 2.6.0): quotations within a passage, passages
that open with a heading, and titles quoted within a line."""

from __future__ import annotations

import pytest

AVENANT = (
    "Article 1er\n"
    "L'article 7 de la convention collective est modifié comme suit :\n"
    "« Article 7\n"
    "Taux de cotisation\n"
    "Les garanties « Incapacité de travail » sont versées au salarié.\n"
    "Le conseil de la vie sociale est consulté sur le projet personnalisé. »\n"
    "Article 2\n"
    "Le projet personnalisé est élaboré avec la personne."
)


def _flags(doc, words: str, nth: int = 0) -> set[str]:
    spans = [s for s in doc.spans["isic"] if s.text == words]
    return set(spans[nth]._.isic_context or {})


def _quoted_then_not(doc, words: str) -> None:
    """The first mention of ``words`` is in quoted text, the second (after the passage) is not."""
    assert [_flags(doc, words, 0), _flags(doc, words, 1)] == [{"quotation"}, set()]


def test_a_quotation_within_a_passage_does_not_end_it(nlp_fast):
    doc = nlp_fast(AVENANT)
    # after the inner « Incapacité de travail », still inside « Article 7 … »
    assert _flags(doc, "conseil de la vie sociale") == {"quotation"}
    assert _flags(doc, "projet personnalisé", 0) == {"quotation"}
    # the avenant's own Article 2, after the closing », is not quoted
    assert _flags(doc, "projet personnalisé", 1) == set()


@pytest.mark.parametrize(
    "opening",
    ["« Titre VIII\nÉgalité professionnelle\n", "« Article 1.7.4\n", "« Chapitre Ier\n", "« 5.7.4. Modulation\n"],
)
def test_a_passage_that_opens_with_a_heading_is_inserted_text_whatever_introduces_it(nlp_fast, opening):
    text = ("Le présent avenant remplace l'intégralité des dispositions du titre VIII de la convention :\n"
            f"{opening}Le conseil de la vie sociale est consulté sur le projet personnalisé. »\n"
            "Article 2\nLe conseil de la vie sociale est réuni.")
    _quoted_then_not(nlp_fast(text), "conseil de la vie sociale")


def test_a_heading_quoted_within_a_line_is_a_title_not_a_passage(nlp_fast):
    # 'titré « 1.6.1. … »' names the article by its title: no amendment text (a block starts a
    # line).
    text = ("L'article 1.6.1 de la convention, titré « 1.6.1. Commission nationale du projet personnalisé », "
            "est supprimé.")
    assert "quotation" not in _flags(nlp_fast(text), "projet personnalisé")
    # A paragraph label at the start of a line still opens amendment text ('" 7° …', 2.2.0).
    text = "Il est rétabli un alinéa :\n« 7° Du projet personnalisé de la personne accueillie. »"
    assert _flags(nlp_fast(text), "projet personnalisé") == {"quotation"}


def test_straight_quotes_within_a_guillemet_passage_pair_among_themselves(nlp_fast):
    text = ("L'article 3 est ainsi rédigé :\n"
            "« Article 3\nLe terme \"usager\" désigne la personne.\n"
            "Le projet personnalisé est élaboré avec elle. »\n"
            "Le projet personnalisé est révisé chaque année.")
    _quoted_then_not(nlp_fast(text), "projet personnalisé")


def test_a_new_paragraph_forgets_an_inner_quotation_left_open(nlp_fast):
    # The inner « Incapacité is never closed: the next paragraph's « starts afresh, and the
    # passage still ends at its closing ».
    text = ("L'article 7 est ainsi rédigé :\n"
            "« Article 7\nLes garanties « Incapacité de travail sont versées.\n"
            "« Le projet personnalisé est élaboré. »\n"
            "Le projet personnalisé est révisé.")
    _quoted_then_not(nlp_fast(text), "projet personnalisé")
