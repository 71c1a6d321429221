"""The Classifier on a tiny labelled set: fit, predict, probabilities, save and load, bad files."""

# Fixtures are imported from classify_data and used as arguments of the same name.
# ruff: noqa: F811

from __future__ import annotations

import json
import shutil
import warnings
import zipfile

import numpy as np
import pytest
from classify_data import COLLECTIVE, INDIVIDUAL, NONE, tiny_model, tiny_model_dir  # type: ignore[import-not-found]  # noqa: F401

from isic_nlp import Classifier
from isic_nlp.classify import io as model_io
from isic_nlp.classify.labels import FRAMES, MODES, read_labels
from isic_nlp.errors import IsicError
from isic_nlp.output import sha256_file

PROBA_COLUMNS = [f"p_{f}" for f in FRAMES] + ["p_collective_social", "p_collective_labour"] + [f"p_{m}" for m in MODES]


def test_predict_proba_has_every_column_and_frames_sum_to_one(tiny_model):
    proba = tiny_model.predict_proba(
        ["Le taux est fixé par décret.", "Le groupe de parole se réunit."]
    )
    assert list(proba.columns) == PROBA_COLUMNS
    assert proba[[f"p_{f}" for f in FRAMES]].sum(axis=1).to_numpy() == pytest.approx([1.0, 1.0])
    # mixed had no example: not learned, probability 0; communautaire neither.
    assert (proba["p_mixed"] == 0).all() and (proba["p_communautaire"] == 0).all()


def test_predict_recovers_the_training_frames(tiny_model):
    predicted = tiny_model.predict([*INDIVIDUAL, *COLLECTIVE, *NONE])
    truth = (
        ["individual"] * len(INDIVIDUAL) + ["collective"] * len(COLLECTIVE) + ["none"] * len(NONE)
    )
    assert (predicted["frame"].to_numpy() == np.array(truth)).mean() >= 0.9
    assert set(predicted.columns[:2]) == {"frame", "p_individual"}


def test_modes_are_joined_with_semicolons(tiny_model):
    predicted = tiny_model.predict(
        ["Les habitants animent un groupe de parole et d'entraide chaque semaine."]
    )
    assert "groupes" in predicted.loc[0, "modes"].split(";")


def test_unfitted_classifier_says_so():
    with pytest.raises(IsicError, match=r"\[isic:E508\]"):
        Classifier().predict(["Un texte."])


def test_too_few_examples_is_a_coded_error(nlp_fast):
    with pytest.raises(IsicError, match=r"\[isic:E505\]"):
        Classifier(nlp=nlp_fast).fit(["Un texte.", "Un autre."], ["none", "individual"])


def test_save_then_load_gives_the_same_probabilities(tiny_model, tiny_model_dir, nlp_fast):
    loaded = Classifier.load(tiny_model_dir, nlp=nlp_fast)
    texts = [
        "Les habitants construisent un diagnostic partagé.",
        "Le recours est formé devant le tribunal.",
    ]
    assert loaded.predict_proba(texts).to_numpy() == pytest.approx(
        tiny_model.predict_proba(texts).to_numpy(), nan_ok=True
    )
    meta = json.loads((tiny_model_dir / "model.json").read_text())
    assert meta["pipeline"] == "fast" and meta["versions"]["scikit-learn"]
    assert {lex["name"] for lex in meta["lexicons"]} >= {"framing", "isic_modes"}
    assert meta["model_sha256"] == sha256_file(tiny_model_dir / "model.skops")


def test_the_same_training_gives_the_same_file(tiny_model_dir, nlp_fast, tmp_path):
    from classify_data import labelled_rows  # type: ignore[import-not-found]

    rows = labelled_rows()
    again = Classifier(nlp=nlp_fast, C=1.0).fit(
        [r["text"] for r in rows], [r["frame"] for r in rows], [r["modes"] for r in rows]
    )
    again.save(tmp_path / "again")
    assert (tmp_path / "again" / "model.skops").read_bytes() == (
        tiny_model_dir / "model.skops"
    ).read_bytes()


