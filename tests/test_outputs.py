"""Typed outputs: every Parquet column has its declared type, so the tables of several runs read as one."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import isic_nlp
from isic_nlp.output import arrow_table, column_type, write_table


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, nlp_fast):
    folder = tmp_path_factory.mktemp("runs")
    # The first run has no mention at all (every mention column empty) and an empty metadata field.
    quiet = isic_nlp.analyse([{"id": "a", "text": "Rien ici.", "title": None}], nlp=nlp_fast, lemmas=True)
    busy = isic_nlp.analyse(
        [{"id": "b", "text": "Le conseil de la vie sociale n'est pas réuni.", "title": "Loi n° 2002-2"}],
        nlp=nlp_fast,
        lemmas=True,
    )
    quiet.write(folder / "quiet")
    busy.write(folder / "busy")
    return folder


@pytest.mark.parametrize("name", ["documents", "mentions", "lemmas"])
def test_two_runs_read_as_one_dataset(two_runs, name):
    files = [str(two_runs / run / f"{name}.parquet") for run in ("quiet", "busy")]
    schemas = [pq.read_schema(f) for f in files]
    assert schemas[0] == schemas[1]
    table = ds.dataset(files).to_table()
    assert table.num_rows == sum(pq.read_metadata(f).num_rows for f in files)
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet({files!r})").fetchall()[0][0]
    assert rows == table.num_rows


def test_declared_types_hold_in_an_empty_table(two_runs):
    schema = pq.read_schema(two_runs / "quiet" / "mentions.parquet")
    assert pq.read_metadata(two_runs / "quiet" / "mentions.parquet").num_rows == 0
    assert schema.field("doc_id").type == pa.string()
    assert schema.field("start_char").type == pa.int64()
    assert schema.field("counted").type == pa.bool_()
    assert schema.field("negation_cue").type == pa.string()
    documents = pq.read_schema(two_runs / "quiet" / "documents.parquet")
    assert documents.field("title").type == pa.string()  # all empty here: text, not null
    assert documents.field("n_rights").type == pa.int64()
    assert documents.field("rate_rights").type == pa.float64()


def test_metadata_of_mixed_types_are_written_as_text(tmp_path):
    table = pd.DataFrame({"id": ["a", "b"], "year": [2001, "vers 1990"], "n_tokens": [3, 4]})
    write_table(table, tmp_path / "t.parquet")
    back = pq.read_table(tmp_path / "t.parquet")
    assert back.column("year").to_pylist() == ["2001", "vers 1990"]
    assert back.schema.field("n_tokens").type == pa.int64()


def test_a_metadata_field_named_like_a_count_keeps_its_values(tmp_path):
    # 'n_ref' looks like a count column, but it is text here: it is kept, not refused.
    table = arrow_table(pd.DataFrame({"n_ref": ["NOR A", None]}))
    assert table.column("n_ref").to_pylist() == ["NOR A", None]
    assert column_type("n_ref") == "int64"
