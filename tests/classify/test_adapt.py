"""Domain adaptation: retrain on the shipped labels plus a researcher's filled sample sheet, with the gain measured."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from classify_data import labelled_rows  # type: ignore[import-not-found]

from tests.conftest import run_cli


@pytest.mark.slow
def test_train_add_retrains_and_reports_before_and_after(tmp_path):
    # A filled sheet as `isic-nlp sample` writes it (id, text, frame, labour_relations, modes...).
    rows = labelled_rows()
    sheet = pd.DataFrame({"id": [r["id"] for r in rows], "text": [r["text"] for r in rows],
                          "frame": [r["frame"] for r in rows], "labour_relations": ["" for _ in rows],
                          "communautaire": "", "groupes": "", "dsl": "", "collectives": "", "note": ""})
    path = tmp_path / "sample.csv"
    sheet.to_csv(path, index=False, encoding="utf-8-sig")
    done = run_cli("train", "--add", str(path), "--out", str(tmp_path / "adapted"), "--holdout", "0.5", timeout=900)
    assert done.returncode == 0, done.stderr
    meta = json.loads((tmp_path / "adapted" / "model.json").read_text())
    adaptation = meta["adaptation"]
    assert adaptation["n_added"] == len(rows) and adaptation["n_heldout"] == len(rows) // 2
    assert 0 <= adaptation["before"]["macro_f1_main"] <= 1 and 0 <= adaptation["after"]["macro_f1_main"] <= 1
    assert meta["training_data"]["n_units"] == 879 + len(rows)
    assert "held out: frame macro-F1" in done.stdout
