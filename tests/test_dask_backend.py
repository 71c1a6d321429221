"""The Dask backend writes the tables of one process, one Parquet file per partition."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import isic_nlp
import isic_nlp.dask_backend
from isic_nlp.errors import IsicError
from isic_nlp.output import CONTENTS_FILE, read_table

KEYS = {"documents": ["id"], "mentions": ["doc_id", "start_char", "end_char", "label", "entry_id"],
        "lemmas": ["id", "lemma"]}


def _sorted(table: pd.DataFrame, name: str) -> pd.DataFrame:
    return table.sort_values(KEYS[name]).reset_index(drop=True)


def _check_same_tables(bad_corpus, nlp, tmp_path, monkeypatch, scheduler: str) -> dict:
    monkeypatch.setattr(isic_nlp.dask_backend, "PARTITION_CHARS", 150)  # several partitions per file
    inputs = [str(bad_corpus.folder)]
    one = isic_nlp.analyse(inputs, nlp=nlp, lemmas=True, unit="alinea", max_length=200, out=tmp_path / "one")
    dask = isic_nlp.analyse(inputs, nlp=nlp, lemmas=True, unit="alinea", max_length=200, out=tmp_path / "dask",
                            scheduler=scheduler)
    for name in ("documents", "mentions", "lemmas"):
        parts = sorted((tmp_path / "dask" / f"{name}.parquet").iterdir())
        assert len(parts) > 3 and all(p.name.startswith("part-") for p in parts)
        pd.testing.assert_frame_equal(_sorted(read_table(tmp_path / "one" / f"{name}.parquet"), name),
                                      _sorted(read_table(tmp_path / "dask" / f"{name}.parquet"), name))
        # pandas reads the folder of parts as one table too
        assert len(pd.read_parquet(tmp_path / "dask" / f"{name}.parquet")) == len(getattr(one, name))
    assert (tmp_path / "one" / "errors.csv").read_bytes() == (tmp_path / "dask" / "errors.csv").read_bytes()
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["counts"] == one.manifest["counts"]
    assert set(manifest["outputs"]) == {str(p.relative_to(tmp_path / "dask")) for p in (tmp_path / "dask").rglob("*")
                                        if p.is_file() and p.name not in ("manifest.json", CONTENTS_FILE)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dask", "one"]  # no temporary folder, no saved pipeline
    assert dask.documents["id"].tolist() == one.documents["id"].tolist()
    return manifest


def test_threads_scheduler_gives_the_tables_of_one_process(bad_corpus, nlp_test_fast, tmp_path, monkeypatch):
    manifest = _check_same_tables(bad_corpus, nlp_test_fast, tmp_path, monkeypatch, "threads")
    assert manifest["scheduler"]["scheduler"] == "threads" and manifest["scheduler"]["partitions"] > 3


@pytest.mark.slow
def test_a_local_cluster_gives_the_tables_of_one_process(bad_corpus, nlp_test_fast, tmp_path, monkeypatch):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        manifest = _check_same_tables(bad_corpus, nlp_test_fast, tmp_path, monkeypatch, address)
    assert manifest["scheduler"]["scheduler"] == cluster.scheduler_address


@pytest.mark.parametrize("scheduler, others, message", [
    ("spark://x", {}, "scheduler must be threads, processes or dask://HOST:PORT"),
    ("threads", {"out": None}, "scheduler must be given with out"),
    ("threads", {"texts": True}, "scheduler must be given with out"),
])
def test_bad_scheduler_use_is_a_coded_error(tmp_path, nlp_fast, scheduler, others, message):
    with pytest.raises(IsicError, match=r"\[isic:E006\] " + message):
        isic_nlp.analyse([{"id": "a", "text": "x"}], nlp=nlp_fast, scheduler=scheduler,
                         **{"out": tmp_path / "out", **others})
