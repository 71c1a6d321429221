"""The report CLI's options of issue 10: --labels (a filled sample sheet), --codification, --in-force-on, the demo notice."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from isic_nlp.cli.analyse import DEMO_CORPUS
from isic_nlp.reports.sample import read_labels_sheet
from tests.conftest import SHARED_CORPORA, run_cli


@pytest.mark.slow
def test_sample_then_labels_give_corrected_shares(tmp_path):
    sheet = tmp_path / "sample.csv"
    done = run_cli("sample", str(DEMO_CORPUS), "--n", "80", "--by", "period", "--period-years", "10", "--out", str(sheet))
    assert done.returncode == 0, done.stderr
    # A reader fills in the sheet (here: every unit 'none', except those whose text names a CVS).
    table = pd.read_csv(sheet, encoding="utf-8-sig")
    table["frame"] = ["collective" if "vie sociale" in str(t) else "none" for t in table["text"]]
    table.to_csv(sheet, index=False, encoding="utf-8-sig")
    assert len(read_labels_sheet(sheet).labels) == len(table)
    out = tmp_path / "report"
    done = run_cli("report", "trend", str(DEMO_CORPUS), "--by", "10", "--labels", str(sheet), "--out", str(out), "-p", "fast")
    assert done.returncode == 0, done.stderr
    frames = pd.read_csv(out / "tables" / "frames.csv")
    assert {"ppi_share", "ppi_low", "ppi_high"} <= set(frames.columns) and frames["ppi_share"].notna().any()
    assert f"{len(table):,} labelled units" in done.stderr


@pytest.mark.slow
def test_demo_report_says_it_is_a_demo(tmp_path):
    done = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "demo" / "trend-report" / "manifest.json").read_text())
    assert manifest["summary"][0].startswith("This is the demo corpus")
    assert "Its figures are not findings." in (tmp_path / "demo" / "trend-report" / "report.html").read_text()


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_CORPORA / "code-securite-sociale.jsonl").is_file(), reason="shared corpora not beside the clone")
def test_codification_is_listed_and_can_be_left_out(tmp_path):
    corpus = tmp_path / "css.jsonl"
    with open(SHARED_CORPORA / "code-securite-sociale.jsonl", encoding="utf-8") as source:
        corpus.write_text("".join(line for _, line in zip(range(600), source)), encoding="utf-8")
    runs = {}
    for mode in ("include", "exclude"):
        out = tmp_path / mode
        done = run_cli("report", "trend", str(corpus), "--by", "10", "--codification", mode, "--out", str(out), "-p", "fast",
                       "--n-boot", "50")
        assert done.returncode == 0, done.stderr
        runs[mode] = json.loads((out / "manifest.json").read_text())
    listed = pd.read_csv(tmp_path / "include" / "tables" / "codification.csv")
    assert "decret-85-1353" in set(listed["codification_text"])
    n_flagged = runs["include"]["parameters"]["n_codification"]
    assert n_flagged > 0
    assert runs["exclude"]["parameters"]["n_units"] == runs["include"]["parameters"]["n_units"] - n_flagged
    sensitivity = pd.read_csv(tmp_path / "include" / "tables" / "date_sensitivity.csv")
    assert {"date", "date_signature", "date_in_force"} <= set(sensitivity["date_field"])
