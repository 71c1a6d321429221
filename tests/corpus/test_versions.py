"""Tests of isic_nlp.corpus.versions: the events and in-force views of an article-version history."""

from __future__ import annotations

import gzip
import json
import warnings
from collections import Counter
from pathlib import Path

import pytest

from isic_nlp.corpus.readers import InputProblem, Record
from isic_nlp.corpus.versions import (
    GAPS,
    is_versions_file,
    read_events,
    read_in_force,
    read_versions,
    snapshot_gaps,
    text_key,
)
from isic_nlp.errors import IsicError
from tests.conftest import SHARED_CORPORA

CASF_VERSIONS = SHARED_CORPORA / "casf-versions.jsonl.gz"


def version(num, date, event, text="Texte.", date_end=None, code="CASF", **more):
    row = {
        "id": f"{code}:{num}@{date}", "code": code, "num": num, "text": "" if event == "repealed" else text,
        "date": date, "date_end": date_end, "event": event,
        "modifying_text": "Modifications d'origine indéterminée", "modifying_text_nature": "unknown",
        "modifying_text_date": None, "modifying_texts": [], "flags": [], "partie": "Partie législative",
        "hierarchy": ["Partie législative"],
    }
    row.update(more)
    return row


LOI = {"modifying_text": "Loi n°2002-2 du 2 janvier 2002", "modifying_text_nature": "LOI",
       "modifying_text_date": "2002-01-02",
       "modifying_texts": [{"nature": "LOI", "type": "Loi", "number": "2002-2", "date": "2002-01-02"}]}
ROWS = [
    # CFAS 1: from before 1970 (placeholder) to its repeal at the CASF codification
    version("1", "1970-01-31", "created", "Ancien texte.", "2000-12-23", code="CFAS",
            date_is_placeholder=True, flags=["date_placeholder_pre1970"]),
    version("1", "2000-12-23", "repealed", code="CFAS"),
    # L1: created by the codification, modified by loi 2002-2, repealed in 2005, re-created in 2010
    version("L1", "2000-12-23", "created", "Première rédaction.", "2002-01-03"),
    version("L1", "2002-01-03", "modified", "Deuxième rédaction.", "2005-01-01", **LOI),
    version("L1", "2005-01-01", "repealed", date_end="2010-01-01"),
    version("L1", "2010-01-01", "created", "Nouvel article L1.", None, flags=["recreated_after_repeal"]),
    # L2: created by loi 2002-2, still in force
    version("L2", "2002-01-03", "created", "Article L2.", None, **LOI),
]


@pytest.fixture
def versions_file(tmp_path) -> Path:
    path = tmp_path / "versions.jsonl.gz"
    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS]
    # bad lines, each on its own line number: malformed JSON, an array, a missing field, a bad date, an unknown event
    lines[3:3] = [
        '{"id": "CASF:L9@2001-01-01", "code": "CASF"',
        "[1, 2]",
        json.dumps({k: v for k, v in version("L8", "2001-01-01", "created").items() if k != "num"}),
        json.dumps(version("L7", "2001-13-01", "created")),
        json.dumps(version("L6", "2001-01-01", "abrogé")),
    ]
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n\n")
    return path


def records(items):
    return [i for i in items if isinstance(i, Record)]


def problems(items):
    return [(p.line, p.code) for p in items if isinstance(p, InputProblem)]


