"""Encodings and hygiene for every reader: one real-text fixture per problem, each reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from isic_nlp.corpus.readers import InputProblem, Record, clean_dates, clean_text, read_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inputs"
CASF_L116_2 = "L'action sociale et médico-sociale est conduite dans le respect de l'égale dignité"


def read(name):
    items = list(read_records(FIXTURES / name))
    records = [i for i in items if isinstance(i, Record)]
    problems = [(i.id, i.code) for i in items if isinstance(i, InputProblem)]
    return records, problems


def test_bom_and_crlf_csv():
    records, problems = read("hygiene_utf8_bom_crlf.csv")
    assert problems == [(None, "W204")]
    assert records[0].text.endswith("au sens de l'article L. 311-1.\nSuite.")  # quoted CRLF inside the cell
    assert "\r" not in records[0].text and records[1].text.startswith(CASF_L116_2)


@pytest.mark.parametrize("name, encoding", [("hygiene_cp1252.jsonl", "cp1252"), ("hygiene_latin1.txt", "latin")])
def test_legacy_encodings_are_decoded_and_reported(name, encoding):
    # French latin-1 text decodes the same in latin-1, latin-9 (iso8859_15) and cp1252: any of them.
    guesses = ("cp1252",) if encoding == "cp1252" else ("cp1252", "iso8859_15", "latin_1")
    items = list(read_records(FIXTURES / name))
    warning = next(i for i in items if isinstance(i, InputProblem))
    assert warning.code == "W201"
    assert warning.reason.startswith(tuple(f"decoded as {g} (not UTF-8): charset-normalizer's guess" for g in guesses))
    record = next(i for i in items if isinstance(i, Record))
    assert "médico-sociale" in record.text
    if encoding == "cp1252":
        assert "mise en œuvre par l’Etat" in record.text


def test_html_remnants_are_stripped_and_counted():
    records, problems = read("hygiene_html.jsonl")
    assert problems == [("LEGIARTI000031367308", "W208")]
    item = next(i for i in read_records(FIXTURES / "hygiene_html.jsonl") if isinstance(i, InputProblem))
    assert "5 tag(s) removed" in item.reason and "1 entit" in item.reason
    assert records[0].text.splitlines() == [
        "Au sens du présent code et sauf disposition contraire de celui-ci, on entend par :",
        "1° Administration : les administrations de l'Etat, les collectivités territoriales\xa0;",
        "2° Public :",
        "a) Toute personne physique ;",
    ]


def test_text_that_only_looks_like_html_is_left_alone():
    text = "Si R < 6,5 % et <nom du demandeur> ; AT&T &c. &amp"
    assert clean_text(text) == (text, [])


def test_nul_characters_are_removed_and_counted():
    records, problems = read("hygiene_nul.jsonl")  # one \u0000 escape, one raw NUL byte
    assert problems == [("L116-1", "W209"), ("L116-2", "W209")]
    assert all("\x00" not in r.text for r in records)
    assert records[1].text.startswith(CASF_L116_2)


def test_many_nul_bytes_still_mean_binary(tmp_path):
    path = tmp_path / "utf16.txt"
    # UTF-16 without its byte-order mark: nothing tells it from binary (with the mark, it is read: W212).
    path.write_bytes(CASF_L116_2.encode("utf-16-le"))
    assert [(i.code, i.severity) for i in read_records(path)] == [("E206", "error")]


def test_no_date_sentinel_is_reported_and_nulled_and_title_fills_missing_fields():
    records, problems = read("hygiene_no_date.jsonl")
    assert problems == [("LEGIARTI000047452779", "W210")]
    assert records[0].meta["date"] is None and records[0].meta["year"] is None
    circular = records[1].meta
    assert (circular["doc_type"], circular["date"], circular["year"]) == ("CIRCULAIRE", "2005-03-01", 2005)
    assert circular["date_derived_from"] == "title"


def test_clean_dates_leaves_real_dates():
    assert clean_dates({"date": "2002-01-02", "year": 2002}) == ({"date": "2002-01-02", "year": 2002}, [])
    meta, problems = clean_dates({"date": "2999-01-01"})
    assert meta == {"date": None} and problems[0][0] == "W210"


def test_sentinel_in_csv(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(f"id;text;date\nL116-2;{CASF_L116_2};2999-01-01\n", encoding="utf-8")
    items = list(read_records(path))
    assert [getattr(i, "code", None) for i in items] == ["W210", None]
    assert items[1].meta == {"date": None}
