"""Keyword in context: labels, lemmas and phrases, from a corpus or from an analysis without re-running it."""

from __future__ import annotations

import pandas as pd
import pytest
from spacy.language import Language

import isic_nlp
from isic_nlp.errors import IsicError

CORPUS = [
    {"id": "a", "text": "Article 1\nLe conseil de la vie sociale associe les usagers.\n"
                        "Article 2\nLe conseil de la vie sociale n'est pas réuni. Les habitants participent."},
    {"id": "b", "text": "Les habitants du quartier animent un groupe de parole."},
]


def test_label_lines_from_a_result_equal_those_from_the_corpus(nlp_fast):
    from_corpus = isic_nlp.kwic(CORPUS, "participation", nlp=nlp_fast, window=4)
    result = isic_nlp.analyse(CORPUS, nlp=nlp_fast, texts=True)
    from_result = result.kwic("participation", window=4)
    pd.testing.assert_frame_equal(from_result, from_corpus)
    assert isic_nlp.kwic(result, "participation", window=4).equals(from_result)
    # The negated mention is there, and says why it is not counted.
    negated = from_result[from_result["counted"] == False]  # noqa: E712
    assert len(negated) == 1 and "negation" in negated.iloc[0]["context_flags"]
    assert len(result.kwic("participation", counted_only=True)) == len(from_result) - 1


def test_result_kwic_runs_no_pipeline(nlp_fast, monkeypatch):
    result = isic_nlp.analyse(CORPUS, nlp=nlp_fast, unit="article", texts=True)

    def refuse(*args, **kwargs):
        raise AssertionError("the pipeline ran")

    monkeypatch.setattr(Language, "pipe", refuse)
    monkeypatch.setattr(Language, "__call__", refuse)
    lines = result.kwic("participation", window=3)
    assert lines["unit_id"].tolist() == ["a/art-1", "a/art-2"]
    # The context stops at the article's edges: nothing of article 1 before article 2's mention.
    assert lines["left"].tolist() == ["Article 1 Le", "Article 2 Le"]
    assert lines.iloc[0]["right"] == "associe les usagers."
    phrase = result.kwic(phrase="LES   habitants")
    assert phrase[["doc_id", "match"]].values.tolist() == [["a", "Les habitants"], ["b", "Les habitants"]]


def test_lemma_and_phrase_from_a_corpus(nlp_fast):
    lines = isic_nlp.kwic(CORPUS, lemma="habitant", nlp=nlp_fast, window=2)
    assert lines["match"].tolist() == ["habitants", "habitants"]
    assert lines.iloc[1]["right"] == "du quartier"
    assert isic_nlp.kwic(CORPUS, phrase="groupe de parole", nlp=nlp_fast)["doc_id"].tolist() == ["b"]


def test_kwic_mistakes_are_explained(nlp_fast):
    with pytest.raises(IsicError, match="E006"):
        isic_nlp.kwic(CORPUS, "participation", phrase="x", nlp=nlp_fast)
    with pytest.raises(IsicError, match="E003"):
        isic_nlp.kwic(CORPUS, "droitz", nlp=nlp_fast)
    result = isic_nlp.analyse(CORPUS, nlp=nlp_fast)
    with pytest.raises(IsicError, match="E013"):
        result.kwic(lemma="habitant")
    with pytest.raises(IsicError, match="E511"):
        result.kwic(phrase="habitants")
    # A table without a text column is an error, not an empty table.
    with pytest.raises(IsicError, match="E012"):
        isic_nlp.kwic(pd.DataFrame({"texte": ["Les habitants."]}), "participation", nlp=nlp_fast)


def test_result_repr_summarises(nlp_fast):
    result = isic_nlp.analyse(CORPUS, nlp=nlp_fast)
    text = repr(result)
    assert text.startswith("<AnalysisResult: 2 document rows") and len(text) < 200


def test_french_label_names_and_suggestions(nlp_fast):
    result = isic_nlp.analyse(CORPUS, nlp=nlp_fast, texts=True)
    assert result.kwic("Participation").equals(result.kwic("participation"))
    assert result.kwic("collectif").equals(result.kwic("collective"))
    assert len(result.kwic("collectif")) > 0
    with pytest.raises(IsicError, match=r"Did you mean: rights\?"):
        result.kwic("rigths")


def test_terminal_lines_keep_the_words_nearest_the_match():
    from isic_nlp.cli.analyse import kwic_line

    left = "Les dispositions du présent article ne sont pas applicables aux ressortissants d'un Etat membre de la"
    row = {"doc_id": "casf:R422-2", "left": left, "match": "Communauté européenne", "right": " ou d'un autre Etat partie",
           "entry_id": "x.y", "counted": False, "context_flags": "negation"}
    line = kwic_line(row)
    assert line.split("\t")[1].endswith("Etat membre de la [Communauté européenne]  ou d'un autre Etat partie" + " " * 34)
    assert "dispositions" not in line  # the far end of the left context is cut, not the near one
    assert line.endswith("\tx.y  [not counted: negation]")
    assert kwic_line({**row, "left": "court", "counted": None, "entry_id": None}).split("\t")[1].startswith(" " * 55 + "court [")


def test_label_lines_through_the_cache_equal_those_from_the_corpus(nlp_fast, tmp_path, bad_corpus):
    plain = isic_nlp.kwic(CORPUS, "participation", nlp=nlp_fast, window=4)
    cached = isic_nlp.kwic(CORPUS, "participation", nlp=nlp_fast, window=4, cache=tmp_path)
    pd.testing.assert_frame_equal(plain, cached)
    assert list(tmp_path.glob("*.sqlite"))
    again = isic_nlp.kwic(CORPUS, "participation", nlp=nlp_fast, window=4, cache=tmp_path, counted_only=True)
    pd.testing.assert_frame_equal(again, isic_nlp.kwic(CORPUS, "participation", nlp=nlp_fast, window=4, counted_only=True))
    assert len(again) == len(plain) - 1
    # Broken records are reported as without the cache.
    problems, cached_problems = [], []
    isic_nlp.kwic([str(bad_corpus.folder)], "participation", nlp=nlp_fast, problems=problems)
    isic_nlp.kwic([str(bad_corpus.folder)], "participation", nlp=nlp_fast, problems=cached_problems, cache=tmp_path)
    assert cached_problems == problems and any(p.severity == "error" for p in problems)
