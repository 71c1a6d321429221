"""``analyse`` and ``kwic`` end to end: every good record analysed, every bad one in errors."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import signal
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

import isic_nlp
from isic_nlp.analysis import split_text
from isic_nlp.errors import IsicError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEST_LEXICON = FIXTURES / "lexicons" / "test_framing.yaml"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def result(bad_corpus, nlp_test_fast):
    return isic_nlp.analyse(bad_corpus.folder, nlp=nlp_test_fast, max_length=200)


@pytest.fixture(scope="module")
def written(result, tmp_path_factory):
    out = tmp_path_factory.mktemp("analysis") / "out"
    return out, result.write(out)


# --------------------------------------------------------------------------- records in = documents + errors


def test_every_good_record_is_a_document(result, bad_corpus):
    assert result.documents["id"].tolist() == bad_corpus.documents


def test_every_bad_record_is_an_error_with_file_line_id_and_code(result, bad_corpus):
    errors = result.errors[result.errors["severity"] == "error"]
    found = [
        (Path(row.file).name, None if pd.isna(row.line) else int(row.line), None if pd.isna(row.id) else row.id, row.code)
        for row in errors.itertuples()
    ]
    assert found == bad_corpus.errors
    assert len(result.documents) + len(errors) == bad_corpus.n_records


def test_warnings_for_records_that_were_changed(result, bad_corpus):
    warnings = result.errors[result.errors["severity"] == "warning"]
    found = [
        (Path(row.file).name, None if pd.isna(row.line) else int(row.line), None if pd.isna(row.id) else row.id, row.code)
        for row in warnings.itertuples()
    ]
    assert found == bad_corpus.warnings


@pytest.mark.parametrize(
    "code, reason",
    [
        ("E201", "malformed JSON: "),
        ("E202", "no 'text' field"),
        ("E203", "empty text"),
        ("E204", "'text' is not a string but a number"),
        ("E205", "duplicate id 'casf:L311-3' (first seen in "),
        ("E206", "binary file (NUL bytes or undecodable content); skipped"),
        ("W201", "decoded as cp1252 (not UTF-8)"),
        ("W202", "text of 429 characters split into 3 chunks of at most 200"),
        ("W204", "UTF-8 byte-order mark removed"),
    ],
)
def test_reasons_are_plain_catalogue_messages(result, code, reason):
    # Reasons are the catalogue message without its "[isic:CODE]" prefix: the
    # code has a column of its own (InputProblem.reason).
    [row] = result.errors[result.errors["code"] == code].itertuples()
    assert row.reason.startswith(reason)


def test_decoded_texts_are_the_originals(result, bad_corpus):
    # cp1252 and BOM files: the text is decoded right (offsets below would show it otherwise).
    rows = result.mentions.set_index("doc_id")
    assert rows.loc["casf:L116-1", "text"] == "collectivités territoriales"
    assert result.documents.set_index("id").loc["casf:L116-1", "n_chars"] == len(bad_corpus.texts["casf:L116-1"])
    assert result.documents.set_index("id").loc["casf:L311-3-1", "n_chars"] == len(bad_corpus.texts["casf:L311-3-1"])


# --------------------------------------------------------------------------- long texts


def test_long_text_is_split_and_every_chunk_analysed(result, bad_corpus):
    long = result.mentions[result.mentions["doc_id"] == "casf:long"]
    assert len(long) == 5
    assert result.documents.set_index("id").loc["casf:long", "n_participation"] == 5
    # 5 alinéas of 15 words
    assert result.documents.set_index("id").loc["casf:long", "n_tokens"] == 5 * 15


def test_mention_offsets_point_into_the_original_text(result, bad_corpus):
    for row in result.mentions.itertuples():
        text = bad_corpus.texts[row.doc_id]
        assert text[row.start_char : row.end_char] == row.text
    starts = result.mentions.loc[result.mentions["doc_id"] == "casf:long", "start_char"].tolist()
    assert starts == [3 + i * 86 for i in range(5)]


@pytest.mark.parametrize(
    "text, limit, pieces",
    [
        ("ab\ncd\nef", 5, [(0, "ab\ncd"), (5, "\nef")]),
        ("ab cd ef", 5, [(0, "ab cd"), (5, " ef")]),
        ("abcdefgh", 3, [(0, "abc"), (3, "def"), (6, "gh")]),
        ("court", 200, [(0, "court")]),
    ],
)
def test_split_text(text, limit, pieces):
    assert split_text(text, limit) == pieces
    assert "".join(piece for _, piece in pieces) == text


def test_even_tail_cuts_only_the_last_chunks_and_keeps_every_record_in_order():
    from isic_nlp.corpus.records import Record
    from isic_nlp.parallel import even_tail

    sizes = [[5, 5, 5, 5], [1, 1, 1, 1, 1, 1, 1, 1], [30, 1, 1], [7]]
    chunks = [[Record(f"c{c}r{i}", "x" * n, {}, "<x>", i) for i, n in enumerate(chunk)] for c, chunk in enumerate(sizes)]
    out = list(even_tail(chunks, 3, pieces=4))
    ids = lambda parts: [[r.id for r in part] for part in parts]  # noqa: E731
    assert [r.id for part in out for r in part] == [r.id for chunk in chunks for r in chunk]
    assert ids(out[:1]) == ids(chunks[:1])  # not among the last three: whole
    assert [len(part) for part in out[1:5]] == [2, 2, 2, 2]  # eight equal records: four pieces of two
    assert ids(out[5:]) == [["c2r0"], ["c2r1"], ["c2r2"], ["c3r0"]]  # a big record is never cut; no empty piece
    assert all(out)
    assert ids(even_tail(chunks[:2], 3, pieces=1)) == ids(chunks[:2])


@contextmanager
def time_limit(seconds: int):
    """Fail instead of hanging (the code under test is pure Python, so SIGALRM interrupts it)."""

    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


TWO_ALINEAS = "Le conseil de la vie sociale donne son avis.\nLe directeur statue."


@pytest.mark.parametrize("max_length", [-5, 0])
def test_max_length_below_one_is_a_coded_error(nlp_test_fast, max_length):
    with time_limit(3), pytest.raises(IsicError, match=r"^\[isic:E006\] "):
        isic_nlp.analyse([{"id": "a", "text": TWO_ALINEAS}], nlp=nlp_test_fast, max_length=max_length)


def test_max_length_above_the_pipeline_limit_still_processes_the_text(nlp_test_fast):
    # spaCy refuses texts over nlp.max_length (E088): a --max-length above it
    # must not turn a long text into a crash.
    text = "\n".join(["Le conseil de la vie sociale donne son avis sur le fonctionnement."] * 10)
    saved = nlp_test_fast.max_length
    nlp_test_fast.max_length = 300
    try:
        result = isic_nlp.analyse([{"id": "a", "text": text}], nlp=nlp_test_fast, max_length=1000)
    finally:
        nlp_test_fast.max_length = saved
    assert result.documents["n_participation"].tolist() == [10]


# --------------------------------------------------------------------------- tables


def test_mentions_table(result, bad_corpus):
    found = [(r.doc_id, r.text, r.label, bool(r.counted)) for r in result.mentions.itertuples()]
    assert found == bad_corpus.mentions
    ff = result.mentions.set_index("doc_id").loc["casf:L116-1"]
    assert ff["false_friend_reason"] == "sense rule territorial.ff_collectivites_territoriales"
    assert ff["entry_id"] == "territorial.ff_collectivites_territoriales"
    assert (ff["lexicon"], ff["lexicon_version"], ff["group"]) == ("test_framing", "0.1.0", "collective")


def test_documents_table_counts_and_rates(result):
    docs = result.documents.set_index("id")
    row = docs.loc["casf:L311-6"]
    assert row["year"] == 2002
    assert (row["n_participation"], row["n_collective"], row["n_individual"]) == (2, 2, 0)
    assert row["rate_participation"] == pytest.approx(2 / row["n_tokens"] * 10_000)
    # a false friend is not counted; the document still counts in denominators
    assert (docs.loc["casf:L116-1", "n_territorial"], docs.loc["casf:L116-1", "rate_territorial"]) == (0, 0.0)


def test_manifest(result, bad_corpus):
    manifest = result.manifest
    assert manifest["isic_nlp_version"] == isic_nlp.__version__
    assert manifest["spacy_version"].startswith("3.8")
    assert [(i["name"], i["version"], i["sha256"]) for i in manifest["lexicons"]] == [
        ("test_framing", "0.1.0", sha256(TEST_LEXICON)),
        ("test_context", "0.1.0", sha256(FIXTURES / "lexicons" / "test_context.yaml")),
    ]
    files = sorted(bad_corpus.folder.iterdir())
    assert [(Path(i["file"]).name, i["bytes"], i["sha256"]) for i in manifest["inputs"]] == [
        (f.name, f.stat().st_size, sha256(f)) for f in files
    ]
    assert manifest["counts"] == {
        "records_read": bad_corpus.n_records,
        "documents": 5,
        "errors": 6,
        "warnings": 3,
        "tokens": int(result.documents["n_tokens"].sum()),
        "mentions": 10,
        "mentions_counted": 9,
    }


def test_written_outputs_read_back(written, result):
    out, paths = written
    assert sorted(paths) == [
        "documents.csv", "documents.parquet", "errors.csv", "manifest.json", "mentions.csv", "mentions.parquet",
    ]
    for name in ("documents", "mentions"):
        from_csv = pd.read_csv(out / f"{name}.csv")
        from_parquet = pd.read_parquet(out / f"{name}.parquet")
        assert from_csv.shape == from_parquet.shape == getattr(result, name).shape
        assert from_parquet.columns.tolist() == getattr(result, name).columns.tolist()
    assert pd.read_parquet(out / "mentions.parquet")["text"].tolist() == result.mentions["text"].tolist()
    assert pd.read_csv(out / "documents.csv")["id"].tolist() == result.documents["id"].tolist()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"] == {name: sha256(out / name) for name in paths if name != "manifest.json"}


def test_errors_csv_has_file_line_id_and_reason(written, bad_corpus):
    out, _ = written
    with open(out / "errors.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["file", "line", "id", "severity", "code", "reason"]
    errors = [(Path(r["file"]).name, r["line"], r["id"], r["code"]) for r in rows if r["severity"] == "error"]
    # lines are written as whole numbers ("2", not "2.0"); a file-level problem has none
    assert errors == [(f, "" if line is None else str(line), rid or "", code) for f, line, rid, code in bad_corpus.errors]
    assert all(r["reason"] for r in rows)


def test_summary_is_one_line(result):
    summary = result.summary()
    assert "\n" not in summary
    assert summary.startswith(
        "Analysed 5 documents (%s tokens): 10 mentions, 9 counted; 6 records in errors, 3 warnings; "
        % format(int(result.documents["n_tokens"].sum()), ",")
    )


# --------------------------------------------------------------------------- other sources

GOOD_L311_6 = "Afin d'associer les personnes bénéficiaires, il est institué un conseil de la vie sociale."


def test_dataframe_source_keeps_metadata_and_reports_bad_rows(nlp_test_fast):
    frame = pd.DataFrame(
        [
            {"id": "L311-6", "text": GOOD_L311_6, "year": 2002},
            {"id": "L311-4", "text": None, "year": 2002},
            {"id": "L311-5", "text": "   ", "year": 2002},
            {"id": "L311-6", "text": "Doublon.", "year": 2015},
        ]
    )
    result = isic_nlp.analyse(frame, nlp=nlp_test_fast)
    assert result.documents[["id", "year", "n_participation"]].values.tolist() == [["L311-6", 2002, 2]]
    errors = result.errors
    assert errors[["file", "line", "id", "code"]].values.tolist() == [
        ["<DataFrame>", 2, "L311-4", "E202"],
        ["<DataFrame>", 3, "L311-5", "E203"],
        ["<DataFrame>", 4, "L311-6", "E205"],
    ]
    # the same plain reasons as for files
    assert [r.split(" (fields:")[0] for r in errors["reason"].tolist()[:2]] == ["no 'text' field", "empty text"]
    assert result.manifest["counts"]["records_read"] == 4


def test_list_of_dicts_source(nlp_test_fast):
    records = [
        {"id": "a", "text": "Le projet personnalisé est élaboré avec la personne.", "source": "CASF"},
        {"id": "b", "text": 12},
        "not a dict",
    ]
    result = isic_nlp.analyse(records, nlp=nlp_test_fast)
    assert result.documents[["id", "source", "n_individual_support"]].values.tolist() == [["a", "CASF", 1]]
    assert result.errors[["line", "code"]].values.tolist() == [[2, "E204"], [3, "E209"]]
    assert result.errors["id"].iloc[0] == "b" and pd.isna(result.errors["id"].iloc[1])


def test_empty_source_gives_empty_tables_with_columns(nlp_test_fast):
    result = isic_nlp.analyse(pd.DataFrame(columns=["id", "text"]), nlp=nlp_test_fast)
    assert len(result.documents) == 0 and len(result.mentions) == 0
    assert "n_participation" in result.documents.columns
    assert result.manifest["counts"]["documents"] == 0


def test_document_without_mentions_has_zero_counts_not_nan(nlp_test_fast):
    result = isic_nlp.analyse([{"id": "r", "text": "La commission se réunit chaque année."}], nlp=nlp_test_fast)
    row = result.documents.iloc[0]
    assert (row["n_tokens"], row["n_participation"], row["rate_participation"]) == (6, 0, 0.0)


def test_document_of_punctuation_only_has_nan_rates(nlp_test_fast):
    result = isic_nlp.analyse([{"id": "p", "text": "« ; »"}], nlp=nlp_test_fast)
    row = result.documents.iloc[0]
    assert row["n_tokens"] == 0
    assert math.isnan(row["rate_participation"])


@pytest.mark.parametrize("missing", ["absent.jsonl", "absent_folder"])
def test_missing_input_is_a_coded_error(nlp_test_fast, tmp_path, missing):
    with pytest.raises(IsicError, match=rf"^\[isic:E001\] Input not found: {tmp_path / missing}"):
        isic_nlp.analyse(tmp_path / missing, nlp=nlp_test_fast)


def test_n_process_below_one_is_a_coded_error(nlp_test_fast):
    with pytest.raises(IsicError, match=r"^\[isic:E006\] n_process must be 1 or more, got 0"):
        isic_nlp.analyse([{"id": "a", "text": "x"}], nlp=nlp_test_fast, n_process=0)


@pytest.mark.slow
def test_accurate_pipeline_end_to_end(bad_corpus, nlp_test_accurate):
    result = isic_nlp.analyse(bad_corpus.folder, nlp=nlp_test_accurate, max_length=200)
    assert result.documents["id"].tolist() == bad_corpus.documents
    assert [(r.doc_id, r.text, r.label, bool(r.counted)) for r in result.mentions.itertuples()] == bad_corpus.mentions
    for row in result.mentions.itertuples():
        assert bad_corpus.texts[row.doc_id][row.start_char : row.end_char] == row.text


# --------------------------------------------------------------------------- kwic

KWIC_RECORDS = [
    {"id": "L311-6", "text": GOOD_L311_6},
    {"id": "L116-1", "text": "Elle est mise en œuvre par l'Etat, les collectivités territoriales et leurs établissements."},
    {"id": "neg", "text": "L'aide est accordée sans projet personnalisé."},
]


def test_kwic_lines(nlp_test_fast):
    lines = isic_nlp.kwic(KWIC_RECORDS, "participation", window=3, nlp=nlp_test_fast)
    assert lines[["doc_id", "left", "match", "right", "entry_id", "counted"]].values.tolist() == [
        ["L311-6", "Afin d'", "associer", "les personnes bénéficiaires,", "participation.associer_lower", True],
        ["L311-6", "est institué un", "conseil de la vie sociale", ".", "participation.conseil_vie_sociale", True],
    ]


def test_kwic_on_a_group_with_flags_and_counted_only(nlp_test_fast):
    lines = isic_nlp.kwic(KWIC_RECORDS, "individual", nlp=nlp_test_fast)
    assert lines[["doc_id", "match", "counted", "context_flags"]].values.tolist() == [
        ["neg", "projet personnalisé", False, "negation"],
    ]
    assert len(isic_nlp.kwic(KWIC_RECORDS, "individual", nlp=nlp_test_fast, counted_only=True)) == 0
    lines = isic_nlp.kwic(KWIC_RECORDS, "territorial", nlp=nlp_test_fast)
    assert lines[["match", "context_flags"]].values.tolist() == [["collectivités territoriales", "false_friend"]]


def test_kwic_unknown_label(nlp_test_fast):
    with pytest.raises(IsicError, match=r"^\[isic:E003\] Unknown label 'participations'. Did you mean: participation\? Known labels: rights, "):
        isic_nlp.kwic(KWIC_RECORDS, "participations", nlp=nlp_test_fast)


PROCESS_TEXTS = [
    "Le conseil de la vie sociale associe les usagers.", "Le bénéficiaire a droit à un accompagnement.",
    "Le conseil de la vie sociale n'est pas réuni.", "Les organisations syndicales négocient un accord collectif.",
    "Article 1\nLe comité social et économique est consulté.\nArticle 2\nLe projet personnalisé est signé.",
]


@pytest.mark.parametrize("unit", ["document", "alinea"])
def test_two_processes_give_the_tables_of_one(nlp_fast, bad_corpus, tmp_path, monkeypatch, unit):
    """Workers build the rows: same rows in the same order, with many small chunks, split texts and bad input."""
    import pandas as pd

    import isic_nlp.parallel

    monkeypatch.setattr(isic_nlp.parallel, "CHUNK_CHARS", 120)  # a chunk of one to three records
    (tmp_path / "more.jsonl").write_text("".join(
        json.dumps({"id": f"d{i}", "text": text, "year": 2000 + i % 3, **({"extra": "x"} if i == 7 else {})},
                   ensure_ascii=False) + "\n"
        for i, text in enumerate(PROCESS_TEXTS * 5)), encoding="utf-8")
    inputs = [str(bad_corpus.folder), str(tmp_path / "more.jsonl")]
    one = isic_nlp.analyse(inputs, nlp=nlp_fast, n_process=1, lemmas=True, texts=True, unit=unit, max_length=200)
    two = isic_nlp.analyse(inputs, nlp=nlp_fast, n_process=2, lemmas=True, texts=True, unit=unit, max_length=200)
    assert len(one.documents) > 25 and len(one.mentions) > 30 and len(one.errors) > 5
    for table in ("documents", "mentions", "lemmas", "texts", "errors"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table))
    for key in ("counts", "normalisation", "unit"):
        assert one.manifest[key] == two.manifest[key]


@pytest.mark.parametrize("held", [1, 6])
def test_chunks_that_finish_out_of_order_come_back_in_order(nlp_fast, monkeypatch, held):
    import pandas as pd

    # Big and small chunks alternate, so a later chunk often finishes first; with MAX_HELD = 1
    # a worker can only be fed when the earliest chunk is given back (no deadlock either way).
    monkeypatch.setattr(isic_nlp.parallel, "CHUNK_CHARS", 100)
    monkeypatch.setattr(isic_nlp.parallel, "MAX_HELD", held)
    records = [{"id": f"d{i}", "text": " ".join([PROCESS_TEXTS[i % len(PROCESS_TEXTS)]] * (30 if i % 4 == 0 else 1))}
               for i in range(40)]
    one = isic_nlp.analyse(records, nlp=nlp_fast, n_process=1)
    two = isic_nlp.analyse(records, nlp=nlp_fast, n_process=2)
    for table in ("documents", "mentions"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table))


def test_this_process_analyses_chunks_too_and_leaves_no_files(nlp_fast, monkeypatch, tmp_path):
    """With n_process=2 one worker is started and this process takes chunks between feeding it;
    chunks and rows travel as temporary files, all removed at the end."""
    import tempfile

    import pandas as pd

    import isic_nlp.parallel

    monkeypatch.setattr(isic_nlp.parallel, "CHUNK_CHARS", 100)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    here = []
    analyse_chunk = isic_nlp.parallel.analyse_chunk

    def counted(records, *args, **kwargs):
        here.append(os.getpid())  # the worker, forked before any call, appends to its own copy
        return analyse_chunk(records, *args, **kwargs)

    monkeypatch.setattr(isic_nlp.parallel, "analyse_chunk", counted)
    records = [{"id": f"d{i}", "text": PROCESS_TEXTS[i % len(PROCESS_TEXTS)]} for i in range(60)]
    one = isic_nlp.analyse(records, nlp=nlp_fast, n_process=1)
    here.clear()
    two = isic_nlp.analyse(records, nlp=nlp_fast, n_process=2)
    # The first two chunks always go to the worker; this process took some of the others.
    assert here and set(here) == {os.getpid()}
    for table in ("documents", "mentions"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table))
    assert list(tmp_path.iterdir()) == []


def test_two_processes_share_the_doc_cache(nlp_fast, tmp_path):
    import pandas as pd

    records = [{"id": f"d{i}", "text": text} for i, text in enumerate(PROCESS_TEXTS * 3)]
    fresh = isic_nlp.analyse(records, nlp=nlp_fast, n_process=1)
    first = isic_nlp.analyse(records, nlp=nlp_fast, n_process=2, cache=tmp_path)
    again = isic_nlp.analyse(records, nlp=nlp_fast, n_process=2, cache=tmp_path)
    # Repeated texts may be analysed by both workers before either has stored them: at least one miss each.
    assert first.manifest["cache"]["hits"] + first.manifest["cache"]["misses"] == 15
    assert first.manifest["cache"]["records_reused"] == 0
    assert again.manifest["cache"] == {**first.manifest["cache"], "hits": 15, "misses": 0, "records_reused": 15}
    for result in (first, again):
        for table in ("documents", "mentions"):
            pd.testing.assert_frame_equal(getattr(fresh, table), getattr(result, table))
