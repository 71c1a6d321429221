"""XML inputs (issue 13): TXM XML-TEI corpora, DILA LEGI/JORF XML, DILA archives, limits as options, doc_id, regexes."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from isic_nlp.corpus.decoding import limits, set_limits
from isic_nlp.corpus.readers import InputProblem, Record, read_records, records_from_source
from isic_nlp.errors import IsicError
from isic_nlp.lexicons.model import _regex_problems

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inputs"
TEI = FIXTURES / "txm_tei"
DILA = FIXTURES / "dila"
ROOT = Path(__file__).resolve().parents[2]


def _split(items):
    items = list(items)
    records = {i.id: i for i in items if isinstance(i, Record)}
    problems = [i for i in items if isinstance(i, InputProblem)]
    return records, problems


@pytest.fixture(autouse=True)
def _no_limit_overrides():
    yield
    set_limits(clear=True)


# --------------------------------------------------------------------------- TXM / TEI


def test_txm_tei_folder_gives_its_documents_not_e404():
    """The case of the issue: TEI files + metadata.csv gave 25 × E404 and no document."""
    records, problems = _split(read_records(TEI))
    assert sorted(records) == ["L116-1", "L116-2", "orphelin"]
    codes = sorted((p.code, p.id) for p in problems)
    # a row without its file, a file without its row, a TEI without text; import.xml is not a text
    assert codes == [("E203", "vide"), ("E404", "L116-3"), ("W401", "orphelin")]


def test_txm_xml_txm_words_rebuilt_with_french_spacing():
    records, _ = _split(read_records(TEI))
    text = records["L116-1"].text
    assert text.startswith("L'action sociale et médico-sociale tend à promouvoir, dans un cadre interministériel, l'autonomie")
    assert text.endswith("à en corriger les effets.")
    assert "NOM" not in text and "PUN" not in text  # txm:ana annotations are not text
    tokens = records["orphelin"].text.split("\n")
    assert tokens == [
        "Le conseil de la vie sociale associe les usagers au fonctionnement de l'établissement.",
        "A-t-il été consulté ? Oui, le 1er janvier (voir annexe).",
    ]


def test_txm_metadata_row_over_tei_header():
    records, _ = _split(read_records(TEI))
    l1162 = records["L116-2"]
    assert l1162.text.split("\n")[0] == "Article L116-2"  # <head> and <p> are separate lines
    assert l1162.meta["title"] == "Code de l'action sociale et des familles, article L116-2"  # header
    assert l1162.meta["date"] == "2002-01-03"  # metadata.csv over the header's 2002-01-02
    assert l1162.meta["doc_type"] == "CODE_ARTICLE" and l1162.meta["code"] == "CASF"
    assert "id" not in l1162.meta  # the metadata.csv id column is the id, not metadata
    assert records["L116-1"].meta["base"] == "casf"  # attributes of XML-TXM's <text>


def test_tei_header_date_is_the_documents_not_the_editions():
    folder_records, _ = _split(read_records(TEI / "L116-2.xml"))
    meta = folder_records["L116-2"].meta
    assert meta["date"] == "2002-01-02" and meta["year"] == 2002  # sourceDesc, not publicationStmt's 2024


def test_tei_folder_without_metadata_and_bad_files_mid_folder(tmp_path):
    for name in ("L116-1.xml", "L116-2.xml", "orphelin.xml", "import.xml"):  # no metadata.csv
        shutil.copy(TEI / name, tmp_path / name)
    (tmp_path / "cassé.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>Début\n</body></text></TEI>')
    (tmp_path / "bombe.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><TEI><text><body><p>&c;</p></body></text></TEI>'
    )
    (tmp_path / "externe.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]><TEI><text><p>&x;</p></text></TEI>'
    )
    (tmp_path / "autre.xml").write_text("<rss><channel/></rss>")
    records, problems = _split(read_records(tmp_path))
    assert sorted(records) == ["L116-1", "L116-2", "orphelin"]
    by_file = {Path(p.file).name: p for p in problems}
    assert by_file["cassé.xml"].code == "E219" and "mismatched tag" in by_file["cassé.xml"].reason
    assert by_file["cassé.xml"].line == 2
    assert by_file["bombe.xml"].code == "E220" and "entity 'a'" in by_file["bombe.xml"].reason
    assert by_file["externe.xml"].code == "E220"
    assert by_file["autre.xml"].code == "E221" and "<rss>" in by_file["autre.xml"].reason


def test_tei_choice_keeps_one_reading(tmp_path):
    path = tmp_path / "c.xml"
    path.write_text('<TEI><text><body><p>Le <choice><abbr>CVS</abbr><expan>conseil de la vie sociale</expan></choice> '
                    'se <choice><sic>reunit</sic><corr>réunit</corr></choice>.</p></body></text></TEI>')
    records, _ = _split(read_records(path))
    assert records["c"].text == "Le conseil de la vie sociale se réunit."


def test_limit_option_before_any_command(tmp_path):
    from typer.testing import CliRunner

    from isic_nlp.cli import app

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "Le droit."}) + "\n" + json.dumps({"id": "b", "text": "x" * 800}) + "\n")
    result = CliRunner().invoke(app, ["--max-record-bytes", "500", "corpus", "describe", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "Records read 2 = documents 1 + errors 1" in result.output


def test_tei_corpus_file_gives_one_document_per_tei(tmp_path):
    path = tmp_path / "recueil.xml"
    path.write_text(
        '<teiCorpus xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/>'
        '<TEI><text><body><p>Premier texte.</p></body></text></TEI>'
        '<TEI xml:id="deux"><text><body><p>Second texte.</p></body></text></TEI></teiCorpus>'
    )
    records, problems = _split(read_records(path))
    assert {k: r.text for k, r in records.items()} == {"recueil:1": "Premier texte.", "deux": "Second texte."}
    assert problems == []


def test_txm_binary_corpus_gets_a_clear_message(tmp_path):
    plain = tmp_path / "CASF.txm"
    plain.write_bytes(b"\x00binary")
    with pytest.raises(IsicError) as err:
        read_records(plain)
    assert err.value.code == "E007" and "TXM binary corpus" in str(err.value) and "export" in str(err.value)
    zipped = tmp_path / "AUTRE.txm"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("txm/AUTRE/L116-1.xml", (TEI / "L116-1.xml").read_bytes())
        archive.writestr("data/AUTRE/word.corpus", b"\x00")
    with pytest.raises(IsicError) as err:
        read_records(zipped)
    assert "txm/AUTRE/" in str(err.value) and "unzip" in str(err.value)


# --------------------------------------------------------------------------- DILA


def test_legi_article_xml_has_the_fields_of_the_legi_reader():
    records, problems = _split(read_records(DILA / "LEGIARTI000006796411.xml"))
    article = records["LEGIARTI000006796411"]
    assert problems == []
    assert article.text.split("\n") == [
        "L'action sociale et médico-sociale tend à promouvoir, dans un cadre interministériel, l'autonomie et la "
        "protection des personnes, la cohésion sociale, l'exercice de la citoyenneté, à prévenir les exclusions et à "
        "en corriger les effets.",
        "Elle repose sur une évaluation continue des besoins et des attentes des membres de tous les groupes sociaux, "
        "en particulier des personnes handicapées et des personnes âgées, des personnes et des familles vulnérables, "
        "en situation de précarité ou de pauvreté, et sur la mise à leur disposition de prestations en espèces ou en nature.",
        "Elle est mise en oeuvre par l'Etat, les collectivités territoriales et leurs établissements publics, les "
        "organismes de sécurité sociale, les associations ainsi que par les institutions sociales et médico-sociales "
        "au sens de l'article L. 311-1.",
    ]
    meta = article.meta
    assert meta["doc_type"] == "CODE_ARTICLE" and meta["article_num"] == "L116-1" and meta["etat"] == "VIGUEUR"
    assert meta["title"] == "Code de l'action sociale et des familles, article L116-1"
    assert meta["code_id"] == "LEGITEXT000006074069"
    assert meta["section_path"] == [
        "Partie législative",
        "Livre Ier : Dispositions générales",
        "Titre Ier : Principes généraux",
        "Chapitre VI : Action sociale et médico-sociale",
    ]
    # the LEGI date rules: the creating text's signature (a CREATION link from loi 2002-2)
    assert (meta["date"], meta["date_source"], meta["creating_text_nature"]) == ("2002-01-02", "creating_text", "LOI")
    assert meta["date_in_force"] == "2002-01-03" and meta["date_end"] is None  # 2999-01-01 is "no date"
    assert meta["cid"] == "LEGIARTI000006796411" and meta["n_versions"] == 1
    from isic_nlp.corpus.legi import read_legi

    json_article = next(i for i in read_legi(ROOT / "tests/fixtures/legi/LEGITEXT000006073189-extrait.json") if isinstance(i, Record))
    assert set(json_article.meta) <= set(meta)  # every field of the JSON reader, same names


def test_jorf_article_and_text_version(tmp_path):
    records, problems = _split(read_records(DILA))
    jorf = records["JORFARTI000001872652"]
    assert jorf.meta["doc_type"] == "LOI" and jorf.meta["date"] == "2002-01-02"
    assert jorf.meta["title"] == "Loi n°2002-2 du 2 janvier 2002, article 2" and jorf.meta["nor"] == "MESX0000158L"
    texte = records["JORFTEXT000000215460"]
    assert texte.text.startswith("L'Assemblée nationale et le Sénat ont adopté,\nLe Président")
    assert texte.meta["date_publication"] == "2002-01-03" and texte.meta["doc_type"] == "LOI"
    assert sorted((p.code, p.reason.split("DILA ")[1].split()[0]) for p in problems) == [
        ("W215", "SECTION_TA"), ("W215", "TEXTELR")]
    kali = records["KALIARTI000054801844"].meta
    assert kali["doc_type"] == "CONVENTION_COLLECTIVE" and kali["idcc"] == "1938"
    assert kali["title"].startswith("Convention collective nationale des industries de la transformation des volailles, article 1er")
    assert (kali["date"], kali["date_in_force"], kali["nor"]) == ("2026-04-02", "2026-06-06", "ASET2650507M")


def _archive(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_dila_archive_streamed_member_by_member(tmp_path):
    prefix = "legi/global/code_et_TNC_en_vigueur/code_en_vigueur/LEGI/TEXT/00/00/06/07/40/LEGITEXT000006074069/"
    members = [(prefix + "article/LEGI/ARTI/" + p.name, p.read_bytes()) for p in sorted(DILA.glob("*.xml"))]
    members.insert(1, ("liste_suppression_legi.dat", b"legi/global/LEGIARTI000000000001\n"))
    members.insert(2, (prefix + "article/LEGI/ARTI/casse.xml", b"<ARTICLE><META></ARTICLE>"))
    members.append((prefix + "article/LEGI/ARTI/gros.xml", b"<ARTICLE>" + b" " * 5000 + b"</ARTICLE>"))
    archive = _archive(tmp_path / "Freemium_legi_global_20250713-140000.tar.gz", members)
    set_limits(max_record_bytes=4000)
    records, problems = _split(read_records(archive))
    assert sorted(records) == ["JORFARTI000001872652", "JORFTEXT000000215460", "KALIARTI000054801844", "LEGIARTI000006796411"]
    assert records["LEGIARTI000006796411"].file.endswith("!" + prefix + "article/LEGI/ARTI/LEGIARTI000006796411.xml")
    codes = sorted((p.code, p.file.rsplit("/", 1)[-1]) for p in problems)
    assert ("E219", "casse.xml") in codes and ("E216", "gros.xml") in codes
    skipped = sorted(p.reason for p in problems if p.code == "W215")
    assert len(skipped) == 3 and any("not XML (.dat)" in r for r in skipped) and any("SECTION_TA" in r for r in skipped)


def test_dila_archive_stops_at_the_file_bound(tmp_path):
    article = (DILA / "LEGIARTI000006796411.xml").read_bytes()
    members = [(f"a/{n}.xml", article.replace(b"LEGIARTI000006796411", b"LEGIARTI%012d" % n)) for n in range(400)]
    archive = _archive(tmp_path / "big.tgz", members)
    set_limits(max_file_bytes=1_000_000)
    records, problems = _split(read_records(archive))
    assert 100 < len(records) < 400
    assert [p.code for p in problems] == ["E217"] and "--max-file-bytes" in problems[0].reason


def test_damaged_archive_keeps_what_was_read(tmp_path):
    article = (DILA / "LEGIARTI000006796411.xml").read_bytes()
    archive = _archive(tmp_path / "x.tar.gz", [(f"a/{n}.xml", article.replace(b"0006796411", b"%010d" % n)) for n in range(50)])
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    records, problems = _split(read_records(archive))
    assert len(records) > 0 and [p.code for p in problems] == ["E210"]


# --------------------------------------------------------------------------- limits, doc_id


def test_cli_option_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("ISIC_NLP_MAX_RECORD_BYTES", "5000")
    assert limits().max_record_bytes == 5000
    set_limits(max_record_bytes=300)
    assert limits().max_record_bytes == 300
    with pytest.raises(ValueError):
        set_limits(max_file_bytes=0)


def test_analyse_cli_max_record_bytes(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "petit", "text": "Le droit au logement."}) + "\n"
                      + json.dumps({"id": "grand", "text": "Le conseil de la vie sociale. " * 40}) + "\n")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-c", "from isic_nlp.cli import main; main()", "analyse", str(corpus), "--out", str(out),
         "-p", "fast", "--max-record-bytes", "500"],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    errors = (out / "errors.csv").read_text()
    assert "c.jsonl,2,,error,E216" in errors and "--max-record-bytes" in errors  # skipped unread: no id
    assert "Analysed 1 documents" in run.stdout


def test_jsonl_doc_id_is_the_id_like_csv(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps({"doc_id": f"d{n}", "text": "Un texte."}) + "\n" for n in range(3)))
    records, problems = _split(read_records(path))
    assert sorted(records) == ["d0", "d1", "d2"] and "doc_id" not in records["d0"].meta
    assert [(p.code, p.line) for p in problems] == [("W214", 1)]
    both = tmp_path / "b.jsonl"
    both.write_text(json.dumps({"id": "x", "doc_id": "y", "text": "Un texte."}) + "\n")
    records, problems = _split(read_records(both))
    assert list(records) == ["x"] and records["x"].meta["doc_id"] == "y" and problems == []


def test_dataframe_doc_id_text_like_r():
    import pandas as pd

    items, _ = records_from_source(pd.DataFrame({"doc_id": ["a", "b"], "text": ["Un.", "Deux."]}))
    records, problems = _split(items)
    assert sorted(records) == ["a", "b"] and [p.code for p in problems] == ["W214"]


# --------------------------------------------------------------------------- lexicon REGEX


@pytest.mark.parametrize("pattern", ["(a|a)*", "(a|ab)*c", "(a|b|ab)*c", "^(?:l'|l)+$", "(x|xy){2,}z", "^(a+)+$"])
def test_regex_with_overlapping_alternatives_refused(pattern):
    problems = _regex_problems({"LOWER": {"REGEX": pattern}})
    assert problems and "exponential time" in problems[0]


@pytest.mark.parametrize(
    "pattern",
    [r"(\w|\d)+$", "(a|b)*", r"^(?:l'|d')?usager", r"^(conseil|comité)s?$", "^(ab|cd)+$", "(x|xy)z",
     r"^([0-9]{1,2}|[A-H]|I{1,3}|IV|V|VI{0,3}|IX|X)$"],
)
def test_regex_without_overlap_accepted(pattern):
    assert _regex_problems({"TEXT": {"REGEX": pattern}}) == []


def test_refused_regexes_are_the_slow_ones():
    """The check refuses what is slow in Python's re, and (\\w|\\d)+ is not (a character class)."""
    import re
    import time

    def seconds(pattern: str, unit: str, n: int = 22) -> float:
        start = time.perf_counter()
        re.compile(pattern).search(unit * n + "!")
        return time.perf_counter() - start

    assert seconds("(a|b|ab)*c", "ab", 18) > 20 * seconds(r"(\w|\d)+$", "1", 18)
