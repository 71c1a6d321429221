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
        "unknown_format": ["analyse", str(TEST_LEXICON), "--out", str(out / "x3"), "-p", "fast"],
        "n_process_0": ["analyse", str(folder / "bom.jsonl"), "--out", str(out / "x4"), "-p", "fast", "-n", "0"],
        "no_out": ["analyse", str(folder / "bom.jsonl")],
        "kwic": ["kwic", str(folder / "corpus.jsonl"), "--label", "participation", "-w", "3", "-p", "fast", *lexicon],
        "kwic_out": ["kwic", str(folder), "--label", "collective", "-p", "fast", *lexicon, "--out", str(out / "kwic.csv")],
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
        ("unknown_format", r"^\[isic:E007\] Input format of .*test_framing\.yaml not recognised"),
        ("n_process_0", r"^\[isic:E006\] n_process must be 1 or more, got 0\."),
        ("kwic_unknown_label", r"^\[isic:E003\] Unknown label 'participations'\. Known labels: rights, "),
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
    assert [p.name for p in sorted(out.iterdir())] == ["analyse", "kwic.csv"]


def test_missing_option_gives_usage(runs):
    done, _ = runs
    result = done["no_out"]
    assert result.returncode == 2
    assert "Missing option '--out'" in result.stderr
    assert "Traceback" not in result.stderr


def test_kwic_prints_one_line_per_mention(runs, bad_corpus):
    done, _ = runs
    result = done["kwic"]
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [(line.split("\t")[0], re.search(r"\[(.+?)\]", line).group(1), line.split("\t")[-1]) for line in lines] == [
        ("casf:L311-6", "associer", "participation.associer_lower"),
        ("casf:L311-6", "conseil de la vie sociale", "participation.conseil_vie_sociale"),
        *[("casf:long", "conseil de la vie sociale", "participation.conseil_vie_sociale")] * 5,
    ]
    stderr = result.stderr.splitlines()
    assert stderr[0] == "7 mentions of 'participation'."
    # the bad records of corpus.jsonl are pointed to, the first one with its line
    assert stderr[1].startswith(
        f"5 input records could not be used (first: {bad_corpus.folder / 'corpus.jsonl'}:2: malformed JSON: "
    )


def test_kwic_to_a_file_with_a_group_and_not_counted_flags(runs, bad_corpus):
    done, out = runs
    result = done["kwic_out"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"8 lines written to {out / 'kwic.csv'}"
    lines = pd.read_csv(out / "kwic.csv")
    assert lines["match"].tolist()[-1] == "collectivités territoriales"
    assert lines[["counted", "flags"]].values.tolist()[-1] == [False, "false_friend"]
    # a file-level problem (the binary file) has no line: it is named without one
    assert result.stderr.strip().startswith(
        f"6 input records could not be used (first: {bad_corpus.folder / 'binary.jsonl'}: binary file"
    )
