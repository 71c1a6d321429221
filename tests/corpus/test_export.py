"""IRaMuTeQ and TXM exports of real excerpts, read back as inputs (round trips), and their bad inputs."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

import isic_nlp
from isic_nlp.corpus import export_iramuteq, export_txm
from isic_nlp.corpus.export import iramuteq_value, unit_records
from isic_nlp.corpus.readers import InputProblem, Record, read_records
from isic_nlp.errors import IsicError

EXTRAITS = Path(__file__).resolve().parents[1] / "fixtures" / "units" / "extraits_reels.jsonl"
HEADER = re.compile(r"^\*\*\*\* (\*[A-Za-z0-9]+_[A-Za-z0-9_.\-]+ ?)+$")


@pytest.fixture
def records():
    rows = [json.loads(line) for line in EXTRAITS.read_text(encoding="utf-8").splitlines()]
    rows[1]["frame"] = "individuel"  # as the classifier will add it
    rows[1]["text"] = rows[1]["text"].replace("I. - Seules", "I. - Art. R.* 114-1 : seules")
    return rows


def read(path):
    items = list(read_records(path))
    return [i for i in items if isinstance(i, Record)], [
        i for i in items if isinstance(i, InputProblem)
    ]


def test_iramuteq_round_trip_per_article(records, tmp_path):
    out = tmp_path / "corpus.txt"
    result = export_iramuteq(records, out, unit="article")
    units = [u for _, u in unit_records(records, "article")]
    assert (result.documents, result.units, result.errors) == (3, len(units), 0) and len(
        units
    ) == 11
    lines = out.read_text(encoding="utf-8").split("\n")
    headers = [line for line in lines if line.startswith("****")]
    assert len(headers) == len(units) and all(HEADER.match(h) for h in headers)
    assert not any("*" in line for line in lines if not line.startswith("****"))
    assert headers[0] == (
        "**** *id_KALITEXT000041698834_preamble *docid_KALITEXT000041698834 *unittype_article "
        "*doctype_CONVENTION_COLLECTIVE *collection_conventions-collectives-secteur-social "
        "*year_2019 *date_2019-09-25 *datesource_date_parsed_from_the_text_title"
    )
    assert "*frame_individuel" in headers[-2]
    back, problems = read(out)
    assert problems == []
    assert [r.id for r in back] == [iramuteq_value(u.id) for u in units]
    assert [r.text for r in back] == [u.text.replace("*", "").strip() for u in units]
    assert back[-2].meta == {
        "doc_id": "LEGIARTI000045354454",
        "unit_type": "article",
        "doc_type": "CODE_ARTICLE",
        "collection": "code-securite-sociale",
        "year": 2022,
        "date": "2022-03-14",
        "date_source": "creating_text",
        "frame": "individuel",
    }
    # Read back and written again, the file is the same.
    again = tmp_path / "again.txt"
    export_iramuteq(out, again)
    assert again.read_bytes() == out.read_bytes()


def test_an_iramuteq_corpus_is_analysed_directly(records, tmp_path, nlp_test_fast):
    out = tmp_path / "corpus.txt"
    export_iramuteq(records, out, unit="alinea")
    result = isic_nlp.analyse(str(out), nlp=nlp_test_fast)
    assert result.manifest["counts"]["documents"] == len(list(unit_records(records, "alinea")))
    assert set(result.documents["doc_type"]) == {"CONVENTION_COLLECTIVE", "CODE_ARTICLE", "FICHE"}


def test_txm_round_trip_per_alinea(records, tmp_path):
    out = tmp_path / "txm"
    result = export_txm(records, out, unit="alinea")
    units = [u for _, u in unit_records(records, "alinea")]
    files = sorted(p.name for p in out.iterdir())
    assert result.units == len(units) == len(files) - 1 and "metadata.csv" in files
    with open(out / "metadata.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["id", "doc_id", "unit_id", "unit_type"]
    assert {row["id"] + ".txt" for row in rows} == set(files) - {"metadata.csv"}
    back, problems = read(out)
    assert problems == []
    by_unit = {r.meta["unit_id"]: r for r in back}
    assert set(by_unit) == {u.id for u in units}
    for unit in units:
        assert by_unit[unit.id].text == unit.text
        assert by_unit[unit.id].meta["doc_type"] == unit.meta["doc_type"]
    assert by_unit["LEGIARTI000045354454/art-LO111-3-16/al-4"].meta["frame"] == "individuel"
    assert by_unit["LEGIARTI000045354454/art-LO111-3-16/al-4"].meta["year"] == 2022


def test_txm_folder_problems_are_reported(records, tmp_path):
    out = tmp_path / "txm"
    export_txm(records[2:], out)
    (out / "orphelin.txt").write_text("Texte sans métadonnées.", encoding="utf-8")
    with open(out / "metadata.csv", "a", encoding="utf-8") as handle:
        handle.write("absent,x,x,document\n")
    back, problems = read(out)
    assert sorted(r.id for r in back) == ["orphelin", "travail_article107747"]
    assert sorted((p.code, p.id) for p in problems) == [("E404", "absent"), ("W401", "orphelin")]
    (out / "metadata.csv").write_text("nom,doc_type\nx,LOI\n", encoding="utf-8")
    with pytest.raises(IsicError, match=r"\[isic:E406\]"):
        read_records(out)  # at once, before any record is read


def test_iramuteq_text_without_body_is_an_error(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("**** *id_a *annee_2002\n\n**** *id_b vide\nTexte.\n", encoding="utf-8")
    back, problems = read(path)
    assert [r.id for r in back] == ["b"]
    assert [(p.code, p.id) for p in problems] == [("E405", "a"), ("W402", "b")]


def test_export_cli_writes_both_formats(cli, tmp_path):
    done = cli(
        "export", "iramuteq", str(EXTRAITS), "--out", str(tmp_path / "c.txt"), "--unit", "article"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("11 units from 3 documents")
    done = cli("export", "txm", str(tmp_path / "c.txt"), "--out", str(tmp_path / "txm"))
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "txm").glob("*.txt"))) == 11
    done = cli("export", "txm", str(EXTRAITS), "--out", str(tmp_path / "x"), "--unit", "section")
    # --unit is a choice: Click refuses an unknown unit, listing the choices (the library's E401 stays for Python callers).
    assert done.returncode == 2 and "'section' is not one of 'document', 'article', 'alinea'" in done.stderr
    assert "Traceback" not in done.stderr
