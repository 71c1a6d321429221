"""Fine tags (ANNOTATION.md section 1): a calibrated probability per learnable tag, saved and loaded with the model."""

from __future__ import annotations

import numpy as np
import pytest
from classify_data import labelled_rows  # type: ignore[import-not-found]

from isic_nlp import Classifier
from isic_nlp.classify import tags as tag_module
from isic_nlp.classify.tags import TAGS, learnable_tags, tag_matrix


def test_learnable_tags_need_enough_positive_and_negative_units():
    units = [["rights"]] * 25 + [["rights", "participation"]] * 5 + [[]] * 25
    assert learnable_tags(units) == ["rights"]  # participation: 5 units; rights: 30 of 55, 25 without
    assert learnable_tags(units, minimum=5) == ["rights", "participation"]
    assert learnable_tags([["rights"]] * 30) == []  # no negative unit
    assert tag_matrix([["rights"], []], ["rights", "participation"]).tolist() == [[1, 0], [0, 0]]


def _tagged():
    rows = labelled_rows()
    texts, frames = [r["text"] for r in rows], [r["frame"] for r in rows]
    tags = [["participation"] if f == "collective" else ["rights"] if f == "individual" else [] for f in frames]
    return texts, frames, tags


def test_a_model_with_tags_gives_their_probabilities_and_keeps_them_on_disk(nlp_fast, tmp_path, monkeypatch):
    monkeypatch.setattr(tag_module, "TAG_MIN_UNITS", 3)
    texts, frames, tags = _tagged()
    clf = Classifier(C=1.0, nlp=nlp_fast).fit(texts, frames, tags=tags)
    assert clf.tags_ == ["rights", "participation"]
    proba = clf.predict_proba(texts)
    assert ((proba[["p_tag_rights", "p_tag_participation"]] >= 0) & (proba[["p_tag_rights", "p_tag_participation"]] <= 1)).all().all()
    collective = np.array(frames) == "collective"
    assert proba["p_tag_participation"][collective].mean() > proba["p_tag_participation"][~collective].mean()
    labels = clf.predict(texts)
    assert list(labels.columns[-3:]) == ["tags", "p_tag_rights", "p_tag_participation"]
    on = labels["tags"].str.split(";")
    assert all(("rights" in t) == (p >= 0.5) for t, p in zip(on, labels["p_tag_rights"]))
    clf.save(tmp_path / "m")
    again = Classifier.load(tmp_path / "m", nlp=nlp_fast)
    assert again.tags_ == clf.tags_ and again.meta_["tags"] == clf.tags_
    assert np.allclose(again.predict_proba(texts[:5])[["p_tag_rights"]], proba[["p_tag_rights"]][:5])
    assert again.meta_["tuning_cv"]["tag_training"]["participation"] == int(collective.sum())


def test_without_enough_tagged_units_there_is_no_tag_column(nlp_fast):
    texts, frames, tags = _tagged()  # the default minimum (20 units) is not reached
    assert sum("rights" in t for t in tags) < tag_module.TAG_MIN_UNITS
    clf = Classifier(C=1.0, nlp=nlp_fast).fit(texts, frames, tags=tags)
    assert clf.tags_ == [] and clf.tag_model_ is None
    assert not [c for c in clf.predict(texts[:2]).columns if "tag" in c]


@pytest.mark.parametrize("empty", [[], [""]])
def test_tag_columns_on_empty_inputs(nlp_fast, monkeypatch, empty):
    monkeypatch.setattr(tag_module, "TAG_MIN_UNITS", 3)
    texts, frames, tags = _tagged()
    clf = Classifier(C=1.0, nlp=nlp_fast).fit(texts, frames, tags=tags)
    out = clf.predict(empty)
    assert len(out) == len(empty) and "p_tag_rights" in out


def test_the_shipped_model_gives_every_fine_tag(tmp_path):
    from isic_nlp.classify import classify

    table, problems = classify([{"id": "a", "text": "Les habitants participent au conseil de quartier avec le centre social."}])
    assert problems == []
    first = list(table.columns).index("tags")
    assert [c for c in table.columns[first + 1:]] == [f"p_tag_{t}" for t in TAGS]
    assert "participation" in table.loc[0, "tags"].split(";")
