"""The shipped model is rebuilt, byte for byte, by the documented command (`make model`)."""

from __future__ import annotations

import json

import pytest

from isic_nlp.classify.io import default_model_dir
from tests.conftest import run_cli


@pytest.mark.slow
def test_shipped_model_is_rebuilt_identically(tmp_path):
    shipped = default_model_dir()
    meta = json.loads((shipped / "model.json").read_text())
    training = shipped.parent / "training"
    files = [
        str(training / f"{name}.jsonl")
        for name in ("framing_train", "paragraphs_train", "modes_constructed_train")
    ]
    # Same command as `make model`, without the nested CV scores (the model is the same).
    result = run_cli(
        "train",
        *files,
        "--out",
        str(tmp_path / "model"),
        "--pipeline",
        "fast",
        "--seed",
        "0",
        "--no-cv",
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    rebuilt = json.loads((tmp_path / "model" / "model.json").read_text())
    assert rebuilt["training_data"]["sha256"] == meta["training_data"]["sha256"]
    assert rebuilt["params"] == meta["params"]
    assert rebuilt["model_sha256"] == meta["model_sha256"]
