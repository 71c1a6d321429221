"""Progress bars: on stderr with a total when the input size is known, off when not a terminal or with --quiet."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

import isic_nlp
from isic_nlp.analysis import known_total
from isic_nlp.progress import progress_enabled, set_progress, with_progress

ROOT = Path(__file__).resolve().parents[1]


def test_a_bar_with_a_total_shows_the_share_done(capsys):
    assert list(with_progress(range(3), 3, desc="demo", enabled=True)) == [0, 1, 2]
    err = capsys.readouterr().err
    assert "demo" in err and "0/3" in err  # the total from the start (the bar is cleared when done)


def test_the_setting_of_the_process(monkeypatch):
    try:
        assert not progress_enabled()  # Python: off unless asked
        set_progress("auto")
        monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
        assert not progress_enabled()
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
        assert progress_enabled() and not progress_enabled(False)
    finally:
        set_progress(False)


def test_known_total(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": 1, "text": "x"}\n\n{"id": 2, "text": "y"}\n', encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,text\n1,x\n", encoding="utf-8")
    assert known_total(str(tmp_path / "a.jsonl")) == 2
    assert known_total([{"text": "x"}] * 4) == 4
    assert known_total([str(tmp_path / "b.csv")]) is None  # CSV rows are not lines: no total


def test_analyse_shows_its_total(tmp_path, nlp_fast, capsys):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": "Le conseil."}) + "\n" for i in range(5)), encoding="utf-8")
    isic_nlp.analyse(str(path), nlp=nlp_fast, progress=True)
    assert "/5 " in capsys.readouterr().err
    isic_nlp.analyse(str(path), nlp=nlp_fast)
    assert capsys.readouterr().err == ""


def _stderr_on_a_terminal(args: list[str]) -> str:
    """stderr of ``isic-nlp ARGS`` run with stderr on a pseudo-terminal."""
    master, slave = pty.openpty()
    # A new pseudo-terminal is 0 columns wide: give it a terminal's width.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    code = "import sys; from isic_nlp.cli import main; sys.argv = ['isic-nlp', *sys.argv[1:]]; main()"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code, *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=slave, env=env, timeout=300, check=True)
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_the_cli_shows_a_bar_on_a_terminal_unless_quiet(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": "Le conseil."}) + "\n" for i in range(7)), encoding="utf-8")
    shown = _stderr_on_a_terminal(["analyse", str(path), "--out", str(tmp_path / "o1"), "-p", "fast"])
    assert "analyse" in shown and "/7 " in shown
    quiet = _stderr_on_a_terminal(["analyse", str(path), "--out", str(tmp_path / "o2"), "-p", "fast", "--quiet"])
    assert "/7 " not in quiet and "analyse:" not in quiet


def test_export_shows_the_units_it_writes(tmp_path, capsys):
    from isic_nlp.corpus.export import export_iramuteq

    records = [{"id": f"d{i}", "text": f"Texte numéro {i}."} for i in range(3)]
    try:
        set_progress(True)
        result = export_iramuteq(records, tmp_path / "corpus.txt")
    finally:
        set_progress(False)
    assert result.units == 3 and "Exporting" in capsys.readouterr().err
    export_iramuteq(records, tmp_path / "again.txt")  # off by default in Python
    assert capsys.readouterr().err == ""
