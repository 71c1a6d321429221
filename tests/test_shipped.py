"""Shipped data is found by one function, the same in a checkout, an editable install and a wheel."""

from __future__ import annotations

import json

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import isic_nlp
from isic_nlp.corpus import load_manifest
from isic_nlp.errors import IsicError
from isic_nlp.lexicons import load_lexicon, shipped_lexicon_paths
from isic_nlp.pipeline import shipped_pipelines
from isic_nlp.shipped import KINDS, data_file, data_folder

ROOT = Path(__file__).resolve().parents[1]
TOP_LEVEL = {"lexicons": "lexicons", "pipelines": "pipelines", "corpora": "corpora", "reports": "reports"}


@pytest.mark.parametrize("kind", sorted(TOP_LEVEL))
def test_the_package_sees_the_top_level_folders(kind):
    # In a checkout, isic_nlp/data/<kind> is the repository's <kind>/ folder itself.
    assert data_folder(kind).resolve() == (ROOT / TOP_LEVEL[kind]).resolve()


def test_every_shipped_file_loads():
    assert set(shipped_lexicon_paths()) == {"framing", "isic_modes", "context"}
    for path in shipped_lexicon_paths().values():
        assert load_lexicon(path).entries
    assert set(shipped_pipelines()) == {"accurate", "fast"}
    for path in data_folder("corpora").glob("*.yaml"):
        if "dataset:" not in path.read_text(encoding="utf-8"):
            assert load_manifest(path).sources
    assert data_file("corpora", "demo.jsonl.gz").stat().st_size > 100_000
    assert "body" in data_file("reports", "report.css").read_text(encoding="utf-8")
    assert (data_folder("models") / "default" / "model.skops").is_file()


def test_a_missing_file_or_kind_is_a_coded_error():
    with pytest.raises(IsicError, match=r"\[isic:E031\].*lexicons/nope.yaml.*Reinstall"):
        data_file("lexicons", "nope.yaml")
    with pytest.raises(IsicError, match=r"\[isic:E030\].*Known kinds: " + ", ".join(KINDS)):
        data_folder("nope")


def test_no_module_exists_only_in_an_installed_tree():
    """Every package the build installs is a folder of the source tree with the same name."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "package-dir" not in config
    assert config["packages"] == {"find": {"include": ["isic_nlp*"]}}


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_from_the_repository_root(tmp_path):
    """Build the wheel, install it with the lock into a new venv, then use it from the repository root."""
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheel = next(dist.glob("isic_nlp-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind, folder in TOP_LEVEL.items():
        shipped = {p.name for p in (ROOT / folder).iterdir() if p.suffix in {".yaml", ".cfg", ".gz", ".css", ".md", ".j2", ".html"}}
        assert {f"isic_nlp/{KINDS[kind]}/{n}" for n in shipped} <= names, kind
    # Every module of the wheel is a file of the source tree, at the same place.
    assert all((ROOT / n).is_file() for n in names if n.endswith(".py")), sorted(n for n in names if n.endswith(".py") and not (ROOT / n).is_file())
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    done = subprocess.run([*pip, "-r", str(ROOT / "requirements.lock")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    done = subprocess.run([*pip, "--no-deps", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    code = "import isic_nlp; nlp = isic_nlp.load('fast'); print(isic_nlp.__file__, len(nlp('Le droit au logement.')))"
    # From the repository root, `.` on sys.path shadows the install with the source tree: both must work.
    for cwd, inside in ((ROOT, ROOT), (tmp_path, venv)):
        done = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd=cwd, env=env)
        assert done.returncode == 0, done.stderr[-3000:]
        assert Path(done.stdout.split()[0]).resolve().is_relative_to(inside.resolve()), done.stdout
    done = subprocess.run(
        [str(venv / "bin" / "isic-nlp"), "demo", "--out", str(tmp_path / "demo")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "demo" / "trend-report" / "report.html").is_file()
    # The whole demo corpus is analysed: 444 documents, no record lost.
    counts = json.loads((tmp_path / "demo" / "manifest.json").read_text())["counts"]
    assert counts["documents"] == 444 and counts["errors"] == 0, counts
    assert isic_nlp.__version__
