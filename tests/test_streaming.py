"""``analyse(..., out=DIR)`` writes the tables as the documents are analysed: the files of a run written whole."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest

import isic_nlp
import isic_nlp.parallel
from isic_nlp.output import CONTENTS_FILE, TableStream, unified_schema

TEXTS = [
    "Article 1\nLe conseil de la vie sociale associe les usagers.\nArticle 2\nLe bénéficiaire a droit à une aide.",
    "Les organisations syndicales négocient un accord collectif.",
    "Le conseil de la vie sociale n'est pas réuni.",
    "",
]


def _records(n: int = 40) -> list[dict]:
    """Records whose metadata change type from batch to batch: missing, whole numbers, text, a late field."""
    records = []
    for i in range(n):
        record = {"id": f"d{i}", "text": TEXTS[i % len(TEXTS)], "year": 2000 + i}
        if i >= 10:
            record["num"] = i if i % 9 else f"L{i}"  # whole numbers, then text in some batches
        if i >= 20:
            record["share"] = 0.5 if i % 2 else 1  # whole numbers and decimals
        if i == 33:
            record["late"] = "only here"
        records.append(record)
    return records


@pytest.mark.parametrize("n_process", [1, 2])
def test_streamed_files_equal_the_files_written_whole(tmp_path, nlp_fast, monkeypatch, n_process):
    monkeypatch.setattr(isic_nlp.parallel, "CHUNK_CHARS", 150)  # a batch every few records
    records = _records()
    whole = isic_nlp.analyse(records, nlp=nlp_fast, lemmas=True, unit="alinea")
    whole.write(tmp_path / "whole")
    streamed = isic_nlp.analyse(records, nlp=nlp_fast, lemmas=True, unit="alinea", n_process=n_process,
                                out=tmp_path / "streamed")
    for name in ("documents.csv", "mentions.csv", "errors.csv"):
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "streamed" / name).read_bytes(), name
    for name in ("documents", "mentions", "lemmas"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "whole" / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / "streamed" / f"{name}.parquet"))
    documents = pd.read_parquet(tmp_path / "streamed" / "documents.parquet")
    # Metadata columns in order of first appearance, before the counts; types as if written whole.
    assert list(documents.columns[6:11]) == ["year", "num", "share", "late", "n_chars"]
    assert documents["num"].iloc[-1] == "38" and "L18" in set(documents["num"]) and documents["share"].dtype == "float64"
    manifest = json.loads((tmp_path / "streamed" / "manifest.json").read_text())
    assert set(manifest["outputs"]) == {p.name for p in (tmp_path / "streamed").iterdir()} - {"manifest.json", CONTENTS_FILE}
    assert manifest["counts"] == whole.manifest["counts"] and manifest["unit"] == whole.manifest["unit"]
    # Nothing but the outputs: the part files are gone.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["streamed", "whole"]


def test_a_streamed_result_reads_its_tables_from_the_folder(tmp_path, nlp_fast):
    result = isic_nlp.analyse(_records(8), nlp=nlp_fast, out=tmp_path / "out", texts=True)
    assert result.folder == tmp_path / "out" and result._tables["documents"] is None  # not read yet
    assert result.documents["id"].tolist() == ["d0", "d1", "d2", "d4", "d5", "d6"]  # d3, d7: empty texts
    assert result.texts["id"].tolist() == result.documents["id"].tolist()
    assert len(result.mentions) == result.manifest["counts"]["mentions"] > 0
    assert result.lemmas is None
    assert "6 documents" in result.summary()


def test_an_empty_run_writes_empty_tables(tmp_path, nlp_fast):
    result = isic_nlp.analyse([{"id": "a", "text": 3}], nlp=nlp_fast, out=tmp_path / "out", lemmas=True)
    assert len(result.documents) == 0 and "n_rights" in result.documents.columns
    assert list(result.lemmas.columns) == ["id", "lemma", "count"]
    assert result.errors["code"].tolist() == ["E204"]


def test_a_run_that_fails_midway_leaves_the_previous_folder(tmp_path, nlp_fast, monkeypatch):
    out = tmp_path / "out"
    isic_nlp.analyse(_records(4), nlp=nlp_fast, out=out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(isic_nlp.parallel, "CHUNK_CHARS", 100)
    calls = []

    def fail_on_third(self, table):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real_write(self, table)

    real_write = TableStream.write
    monkeypatch.setattr(TableStream, "write", fail_on_third)
    with pytest.raises(KeyboardInterrupt):
        isic_nlp.analyse(_records(), nlp=nlp_fast, out=out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder, no lock


def test_unified_schema_promotes_or_falls_back_to_text():
    schemas = [
        pa.schema([("id", pa.string()), ("a", pa.null()), ("b", pa.int64()), ("n", pa.int64())]),
        pa.schema([("id", pa.string()), ("a", pa.int64()), ("b", pa.string()), ("c", pa.float64()), ("n", pa.int64())]),
        pa.schema([("id", pa.string()), ("a", pa.float64()), ("d", pa.null()), ("n", pa.int64())]),
    ]
    assert unified_schema(schemas, last=("n",)) == pa.schema(
        [("id", pa.string()), ("a", pa.float64()), ("b", pa.string()), ("c", pa.float64()), ("d", pa.string()),
         ("n", pa.int64())])


def _batch(**columns):
    return pa.table(columns)


@pytest.mark.parametrize("changing", [False, True])
def test_documents_go_to_the_files_as_they_come_while_their_schema_holds(tmp_path, monkeypatch, changing):
    """Batches that keep the first schema are written at once; one that changes it (here, a column that
    was empty gets whole numbers) sends every batch through the part files; same files either way."""
    batches = [_batch(id=["a", "b"], year=pa.array([None, None], pa.null()), n=[1, 2]),
               _batch(id=["c"], year=pa.array([None], pa.null()), n=[3]),
               _batch(id=["d"], year=pa.array([2001 if changing else None], pa.int64() if changing else pa.null()), n=[4])]
    stream = TableStream(tmp_path, "documents", empty=batches[0].slice(0, 0), last=("n",))
    stream.write(batches[0])
    stream.write(batches[1])
    # Written as they come: the files are there before the end.
    assert (tmp_path / "documents.csv").exists() and (tmp_path / "documents.parquet").exists()
    stream.write(batches[2])
    assert (tmp_path / "documents.csv").exists() is not changing  # dropped when the schema changed
    import pyarrow.parquet as pq

    reads = []
    read_table = pq.read_table
    monkeypatch.setattr(pq, "read_table", lambda path, *a, **k: reads.append(path) or read_table(path, *a, **k))
    written = stream.close()
    assert len(reads) == (3 if changing else 0)  # the parts are read back only when the schema changed
    documents = pd.read_parquet(written["documents.parquet"])
    assert documents["id"].tolist() == ["a", "b", "c", "d"] and documents["n"].tolist() == [1, 2, 3, 4]
    assert pq.read_schema(written["documents.parquet"]).field("year").type == (pa.int64() if changing else pa.string())
    assert written["documents.csv"].read_text(encoding="utf-8").splitlines()[-1] == ("d,2001,4" if changing else "d,,4")
    assert not (tmp_path / ".documents.parts").exists()
