"""Legal units on real excerpts (a KALI avenant, a CSS article, a travail-emploi sheet) and ``analyse --unit``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import isic_nlp
from isic_nlp.corpus.units import legal_units, units_at
from isic_nlp.errors import IsicError

EXTRAITS = Path(__file__).resolve().parents[1] / "fixtures" / "units" / "extraits_reels.jsonl"
RECORDS = {r["id"]: r for r in map(json.loads, EXTRAITS.read_text(encoding="utf-8").splitlines())}


def units_of(rid):
    r = RECORDS[rid]
    return r["text"], legal_units(
        rid, r["text"], doc_type=r["doc_type"], article_num=r.get("article_num")
    )


def test_collective_agreement_articles_with_preamble_and_bis_numbers():
    text, units = units_of("KALITEXT000041698834")
    articles = [u for u in units if u.type == "article"]
    assert [u.id.split("/", 1)[1] for u in articles] == [
        "preamble",
        "art-1",
        "art-8-bis-1",
        "art-8-bis-2",
        "art-8-bis-3",
        "art-2",
        "art-3",
        "art-4",
        "art-5",
    ]
    assert [u.label for u in articles[:3]] == [None, "Article 1er", "Article 8 bis 1"]
    assert text[articles[0].start :].startswith("Préambule\nLa loi n° 2018-771")
    assert text[articles[2].start : articles[2].end].startswith("Article 8 bis 1\n")
    # Articles cover every non-blank character once, in order.
    covered = "".join(text[u.start : u.end] for u in articles)
    assert "".join(covered.split()) == "".join(text.split())
    # A heading alone on its line is in its article but in no alinéa.
    first = next(u for u in units if u.article_id == articles[1].id and u.type == "alinea")
    assert first.id == "KALITEXT000041698834/art-1/al-1" and not text[
        first.start : first.end
    ].startswith("Article")


def test_code_article_is_one_article_cut_into_numbered_alineas():
    text, units = units_of("LEGIARTI000045354454")
    article, *alineas = units
    assert (article.id, article.type, article.number) == (
        "LEGIARTI000045354454/art-LO111-3-16",
        "article",
        "LO111-3-16",
    )
    assert (article.start, article.end) == (0, len(text.rstrip()))
    assert [(u.label, u.part) for u in alineas] == [
        ("I", "I"),
        ("1°", "I"),
        ("2°", "I"),
        ("a)", "I"),
        ("b)", "I"),
        ("II", "II"),
        ("1°", "II"),
        ("2°", "II"),
        ("3°", "II"),
    ]
    assert alineas[3].id == "LEGIARTI000045354454/art-LO111-3-16/al-4"
    assert text[alineas[3].start : alineas[3].end].startswith("a) Sur les recettes")


def test_sheet_citing_articles_has_no_article_units():
    text, units = units_of("travail:article107747")
    assert [u.id for u in units if u.type == "article"] == ["travail:article107747/text"]
    assert len([u for u in units if u.type == "alinea"]) == len(text.strip().split("\n"))


@pytest.mark.parametrize(
    ("line", "slug"),
    [
        ("Art. L. 115-2. – L'action sociale...", "art-L115-2"),
        ("Article 3 bis\nLe conseil...", "art-3-bis"),
        ("Article unique\nLe présent accord...", "art-unique"),
        ("Article premier - Le code...", "art-1"),
        ("ARTICLE 4.2.1 \u2002 Congés\nLes salariés...", "art-4.2.1"),
    ],
)
def test_heading_forms(line, slug):
    assert [u.id for u in legal_units("d", line) if u.type == "article"] == [f"d/{slug}"]


def test_references_and_quoted_articles_are_not_headings():
    text = (
        "Article 1er\nL'article L. 116-1 est ainsi rédigé :\n« Art. L. 116-1. - L'action sociale... »\n"
        "Article L. 115-2 du code de l'action sociale est abrogé.\nArticle 1er\nDoublon."
    )
    articles = [u.id for u in legal_units("loi", text) if u.type == "article"]
    assert articles == ["loi/art-1", "loi/art-1-n2"]


def test_alinea_level_keeps_an_article_that_has_no_alinea():
    units = legal_units("d", "Article 1\nTexte.\nArticle 2")
    assert [u.id for u in units_at(units, "alinea", "d", "")] == ["d/art-1/al-1", "d/art-2"]


def test_analyse_per_unit_rederives_counts_from_mentions(nlp_fast):
    records = list(RECORDS.values())
    by_level = {
        unit: isic_nlp.analyse(records, nlp=nlp_fast, unit=unit)
        for unit in ("document", "article", "alinea")
    }
    docs = by_level["document"].documents
    articles = by_level["article"].documents
    assert articles["id"].tolist()[:2] == [
        "KALITEXT000041698834/preamble",
        "KALITEXT000041698834/art-1",
    ]
    assert set(articles["unit_type"]) == {"article"} and articles["doc_id"].nunique() == 3
    # Articles partition the text: same tokens and counts as whole documents.
    assert articles["n_tokens"].sum() == docs["n_tokens"].sum()
    # (A collective agreement: its collective mentions are labour relations, their own group.)
    assert articles["n_collective_labour"].sum() == docs["n_collective_labour"].sum() > 0
    for level, result in by_level.items():
        mentions = result.mentions
        assert (
            result.manifest["counts"]["documents"] == 3
            and result.manifest["unit"]["level"] == level
        )
        # Tokens of whole documents, whatever the unit.
        assert result.manifest["counts"]["tokens"] == docs["n_tokens"].sum()
        # Every mention carries its finest unit and its article, whatever the level.
        assert mentions["unit_id"].str.contains("/al-").all()
        assert (mentions["unit_id"].str.rsplit("/", n=1).str[0] == mentions["article_id"]).all()
    alineas = by_level["alinea"].documents.set_index("id")
    counted = by_level["alinea"].mentions.query("counted")
    for label in ("collective", "collective_labour", "individual"):
        expected = counted[counted["group"] == label].groupby("unit_id").size()
        assert (alineas.loc[expected.index, f"n_{label}"] == expected).all()
        assert alineas[f"n_{label}"].sum() == docs[f"n_{label}"].sum()


def test_unknown_unit_is_a_coded_error(nlp_test_fast):
    with pytest.raises(IsicError, match=r"\[isic:E401\] Unknown unit 'paragraphe'"):
        isic_nlp.analyse([{"id": "a", "text": "x"}], nlp=nlp_test_fast, unit="paragraphe")
