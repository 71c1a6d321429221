"""The training copies match their README (SHA-256) and every label change is recorded."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

TRAINING = Path(__file__).resolve().parents[2] / "isic_nlp" / "models" / "training"


def test_readme_lists_the_sha256_of_every_training_file():
    readme = (TRAINING / "README.md").read_text(encoding="utf-8")
    for path in sorted(TRAINING.glob("*.jsonl")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert re.search(rf"`{path.name}`.*`{digest}`", readme), f"{path.name}: README has not its SHA-256 {digest}"


def test_every_label_change_is_recorded_and_applied():
    with (TRAINING / "label_changes.csv").open(encoding="utf-8", newline="") as handle:
        changes = list(csv.DictReader(handle))
    assert changes
    units = {
        (path.name, record["id"]): record
        for path in TRAINING.glob("*.jsonl")
        for record in map(json.loads, path.open(encoding="utf-8"))
    }
    for change in changes:
        record = units[(change["file"], change["id"])]
        assert record["frame"] == change["new_frame"] != change["old_frame"]
        assert change["reason"].startswith("ANNOTATION.md §4")
        assert "label_changes.csv" in record["label_note"]
    noted = {key for key, record in units.items() if "label_note" in record}
    assert noted == {(c["file"], c["id"]) for c in changes}  # no change left unrecorded
