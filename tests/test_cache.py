"""The Doc cache: a re-run after a lexicon edit gives the outputs of a fresh run, without the linguistic components."""

from __future__ import annotations

import pandas as pd
import pytest
from spacy.language import Language

import isic_nlp
from isic_nlp.cache import DocCache, namespace
from tests.conftest import TEST_CONTEXT, TEST_LEXICON, TEST_MODES

CORPUS = [
    {"id": "a", "text": "Le conseil de la vie sociale associe les usagers au fonctionnement de l'établissement."},
    {"id": "b", "text": "Les habitants animent un groupe de parole. Le bénéficiaire a droit à un accompagnement."},
    {"id": "c", "text": "Le conseil de la vie sociale n'est pas réuni."},
]


def _tables(result):
    return result.documents, result.mentions.drop(columns=["lexicon_version"])


@pytest.fixture
def count_linguistic(monkeypatch):
    """Counts the texts that the linguistic components of any pipeline process."""
    calls = {"texts": 0}
    original = Language.pipe

    def counting(self, texts, *args, **kwargs):
        if kwargs.get("as_tuples"):
            return original(self, texts, *args, **kwargs)
        texts = list(texts)
        if "isic_matcher" not in self.pipe_names:  # the linguistic part alone (select_pipes)
            calls["texts"] += len(texts)
        return original(self, texts, *args, **kwargs)

    monkeypatch.setattr(Language, "pipe", counting)
    return calls


def test_a_cached_run_equals_a_fresh_run(tmp_path, nlp_fast, count_linguistic):
    fresh = isic_nlp.analyse(CORPUS, nlp=nlp_fast)
    first = isic_nlp.analyse(CORPUS, nlp=nlp_fast, cache=tmp_path)
    assert count_linguistic["texts"] == len(CORPUS)
    assert first.manifest["cache"]["misses"] == 3 and first.manifest["cache"]["hits"] == 0
    again = isic_nlp.analyse(CORPUS, nlp=nlp_fast, cache=tmp_path)
    assert count_linguistic["texts"] == len(CORPUS)  # nothing new went through the linguistic components
    assert again.manifest["cache"]["hits"] == 3 and again.manifest["cache"]["misses"] == 0
    for a, b in zip(_tables(fresh), _tables(again)):
        pd.testing.assert_frame_equal(a, b)


def test_a_lexicon_edit_reuses_the_cache_and_gives_the_new_lexicons_results(tmp_path, count_linguistic):
    shipped = isic_nlp.load("fast")
    isic_nlp.analyse(CORPUS, nlp=shipped, cache=tmp_path)
    edited = isic_nlp.load("fast", lexicons=[str(TEST_LEXICON), str(TEST_MODES)], context_lexicons=[str(TEST_CONTEXT)])
    assert DocCache(tmp_path, edited).namespace == DocCache(tmp_path, shipped).namespace
    count_linguistic["texts"] = 0
    cached = isic_nlp.analyse(CORPUS, nlp=edited, cache=tmp_path)
    assert count_linguistic["texts"] == 0 and cached.manifest["cache"]["hits"] == 3
    fresh = isic_nlp.analyse(CORPUS, nlp=edited)
    for a, b in zip(_tables(fresh), _tables(cached)):
        pd.testing.assert_frame_equal(a, b)


def test_an_edited_text_or_another_pipeline_is_analysed_anew(tmp_path, nlp_fast):
    isic_nlp.analyse(CORPUS, nlp=nlp_fast, cache=tmp_path)
    changed = [dict(CORPUS[0], text=CORPUS[0]["text"] + " Les usagers votent."), *CORPUS[1:]]
    result = isic_nlp.analyse(changed, nlp=nlp_fast, cache=tmp_path)
    assert result.manifest["cache"]["hits"] == 2 and result.manifest["cache"]["misses"] == 1
    names = {p.name for p in tmp_path.glob("*.sqlite")}
    assert len(names) == 1


def test_the_namespace_changes_with_what_a_cached_doc_depends_on(nlp_fast, monkeypatch):
    import spacy

    import isic_nlp.cache as cache_module

    linguistic = ["normalizer", "lemmatizer", "sentencizer"]
    base = namespace(nlp_fast, linguistic)
    assert namespace(nlp_fast, linguistic[:2]) != base  # another set of linguistic components
    monkeypatch.setattr(spacy, "__version__", "0.0.0")
    assert namespace(nlp_fast, linguistic) != base  # another spaCy
    monkeypatch.undo()
    monkeypatch.setattr(cache_module, "__version__", "0.0.0")
    assert namespace(nlp_fast, linguistic) != base  # another isic_nlp
    monkeypatch.undo()
    config = nlp_fast.config.copy()
    config["components"]["sentencizer"]["punct_chars"] = ["."]
    monkeypatch.setattr(type(nlp_fast), "config", property(lambda self: config))
    assert namespace(nlp_fast, linguistic) != base  # another setting of a linguistic component


@pytest.mark.slow
def test_accurate_has_its_own_namespace(tmp_path, nlp_fast, nlp_accurate):
    assert DocCache(tmp_path, nlp_fast).namespace != DocCache(tmp_path, nlp_accurate).namespace
    first = isic_nlp.analyse(CORPUS, nlp=nlp_accurate, cache=tmp_path)
    again = isic_nlp.analyse(CORPUS, nlp=nlp_accurate, cache=tmp_path)
    assert again.manifest["cache"]["hits"] == 3
    for a, b in zip(_tables(first), _tables(again)):
        pd.testing.assert_frame_equal(a, b)