@pytest.fixture
def model_copy(tiny_model_dir, tmp_path):
    return shutil.copytree(tiny_model_dir, tmp_path / "model")


def test_tampered_model_file_fails(model_copy):
    path = model_copy / "model.skops"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IsicError, match=r"\[isic:E502\].*changed after it was saved"):
        Classifier.load(model_copy)


def test_foreign_file_with_matching_hash_fails(model_copy):
    # A zip that is not a skops file, with its hash put in the sidecar.
    path = model_copy / "model.skops"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schema.json", "{}")
    meta = json.loads((model_copy / "model.json").read_text())
    meta["model_sha256"] = sha256_file(path)
    (model_copy / "model.json").write_text(json.dumps(meta))
    with pytest.raises(IsicError, match=r"\[isic:E503\]"):
        Classifier.load(model_copy)


def test_foreign_sidecar_fails(model_copy):
    (model_copy / "model.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(IsicError, match=r"\[isic:E503\]"):
        Classifier.load(model_copy)


def test_untrusted_type_is_refused(model_copy, monkeypatch):
    monkeypatch.setattr(
        model_io,
        "TRUSTED_TYPES",
        model_io.TRUSTED_TYPES - {"isic_nlp.classify.features.ProfileFeatures"},
    )
    with pytest.raises(IsicError, match=r"\[isic:E504\].*ProfileFeatures"):
        Classifier.load(model_copy)


def test_missing_files_fail(tmp_path):
    with pytest.raises(IsicError, match=r"\[isic:E501\]"):
        Classifier.load(tmp_path)


def test_other_version_warns(model_copy, nlp_fast):
    meta = json.loads((model_copy / "model.json").read_text())
    meta["versions"]["scikit-learn"] = "0.0.1"
    (model_copy / "model.json").write_text(json.dumps(meta))
    with pytest.warns(UserWarning, match=r"\[isic:W501\].*scikit-learn 0\.0\.1"):
        Classifier.load(model_copy, nlp=nlp_fast)


def test_other_tokenizer_warns(model_copy):
    from isic_nlp.classify.api import load_for_use

    meta = json.loads((model_copy / "model.json").read_text())
    assert meta["tokenizer"] == {"@tokenizers": "isic_nlp.LegalTokenizer.v1"}
    meta["tokenizer"] = {"@tokenizers": "spacy.Tokenizer.v1"}  # the model made before the legal tokenizer
    (model_copy / "model.json").write_text(json.dumps(meta))
    with pytest.warns(UserWarning, match=r"\[isic:W507\].*spacy\.Tokenizer\.v1.*isic_nlp\.LegalTokenizer\.v1"):
        load_for_use(model_copy)
    del meta["tokenizer"]  # a model of an older isic_nlp, which did not record it: nothing to compare
    (model_copy / "model.json").write_text(json.dumps(meta))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        load_for_use(model_copy)
    assert not [w for w in seen if "W507" in str(w.message)]


def test_read_labels_reports_bad_frames_and_modes(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(
        "id,text,frame,modes\n"
        "a,Le groupe de parole.,collective,groupes;dsl\n"
        "b,Le taux.,technique,\n"
        "c,Le quartier.,collective,quartier\n",
        encoding="utf-8",
    )
    data, problems = read_labels([path])
    assert data.ids == ["a"] and data.modes == [["groupes", "dsl"]]
    assert [(p.id, p.code) for p in problems] == [("b", "E506"), ("c", "E507")]


def test_shipped_model_loads_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = Classifier.load()
    assert clf.meta_["pipeline"] == "fast"
    assert clf.meta_["cv_scores"]["frame"]["macro_f1_main"] > 0.7
    assert clf.meta_["training_data"]["n_units"] == 879
