"""One pass of spaCy: the classifier reads the tables of an analysis; Classifier is a scikit-learn estimator."""

# Fixtures are imported from classify_data and used as arguments of the same name.
# ruff: noqa: F811

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from classify_data import labelled_rows, tiny_model, tiny_model_dir  # type: ignore[import-not-found]  # noqa: F401
from sklearn.base import clone
from spacy.language import Language

import isic_nlp
from isic_nlp import Classifier
from isic_nlp.classify import classify
from isic_nlp.errors import IsicError
from isic_nlp.reports import load_report_data


def _corpus():
    return [{"id": r["id"], "text": r["text"], "date": f"{r['year']}-01-01"} for r in labelled_rows()]


@pytest.fixture
def count_spacy(monkeypatch):
    """Counts the texts that go through any spaCy pipeline's ``pipe``.

    ``pipe(..., as_tuples=True)`` calls ``pipe`` again on the texts alone: only that inner call counts.
    """
    seen = {"texts": 0}
    original = Language.pipe

    def counting(self, texts, *args, **kwargs):
        if kwargs.get("as_tuples"):
            return original(self, texts, *args, **kwargs)

        def counted():
            for item in texts:
                seen["texts"] += 1
                yield item

        return original(self, counted(), *args, **kwargs)

    monkeypatch.setattr(Language, "pipe", counting)
    return seen


def test_classifier_follows_scikit_learn_conventions(nlp_fast):
    clf = Classifier(C=1.0, threshold=0.4, nlp=nlp_fast)
    params = clf.get_params()
    assert params["C"] == 1.0 and params["threshold"] == 0.4 and params["pipeline"] == "fast"
    # __init__ stores its arguments and nothing else.
    assert set(vars(clf)) == set(params)
    copy = clone(clf)
    assert copy is not clf and copy.get_params()["C"] == 1.0
    assert copy.nlp is nlp_fast  # the loaded pipeline is shared, not deep-copied
    assert clone(clf.set_params(C=3.0)).C == 3.0
    assert not hasattr(copy, "frame_model_")


def test_a_clone_fits_like_the_original(nlp_fast, tiny_model):
    rows = labelled_rows()
    fitted = clone(tiny_model).fit([r["text"] for r in rows], [r["frame"] for r in rows], [r["modes"] for r in rows])
    texts = ["Le groupe de parole se réunit.", "Le taux est fixé par décret."]
    pd.testing.assert_frame_equal(fitted.predict_proba(texts), tiny_model.predict_proba(texts))


def test_predict_on_an_analysis_equals_predict_on_texts(nlp_fast, tiny_model):
    corpus = _corpus()
    result = isic_nlp.analyse(corpus, nlp=nlp_fast, texts=True)
    from_result = tiny_model.predict(result)
    from_texts = tiny_model.predict([r["text"] for r in corpus])
    assert from_result["id"].tolist() == [r["id"] for r in corpus]
    pd.testing.assert_frame_equal(from_result.drop(columns="id"), from_texts)


def test_predict_on_an_analysis_without_texts_says_what_to_do(nlp_fast, tiny_model):
    result = isic_nlp.analyse(_corpus()[:2], nlp=nlp_fast)
    with pytest.raises(IsicError, match="E511"):
        tiny_model.predict(result)


def test_classify_runs_spacy_once_per_document(nlp_fast, tiny_model, count_spacy):
    corpus = _corpus()
    table, problems = classify(corpus, clf=tiny_model)
    assert count_spacy["texts"] == len(corpus)
    assert table["id"].tolist() == [r["id"] for r in corpus] and problems == []
    # An analysis made beforehand is classified with no spaCy pass at all.
    result = isic_nlp.analyse(corpus, nlp=nlp_fast, unit="alinea", texts=True)
    count_spacy["texts"] = 0
    again, _ = classify(result, clf=tiny_model)
    assert count_spacy["texts"] == 0
    assert again["id"].tolist() == result.documents["id"].tolist()
    assert {"doc_id", "unit_type", "unit_label"} <= set(again.columns)


def test_a_report_runs_spacy_once_per_document(tiny_model_dir, count_spacy):
    corpus = _corpus()
    data = load_report_data(corpus, model=tiny_model_dir)
    assert count_spacy["texts"] == len(corpus)
    assert data.classified and len(data.units) == len(corpus)
    assert np.allclose(data.units[["p_individual", "p_collective", "p_mixed", "p_none"]].sum(axis=1), 1.0)


def test_shared_feature_blocks_give_the_pipelines_own_probabilities(tiny_model):
    texts = ["Le groupe de parole se réunit chaque semaine au centre social.", "Le taux est fixé par décret.", ""]
    table = tiny_model.features(texts)
    proba = tiny_model.predict_proba(table=table)
    X = table[["text", *tiny_model.columns_]]
    frame = tiny_model.frame_model_.predict_proba(X)
    assert np.allclose(proba[[f"p_{c}" for c in tiny_model.frame_model_.classes_]].to_numpy(), frame, atol=1e-12)
    modes = tiny_model.mode_model_.predict_proba(X)
    assert np.allclose(proba[[f"p_{m}" for m in tiny_model.modes_]].to_numpy(), modes, atol=1e-12)


def test_labour_model_splits_collective_and_offsets_come_from_sources(nlp_fast):
    rows = labelled_rows()
    texts, frames = [r["text"] for r in rows], [r["frame"] for r in rows]
    # Four collective units are about labour relations (tags), the others about social intervention.
    collective = [i for i, f in enumerate(frames) if f == "collective"]
    tags = [["labour_relations"] if i in collective[:4] else [] for i in range(len(rows))]
    domains = ["a" if i % 2 else "b" for i in range(len(rows))]
    clf = Classifier(C=1.0, nlp=nlp_fast).fit(texts, frames, tags=tags, domains=domains)
    assert clf.labour_model_ is not None and isinstance(clf.offsets_, dict)
    proba = clf.predict_proba(texts)
    assert np.allclose(proba["p_collective_social"] + proba["p_collective_labour"], proba["p_collective"])
    assert (proba["p_collective_labour"] >= 0).all() and (proba["p_collective_social"] >= 0).all()
    # The decision uses the offsets: the same as argmax(log p + offset).
    from isic_nlp.classify.labels import FRAMES
    from isic_nlp.classify.thresholds import apply_offsets

    decided = apply_offsets(proba[[f"p_{f}" for f in FRAMES]].to_numpy(), FRAMES, clf.offsets_)
    assert clf.predict(texts)["frame"].tolist() == list(decided)
    assert clf.meta_["offsets"] == clf.offsets_
    # Without tags: no split (missing, so reports fall back on the lexicon), and no offsets without sources.
    plain = Classifier(C=1.0, nlp=nlp_fast).fit(texts, frames)
    assert plain.labour_model_ is None and plain.offsets_ == {}
    assert plain.predict_proba(texts[:2])["p_collective_labour"].isna().all()
