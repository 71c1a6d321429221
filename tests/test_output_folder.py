"""Output folders are replaced whole: one complete run or the previous one, never a mix; one writer at a time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

import isic_nlp
from isic_nlp.errors import IsicError
from isic_nlp.output import CONTENTS_FILE, check_output_folder, output_folder


def _run(nlp, texts, lemmas=False):
    return isic_nlp.analyse([{"id": f"d{i}", "text": t} for i, t in enumerate(texts)], nlp=nlp, lemmas=lemmas)


def test_a_new_run_replaces_the_whole_folder(tmp_path, nlp_fast):
    out = tmp_path / "out"
    _run(nlp_fast, ["Le conseil de la vie sociale."], lemmas=True).write(out)
    assert (out / "lemmas.parquet").exists()
    _run(nlp_fast, ["Un autre texte.", "Et un autre."]).write(out)
    # The earlier run's lemmas.parquet is gone with it: reports cannot read a stale table.
    assert sorted(p.name for p in out.iterdir()) == [
        CONTENTS_FILE, "documents.csv", "documents.parquet", "errors.csv", "manifest.json", "mentions.csv",
        "mentions.parquet"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["documents"] == 2 and set(manifest["outputs"]) == {
        p.name for p in out.iterdir() if p.name not in ("manifest.json", CONTENTS_FILE)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lock, temporary or old folder left


def test_a_failed_run_leaves_the_previous_one_whole(tmp_path, nlp_fast):
    out = tmp_path / "out"
    _run(nlp_fast, ["Le conseil de la vie sociale."]).write(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(KeyboardInterrupt):
        with output_folder(out) as tmp:
            (tmp / "documents.csv").write_text("half a run")
            raise KeyboardInterrupt
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_folder_of_other_files_is_refused_before_any_work(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("my notes")
    with pytest.raises(IsicError, match="E008"):
        check_output_folder(tmp_path / "mine")
    (tmp_path / "file").write_text("x")
    with pytest.raises(IsicError, match="E008"):
        check_output_folder(tmp_path / "file")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "my notes"


def test_files_added_to_an_earlier_output_are_never_deleted(tmp_path, nlp_fast):
    out = tmp_path / "out"
    _run(nlp_fast, ["Le conseil de la vie sociale."]).write(out)
    (out / "notes.txt").write_text("my notes")
    (out / "trend-report").mkdir()
    with pytest.raises(IsicError, match=r"E008.*did not write \(notes.txt, trend-report\)"):
        _run(nlp_fast, ["Un autre texte."]).write(out)
    assert (out / "notes.txt").read_text() == "my notes" and (out / "trend-report").is_dir()
    # An isic_nlp output inside it (the demo writes its report there) is an output, not a user's file.
    (out / "notes.txt").unlink()
    (out / "trend-report").rmdir()
    _run(nlp_fast, ["Un texte."]).write(out / "trend-report")
    assert check_output_folder(out) == out
    (out / "trend-report" / "mine.txt").write_text("mine")
    with pytest.raises(IsicError, match=r"did not write \(trend-report\)"):
        check_output_folder(out)
    (out / "trend-report" / "mine.txt").unlink()
    # Without them, the folder is replaced as before.
    _run(nlp_fast, ["Un autre texte."]).write(out)
    assert json.loads((out / "manifest.json").read_text())["counts"]["documents"] == 1


def test_an_older_output_without_contents_record_is_replaced_only_if_it_holds_outputs(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"isic_nlp_version": "0.9"}))
    (out / "documents.csv").write_text("id\n")
    (out / "mentions.parquet").mkdir()  # a partitioned table
    assert check_output_folder(out) == out
    (out / "analyse.log").write_text("mine")
    with pytest.raises(IsicError, match="analyse.log"):
        check_output_folder(out)


def test_a_folder_holding_an_input_of_the_run_is_refused(tmp_path, nlp_fast):
    data = tmp_path / "analysis"
    _run(nlp_fast, ["Le conseil de la vie sociale."]).write(data)
    with pytest.raises(IsicError, match="E008.*holds an input"):
        check_output_folder(data, [data])
    with pytest.raises(IsicError, match="E008.*holds an input"):
        check_output_folder(tmp_path, [data / "documents.csv"])
    with pytest.raises(IsicError, match="E008.*holds an input"):
        isic_nlp.analyse(str(data / "documents.csv"), nlp=nlp_fast, out=data)
    assert check_output_folder(tmp_path / "elsewhere", [data]) == tmp_path / "elsewhere"


def test_a_second_writer_is_refused(tmp_path):
    out = tmp_path / "out"
    with output_folder(out) as tmp:
        (tmp / "manifest.json").write_text(json.dumps({"isic_nlp_version": "x"}))
        with pytest.raises(IsicError, match="E009"):
            with output_folder(out):
                pass
    assert (out / "manifest.json").exists()


def test_leftovers_of_a_killed_run_are_cleaned_by_the_next(tmp_path):
    out = tmp_path / "out"
    (tmp_path / ".out.123.old").mkdir()
    (tmp_path / ".out.abc.tmp").mkdir()
    with output_folder(out) as tmp:
        (tmp / "manifest.json").write_text("{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_cli_killed_while_writing_leaves_the_previous_run(tmp_path, nlp_fast):
    out = tmp_path / "out"
    _run(nlp_fast, ["Le conseil de la vie sociale."]).write(out)
    before = (out / "manifest.json").read_bytes()
    # A writer that dies with SIGKILL in the middle of a run.
    code = (
        "import sys, time; from isic_nlp.output import output_folder\n"
        f"with output_folder({str(out)!r}) as tmp:\n"
        "    (tmp / 'documents.csv').write_text('new'); print('writing', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert (out / "manifest.json").read_bytes() == before
    assert (out / "documents.csv").read_text() != "new"
    # The next run cleans the dead run's temporary folder and writes normally.
    _run(nlp_fast, ["Encore un texte."]).write(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert json.loads((out / "manifest.json").read_text())["counts"]["documents"] == 1