def test_sniff_recognises_a_versions_file_and_nothing_else(versions_file, tmp_path):
    assert is_versions_file(versions_file)
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"id": "a", "text": "Un texte.", "date": "2001-01-01"}) + "\n", encoding="utf-8")
    assert not is_versions_file(plain)
    (tmp_path / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    assert not is_versions_file(tmp_path / "broken.jsonl")
    assert not is_versions_file(tmp_path / "missing.jsonl")


def test_events_view_one_record_per_created_or_modified_version(versions_file):
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        items = list(read_events(versions_file))
    got = records(items)
    assert [r.id for r in got] == ["CFAS:1@1970-01-31", "CASF:L1@2000-12-23", "CASF:L1@2002-01-03",
                                   "CASF:L1@2010-01-01", "CASF:L2@2002-01-03"]
    by_id = {r.id: r for r in got}
    change = by_id["CASF:L1@2002-01-03"]
    assert change.text == "Deuxième rédaction."
    assert change.meta["date"] == change.meta["date_in_force"] == "2002-01-03"
    assert change.meta["date_signature"] == "2002-01-02" and change.meta["date_source"] == "version_in_force"
    assert change.meta["event"] == "modified" and change.meta["text_key"] == "LOI 2002-2"
    assert change.meta["doc_type"] == "CODE_ARTICLE" and change.meta["article_num"] == "L1"
    assert change.meta["code_title"] == "Code de l'action sociale et des familles"
    # undetermined origin: one key per code and day, so a mass change of that day can be detected
    assert by_id["CASF:L1@2000-12-23"].meta["text_key"] == "unknown@Code de l'action sociale et des familles@2000-12-23"
    # the placeholder date is not a date
    old = by_id["CFAS:1@1970-01-31"]
    assert old.meta["date"] is None and old.meta["year"] is None and old.meta["date_is_placeholder"]
    # bad lines are problems with their line numbers; the placeholder gives one file-level warning
    assert problems(items) == [(4, "E201"), (5, "E209"), (6, "E212"), (7, "E212"), (8, "E212"), (None, "W211")]
    reasons = [p.reason for p in items if isinstance(p, InputProblem)]
    assert "no 'num' field" in reasons[2] and "2001-13-01" in reasons[3] and "abrogé" in reasons[4]


def test_events_view_dated_by_signature(versions_file):
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        got = records(read_versions(versions_file, date="signature"))
    dates = {r.id: (r.meta["date"], r.meta["date_in_force"], r.meta["date_source"]) for r in got}
    assert dates["CASF:L2@2002-01-03"] == ("2002-01-02", "2002-01-03", "modifying_text_signature")
    assert dates["CASF:L1@2000-12-23"][0] is None  # undetermined origin: no signature


@pytest.mark.parametrize(
    "day, expected",
    [
        ("1969-12-31", {}),
        ("1990-12-31", {"CFAS:1": ("Ancien texte.", None)}),
        ("2000-12-23", {"CASF:L1": ("Première rédaction.", "2000-12-23")}),
        ("2002-01-02", {"CASF:L1": ("Première rédaction.", "2000-12-23")}),
        ("2002-01-03", {"CASF:L1": ("Deuxième rédaction.", "2000-12-23"), "CASF:L2": ("Article L2.", "2002-01-03")}),
        ("2007-06-30", {"CASF:L2": ("Article L2.", "2002-01-03")}),
        ("2010-01-01", {"CASF:L1": ("Nouvel article L1.", "2010-01-01"), "CASF:L2": ("Article L2.", "2002-01-03")}),
    ],
)
def test_in_force_view_is_the_code_on_that_day(versions_file, day, expected):
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        got = records(read_in_force(versions_file, day))
    assert {r.id: (r.text, r.meta["date"]) for r in got} == expected
    for r in got:
        assert r.meta["in_force_on"] == day and r.meta["date_source"] == "first_version_in_force"


def test_in_force_view_keeps_the_creation_and_the_version_dates(versions_file):
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        (l1,) = [r for r in records(read_in_force(versions_file, "2003-01-01")) if r.id == "CASF:L1"]
    assert l1.meta["date"] == "2000-12-23" and l1.meta["date_signature"] is None  # created by the codification
    assert l1.meta["date_version"] == "2002-01-03" and l1.meta["date_version_signature"] == "2002-01-02"
    assert l1.meta["text_key"] == "unknown@Code de l'action sociale et des familles@2000-12-23" and l1.meta["version_id"] == "CASF:L1@2002-01-03"


def test_snapshot_in_a_gap_is_warned(versions_file):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(read_in_force(versions_file, "2001-12-31"))
    assert not caught
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(read_in_force(versions_file, "2003-12-31"))
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "[isic:W403]" in messages[0] and "Livre III" in messages[0]
    assert [g.start for g in snapshot_gaps("2016-01-01")] == [g.start for g in GAPS[1:]]


def test_events_view_warns_of_the_gaps_of_its_codes_only(versions_file, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(read_events(versions_file))
    assert len(caught) == 3 and all("[isic:W403] events view" in str(w.message) for w in caught)
    css = tmp_path / "css.jsonl"
    css.write_text(json.dumps(version("D1", "1990-01-01", "created", code="CSS")) + "\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(records(read_events(css))) == 1
    assert not caught


def test_a_bad_snapshot_date_is_a_coded_error(versions_file):
    with pytest.raises(IsicError, match="E006"):
        list(read_in_force(versions_file, "31/12/2001"))


def test_text_keys_agree_across_title_forms():
    assert text_key("Décret n°2008-244 du 7 mars 2008 - art. (V)") == "DECRET 2008-244"
    assert text_key("DÉCRET n°2014-1608 du 26 décembre 2014 - art.") == "DECRET 2014-1608"
    assert text_key("LOI n°2008-67 du 21 janvier 2008 - art. 3") == "LOI 2008-67"
    assert text_key("Ordonnance n°2007-329 du 12 mars 2007") == "ORDONNANCE 2007-329"
    assert text_key("Rapport - art. 1 (V) JORF 22 juin 2000", "ORDONNANCE") is None  # no number
    assert text_key(None) is None


@pytest.mark.slow  # reads the 6,858 versions four times: ~5 s
@pytest.mark.skipif(not CASF_VERSIONS.exists(), reason="shared casf-versions.jsonl.gz not available")
def test_real_casf_versions_counts():
    """The counts of casf-versions.md: 3556 + 2083 CASF and 218 + 92 CFAS created/modified versions."""
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        events = list(read_events(CASF_VERSIONS))
        got = records(events)
        assert Counter((r.meta["code"], r.meta["event"]) for r in got) == {
            ("CASF", "created"): 3556, ("CASF", "modified"): 2083, ("CFAS", "created"): 218, ("CFAS", "modified"): 92}
        assert problems(events) == [(None, "W211")]
        sizes = {day: len(records(read_in_force(CASF_VERSIONS, day))) for day in ("1990-12-31", "2001-12-31", "2015-12-31")}
    assert sizes == {"1990-12-31": 102, "2001-12-31": 572, "2015-12-31": 2873}
