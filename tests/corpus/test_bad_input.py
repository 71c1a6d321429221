"""Bad input read whole (issue 13): nothing lost, nothing mixed, nothing hangs.

Each test builds its small input in ``tmp_path``. Sections: decoding per line,
file system, bounds, CSV, IRaMuTeQ.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from isic_nlp.corpus.readers import InputProblem, Record, read_records
from tests.corpus.test_readers import jsonl, split

# CASF, art. L311-3 and L116-1: accents, "œ" and "’".
L311_3 = "Les droits de la personne accueillie : l'exercice des droits et libertés individuels est garanti."
L116_1 = "Elle est mise en œuvre par l’État, les collectivités territoriales et leurs établissements."


# --------------------------------------------------------------------------- 1. decoding per line


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt"])
def test_one_bad_byte_spoils_only_its_line(tmp_path, suffix):
    bad = b"D\xe9cret du 3 mai"  # a cp1252 "é" pasted into a UTF-8 file
    if suffix == ".jsonl":
        head, tail = jsonl({"id": "a", "text": L311_3}), jsonl({"id": "c", "text": L116_1})
        data = head.encode() + b'{"id": "b", "text": "' + bad + b'"}\n' + tail.encode()
    elif suffix == ".csv":
        data = f"id;text\na;{L311_3}\n".encode() + b"b;" + bad + f"\nc;{L116_1}\n".encode()
    else:
        data = f"{L311_3}\n".encode() + bad + f"\n{L116_1}\n".encode()
    path = tmp_path / f"casf{suffix}"
    path.write_bytes(data)
    records, errors, warnings = split(read_records(path))
    assert not errors
    texts = "\n".join(r.text for r in records)
    assert L311_3 in texts and L116_1 in texts  # the good lines are exact, not cp1252 mojibake
    assert "D\ufffdcret du 3 mai" in texts  # the bad line: U+FFFD for its undecodable byte
    bad_line = 2 if suffix != ".csv" else 3
    assert [(w.code, w.line) for w in warnings] == [("W213", bad_line)]
    assert "1 undecodable byte(s)" in warnings[0].reason
    if suffix == ".jsonl":
        assert warnings[0].id == "b"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-be"])
@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt"])
def test_utf16_and_utf32_with_a_bom_are_read(tmp_path, encoding, suffix):
    if suffix == ".jsonl":
        content = jsonl({"id": "a", "text": L311_3}, {"id": "b", "text": L116_1})
    elif suffix == ".csv":
        content = f"id;text\na;{L311_3}\nb;{L116_1}\n"
    else:
        content = f"{L311_3}\n{L116_1}"
    data = content.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / f"casf{suffix}"
    path.write_bytes(data)
    records, errors, warnings = split(read_records(path))
    assert not errors
    assert "\n".join(r.text for r in records) == f"{L311_3}\n{L116_1}"
    assert [w.code for w in warnings] == ["W212"]
    assert warnings[0].reason.startswith(f"decoded as {encoding[:6]}")


@pytest.mark.parametrize("suffix", [".jsonl", ".txt"])
def test_macroman_is_not_read_as_cp1252(tmp_path, suffix):
    content = jsonl({"id": "a", "text": L116_1}) if suffix == ".jsonl" else L116_1
    path = tmp_path / f"mac{suffix}"
    path.write_bytes(content.encode("mac_roman"))
    records, errors, warnings = split(read_records(path))
    assert not errors and records[0].text == L116_1
    assert [w.code for w in warnings] == ["W201"]
    assert warnings[0].reason.startswith("decoded as mac_roman (not UTF-8): charset-normalizer's guess, confidence ")


def test_an_unsure_guess_names_the_other_plausible_encodings(tmp_path):
    path = tmp_path / "court.jsonl"
    path.write_bytes(b'{"id": "a", "text": "Arr\xeat"}\n')  # one accented letter: little to go on
    records, _, warnings = split(read_records(path))
    assert [w.code for w in warnings] == ["W201"]
    assert "as plausible: " in warnings[0].reason


def test_a_cp1252_file_with_few_accents_is_still_cp1252(tmp_path):
    # No valid non-ASCII UTF-8 anywhere: the file is not UTF-8, whatever its bad lines.
    path = tmp_path / "a.jsonl"
    lines = [{"id": str(i), "text": "Article sans accent"} for i in range(50)] + [{"id": "x", "text": L116_1}]
    path.write_bytes(jsonl(*lines).encode("cp1252"))
    records, _, warnings = split(read_records(path))
    assert records[-1].text == L116_1
    assert [w.code for w in warnings] == ["W201"]
    assert warnings[0].reason.startswith("decoded as cp1252 (not UTF-8): charset-normalizer's guess")


# --------------------------------------------------------------------------- 2. file system


def _read_in_thread(paths, timeout=10):
    """read_records in a thread with a time limit: a hang fails the test instead of blocking it."""
    import threading

    out: dict = {}

    def run():
        try:
            out["items"] = list(read_records(paths))
        except BaseException as err:  # reported to the test
            out["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "reading hung"
    if "error" in out:
        raise out["error"]
    return split(out["items"])


@pytest.mark.parametrize("name", ["pipe.jsonl", "pipe.txt", "pipe.csv", "pipe.json"])
def test_a_fifo_in_a_folder_is_reported_not_opened(tmp_path, name):
    import os

    (tmp_path / "a.jsonl").write_text(jsonl({"id": "a", "text": L311_3}), encoding="utf-8")
    os.mkfifo(tmp_path / name)
    records, errors, _ = _read_in_thread([tmp_path, tmp_path / name] if name.endswith(".json") else tmp_path)
    assert [r.id for r in records] == ["a"]
    assert [(e.code, Path(e.file).name) for e in errors] == [("E213", name)]
    assert "FIFO" in errors[0].reason


def test_a_link_to_dev_zero_is_reported_not_read(tmp_path):
    (tmp_path / "a.jsonl").write_text(jsonl({"id": "a", "text": L311_3}), encoding="utf-8")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "null.jsonl").symlink_to("/dev/null")  # another device: the same one would be read once
    records, errors, _ = _read_in_thread(tmp_path)
    assert [r.id for r in records] == ["a"]
    assert sorted((e.code, Path(e.file).name) for e in errors) == [("E213", "null.jsonl"), ("E213", "zero.txt")]
    assert "character device" in errors[0].reason


def test_broken_links_and_loops_are_rows_of_errors(tmp_path):
    (tmp_path / "a.jsonl").write_text(jsonl({"id": "a", "text": L311_3}), encoding="utf-8")
    (tmp_path / "broken.csv").symlink_to(tmp_path / "gone.csv")
    (tmp_path / "loop1.txt").symlink_to(tmp_path / "loop2.txt")
    (tmp_path / "loop2.txt").symlink_to(tmp_path / "loop1.txt")
    records, errors, _ = _read_in_thread(tmp_path)
    assert [r.id for r in records] == ["a"]
    assert [(e.code, Path(e.file).name) for e in errors] == [
        ("E214", "broken.csv"), ("E215", "loop1.txt"), ("E215", "loop2.txt")
    ]
    assert "gone.csv" in errors[0].reason
    # Named directly, they are rows of errors too, not an invocation error.
    records, errors, _ = _read_in_thread([tmp_path / "broken.csv", tmp_path / "a.jsonl"])
    assert [r.id for r in records] == ["a"] and [e.code for e in errors] == ["E214"]


def test_analyse_inputs_do_not_hash_a_fifo(tmp_path):
    import os
    import threading

    from isic_nlp.corpus.readers import records_from_source

    (tmp_path / "a.jsonl").write_text(jsonl({"id": "a", "text": L311_3}), encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.jsonl")
    out: dict = {}
    thread = threading.Thread(target=lambda: out.update(result=records_from_source(tmp_path)), daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "hashing the inputs hung on a FIFO"
    items, inputs = out["result"]
    assert [(Path(i["file"]).name, i["sha256"] is None) for i in inputs] == [("a.jsonl", False), ("pipe.jsonl", True)]
    assert [i.code for i in items if isinstance(i, InputProblem)] == ["E213"]


# --------------------------------------------------------------------------- 3. bounds


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".jsonl.gz", ".txt"])
def test_a_record_over_the_bound_is_skipped_and_the_rest_kept(tmp_path, monkeypatch, suffix):
    import gzip

    monkeypatch.setenv("ISIC_NLP_MAX_RECORD_BYTES", "2000")
    big = "droits " * 1000  # 7,000 bytes
    if suffix.startswith(".jsonl"):
        content = jsonl({"id": "a", "text": L311_3}, {"id": "big", "text": big}, {"id": "c", "text": L116_1})
        expected, line = ["a", "c"], 2
    elif suffix == ".csv":
        content = f"id;text\na;{L311_3}\nbig;{big}\nc;{L116_1}\n"
        expected, line = ["a", "c"], 3
    else:
        content, expected, line = big, [], None
    data = content.encode()
    path = tmp_path / f"casf{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    records, errors, _ = split(read_records(path))
    assert [r.id for r in records] == expected
    assert [(e.code, e.line) for e in errors] == [("E216", line)]
    assert "2,000 bytes" in errors[0].reason and "ISIC_NLP_MAX_RECORD_BYTES" in errors[0].reason


def test_a_gzip_bomb_stops_at_the_file_bound(tmp_path, monkeypatch):
    import gzip

    monkeypatch.setenv("ISIC_NLP_MAX_FILE_BYTES", str(1 << 20))
    lines = jsonl(*({"id": f"a{i}", "text": L311_3} for i in range(100)))
    # 100 good records, then 50 MB of blank lines (about 50 KB compressed)
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(lines.encode() + b"\n" * (50 << 20), compresslevel=1))
    records, errors, _ = split(read_records(path))
    assert len(records) == 100
    assert [e.code for e in errors] == ["E217"]
    assert errors[0].line > 100 and "ISIC_NLP_MAX_FILE_BYTES" in errors[0].reason


def test_memory_stays_flat_on_a_file_of_one_huge_line(tmp_path, monkeypatch):
    import tracemalloc

    monkeypatch.setenv("ISIC_NLP_MAX_RECORD_BYTES", str(1 << 20))
    path = tmp_path / "one_line.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"id": "x", "text": "' + b"a" * (30 << 20) + b'"}\n')
        handle.write(jsonl({"id": "b", "text": L311_3}).encode())
    tracemalloc.start()
    records, errors, _ = split(read_records(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [r.id for r in records] == ["b"] and [(e.code, e.line) for e in errors] == [("E216", 1)]
    assert peak < 12 << 20  # the 30 MB line was never held whole


# --------------------------------------------------------------------------- 4. CSV


@pytest.mark.parametrize("order", ["text_last", "text_middle"])
def test_an_unclosed_quote_does_not_swallow_the_rows_after_it(tmp_path, order):
    rows = [("a", "2002", "Les droits"), ("b", "2003", '"Les libertés'), ("c", "2004", L311_3), ("d", "2005", "Autre")]
    if order == "text_last":
        content = "id;year;text\n" + "".join(f"{i};{y};{t}\n" for i, y, t in rows)
    else:
        content = "id;text;year\n" + "".join(f"{i};{t};{y}\n" for i, y, t in rows)
    path = tmp_path / "casf.csv"
    path.write_text(content, encoding="utf-8")
    records, errors, _ = split(read_records(path))
    assert [(r.id, r.text) for r in records] == [("a", "Les droits"), ("c", L311_3), ("d", "Autre")]
    assert [(e.code, e.line, e.id) for e in errors] == [("E218", 3, "b")]
    assert "line(s) 4-5" in errors[0].reason


def test_quoted_line_breaks_are_still_one_cell(tmp_path):
    path = tmp_path / "casf.csv"
    path.write_text(
        'id;year;text\na;2002;"1° les droits ;\n2° les devoirs ; ""dits"" sociaux"\nb;2003;"x"\n',
        encoding="utf-8",
    )
    records, errors, _ = split(read_records(path))
    assert not errors
    assert [(r.id, r.text) for r in records] == [("a", '1° les droits ;\n2° les devoirs ; "dits" sociaux'), ("b", "x")]
    # ... and an unclosed quote in the same file is found (and the next row kept).
    path.write_text('id;year;text\na;2002;"1° les droits ;\nb;2003;x\n', encoding="utf-8")
    records, errors, _ = split(read_records(path))
    assert [r.id for r in records] == ["b"] and [e.code for e in errors] == ["E218"]


def test_an_unclosed_quote_at_the_bound_stops_and_reads_on(tmp_path, monkeypatch):
    monkeypatch.setenv("ISIC_NLP_MAX_RECORD_BYTES", "300")
    rows = "".join(f"r{i};2002;ligne {i}\n" for i in range(40))  # about 600 bytes
    path = tmp_path / "casf.csv"
    path.write_text('id;year;text\na;2002;"jamais fermé\n' + rows + 'z;2003;"fin"\n', encoding="utf-8")
    records, errors, _ = split(read_records(path))
    assert [e.code for e in errors] == ["E218"]
    assert [r.id for r in records] == [f"r{i}" for i in range(40)] + ["z"]


def test_a_missing_text_column_names_the_columns_and_the_option(tmp_path):
    path = tmp_path / "casf.csv"
    path.write_text("id;contenu;annee\na;Les droits;2002\n", encoding="utf-8")
    _, errors, _ = split(read_records(path))
    assert [(e.code, e.line) for e in errors] == [("E208", 1)]
    assert "columns: id, contenu, annee" in errors[0].reason and "--text-field" in errors[0].reason
    assert [r.text for r in read_records(path, text_field="contenu") if isinstance(r, Record)] == ["Les droits"]


def test_an_r_style_doc_id_csv_keeps_its_ids(tmp_path):
    path = tmp_path / "readtext.csv"
    path.write_text(f'doc_id,text,year\nL311-3,"{L311_3}",2002\nL116-1,"{L116_1}",2002\n', encoding="utf-8")
    records, errors, warnings = split(read_records(path))
    assert not errors
    assert [(r.id, r.meta) for r in records] == [("L311-3", {"year": "2002"}), ("L116-1", {"year": "2002"})]
    assert [(w.code, w.line) for w in warnings] == [("W214", 1)]
    # An 'id' column, when there is one, stays the id.
    path.write_text(f'id,doc_id,text\nu1,L311-3,"{L116_1}"\n', encoding="utf-8")
    records, _, warnings = split(read_records(path))
    assert [(r.id, r.meta) for r in records] == [("u1", {"doc_id": "L311-3"})] and warnings == []


# --------------------------------------------------------------------------- 5. IRaMuTeQ


def test_an_iramuteq_corpus_with_bom_blank_line_and_crlf_is_read_whole(tmp_path):
    path = tmp_path / "corpus.txt"
    content = f"\r\n**** *id_L311-3 *year_2002\r\n{L311_3}\r\n**** *id_L116-1 *year_2002\r\n{L116_1}\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))
    records, errors, warnings = split(read_records(path))
    assert not errors and [w.code for w in warnings] == ["W204"]
    assert [(r.id, r.text, r.meta) for r in records] == [
        ("L311-3", L311_3, {"year": 2002}),
        ("L116-1", L116_1, {"year": 2002}),
    ]


def test_iramuteq_repeated_variables_and_thematic_lines_are_kept(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(
        f"**** *id_L311-3 *theme_droits *theme_usagers *year_2002\n-*droits\n{L311_3}\n-*etat\n{L116_1}\n",
        encoding="utf-8",
    )
    records, errors, _ = split(read_records(path))
    assert not errors
    (record,) = records
    assert record.meta == {"theme": ["droits", "usagers"], "year": 2002, "themes": ["droits", "etat"]}
    assert record.text == f"{L311_3}\n{L116_1}"


def test_text_before_the_first_iramuteq_line_is_reported(tmp_path):
    path = tmp_path / "corpus.txt"
    from isic_nlp.corpus.textometry import read_iramuteq

    # Named as an IRaMuTeQ corpus (read_records only takes a file whose first non-blank line is ****).
    path.write_text(f"\nPréambule perdu\n**** *id_a\n{L311_3}\n", encoding="utf-8")
    records, errors, _ = split(read_iramuteq(path))
    assert [r.id for r in records] == ["a"]
    assert [(e.code, e.line) for e in errors] == [("E409", 2)]


def test_iramuteq_export_makes_colliding_ids_distinct_and_says_so(tmp_path):
    from isic_nlp.corpus.export import export_iramuteq, export_txm
    from isic_nlp.corpus.textometry import read_iramuteq

    docs = [
        {"id": "L116-1/al-2", "text": L311_3},
        {"id": "L116-1_al-2", "text": L116_1},
        {"id": "L116-1 al-2", "text": "Troisième."},
    ]
    out = tmp_path / "corpus.txt"
    result = export_iramuteq(docs, out)
    ids = [r.id for r in read_iramuteq(out) if isinstance(r, Record)]
    assert ids == ["L116-1_al-2", "L116-1_al-2-2", "L116-1_al-2-3"]
    assert [(w.code, w.id) for w in result.problems] == [("W404", "L116-1_al-2"), ("W404", "L116-1 al-2")]
    assert "'L116-1/al-2'" in result.problems[0].reason and "'L116-1_al-2-2'" in result.problems[0].reason
    txm = export_txm(docs, tmp_path / "txm")
    assert [w.code for w in txm.problems] == ["W404", "W404"]


def test_an_iramuteq_corpus_is_streamed(tmp_path):
    import tracemalloc

    path = tmp_path / "corpus.txt"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(30000):
            handle.write(f"**** *id_t{i} *year_2002\n{L311_3} {L116_1}\n")  # about 7 MB
    tracemalloc.start()
    count = sum(isinstance(item, Record) for item in read_records(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 30000
    # Not the whole file (7 MB): what grows is the set of ids seen (E205), about 120 bytes a record.
    assert peak < 6 << 20


def _version(i: int) -> dict:
    return {
        "id": f"CASF:L{i}@2000-12-23", "code": "CASF", "num": f"L{i}", "text": f"Texte {i}.", "date": "2000-12-23",
        "date_end": None, "event": "created", "modifying_text": "Loi n°2000-1 du 1 janvier 2000",
        "modifying_text_nature": "LOI", "modifying_text_date": "2000-01-01", "flags": [],
    }


def test_a_versions_file_keeps_to_the_bounds(tmp_path, monkeypatch):
    import gzip

    from isic_nlp.corpus.versions import read_events

    monkeypatch.setenv("ISIC_NLP_MAX_RECORD_BYTES", "2000")
    big = dict(_version(2), text="droits " * 1000)
    path = tmp_path / "casf-versions.jsonl"
    path.write_text(jsonl(_version(1), big, _version(3)), encoding="utf-8")
    records, errors, _ = split(read_events(path))
    assert [r.id for r in records] == ["CASF:L1@2000-12-23", "CASF:L3@2000-12-23"]
    assert [(e.code, e.line) for e in errors] == [("E216", 2)]
    # a gzip bomb after the first versions stops at the file bound
    monkeypatch.setenv("ISIC_NLP_MAX_FILE_BYTES", str(1 << 20))
    bomb = tmp_path / "bomb-versions.jsonl.gz"
    bomb.write_bytes(gzip.compress(jsonl(_version(1), _version(3)).encode() + b"\n" * (30 << 20), compresslevel=1))
    records, errors, _ = split(read_events(bomb))
    assert len(records) == 2 and [e.code for e in errors] == ["E217"]
