"""Tests of isic_nlp.corpus.titles on real French legal titles."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from isic_nlp.corpus.titles import DOC_TYPES, LegalTitle, fill_from_title, find_date, normalise_doc_type, parse_title

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"


@pytest.mark.parametrize(
    "title, expected",
    [
        ("LOI n° 2002-2 du 2 janvier 2002 rénovant l'action sociale et médico-sociale", ("LOI", "2002-2", "2002-01-02")),
        ("Décret n°2008-244 du 7 mars 2008", ("DECRET", "2008-244", "2008-03-07")),
        ("DECRET n° 85-1353 du 17 décembre 1985", ("DECRET", "85-1353", "1985-12-17")),
        ("Circulaire DGAS/2C/2005/111 du 1er mars 2005", ("CIRCULAIRE", "DGAS/2C/2005/111", "2005-03-01")),
        ("Ordonnance n° 2000-1249 du 21 décembre 2000", ("ORDONNANCE", "2000-1249", "2000-12-21")),
        ("Ordonnance 2007-329 2007-03-12 JORF 13 mars 2007", ("ORDONNANCE", "2007-329", "2007-03-12")),
        ("Loi organique n° 2001-692 du 1 er août 2001", ("LOI_ORGANIQUE", "2001-692", "2001-08-01")),
        ("loi  n°2005-102 du 11 fevrier 2005", ("LOI", "2005-102", "2005-02-11")),
        ("Arrêté du 5 mai 2010", ("ARRETE", None, "2010-05-05")),
        ("ARRETE du 31/12/2019", ("ARRETE", None, "2019-12-31")),
        ("Instruction interministérielle n° DGCS/SD1B/2019/203 du 20 septembre 2019", ("INSTRUCTION", "DGCS/SD1B/2019/203", "2019-09-20")),
        ("Circulaire CNAMTS n°41/2006 du 7 août 2006", ("CIRCULAIRE", "CNAMTS 41/2006", "2006-08-07")),
        ("Circulaire relative à la réserve citoyenne de l'Éducation nationale", ("CIRCULAIRE", None, None)),
        ("Rapport - art. 22 (V) JORF 6 mai 1996", (None, None, "1996-05-06")),
    ],
)
def test_parse_title(title, expected):
    parsed = parse_title(title)
    assert (parsed.doc_type, parsed.number, parsed.date) == expected
    assert parsed.year == (int(expected[2][:4]) if expected[2] else None)


def test_impossible_dates_are_skipped():
    assert find_date("Circulaire du 31 février 2005 modifiée le 2 mars 2005") == "2005-03-02"
    assert parse_title("Décret du 30 février 2008") == LegalTitle("DECRET", None, None, None)


def test_normalise_doc_type():
    assert [normalise_doc_type(v) for v in ("Loi organique", "décret en Conseil d'Etat", "arrêté", "KALI", "avis", "")] == [
        "LOI_ORGANIQUE", "DECRET", "ARRETE", "CONVENTION_COLLECTIVE", "OTHER", None
    ]
    assert all(normalise_doc_type(t) == t for t in DOC_TYPES)


def test_fill_from_title_never_overwrites_and_records_provenance():
    title = "Instruction n° DGCS/SD2/2013/85 du 1er mars 2013"
    assert fill_from_title({"title": title, "doc_type": "CIRCULAIRE", "date": "2013-03-04", "year": 2013}) == {
        "title": title, "doc_type": "CIRCULAIRE", "date": "2013-03-04", "year": 2013
    }
    filled = fill_from_title({"title": title, "date": None})
    assert filled["doc_type"] == "INSTRUCTION" and filled["doc_type_derived_from"] == "title"
    assert filled["date"] == "2013-03-01" and filled["date_derived_from"] == "title"
    assert filled["year"] == 2013 and filled["year_derived_from"] == "date"


def _lines(name):
    path = CORPORA / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from map(json.loads, handle)


@pytest.mark.skipif(not CORPORA.exists(), reason="shared corpora not available")
def test_all_cited_circular_titles():
    rows = list(_lines("circulaires-citees-service-public.jsonl"))
    assert len(rows) == 469
    parsed = [parse_title(r["title"]) for r in rows]
    assert sum(p.doc_type == r["doc_type"] for p, r in zip(parsed, rows)) == 469
    # The prepared date is the first date of the title; 13 titles have none.
    assert sum(p.date == r["date"] for p, r in zip(parsed, rows)) == 469
    assert sum(p.number is not None for p in parsed) >= 165


@pytest.mark.slow
@pytest.mark.skipif(not CORPORA.exists(), reason="shared corpora not available")
def test_creating_text_titles_of_the_legi_codes():
    titles = {}
    for name in ("code-du-travail.jsonl.gz", "code-securite-sociale.jsonl",
                 "code-rural-peche-maritime.jsonl.gz", "code-relations-public-administration.jsonl"):
        for row in _lines(name):
            text = row["creating_text"]
            if text:
                titles[text["title"]] = (text["nature"], text["date_signature"])
    parsed = {t: parse_title(t) for t in titles}
    nature_ok = sum(parsed[t].doc_type == nature for t, (nature, _) in titles.items())
    date_ok = sum(parsed[t].date == day for t, (_, day) in titles.items())
    # 2,240 distinct titles; the misses are "Rapport - art. …" (ordonnance reports) and a
    # loi organique titled "Loi n°2005-881".
    assert len(titles) == 2240 and nature_ok >= 2235 and date_ok >= 2236
