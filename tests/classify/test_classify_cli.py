"""``isic-nlp train``, ``evaluate`` and ``classify`` end to end, as a user runs them.

The model is trained once (tiny, no tuning, no CV); the other invocations
then start all at once, in parallel, and each test checks one of them.
"""

# Fixtures are imported from classify_data and used as arguments of the same name.
# ruff: noqa: F811

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pandas as pd
import pytest
from classify_data import labelled_rows, labels_file  # type: ignore[import-not-found]  # noqa: F401

from tests.conftest import ISIC_NLP, run_cli


def _start(*args: str, cwd=None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        [str(ISIC_NLP), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def runs(labels_file, bad_corpus, tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    model = root / "model"
    trained = run_cli(
        "train", str(labels_file), "--out", str(model), "--no-tune", "--no-cv", timeout=120
    )
    assert trained.returncode == 0, trained.stderr
    tampered = shutil.copytree(model, root / "tampered")
    data = bytearray((tampered / "model.skops").read_bytes())
    data[100] ^= 0xFF
    (tampered / "model.skops").write_bytes(bytes(data))
    unlabelled = root / "unlabelled.jsonl"
    unlabelled.write_text(
        "".join(
            json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n"
            for r in labelled_rows()
        ),
        encoding="utf-8",
    )
    no_labels = root / "nolabels.csv"
    no_labels.write_text("id,text\na,Un texte.\n", encoding="utf-8")
    commands = {
        "classify": (
            "classify",
            str(bad_corpus.folder),
            "--model",
            str(model),
            "--out",
            str(root / "out.csv"),
            "--errors",
            str(root / "errors.csv"),
        ),
        "parquet": (
            "classify",
            str(labels_file),
            "--model",
            str(model),
            "--out",
            str(root / "out.parquet"),
        ),
        "default": ("classify", str(labels_file), "--out", str(root / "default.csv")),
        "evaluate": (
            "evaluate",
            str(labels_file),
            "--model",
            str(model),
            "--out",
            str(root / "scores.json"),
        ),
        "tampered": (
            "classify",
            str(labels_file),
            "--model",
            str(tampered),
            "--out",
            str(root / "t.csv"),
        ),
        "weak": ("train", "--weak", str(unlabelled), "--out", str(root / "weak")),
        "no_labels": ("evaluate", str(no_labels), "--model", str(model)),
    }
    started = {name: _start(*args) for name, args in commands.items()}
    done = {}
    for name, process in started.items():
        out, err = process.communicate(timeout=180)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return root, trained, done


def test_train_writes_model_and_sidecar(runs):
    root, trained, _ = runs
    assert (root / "model" / "model.skops").is_file()
    meta = json.loads((root / "model" / "model.json").read_text())
    assert meta["training_data"]["n_units"] == 24 and meta["training_data"]["labels"] == "gold"
    assert "Model trained on 24 units" in trained.stdout


def test_classify_keeps_metadata_and_reports_bad_records(runs, bad_corpus):
    root, _, done = runs
    result = done["classify"]
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(root / "out.csv")
    assert table["id"].tolist() == bad_corpus.documents
    assert "year" in table.columns
    first = list(table.columns).index("frame")
    assert list(table.columns[first + 12:]) == []  # this model learned no fine tags: no tag columns
    assert list(table.columns[first:first + 12]) == [
        "frame",
        "p_individual",
        "p_collective",
        "p_mixed",
        "p_none",
        "p_collective_social",
        "p_collective_labour",
        "modes",
        "p_communautaire",
        "p_groupes",
        "p_dsl",
        "p_collectives",
    ]
    assert (
        "6 input record(s) could not be used" in result.stderr and "Traceback" not in result.stderr
    )
    errors = pd.read_csv(root / "errors.csv")
    assert sorted(errors.loc[errors["severity"] == "error", "code"]) == sorted(
        e[3] for e in bad_corpus.errors
    )


def test_classify_writes_parquet(runs):
    root, _, done = runs
    assert done["parquet"].returncode == 0, done["parquet"].stderr
    table = pd.read_parquet(root / "out.parquet")
    assert (
        len(table) == 24
        and table["frame"].isin(["individual", "collective", "mixed", "none"]).all()
    )
    # The gold 'frame' of the input is metadata: kept, under another name.
    assert table["meta_frame"].tolist() == [r["frame"] for r in labelled_rows()]


def test_classify_without_model_uses_the_shipped_one(runs):
    root, _, done = runs
    assert done["default"].returncode == 0, done["default"].stderr
    table = pd.read_csv(root / "default.csv")
    # The shipped model on clear, real-sounding units: most right.
    truth = pd.DataFrame(labelled_rows())["frame"]
    assert (table["frame"] == truth).mean() >= 0.7


def test_evaluate_prints_table_and_writes_json(runs):
    root, _, done = runs
    result = done["evaluate"]
    assert result.returncode == 0, result.stderr
    assert (
        "confusion matrix" in result.stdout
        and "macro (individual, collective, none)" in result.stdout
    )
    scores = json.loads((root / "scores.json").read_text())
    assert scores["n_units"] == 24
    assert set(scores["frame"]["per_class"]) == {"individual", "collective", "mixed", "none"}
    assert 0 <= scores["frame"]["brier"] <= 2 and scores["frame"]["macro_f1_main"] >= 0.8


def test_tampered_model_fails_with_a_coded_message(runs):
    _, _, done = runs
    result = done["tampered"]
    assert result.returncode == 2
    assert "[isic:E502]" in result.stderr and "Traceback" not in result.stderr


def test_train_weak_reports_coverage_and_agreement(runs):
    root, _, done = runs
    result = done["weak"]
    assert result.returncode == 0, result.stderr
    assert "Weak labels: coverage" in result.stdout and "agreement" in result.stdout
    meta = json.loads((root / "weak" / "model.json").read_text())
    assert meta["training_data"]["labels"] == "weak (lexicon rules)"
    assert 0 < meta["weak_supervision"]["coverage"] <= 1


def test_labels_without_frame_fail_with_a_coded_message(runs):
    _, _, done = runs
    result = done["no_labels"]
    assert (
        result.returncode == 2
        and "[isic:E509]" in result.stderr
        and "Traceback" not in result.stderr
    )
