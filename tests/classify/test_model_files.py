"""Model files: vocabularies stored as arrays (format 2) load fast and give the same predictions."""

# Fixtures are imported from classify_data and used as arguments of the same name.
# ruff: noqa: F811

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
from classify_data import tiny_model  # type: ignore[import-not-found]  # noqa: F401

from isic_nlp import Classifier
from isic_nlp.classify import io as model_io
from isic_nlp.errors import IsicError

TEXTS = ["Le groupe de parole se réunit.", "Le taux est fixé par décret.", "Toute personne a droit à l'information."]


def test_saved_model_predicts_the_same_and_keeps_its_vocabularies(tiny_model, tmp_path):
    before = tiny_model.predict_proba(TEXTS)
    tiny_model.save(tmp_path / "m")
    # Saving leaves the fitted vectorizers whole.
    pd.testing.assert_frame_equal(tiny_model.predict_proba(TEXTS), before)
    loaded = Classifier.load(tmp_path / "m", nlp=tiny_model.nlp)
    pd.testing.assert_frame_equal(loaded.predict_proba(TEXTS), before)
    assert json.loads((tmp_path / "m" / "model.json").read_text())["format_version"] == 2
    # The vocabularies are arrays, not one schema node per term.
    import io

    import skops.io as sio

    def str_nodes(data: bytes) -> int:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("schema.json").decode().count('"__class__": "str"')

    packed = str_nodes((tmp_path / "m" / "model.skops").read_bytes())
    plain = str_nodes(sio.dumps({"frame": tiny_model.frame_model_, "modes": tiny_model.mode_model_}))
    n_terms = sum(len(v.vocabulary_) for _, v in model_io._vectorizers({"frame": tiny_model.frame_model_}))
    assert plain > n_terms > 100 and packed < plain - n_terms


def test_a_model_of_format_1_still_loads(tiny_model, tmp_path):
    import skops.io as sio

    folder = tmp_path / "v1"
    folder.mkdir()
    data = model_io._deterministic_zip(sio.dumps({"frame": tiny_model.frame_model_, "modes": tiny_model.mode_model_}))
    (folder / model_io.MODEL_FILE).write_bytes(data)
    meta = {**tiny_model.meta_, "format_version": 1, "model_sha256": model_io.hashlib.sha256(data).hexdigest()}
    (folder / model_io.SIDECAR_FILE).write_text(json.dumps(meta))
    loaded = Classifier.load(folder, nlp=tiny_model.nlp)
    pd.testing.assert_frame_equal(loaded.predict_proba(TEXTS), tiny_model.predict_proba(TEXTS))


def test_a_missing_vocabulary_is_a_damaged_file(tiny_model, tmp_path):
    import skops.io as sio

    folder = tmp_path / "broken"
    folder.mkdir()
    payload = {"frame": tiny_model.frame_model_, "modes": tiny_model.mode_model_}
    with model_io._packed_vocabularies(payload) as vocabularies:
        vocabularies.pop(next(iter(vocabularies)))
        data = sio.dumps({**payload, model_io.VOCABULARIES: vocabularies})
    (folder / model_io.MODEL_FILE).write_bytes(data)
    meta = {**tiny_model.meta_, "model_sha256": model_io.hashlib.sha256(data).hexdigest()}
    (folder / model_io.SIDECAR_FILE).write_text(json.dumps(meta))
    with pytest.raises(IsicError, match="E503"):
        Classifier.load(folder)
