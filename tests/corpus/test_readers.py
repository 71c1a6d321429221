"""Tests of isic_nlp.corpus.readers: every format, every kind of bad input, the real corpora."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from isic_nlp.corpus.readers import InputProblem, Record, input_files, read_records
from isic_nlp.errors import IsicError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inputs"
CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"

# CASF, art. L311-3 (heading and first sentence). No ";" in it: it goes into ";" CSV files.
CASF_L311_3 = (
    "Les droits de la personne accueillie : l'exercice des droits et libertés individuels "
    "est garanti à toute personne prise en charge par des établissements et services sociaux "
    "et médico-sociaux."
)
# CASF, art. L116-1, with the typographic "œ" and "’" that cp1252 has and latin-1 has not.
CASF_L116_1_CP1252 = "Elle est mise en œuvre par l’Etat, les collectivités territoriales."


def split(items):
    """(records, error problems, warnings) of an iterable from read_records."""
    items = list(items)
    records = [i for i in items if isinstance(i, Record)]
    errors = [i for i in items if isinstance(i, InputProblem) and i.severity == "error"]
    warnings = [i for i in items if isinstance(i, InputProblem) and i.severity == "warning"]
    assert len(records) + len(errors) + len(warnings) == len(items)
    return records, errors, warnings


def jsonl(*objs) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


# --------------------------------------------------------------------------- formats


def test_jsonl_fixture_keeps_json_types_and_lines():
    records, errors, warnings = split(read_records(FIXTURES / "casf_extrait.jsonl"))
    assert not errors and not warnings
    assert [r.id for r in records] == [
        "etalab-cjf:casf:L111-1",
        "etalab-cjf:casf:L113-1",
        "etalab-cjf:casf:L116-2",
    ]
    assert [r.line for r in records] == [1, 2, 3]
    first = records[0]
    assert first.text.startswith("Sous réserve des dispositions des articles L. 111-2")
    assert first.meta["year"] == 2000 and first.meta["date"] == "2000-12-23"
    assert first.meta["section_path"][0] == "Partie législative"
    assert first.meta["creating_text"] is None
    assert "text" not in first.meta and "id" not in first.meta
    assert first.file == str(FIXTURES / "casf_extrait.jsonl")


def test_csv_semicolon_sniffed_and_multiline_row_has_its_first_line():
    records, errors, warnings = split(read_records(FIXTURES / "casf_extrait.csv"))
    assert not errors and not warnings
    assert [r.line for r in records] == [2, 3, 5]  # L113-1 spans lines 3-4
    l113 = records[1]
    assert l113.id == "etalab-cjf:casf:L113-1"
    assert l113.text.count("\n") == 1 and l113.text.endswith("inaptes au travail.")
    # CSV metadata stay strings; the empty cell becomes None; no date parsing.
    assert l113.meta == {
        "date": "2000-12-23",
        "year": "2000",
        "title": "Code de l'action sociale et des familles, article L113-1",
        "nota": None,
    }


def test_csv_comma_delimiter(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "text,id,année\n"
        '"L\'aide sociale, telle qu\'elle est définie ; par le présent code.",A1,2000\n',
        encoding="utf-8",
    )
    records, errors, _ = split(read_records(path))
    assert not errors
    assert records[0].id == "A1" and records[0].meta == {"année": "2000"}
    assert records[0].text == "L'aide sociale, telle qu'elle est définie ; par le présent code."


def test_tsv_fixture():
    records, errors, warnings = split(read_records(FIXTURES / "casf_extrait.tsv"))
    assert not errors and not warnings
    assert [(r.id, r.line) for r in records] == [
        ("etalab-cjf:casf:L113-1", 2),
        ("etalab-cjf:casf:L116-2", 4),
    ]
    assert records[1].meta == {"date": "2002-01-03"}


def test_txt_folder_and_single_txt_file():
    records, errors, _ = split(read_records(FIXTURES / "casf_txt"))
    assert not errors
    assert [(r.id, r.line, r.meta) for r in records] == [
        ("L116-1", None, {"filename": "L116-1.txt"}),
        ("L116-2", None, {"filename": "L116-2.txt"}),
    ]
    assert records[0].text.startswith("L'action sociale et médico-sociale tend à promouvoir")
    (single,) = read_records(FIXTURES / "casf_txt" / "L116-2.txt")
    assert single.id == "L116-2" and single.text == records[1].text


@pytest.mark.parametrize("name", ["a.jsonl.gz", "a.ndjson", "a.json", "a.NDJSON.GZ"])
def test_jsonl_extensions_and_gzip(tmp_path, name):
    data = jsonl({"id": "L116-2", "text": CASF_L311_3}).encode("utf-8")
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.lower().endswith(".gz") else data)
    records, errors, warnings = split(read_records(path))
    assert not errors and not warnings
    assert [(r.id, r.text) for r in records] == [("L116-2", CASF_L311_3)]


def test_gzip_csv_tsv_and_txt(tmp_path):
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(f"id;text\nC1;{CASF_L311_3}\n".encode()))
    (tmp_path / "b.tsv.gz").write_bytes(gzip.compress(f"id\ttext\nT1\t{CASF_L311_3}\n".encode()))
    (tmp_path / "L311-3.txt.gz").write_bytes(gzip.compress(CASF_L311_3.encode()))
    records, errors, warnings = split(read_records(tmp_path))
    assert not errors and not warnings
    assert [r.id for r in records] == ["L311-3", "C1", "T1"]  # sorted file names
    assert {r.text for r in records} == {CASF_L311_3}


def test_gzip_content_without_gz_suffix_is_read(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(gzip.compress(jsonl({"id": "x", "text": CASF_L311_3}).encode()))
    records, errors, _ = split(read_records(path))
    assert not errors and [r.id for r in records] == ["x"]


def test_custom_text_and_id_fields(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl({"num": "L311-3", "contenu": CASF_L311_3, "text": "autre"}))
    records, errors, _ = split(read_records(path, text_field="contenu", id_field="num"))
    assert not errors
    assert (records[0].id, records[0].text, records[0].meta) == (
        "L311-3",
        CASF_L311_3,
        {"text": "autre"},
    )


# --------------------------------------------------------------------------- input_files


def test_input_files_expands_folders_sorted_and_skips_other_files(tmp_path):
    for name in ["b.tsv", "a.jsonl", "c.txt", "d.csv.gz", "stats.json", "README.md", ".x.txt"]:
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.jsonl").mkdir()
    assert [p.name for p in input_files(tmp_path)] == ["a.jsonl", "b.tsv", "c.txt", "d.csv.gz"]
    # A file named explicitly is read even as .json; a file named twice is read once.
    explicit = input_files([str(tmp_path / "stats.json"), tmp_path / "a.jsonl", tmp_path])
    assert [p.name for p in explicit] == ["stats.json", "a.jsonl", "b.tsv", "c.txt", "d.csv.gz"]


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda d: d / "nope.jsonl", "E001"),
        (lambda d: d, "E004"),
        (lambda d: d / "notes.md", "E007"),
    ],
)
def test_invocation_errors_raise_at_call_time(tmp_path, make, code):
    (tmp_path / "notes.md").write_text("not a corpus")
    with pytest.raises(IsicError, match=rf"\[isic:{code}\]"):
        read_records([make(tmp_path)])  # raises before any iteration


# --------------------------------------------------------------------------- bad records


def test_malformed_json_line_between_good_ones(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        jsonl({"id": "a", "text": CASF_L311_3})
        + '{"id": "b", "text": "Les droits de la personne\n'  # unterminated string
        + "\n"  # a blank line is not a record
        + jsonl({"id": "c", "text": CASF_L311_3})
        + '{"id": "d", "text": NaN}\n',
        encoding="utf-8",
    )
    records, errors, _ = split(read_records(path))
    assert [(r.id, r.line) for r in records] == [("a", 1), ("c", 4)]
    assert [(e.code, e.line, e.file) for e in errors] == [
        ("E201", 2, str(path)),
        ("E201", 5, str(path)),
    ]
    assert "column" in errors[0].reason and not errors[0].reason.startswith("[isic:")


def test_record_level_errors(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        jsonl(
            ["not", "an", "object"],
            {"id": "no-text", "title": "Article L311-3"},
            {"id": "empty", "text": ""},
            {"id": "blank", "text": " \n\t "},
            {"id": "number", "text": 311},
            {"id": "ok", "text": CASF_L311_3},
        )
        + "42\n",
        encoding="utf-8",
    )
    records, errors, _ = split(read_records(path))
    assert [r.id for r in records] == ["ok"]
    assert [(e.code, e.id, e.line) for e in errors] == [
        ("E209", None, 1),
        ("E202", "no-text", 2),
        ("E203", "empty", 3),
        ("E203", "blank", 4),
        ("E204", "number", 5),
        ("E209", None, 7),
    ]
    assert "an array" in errors[0].reason and "a number" in errors[4].reason
    assert {e.severity for e in errors} == {"error"}


def test_duplicate_ids_across_two_files(tmp_path):
    (tmp_path / "a.jsonl").write_text(jsonl({"id": "L311-3", "text": CASF_L311_3}))
    (tmp_path / "b.csv").write_text(f"id;text\nL311-4;autre\nL311-3;{CASF_L311_3}\n")
    records, errors, _ = split(read_records(tmp_path))
    assert [r.id for r in records] == ["L311-3", "L311-4"]
    (dup,) = errors
    assert (dup.code, dup.id, dup.file, dup.line) == ("E205", "L311-3", str(tmp_path / "b.csv"), 3)
    assert f"{tmp_path / 'a.jsonl'}:1" in dup.reason
    # A .txt file's id is its stem; it sorts first here, so both later copies name it.
    (tmp_path / "L311-3.txt").write_text(CASF_L311_3)
    _, errors, _ = split(read_records(tmp_path))
    assert [e.file for e in errors] == [str(tmp_path / "a.jsonl"), str(tmp_path / "b.csv")]
    assert all(f"first seen in {tmp_path / 'L311-3.txt'})" in e.reason for e in errors)


def test_missing_id_is_made_with_a_warning(tmp_path):
    path = tmp_path / "extrait.jsonl"
    path.write_text(
        jsonl(
            {"id": "a", "text": "x"},
            {"text": CASF_L311_3},
            {"id": None, "text": "y"},
            {"id": 7, "text": "z"},
        )
    )
    items = list(read_records(path))
    kinds = [(type(i).__name__, i.id, getattr(i, "code", None)) for i in items]
    assert kinds == [
        ("Record", "a", None),
        ("InputProblem", "extrait:2", "W203"),  # warning first, then the record
        ("Record", "extrait:2", None),
        ("InputProblem", "extrait:3", "W205"),
        ("Record", "extrait:3", None),
        ("Record", "7", None),  # an integer id is kept as a string
    ]
    assert items[1].severity == "warning" and "extrait:2" in items[1].reason


def test_csv_without_id_column_warns_once(tmp_path):
    path = tmp_path / "extrait.csv"
    path.write_text(f"text;date\n{CASF_L311_3};2002-01-02\nautre texte;\n", encoding="utf-8")
    records, errors, warnings = split(read_records(path))
    assert not errors
    assert [w.code for w in warnings] == ["W207"]
    assert [(r.id, r.meta) for r in records] == [
        ("extrait:2", {"date": "2002-01-02"}),
        ("extrait:3", {"date": None}),
    ]


def test_csv_bad_rows_and_missing_text_column(tmp_path):
    bad = tmp_path / "a.csv"
    bad.write_text(
        "id;text;date\n"
        f"A1;{CASF_L311_3};2002\n"
        "A2;trop;de;champs\n"
        "A3;\n"
        ";manque l'id;2002\n"
        "A4;   ;2002\n"
        'A5;"guillemet jamais fermé;2002\nA6;x;2002\n',
        encoding="utf-8",
    )
    records, errors, warnings = split(read_records(bad))
    # The unclosed quote of A5 is reported (E218) and the line it took in, A6, read again.
    assert [(r.id, r.line) for r in records] == [("A1", 2), ("a:5", 5), ("A6", 8)]
    assert [(e.code, e.line) for e in errors] == [
        ("E207", 3),
        ("E207", 4),
        ("E203", 6),
        ("E218", 7),
    ]
    assert "unclosed quote" in errors[-1].reason
    assert [w.code for w in warnings] == ["W205"]

    no_text = tmp_path / "b.tsv"
    no_text.write_text("id\ttexte\nA1\tLes droits\nA2\tLes libertés\n", encoding="utf-8")
    records, errors, _ = split(read_records(no_text))
    assert records == [] and [(e.code, e.line) for e in errors] == [("E208", 1)]
    assert "texte" in errors[0].reason


# --------------------------------------------------------------------------- encodings, bytes


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt"])
def test_cp1252_file_is_decoded_with_one_warning(tmp_path, suffix):
    path = tmp_path / f"L311-3{suffix}"
    if suffix == ".jsonl":
        content = jsonl({"id": "a", "text": CASF_L311_3}, {"id": "b", "text": CASF_L116_1_CP1252})
    elif suffix == ".csv":
        content = f"id;text\na;{CASF_L311_3}\nb;{CASF_L116_1_CP1252}\n"
    else:
        content = CASF_L311_3 + "\n" + CASF_L116_1_CP1252
    path.write_bytes(content.encode("cp1252"))
    records, errors, warnings = split(read_records(path))
    assert not errors
    assert "\n".join(r.text for r in records) == CASF_L311_3 + "\n" + CASF_L116_1_CP1252
    assert [w.code for w in warnings] == ["W201"]
    assert warnings[0].reason.startswith(
        "decoded as cp1252 (not UTF-8): charset-normalizer's guess, confidence 100% from 7 non-ASCII byte(s)"
    )


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt"])
def test_utf8_bom_is_removed_with_one_warning(tmp_path, suffix):
    path = tmp_path / f"a{suffix}"
    if suffix == ".jsonl":
        content = jsonl({"id": "a", "text": CASF_L311_3}, {"id": "b", "text": "x"})
    elif suffix == ".csv":
        content = f"id;text\na;{CASF_L311_3}\nb;x\n"
    else:
        content = CASF_L311_3
    path.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))
    records, errors, warnings = split(read_records(path))
    assert not errors
    assert records[0].id == "a"  # the "id" column is found despite the BOM
    assert records[0].text == CASF_L311_3
    assert [w.code for w in warnings] == ["W204"]


def test_crlf_newlines_are_normalised(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(
        b'{"id": "j", "text": "Article 1\\r\\nLes droits\\rde la personne"}\r\n'
        b'{"id": "k", "text": "x"}\r\n'
    )
    (tmp_path / "b.csv").write_bytes(b'id;text\r\nc;"Article 1\r\nLes droits"\r\nd;y\r\n')
    (tmp_path / "e.txt").write_bytes(b"Article 1\r\nLes droits\r\n")
    records, errors, _ = split(read_records(tmp_path))
    assert not errors
    texts = {r.id: r.text for r in records}
    assert texts == {
        "j": "Article 1\nLes droits\nde la personne",
        "k": "x",
        "c": "Article 1\nLes droits",
        "d": "y",
        "e": "Article 1\nLes droits\n",
    }
    assert [r.line for r in records if r.id in ("c", "d")] == [2, 4]


def test_binary_files_give_one_error_each(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b'{"id": "a", "text": "x"}\n\x00\x01\x02' * 10)
    (tmp_path / "b.jsonl.gz").write_text(jsonl({"id": "b", "text": "pas compressé"}))
    (tmp_path / "c.txt").write_bytes("Les droits".encode("utf-16-le"))  # NUL bytes, no byte-order mark
    (tmp_path / "d.jsonl").write_text(jsonl({"id": "d", "text": CASF_L311_3}))
    records, errors, warnings = split(read_records(tmp_path))
    assert [r.id for r in records] == ["d"] and not warnings
    assert [(e.code, e.file, e.line) for e in errors] == [
        ("E206", str(tmp_path / name), None) for name in ("a.jsonl", "b.jsonl.gz", "c.txt")
    ]


def test_empty_files(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b"")
    (tmp_path / "b.csv.gz").write_bytes(gzip.compress(b""))
    (tmp_path / "c.txt").write_bytes(b"\n")
    records, errors, warnings = split(read_records(tmp_path))
    assert records == []
    assert [w.code for w in warnings] == ["W206", "W206"]
    assert [(e.code, e.id) for e in errors] == [("E203", "c")]


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    lines = [{"id": f"L{i}", "text": f"{CASF_L311_3} ({i})"} for i in range(5000)]
    data = gzip.compress(jsonl(*lines).encode("utf-8"))
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    records, errors, _ = split(read_records(path))
    assert 1000 < len(records) < 5000
    assert [r.id for r in records] == [f"L{i}" for i in range(len(records))]
    (err,) = errors
    assert err.code == "E210" and err.line == len(records) + 1
    assert "truncated" in err.reason


def test_unreadable_files_give_e210_and_reading_goes_on(tmp_path):
    os.symlink(tmp_path / "gone.jsonl", tmp_path / "a.jsonl")  # dangling link
    (tmp_path / "b.jsonl").write_text(jsonl({"id": "b", "text": CASF_L311_3}))
    records, errors, _ = split(read_records(tmp_path))
    assert [r.id for r in records] == ["b"]
    # A dangling link has its own code (E214) since issue 13; other read errors are E210.
    assert [(e.code, e.file) for e in errors] == [("E214", str(tmp_path / "a.jsonl"))]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_gives_e210(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id;text\na;x\n")
    path.chmod(0)
    try:
        (err,) = read_records(path)
    finally:
        path.chmod(0o644)
    assert err.code == "E210" and "ermission" in err.reason


def test_count_invariant_on_a_mixed_file(tmp_path):
    good = [{"id": f"g{i}", "text": CASF_L311_3} for i in range(5)]
    bad = ['{"id": "x", "text": ', "[1, 2]", '{"id": "y"}', '{"id": "z", "text": ""}']
    bad.append('{"text": 1}')
    dup = [json.dumps(good[0])]
    no_id = [json.dumps({"text": "sans id"})]
    lines = [json.dumps(good[0])] + bad + dup + no_id + [json.dumps(g) for g in good[1:]]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, errors, warnings = split(read_records(path))
    assert len(records) + len(errors) == len(lines) == 12
    assert (len(records), len(errors), len(warnings)) == (6, 6, 1)


# --------------------------------------------------------------------------- real corpora


def _stats() -> dict:
    return json.loads((CORPORA / "stats.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(not CORPORA.is_dir(), reason="real corpora not available")
def test_a_large_real_file_is_read_whole():
    # Speed is measured in benchmarks/, not here: this checks the count only.
    n = sum(1 for item in read_records(CORPORA / "code-securite-sociale.jsonl"))
    assert n == _stats()["code-securite-sociale"]["records"]


@pytest.mark.slow
@pytest.mark.skipif(not CORPORA.is_dir(), reason="real corpora not available")
def test_real_corpora_read_without_problems_and_counts_match_stats():
    stats = _stats()
    # stats.json describes the files of the common schema; the shared folder may hold
    # others beside them (casf-versions.jsonl.gz has its own schema, see its .md).
    listed = sorted(s["file"] for s in stats.values())
    on_disk = {p.name for p in input_files(CORPORA)}
    assert set(listed) <= on_disk
    files = [CORPORA / name for name in listed]
    for path in files:  # one call per file: the demo sample repeats records of the others
        records, errors, warnings = split(read_records(path))
        assert errors == [] and warnings == [], path
        entry = stats[path.name.split(".")[0]]
        assert len(records) == entry["records"], path
        assert {r.meta["collection"] for r in records} == {path.name.split(".")[0]}
    # Read together, the 400 records of the demo sample are duplicates of the others.
    records, errors, _ = split(read_records(files))
    assert {e.code for e in errors} == {"E205"} and len(errors) == 400
    assert len(records) == sum(s["records"] for s in stats.values()) - 400
