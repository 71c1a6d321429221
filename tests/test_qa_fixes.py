"""QA walk-through of 2026-12-04, findings 8, 9, 12, 13 and 16-24 (docs: ``/work/notes/qa-findings.md``).

The CLI runs are started at once, in parallel (each is a fresh interpreter: seconds each).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from isic_nlp.corpus.formats import file_name_date
from isic_nlp.corpus.hygiene import clean_dates
from isic_nlp.corpus.readers import read_records, records_from_source
from isic_nlp.corpus.records import RENAMED_EVERYWHERE, RENAMED_IN_PREDICTIONS, InputProblem
from isic_nlp.errors import IsicError

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    {"id": "a1", "texte": "Les habitants participent au conseil citoyen du quartier.", "date": "12/03/2002", "collection": "casf"},
    {"id": "a2", "texte": "Toute personne a droit à une allocation personnalisée.", "date": "01.02.2004", "collection": "casf"},
    {"id": "a3", "texte": "Le développement social local associe les habitants.", "date": "3 mars 2006", "collection": "cdt"},
    {"id": "a4", "texte": "Le bénéficiaire a droit au revenu de solidarité active.", "date": "2008-05-01", "collection": "cdt"},
]


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """``{name: (CompletedProcess, folder)}`` of every CLI invocation, run in parallel."""
    folder = tmp_path_factory.mktemp("qa")
    texte = _write_jsonl(folder / "texte.jsonl", TEXTS)
    plain = _write_jsonl(folder / "plain.jsonl", [{"id": r["id"], "text": r["texte"]} for r in TEXTS])
    field = ["--text-field", "texte"]
    commands = {
        "kwic": ["kwic", str(texte), "--label", "collective", "-p", "fast", *field],
        "kwic_no_field": ["kwic", str(texte), "--label", "collective", "-p", "fast"],
        "describe": ["corpus", "describe", str(texte), *field],
        "txm": ["export", "txm", str(texte), "--out", str(folder / "txm"), *field],
        "iramuteq": ["export", "iramuteq", str(texte), "--out", str(folder / "corpus.txt"), *field],
        "classify": ["classify", str(texte), "--out", str(folder / "classify.csv"), "-q", *field],
        "sample": ["sample", str(texte), "--n", "2", "--out", str(folder / "sample.csv"), *field],
        "analyse_nothing": ["analyse", str(texte), "--out", str(folder / "nothing"), "-p", "fast", "-q"],
        "facet_typo": ["report", "trend", str(texte), "--out", str(folder / "r1"), "--facet", "colection", *field],
        "by_typo": ["report", "compare", str(texte), "--out", str(folder / "r2"), "--by", "collecton", *field],
        "no_dates": ["report", "trend", str(plain), "--out", str(folder / "r3")],
        "compare": ["report", "compare", str(texte), "--out", str(folder / "r4"), "--by", "collection", "--n-boot", "50",
                    "-q", *field],
    }
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}

    def run(args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "isic_nlp", *args], capture_output=True, text=True, env=env,
                              cwd=folder, timeout=600)

    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        done = dict(zip(commands, pool.map(run, commands.values())))
    return done, folder


# --------------------------------------------------------------------------- 8: --text-field / --id-field everywhere


def test_kwic_reads_a_texte_field(runs):
    done, _ = runs
    result = done["kwic"]
    assert result.returncode == 0, result.stderr
    assert "[conseil citoyen]" in result.stdout


def test_kwic_without_the_field_names_the_fields_found_and_the_option(runs):
    result = runs[0]["kwic_no_field"]
    assert result.returncode == 2
    assert "[isic:E012]" in result.stderr and "--text-field" in result.stderr
    assert "no 'text' field (fields: 'id', 'texte', 'date', 'collection')" in result.stderr
    assert "No such option" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["describe", "txm", "iramuteq", "classify", "sample", "compare"])
def test_every_corpus_command_accepts_text_field(runs, name):
    result = runs[0][name]
    assert result.returncode == 0, result.stderr
    assert "No such option" not in result.stderr and "Traceback" not in result.stderr


def test_text_field_outputs_have_every_record(runs):
    done, folder = runs
    assert done["describe"].stdout.startswith("4 documents")
    assert len(pd.read_csv(folder / "classify.csv")) == 4
    assert len(pd.read_csv(folder / "txm" / "metadata.csv")) == 4
    assert (folder / "corpus.txt").read_text(encoding="utf-8").count("**** *id_") == 4
    assert "Report written" in done["compare"].stdout


def test_e202_lists_the_fields_of_a_json_lines_record_and_of_a_dict(tmp_path):
    path = _write_jsonl(tmp_path / "c.jsonl", [{"id": "x", "texte": "Bonjour."}])
    problems = [p for p in read_records(path) if isinstance(p, InputProblem)]
    assert [p.code for p in problems] == ["E202"]
    assert "fields: 'id', 'texte'" in problems[0].reason and "--text-field" in problems[0].reason
    items, _ = records_from_source(pd.DataFrame([{"id": "x", "texte": "Bonjour."}]))
    reasons = [p.reason for p in items if isinstance(p, InputProblem)]
    assert reasons and "fields: 'id', 'texte'" in reasons[0]


# --------------------------------------------------------------------------- 9: analyse with no usable record


def test_analyse_with_no_usable_record_says_why_and_exits_1(runs):
    done, folder = runs
    result = done["analyse_nothing"]
    assert result.returncode == 1
    assert "[isic:E202]" in result.stderr and "--text-field" in result.stderr
    assert "errors.csv" in result.stderr and "Traceback" not in result.stderr
    errors = pd.read_csv(folder / "nothing" / "errors.csv")
    assert (errors["code"] == "E202").sum() == 4  # the outputs are still written


# --------------------------------------------------------------------------- 12: dates


@pytest.mark.parametrize("value, iso", [
    ("12/03/2002", "2002-03-12"), ("12.03.2002", "2002-03-12"), ("12-03-2002", "2002-03-12"),
    ("12 mars 2002", "2002-03-12"), ("1er février 2005", "2005-02-01"), ("mardi 2 janvier 2002", "2002-01-02"),
])
def test_french_dates_are_read_with_a_warning_giving_the_value(value, iso):
    meta, problems = clean_dates({"date": value})
    assert meta["date"] == iso
    assert problems == [("W216", {"field": "date", "value": value, "iso": iso})]


@pytest.mark.parametrize("value", ["03/25/2002", "31/02/2002", "s.d.", "12/03/02"])
def test_unreadable_dates_are_warned_not_dropped_in_silence(value):
    meta, problems = clean_dates({"date": value})
    assert meta["date"] == value
    assert [code for code, _ in problems] == ["W217"]
    assert problems[0][1]["field"] == "date" and problems[0][1]["value"] == value


@pytest.mark.parametrize("value", ["2002-03-12", "2002", "2002-03-12T00:00:00", ""])
def test_iso_dates_and_years_are_left_as_they_are(value):
    assert clean_dates({"date": value}) == ({"date": value}, [])


def test_a_csv_with_french_dates_gets_iso_dates_and_a_warning_per_record(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("id;text;date\nd1;Les droits des usagers.;12/03/2002\nd2;Le conseil citoyen.;13/03/2002\n",
                    encoding="utf-8-sig")
    items = list(read_records(path))
    records = [r for r in items if not isinstance(r, InputProblem)]
    assert [r.meta["date"] for r in records] == ["2002-03-12", "2002-03-13"]
    assert [p.line for p in items if isinstance(p, InputProblem) and p.code == "W216"] == [2, 3]


def test_txt_file_names_give_a_date_or_a_year(tmp_path):
    for name in ("loi-2002-01-02.txt", "2002_circulaire.txt", "notes.txt", "loi 2014-173 du 21 février 2014.txt"):
        (tmp_path / name).write_text("Les droits des usagers.", encoding="utf-8")
    metas = {r.meta["filename"]: r.meta for r in read_records(tmp_path) if not isinstance(r, InputProblem)}
    assert metas["loi-2002-01-02.txt"] == {"filename": "loi-2002-01-02.txt", "date": "2002-01-02", "year": 2002,
                                           "date_source": "file_name"}
    assert metas["2002_circulaire.txt"] == {"filename": "2002_circulaire.txt", "year": 2002, "date_source": "file_name"}
    assert metas["notes.txt"] == {"filename": "notes.txt"}
    assert metas["loi 2014-173 du 21 février 2014.txt"]["date"] == "2014-02-21"
    assert file_name_date("article-12") == {}


def test_a_txm_metadata_date_wins_over_the_file_name(tmp_path):
    (tmp_path / "loi-2002-01-02.txt").write_text("Les droits des usagers.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("id,date\nloi-2002-01-02,2010-05-05\n", encoding="utf-8")
    records = [r for r in read_records(tmp_path) if not isinstance(r, InputProblem)]
    assert records[0].meta["date"] == "2010-05-05" and "date_source" not in records[0].meta


def test_no_dates_error_lists_metadata_fields_only_and_says_how_to_attach_dates(runs):
    result = runs[0]["no_dates"]
    assert result.returncode == 2
    assert "[isic:E609]" in result.stderr
    assert "--date-field" in result.stderr and ".txt file names" in result.stderr
    assert "n_tokens" not in result.stderr and "rate_" not in result.stderr


# --------------------------------------------------------------------------- 13: fields checked before the analysis


def test_a_facet_typo_is_caught_before_the_analysis_with_did_you_mean(runs):
    result = runs[0]["facet_typo"]
    assert result.returncode == 2
    assert "[isic:E609] There is no field 'colection' (--facet)" in result.stderr
    assert "Did you mean 'collection'?" in result.stderr and "Nothing was analysed" in result.stderr


def test_a_by_typo_of_compare_is_caught_too(runs):
    result = runs[0]["by_typo"]
    assert result.returncode == 2 and "Did you mean 'collection'?" in result.stderr


def test_check_fields_in_python(tmp_path):
    from isic_nlp.reports.data import check_fields

    corpus = [{"id": "a", "text": "x", "collection": "casf", "year": 2002}, {"id": "b", "text": "y", "doc_type": "LOI"}]
    check_fields([corpus], [], [], {"--facet": "doc_type", "--cluster": "doc_id", "--by": "period:5"}, dates=True)
    with pytest.raises(IsicError, match=r"'date_signature' \(--date-field\).*To attach dates") as err:
        check_fields([corpus], [], [], {"--date-field": "date_signature"})
    assert err.value.code == "E609"
    with pytest.raises(IsicError, match="Did you mean 'doc_type'"):
        check_fields([corpus], [], [], {"--cluster": "doctype"})
    # No usable record at all: the analysis says why (E604), not a missing field.
    check_fields([[{"id": "a", "texte": "x"}]], [], [], {"--facet": "collection"})


# --------------------------------------------------------------------------- cosmetic 16-24


def test_e201_does_not_say_at_twice(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "tab\there"}\n', encoding="utf-8")
    problems = [p for p in read_records(path) if isinstance(p, InputProblem)]
    assert problems[0].code == "E201"
    assert "at at" not in problems[0].reason and "at column" in problems[0].reason


def test_help_texts(runs):
    from typer.testing import CliRunner

    from isic_nlp.cli import app

    runner = CliRunner()
    kwic_help = " ".join(runner.invoke(app, ["kwic", "--help"]).output.split())
    assert "collective_labour" in kwic_help
    compare_help = " ".join(runner.invoke(app, ["report", "compare", "--help"]).output.split())
    assert "shares and differences (report compare)" in compare_help
    iramuteq_help = " ".join(runner.invoke(app, ["export", "iramuteq", "--help"]).output.split())
    assert "doc_id and unit_type with --unit article or alinea" in iramuteq_help


def test_iramuteq_default_variables_are_those_the_help_says(runs):
    _, folder = runs
    header = (folder / "corpus.txt").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("**** *id_a1 *collection_casf *date_2002-03-12")
    assert "*docid_" not in header and "*unittype_" not in header


def test_kwic_flags_column_is_not_shadowed_by_pandas():
    from isic_nlp import kwic

    lines = kwic([{"id": "d", "text": "Les collectivités territoriales financent."}], "collective")
    assert isinstance(lines.context_flags, pd.Series)
    assert lines["context_flags"].tolist() == ["false_friend"]


def test_renamed_metadata_fields_are_warned_once_per_file(tmp_path):
    rows = [{"id": f"d{i}", "text": "Bonjour.", "n_tokens": 3, "frame": "individual", "collection": "x"} for i in range(3)]
    items, _ = records_from_source(_write_jsonl(tmp_path / "c.jsonl", rows))
    warned = [p for p in items if isinstance(p, InputProblem) and p.code == "W218"]
    assert sorted(p.reason.split("'")[1] for p in warned) == ["frame", "n_tokens"]
    assert "meta_n_tokens" in next(p.reason for p in warned if "n_tokens" in p.reason)


def test_renamed_fields_match_the_tables():
    from isic_nlp.classify.api import PREDICTION_COLUMNS
    from isic_nlp.tables import RESERVED

    assert RENAMED_EVERYWHERE == RESERVED - {"id"}
    assert {c for c in PREDICTION_COLUMNS if not c.startswith("p_")} <= RENAMED_IN_PREDICTIONS


@pytest.fixture(scope="module")
def report_data():
    from isic_nlp.reports import load_report_data

    rows = [{"id": r["id"], "text": r["texte"], "date": r["date"], "collection": r["collection"]} for r in TEXTS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_report_data(rows)


def test_compare_tests_leave_out_modes_no_unit_has(report_data):
    from isic_nlp.reports import compare

    tests = compare(report_data, by="collection", n_boot=50).tests
    absent = [m for m in ("communautaire", "groupes", "dsl", "collectives") if not report_data.units[f"mode_{m}"].any()]
    assert absent, "the fixture should leave some mode out"
    assert not set(tests["variable"]) & {f"mode {m}" for m in absent}
    assert tests["chi2"].notna().all()


def test_evidence_rows_match_their_mention_rows_exactly(report_data):
    from isic_nlp.reports.evidence import evidence

    data = report_data
    found = evidence(data, pd.Series("all", index=data.units.index), per_cell=5)
    assert len(found) and {"start_char", "end_char"} <= set(found.columns)
    joined = found.merge(data.mentions, on=["doc_id", "start_char", "end_char", "label"], how="left", indicator=True)
    assert (joined["_merge"] == "both").all()
    texts = {r["id"]: r["texte"] for r in TEXTS}
    assert all(texts[r.doc_id][r.start_char:r.end_char] == r.match for r in found.itertuples())


def test_a_trend_does_not_warn_about_lemma_keyness(tmp_path):
    from isic_nlp import analyse
    from isic_nlp.reports import load_report_data

    rows = [{"id": r["id"], "text": r["texte"], "date": "2002-01-01"} for r in TEXTS]
    analyse(rows, pipeline="fast", out=tmp_path / "out")  # no --lemmas

    def codes(keyness: bool) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            load_report_data([str(tmp_path / "out")], keyness=keyness)
        return [str(w.message)[6:10] for w in caught if str(w.message).startswith("[isic:")]

    assert "W603" in codes(True) and "W603" not in codes(False)
