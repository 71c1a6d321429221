"""Tests of isic_nlp.reports.codification: the shipped list, flagging, and the three modes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from isic_nlp.corpus.versions import text_key
from isic_nlp.errors import IsicError
from isic_nlp.reports.codification import (
    apply_codification,
    codification_summary,
    flag_codification,
    load_codification_list,
)
from tests.conftest import SHARED_CORPORA as CORPORA


def test_shipped_list_is_valid_and_has_the_known_waves():
    texts = load_codification_list()
    keys = {t.key for t in texts}
    for key in ("DECRET 85-1353", "DECRET 85-1354", "ORDONNANCE 2000-1249", "ORDONNANCE 2007-329",
                "DECRET 2008-244", "DECRET 56-149", "ORDONNANCE 2015-1341"):
        assert key in keys
    assert len({t.id for t in texts}) == len(texts) == len(keys)
    for t in texts:
        assert text_key(t.key) == t.key and t.title and t.source and t.codified
        # the key is what text_key makes of the title itself
        assert text_key(t.title) == t.key, t.id
    casf = {t.id: t.in_force for t in texts}["ordonnance-2000-1249"]
    assert casf == (("Code de l'action sociale et des familles", "2000-12-23"),)


def units_table() -> pd.DataFrame:
    rows = [
        # three title forms of one listed text
        ("u1", "d1", "1985-12-17", {"title": "Décret n° 85-1353 du 17 décembre 1985", "nature": "DECRET"}),
        ("u2", "d2", "1985-12-17", {"title": "Décret 85-1353 1985-12-17 art. 1 JORF 21 décembre 1985"}),
        # a listed text whose LEGI title has no number: matched on its JORF id
        ("u3", "d3", "2000-06-15", {"title": "Rapport - art. 1 (V) JORF 22 juin 2000", "nature": "ORDONNANCE",
                                    "text_cid": "JORFTEXT000000583733"}),
        # no creating text, on the day a listed codification entered into force in that code
        ("u4", "d4", "2000-12-23", None),
        # a big unlisted text: 3 documents, 5 alinéas
        *[(f"u5-{i}", "d5", "2016-06-10", {"title": "Décret n°2016-781 du 10 juin 2016 - art. 8"}) for i in range(3)],
        ("u6", "d6", "2016-06-10", {"title": "Décret n°2016-781 du 10 juin 2016 - art. 3"}),
        ("u7", "d7", "2016-06-10", {"title": "Décret n°2016-781 du 10 juin 2016 - art. 7"}),
        # an ordinary text
        ("u8", "d8", "2002-01-02", {"title": "LOI n°2002-2 du 2 janvier 2002 - art. 1"}),
    ]
    return pd.DataFrame({
        "id": [r[0] for r in rows], "doc_id": [r[1] for r in rows], "date": [r[2] for r in rows],
        "creating_text": [r[3] for r in rows],
        "code_title": ["Code de l'action sociale et des familles" if r[0] == "u4" else "Code rural" for r in rows],
    })


def test_flags_listed_texts_by_key_jorf_id_and_entry_into_force():
    flagged = flag_codification(units_table(), threshold=None).set_index("id")
    assert flagged.loc["u1", "codification_text"] == flagged.loc["u2", "codification_text"] == "decret-85-1353"
    assert flagged.loc["u3", "codification_text"] == "ordonnance-2000-550"
    assert flagged.loc["u4", "codification_text"] == "ordonnance-2000-1249"
    assert flagged.loc["u4", "creating_text_key"] == "unknown@Code de l'action sociale et des familles@2000-12-23"
    assert (flagged.loc[["u1", "u2", "u3", "u4"], "codification"] == "listed").all()
    assert (flagged.drop(index=["u1", "u2", "u3", "u4"])["codification"] == "").all()


@pytest.mark.parametrize("threshold, detected", [(2, True), (3, False), (None, False)])
def test_detection_counts_documents_not_rows(threshold, detected):
    # décret 2016-781 has 5 rows but 3 documents: detected when 3 > threshold
    flagged = flag_codification(units_table(), threshold=threshold).set_index("id")
    big = flagged.loc[["u5-0", "u5-1", "u5-2", "u6", "u7"]]
    assert (big["codification"] == ("detected" if detected else "")).all()
    assert (big["codification_text"] == ("DECRET 2016-781" if detected else "")).all()
    assert flagged.loc["u8", "codification"] == ""


def test_creating_text_as_json_text_as_analyse_writes_it():
    units = units_table()
    units["creating_text"] = [json.dumps(v, ensure_ascii=False) if v else None for v in units["creating_text"]]
    flagged = flag_codification(units, threshold=2).set_index("id")
    assert flagged.loc["u2", "codification"] == "listed" and flagged.loc["u6", "codification"] == "detected"


def test_modes():
    flagged = flag_codification(units_table(), threshold=2)
    assert len(apply_codification(flagged, "include")) == 10
    kept = apply_codification(flagged, "exclude")
    assert kept["id"].tolist() == ["u8"]
    separate = apply_codification(flagged, "separate")
    assert separate.set_index("id")["codification_group"].to_dict() == {
        **{i: "codification" for i in flagged["id"] if i != "u8"}, "u8": "other"}
    with pytest.raises(IsicError, match="E407"):
        apply_codification(flagged, "drop")
    with pytest.raises(IsicError, match="E601"):
        apply_codification(units_table(), "exclude")


def test_summary_counts_units_and_documents_per_text():
    summary = codification_summary(flag_codification(units_table(), threshold=2))
    rows = {r.codification_text: (r.codification, r.n_units, r.n_documents) for r in summary.itertuples()}
    assert rows == {"decret-85-1353": ("listed", 2, 2), "ordonnance-2000-550": ("listed", 1, 1),
                    "ordonnance-2000-1249": ("listed", 1, 1), "DECRET 2016-781": ("detected", 5, 3)}


def test_a_bad_list_is_one_coded_error_with_every_problem(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text(
        "texts:\n"
        "  - {id: a, key: DECRET 1-1, title: t, date: '2001-02-30', code: c, kind: k, codified: x, source: s, verified: true}\n"
        "  - {id: a, key: Décret 1-1, title: t, date: '2001-01-01', code: c, kind: k, codified: x, source: s, verified: true}\n"
        "  - {id: b, title: t}\n",
        encoding="utf-8",
    )
    with pytest.raises(IsicError) as err:
        load_codification_list(path)
    message = str(err.value)
    assert "E408" in message and "'2001-02-30'" in message and "duplicate id 'a'" in message
    assert "'Décret 1-1'" in message and "lacks key, date" in message


def test_unknown_field_is_a_coded_error():
    with pytest.raises(IsicError, match="E601"):
        flag_codification(pd.DataFrame({"id": ["a"]}), by="creating_text")


@pytest.mark.skipif(not (CORPORA / "code-du-travail.jsonl.gz").exists(), reason="shared corpora not available")
def test_real_code_du_travail_recodification():
    units = pd.read_json(CORPORA / "code-du-travail.jsonl.gz", lines=True, dtype=False)
    summary = codification_summary(flag_codification(units)).set_index("codification_text")
    assert summary.loc["ordonnance-2007-329", "n_units"] == 2229
    assert summary.loc["decret-2008-244", "n_units"] == 2077
    # the articles whose creating text is unknown and whose first version entered into force with the new code
    assert summary.loc["unknown@Code du travail@2008-05-01", "codification"] == "detected"


def test_note_names_the_texts_and_the_share():
    from isic_nlp.reports.codification import codification_note

    flagged = flag_codification(units_table(), threshold=2)
    note = codification_note(flagged, threshold=2)
    assert note.startswith("9 of 10 units (90%) come from codification texts: 4 from listed texts (")
    assert "decret-85-1353 2" in note and "5 from texts that created more than 2 units at once (DECRET 2016-781 5)" in note
    assert codification_note(flag_codification(units_table().iloc[-1:], threshold=2), threshold=2).startswith("No unit of the 1")
