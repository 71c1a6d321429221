"""Corpus manifests (filters, deduplication, counts that add up) and ``corpus describe``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

import isic_nlp
from isic_nlp.corpus import describe, load_manifest
from isic_nlp.corpus.readers import Record, input_files, read_records
from isic_nlp.corpus.fetch import dataset_folder, get_dataset, is_present
from isic_nlp.errors import IsicError
from isic_nlp.shipped import data_folder

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "tests" / "fixtures" / "inputs"
SHARED = ROOT.parent / "shared" / "corpora"

MANIFEST = """\
name: casf-extrait
base: {base}
sources: [casf_extrait.jsonl]
filters:
  - doc_type in [CODE_ARTICLE]
  - date >= 2000-01-01
deduplicate: date
"""


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "casf.yaml"
    path.write_text(MANIFEST.format(base=INPUTS), encoding="utf-8")
    return path


def test_manifest_filters_and_deduplicates_and_counts_what_it_leaves_out(manifest):
    records = read_records(manifest)
    kept = [r.id for r in records if isinstance(r, Record)]
    # L111-1 and L113-1 share the date 2000-12-23: the first is kept.
    assert kept == ["etalab-cjf:casf:L111-1", "etalab-cjf:casf:L116-2"]
    assert (records.selection["filtered"], records.selection["duplicates"]) == (0, 1)
    assert [p.name for p in input_files(manifest)] == ["casf.yaml", "casf_extrait.jsonl"]


def test_analyse_a_manifest_accounts_for_every_record(manifest, tmp_path, nlp_test_fast):
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("date >= 2000-01-01", "year >= 2001"),
        encoding="utf-8",
    )
    result = isic_nlp.analyse(str(manifest), nlp=nlp_test_fast)
    counts = result.manifest["counts"]
    assert (counts["documents"], counts["errors"], counts["filtered"], counts["duplicates"]) == (
        1,
        0,
        2,
        0,
    )
    assert (
        counts["records_read"]
        == 3
        == counts["documents"] + counts["errors"] + counts["filtered"] + counts["duplicates"]
    )
    [info] = result.manifest["corpus_manifests"]
    assert info["filtered_by"] == {"doc_type in [CODE_ARTICLE]": 0, "year >= 2001": 2}
    result.write(tmp_path / "out")
    written = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert written["counts"]["filtered"] == 2 and written["inputs"][0]["file"].endswith("casf.yaml")


def test_invalid_manifest_lists_every_problem_at_once(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "sources: [a.jsonl]\nfiltres: []\nfilters: ['year = 2002', 'doc_type in LOI']\n",
        encoding="utf-8",
    )
    with pytest.raises(IsicError) as err:
        load_manifest(path)
    message = str(err.value)
    assert message.startswith("[isic:E402]")
    assert (
        "unknown key(s) filtres" in message
        and "'year = 2002'" in message
        and "needs a [list]" in message
    )


def test_missing_source_is_a_coded_error(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("sources: [absent.jsonl]\n", encoding="utf-8")
    with pytest.raises(IsicError, match=r"\[isic:E403\] Source 'absent.jsonl'"):
        isic_nlp.analyse(str(path), pipeline="fast")


def test_a_manifest_source_is_read_by_the_format_readers_only(tmp_path):
    """A manifest, TXM folder or IRaMuTeQ file among the sources is refused, not misread."""
    (tmp_path / "a.jsonl").write_text('{"id": "a", "text": "Un."}\n', encoding="utf-8")
    (tmp_path / "inner.yaml").write_text("sources: [a.jsonl]\n", encoding="utf-8")
    (tmp_path / "txm").mkdir()
    (tmp_path / "txm" / "metadata.csv").write_text("id\n", encoding="utf-8")
    (tmp_path / "ira.txt").write_text("**** *id_x\nTexte.\n", encoding="utf-8")
    path = tmp_path / "outer.yaml"
    path.write_text("sources: [a.jsonl, inner.yaml, txm, ira.txt]\n", encoding="utf-8")
    with pytest.raises(IsicError) as err:
        load_manifest(path)
    message = str(err.value)
    assert err.value.code == "E402"
    assert "inner.yaml' is a corpus manifest" in message and "txm' is a TXM folder" in message
    assert "ira.txt' is an IRaMuTeQ corpus" in message and "a.jsonl' is" not in message
    # Given on the command line next to a manifest, they are read as usual.
    path.write_text("sources: [a.jsonl]\n", encoding="utf-8")
    ids = [r.id for r in read_records([path, tmp_path / "ira.txt"]) if isinstance(r, Record)]
    assert ids == ["a", "x"]


SHIPPED_MANIFESTS = sorted(data_folder("corpora").glob("*.yaml"))


def _needs_legi():
    if not is_present("legi") and shutil.which("npm") is None:
        pytest.skip("the LEGI dataset is not here and npm is not installed to fetch it")
    get_dataset("legi")


def test_the_shipped_manifests_are_found_in_the_package():
    assert {p.name for p in SHIPPED_MANIFESTS} == {"demo.yaml", "legi-codes-creating-text.yaml"}


@pytest.mark.parametrize("path", SHIPPED_MANIFESTS, ids=lambda p: p.name)
def test_shipped_manifests_name_only_shipped_or_fetchable_data(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # Nothing outside what a user has: no `base` (a folder beside the clone exists nowhere else).
    assert "base" not in data
    if "dataset" in data:
        _needs_legi()
    manifest = load_manifest(path)
    assert manifest.sources and all(p.exists() for p in manifest.sources)
    for source in manifest.sources:
        assert source.is_relative_to(path.parent) or source.is_relative_to(dataset_folder(data["dataset"]))


def test_a_missing_dataset_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ISIC_LEGI_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(IsicError, match=r"\[isic:E035\].*`isic-nlp corpus get legi`.*ISIC_LEGI_DATA"):
        load_manifest(data_folder("corpora") / "legi-codes-creating-text.yaml")


def test_an_unknown_dataset_is_a_manifest_problem(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("dataset: nope\nsources: [a.json]\n", encoding="utf-8")
    with pytest.raises(IsicError, match=r"\[isic:E402\].*unknown dataset 'nope'; known: legi"):
        load_manifest(path)


def test_corpus_get_fetches_checks_and_keeps_the_files_atomically(tmp_path, monkeypatch):
    """A fake `npm` that packs a tarball: a wrong checksum keeps nothing; the right one keeps the files."""
    import base64
    import hashlib
    import io
    import tarfile

    from isic_nlp.corpus import fetch

    tarball = tmp_path / "pkg.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name in fetch.DATASETS["legi"].files:
            info = tarfile.TarInfo(f"package/data/{name}")
            info.size = 2
            archive.addfile(info, io.BytesIO(b"{}"))
    npm = tmp_path / "npm"
    npm.write_text(f"#!/bin/sh\ncp {tarball} ./legi.tgz\n", encoding="utf-8")
    npm.chmod(0o755)
    monkeypatch.setenv("ISIC_LEGI_DATA", str(tmp_path / "legi"))
    with pytest.raises(IsicError, match=r"\[isic:E034\]"):
        fetch.get_dataset("legi", npm=str(npm))
    assert not (tmp_path / "legi").exists()
    good = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    monkeypatch.setitem(fetch.DATASETS, "legi", fetch.Dataset(**{**fetch.DATASETS["legi"].__dict__, "integrity": good}))
    folder = fetch.get_dataset("legi", npm=str(npm))
    assert sorted(p.name for p in folder.iterdir()) == sorted(fetch.DATASETS["legi"].files)
    with pytest.raises(IsicError, match=r"\[isic:E033\].*`/nonexistent/npm` is not installed"):
        fetch.get_dataset("legi", npm="/nonexistent/npm", force=True)
    assert fetch.is_present("legi")  # a failed fetch leaves the earlier files alone


def test_the_shared_corpora_example_manifest_is_valid():
    if not SHARED.is_dir():
        pytest.skip("../shared/corpora is not here")
    manifest = load_manifest(ROOT / "docs" / "manifests" / "service-public.yaml")
    assert [p.name for p in manifest.sources] == ["fiches-service-public.jsonl.gz"]


def test_describe_counts_documents_tokens_years_and_types():
    d = describe([INPUTS / "casf_extrait.jsonl", INPUTS / "casf_txt"])
    row = d.summary.iloc[0]
    assert (row["documents"], row["errors"], row["no_date"]) == (
        5,
        0,
        2,
    )  # the .txt files have no date
    assert (row["date_min"], row["date_max"]) == ("2000-12-23", "2002-01-03")
    dated = [
        json.loads(line)
        for line in (INPUTS / "casf_extrait.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    n_2000 = sum(len(r["text"].split()) for r in dated if r["year"] == 2000)
    n_2002 = sum(len(r["text"].split()) for r in dated if r["year"] == 2002)
    n_txt = sum(
        len(p.read_text(encoding="utf-8").split()) for p in (INPUTS / "casf_txt").glob("*.txt")
    )
    assert row["tokens"] == n_2000 + n_2002 + n_txt
    assert d.per_year.astype(object).values.tolist() == [
        [2000, 2, n_2000],
        [2002, 1, n_2002],
        [None, 2, n_txt],
    ]
    assert d.per_doc_type["doc_type"].tolist() == ["CODE_ARTICLE", None]


def test_corpus_describe_cli_on_the_demo_manifest(cli):
    done = cli("corpus", "describe", str(ROOT / "corpora" / "demo.yaml"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("444 documents")
    assert "Records read 444 = documents 444 + errors 0 + filtered 0 + duplicates 0" in done.stdout


@pytest.mark.slow
def test_legi_manifest_on_the_legi_package():
    """Same selection as the shared corpora's prepared files (their README: 4,872 + 2,624 + 4,100 + 370)."""
    _needs_legi()
    d = describe(str(ROOT / "corpora" / "legi-codes-creating-text.yaml"))
    row = d.summary.iloc[0]
    assert (row["records_read"], row["documents"], row["filtered"], row["duplicates"]) == (
        29_115,
        11_966,
        17_149,
        0,
    )
