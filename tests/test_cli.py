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


# --------------------------------------------------------------------------- did you mean, choices, describe (issue 15)


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([str(ISIC_NLP), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_a_mistyped_input_path_gets_the_close_names_of_its_folder(tmp_path):
    (tmp_path / "corpus.jsonl").write_text('{"id": "a", "text": "Le droit au logement."}\n', encoding="utf-8")
    (tmp_path / "autre.csv").write_text("id,text\n", encoding="utf-8")
    for args in (["corpus", "describe"], ["report", "trend", "--out", str(tmp_path / "r")]):
        done = _run(*args, str(tmp_path / "corpsu.jsonl"))
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert re.match(r"^\[isic:E001\] Input not found: .*corpsu\.jsonl\. .*Did you mean: .*/corpus\.jsonl\?$", done.stderr.strip())
        assert "autre.csv" not in done.stderr
    # A mistyped folder: the path under the corrected folder, when it exists.
    done = _run("corpus", "describe", str(tmp_path.parent / (tmp_path.name + "x") / "corpus.jsonl"))
    assert f"Did you mean: {tmp_path / 'corpus.jsonl'}" in done.stderr, done.stderr
    # Nothing close: the plain message.
    done = _run("corpus", "describe", str(tmp_path / "zzzz.qqq"))
    assert done.returncode == 2 and "Did you mean" not in done.stderr
    assert not (tmp_path / "r").exists()


def test_a_mistyped_option_gets_a_suggestion_from_click(tmp_path):
    """Click already suggests close option names ("Possible options"): this proves it, for our commands."""
    done = _run("report", "trend", str(tmp_path), "--out", str(tmp_path / "r"), "--n-bot", "10")
    assert done.returncode == 2 and "No such option: --n-bot" in done.stderr and "--n-boot" in done.stderr, done.stderr
    done = _run("analyse", str(tmp_path), "--out", str(tmp_path / "a"), "--pipline", "fast")
    assert done.returncode == 2 and "No such option: --pipline" in done.stderr and "--pipeline" in done.stderr, done.stderr


@pytest.mark.parametrize("args", [
    ["report", "trend", "--help"], ["report", "compare", "--help"], ["export", "txm", "--help"], ["export", "iramuteq", "--help"],
])
def test_unit_choices_are_listed_and_checked_on_every_command(args, tmp_path):
    done = _run(*args)
    assert "--unit <document|article|alinea>" in done.stdout, done.stdout
    wrong = [*args[:-1], str(tmp_path), "--out", str(tmp_path / "o"), "--unit", "artcle"]
    done = _run(*wrong)
    assert done.returncode == 2 and "'artcle' is not one of 'document', 'article', 'alinea'" in done.stderr, done.stderr


def test_report_locale_choices_are_listed_and_checked(tmp_path):
    assert "--locale <en|fr>" in _run("report", "trend", "--help").stdout
    done = _run("report", "compare", str(tmp_path), "--out", str(tmp_path / "o"), "--locale", "de")
    assert done.returncode == 2 and "'de' is not one of 'en', 'fr'" in done.stderr


def test_corpus_describe_is_tidy_without_dates_and_writes_its_table(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "a", "text": "Le droit au logement."}\n{"id": "b", "text": "Les salariés."}\n',
                                    encoding="utf-8")
    (folder / "b.csv").write_text("id,text,date\nc,Une aide,vers 2003\n", encoding="utf-8")  # a date, not yyyy-mm-dd
    done = _run("corpus", "describe", str(folder))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "None" not in text and "Empty DataFrame" not in text and "NaN" not in text, text
    assert text.startswith("3 documents, 8 tokens (whitespace); no dates: no record has a yyyy-mm-dd 'date' or a "
                           "'year' field (1 with a 'date' in another form)"), text
    assert "Per file:" in text and "No doc_type field in the records." in text and "Per year:" not in text
    assert re.search(r"a\.jsonl\s+jsonl\s+2\s+6\s+no dates\s+2\s+0", text), text
    csv = _run("corpus", "describe", str(folder), "--format", "csv")
    table = pd.read_csv(__import__("io").StringIO(csv.stdout))
    assert table[["format", "documents", "tokens", "no_date", "bad_date"]].values.tolist() == [["jsonl", 2, 6, 2, 0], ["csv", 1, 2, 1, 1]]
    as_json = json.loads(_run("corpus", "describe", str(folder), "-f", "json").stdout)
    assert [r["file"].rsplit("/", 1)[-1] for r in as_json] == ["a.jsonl", "b.csv"] and as_json[0]["date_min"] is None
    done = _run("corpus", "describe", str(folder), "--out", str(tmp_path / "tidy.csv"))
    assert done.returncode == 0 and pd.read_csv(tmp_path / "tidy.csv").equals(table)
    # An empty folder: a coded message, no traceback.
    (tmp_path / "empty").mkdir()
    done = _run("corpus", "describe", str(tmp_path / "empty"))
    assert done.returncode == 2 and done.stderr.startswith("[isic:E004] Nothing to read in") and "Traceback" not in done.stderr
