"""The ``isic-nlp`` command as a user runs it: outputs, one-line summary, coded errors, no tracebacks.

Each invocation is a fresh interpreter that imports spaCy and builds a
pipeline (seconds): they are all started at once, in parallel, by the
``runs`` fixture, and each test checks one of them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

# The console script installed next to the interpreter running the tests.
ISIC_NLP = Path(sys.executable).parent / "isic-nlp"
TEST_LEXICON = Path(__file__).resolve().parent / "fixtures" / "lexicons" / "test_framing.yaml"

SUMMARY = re.compile(
    r"^Analysed 5 documents \((\d+) tokens\): 10 mentions, 9 counted; 6 records in errors, 3 warnings; [\d.]+ s\.$"
)


@pytest.fixture(scope="module")
def runs(bad_corpus, tmp_path_factory):
    """Run every invocation in parallel; return ``{name: (CompletedProcess, output folder)}``."""
    folder = bad_corpus.folder
    out = tmp_path_factory.mktemp("cli")
    lexicon = ["--lexicon", str(TEST_LEXICON)]
    commands = {
        "analyse": ["analyse", str(folder), "--out", str(out / "analyse"), "-p", "fast", *lexicon, "--max-length", "200"],
        "missing_file": ["analyse", str(out / "absent.jsonl"), "--out", str(out / "x1"), "-p", "fast"],
        "unknown_pipeline": ["analyse", str(folder / "bom.jsonl"), "--out", str(out / "x2"), "-p", "rapide"],
        "kwic": ["kwic", str(folder), "--label", "collective", "-w", "3", "-p", "fast", *lexicon],
        "kwic_unknown_label": ["kwic", str(folder / "bom.jsonl"), "--label", "participations", "-p", "fast", *lexicon],
    }
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    started = {
        name: subprocess.Popen(
            [str(ISIC_NLP), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for name, args in commands.items()
    }
    done = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=300)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done, out


def test_analyse_writes_every_table_and_prints_a_one_line_summary(runs):
    done, out = runs
    result = done["analyse"]
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    summaries = [line for line in result.stdout.splitlines() if line.startswith("Analysed ")]
    assert len(summaries) == 1
    match = SUMMARY.match(summaries[0])
    assert match, summaries[0]
    documents = pd.read_parquet(out / "analyse" / "documents.parquet")
    assert int(match.group(1)) == documents["n_tokens"].sum()
    for name in ("documents.csv", "documents.parquet", "mentions.csv", "mentions.parquet", "errors.csv", "manifest.json"):
        assert (out / "analyse" / name).stat().st_size > 0


def test_analyse_tables_match_the_inputs(runs, bad_corpus):
    _, out = runs
    documents = pd.read_csv(out / "analyse" / "documents.csv")
    mentions = pd.read_parquet(out / "analyse" / "mentions.parquet")
    errors = pd.read_csv(out / "analyse" / "errors.csv")
    assert documents["id"].tolist() == bad_corpus.documents
    assert [(r.doc_id, r.text, r.label, bool(r.counted)) for r in mentions.itertuples()] == bad_corpus.mentions
    for row in mentions.itertuples():
        assert bad_corpus.texts[row.doc_id][row.start_char : row.end_char] == row.text
    assert (errors["severity"] == "error").sum() + len(documents) == bad_corpus.n_records
    manifest = json.loads((out / "analyse" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["records_read"] == bad_corpus.n_records
    assert [i["name"] for i in manifest["lexicons"]] == ["test_framing", "context"]
    assert len(manifest["inputs"]) == 4


@pytest.mark.parametrize(
    "name, message",
    [
        ("missing_file", r"^\[isic:E001\] Input not found: .*absent\.jsonl\. "),
        ("unknown_pipeline", r"^\[isic:E002\] Unknown pipeline 'rapide'\. Use one of: accurate, fast"),
        ("kwic_unknown_label", r"^\[isic:E003\] Unknown label 'participations'\. Did you mean: participation\? Known labels: rights, "),
    ],
)
def test_wrong_invocation_is_a_coded_message_without_traceback(runs, name, message):
    done, out = runs
    result = done[name]
    assert result.returncode == 2
    assert re.match(message, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_wrong_invocations_write_nothing(runs):
    _, out = runs
    assert [p.name for p in sorted(out.iterdir())] == ["analyse"]


def test_kwic_prints_one_line_per_mention_with_why_it_is_not_counted(runs, bad_corpus):
    done, _ = runs
    result = done["kwic"]
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    found = [(line.split("\t")[0], re.search(r"\[(.+?)\]", line).group(1), line.split("\t")[-1]) for line in lines]
    assert found == [
        ("casf:L311-6", "associer", "participation.associer_lower"),
        ("casf:L311-6", "conseil de la vie sociale", "participation.conseil_vie_sociale"),
        *[("casf:long", "conseil de la vie sociale", "participation.conseil_vie_sociale")] * 5,
        ("casf:L116-1", "collectivités territoriales",
         "territorial.ff_collectivites_territoriales  [not counted: false_friend]"),
    ]
    # window of 3 words on each side
    assert lines[1].split("\t")[1].split() == ["est", "institué", "un", "[conseil", "de", "la", "vie", "sociale]", "."]
    stderr = result.stderr.splitlines()
    assert stderr[0] == "8 mentions of 'collective'."
    # The first bad input is named; a file-level problem (the binary file) has no line number.
    assert stderr[1].startswith(
        f"6 input records could not be used (first: {bad_corpus.folder / 'binary.jsonl'}: binary file"
    )


def test_python_dash_m_is_the_command():
    # For notebooks and environments where the console script is not on PATH.
    result = subprocess.run([sys.executable, "-m", "isic_nlp", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "analyse" in result.stdout and "report" in result.stdout
