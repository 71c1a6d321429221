"""The Doc cache's row tier: after a lexicon edit only the records the edit can change are analysed again,
and the tables are those of a fresh run, whatever the edit."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import isic_nlp
from isic_nlp.cache import DocCache, LexiconState
from isic_nlp.shipped import data_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """Every fourth record of the demo corpus (codes, agreements, service-public sheets), and one
    whose terms are cut by a line-end hyphen."""
    with gzip.open(ROOT / "corpora" / "demo.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle][::4]
    rows.append({"id": "hyphen", "text": "Le recours devant la commission de re-\ncours amiable est ouvert à l'assuré."})
    return rows


@pytest.fixture(scope="module")
def framing() -> dict:
    return yaml.safe_load(data_file("lexicons", "framing.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped_run(tmp_path_factory, records):
    """A cache filled by the shipped `fast` pipeline; each test works on a copy of it."""
    folder = tmp_path_factory.mktemp("cache")
    nlp = isic_nlp.load("fast")
    result = isic_nlp.analyse(records, nlp=nlp, cache=folder, lemmas=True)
    assert result.manifest["cache"]["records_reused"] == 0
    return folder, result


def _edited(tmp_path: Path, framing: dict, edit) -> Path:
    data = json.loads(json.dumps(framing))
    edit(data)
    path = tmp_path / "framing.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _rerun(tmp_path, shipped_run, records, lexicon_path, **options):
    import shutil

    folder = tmp_path / "cache"
    shutil.copytree(shipped_run[0], folder)
    nlp = isic_nlp.load("fast", lexicons=[str(lexicon_path), "isic_modes"])
    cached = isic_nlp.analyse(records, nlp=nlp, cache=folder, lemmas=True, **options)
    fresh = isic_nlp.analyse(records, nlp=nlp, lemmas=True, **options)
    for table in ("documents", "mentions", "lemmas", "texts"):
        if getattr(fresh, table) is not None or getattr(cached, table) is not None:
            pd.testing.assert_frame_equal(getattr(fresh, table), getattr(cached, table))
    assert fresh.manifest["normalisation"] == cached.manifest["normalisation"]
    assert fresh.manifest["counts"] == cached.manifest["counts"]
    return cached, fresh


def _fired(result, entry_id: str) -> set[str]:
    return set(result.mentions.loc[result.mentions["entry_id"] == entry_id, "doc_id"])


def _most_frequent_entry(result) -> str:
    return result.mentions.loc[result.mentions["lexicon"] == "framing", "entry_id"].value_counts().index[0]


def test_a_new_phrase_reruns_only_the_records_that_hold_its_words(tmp_path, framing, shipped_run, records):
    def add(data):
        data["version"] = "9.0.0"
        data["entries"].insert(0, {"id": "participation.test_cra", "label": "participation",
                                   "pattern": "commission de recours amiable"})

    cached, fresh = _rerun(tmp_path, shipped_run, records, _edited(tmp_path, framing, add))
    matched = _fired(fresh, "participation.test_cra")
    assert "hyphen" in matched  # found across the line-end hyphen, so its record was analysed again
    reused = cached.manifest["cache"]["records_reused"]
    assert len(records) - reused >= len(matched) and reused >= len(records) * 0.8
    assert set(cached.mentions["lexicon_version"][cached.mentions["lexicon"] == "framing"]) == {"9.0.0"}


def test_a_version_bump_alone_reuses_every_record(tmp_path, framing, shipped_run, records):
    def bump(data):
        data["version"] = "9.9.9"

    cached, _ = _rerun(tmp_path, shipped_run, records, _edited(tmp_path, framing, bump))
    assert cached.manifest["cache"]["records_reused"] == len(records)
    assert cached.manifest["cache"]["misses"] == 0


@pytest.mark.parametrize("change", ["remove", "relabel", "repattern"])
def test_removing_or_changing_an_entry_reruns_the_records_it_fired_in(tmp_path, framing, shipped_run, records, change):
    entry_id = _most_frequent_entry(shipped_run[1])
    before = _fired(shipped_run[1], entry_id)

    def edit(data):
        index = next(i for i, e in enumerate(data["entries"]) if e["id"] == entry_id)
        entry = data["entries"][index]
        if change == "remove":
            del data["entries"][index]
        elif change == "relabel":
            entry["label"] = next(label for label in data["labels"] if label != entry["label"])
        else:
            entry.pop("tokens", None)
            entry.pop("variants", None)
            entry["pattern"] = "usagers du service"

    cached, _ = _rerun(tmp_path, shipped_run, records, _edited(tmp_path, framing, edit))
    assert len(records) - cached.manifest["cache"]["records_reused"] >= len(before)


def test_token_patterns_are_checked_by_their_words_and_regex_ones_rerun_everything(tmp_path, framing, shipped_run,
                                                                                     records):
    def words(data):
        data["entries"].append({"id": "rights.test_tokens", "label": "rights",
                                "tokens": [{"LOWER": {"IN": ["recours", "réclamation"]}}, {"LOWER": "amiable"}]})

    cached, fresh = _rerun(tmp_path, shipped_run, records, _edited(tmp_path, framing, words))
    assert _fired(fresh, "rights.test_tokens")
    assert 0 < cached.manifest["cache"]["records_reused"] < len(records)

    def regex(data):
        data["entries"].append({"id": "rights.test_regex", "label": "rights",
                                "tokens": [{"LOWER": {"REGEX": "^amiabl"}}]})

    cached, fresh = _rerun(tmp_path / "regex", shipped_run, records, _edited(tmp_path, framing, regex))
    assert _fired(fresh, "rights.test_regex")
    assert cached.manifest["cache"]["records_reused"] == 0  # a REGEX names no word: no record can be ruled out


def test_reordered_entries_rerun_every_record(tmp_path, framing, shipped_run, records):
    def swap(data):
        data["entries"][0], data["entries"][1] = data["entries"][1], data["entries"][0]

    cached, _ = _rerun(tmp_path, shipped_run, records, _edited(tmp_path, framing, swap))
    assert cached.manifest["cache"]["records_reused"] == 0
    assert cached.manifest["cache"]["misses"] == 0  # their Docs still come from the cache


def test_labels_context_unit_and_metadata_make_the_key(tmp_path, framing, shipped_run, records):
    def describe(data):
        first = next(iter(data["labels"]))
        data["labels"][first]["description"] = "edited"

    cached, _ = _rerun(tmp_path, shipped_run, records, _edited(tmp_path, framing, describe))
    assert cached.manifest["cache"]["records_reused"] == 0
    nlp = isic_nlp.load("fast")
    cache = DocCache(shipped_run[0], nlp)
    from isic_nlp.corpus.records import Record

    record = Record("a", "texte", {"year": 2001}, "<x>", 1)
    keys = {cache.row_key(record, "document", False, 1000), cache.row_key(record, "alinea", False, 1000),
            cache.row_key(record, "document", True, 1000), cache.row_key(record, "document", False, 999),
            cache.row_key(Record("a", "texte", {"year": 2002}, "<x>", 1), "document", False, 1000)}
    assert len(keys) == 5
    other = isic_nlp.load("fast", context_lexicons=[str(ROOT / "tests" / "fixtures" / "lexicons" / "test_context.yaml")])
    assert LexiconState.of(other, cache.lexical, cache.namespace).base != cache._state.base
    cache.close()


def test_reused_rows_in_worker_processes_and_alinea_units(tmp_path, framing, shipped_run, records):
    def add(data):
        data["entries"].append({"id": "participation.test_cra", "label": "participation",
                                "pattern": "commission de recours amiable"})

    lexicon = _edited(tmp_path, framing, add)
    cached, _ = _rerun(tmp_path, shipped_run, records, lexicon, n_process=2)
    assert cached.manifest["cache"]["records_reused"] > 0
    # Another unit: other keys, nothing reused, then reused on a second run.
    cached, _ = _rerun(tmp_path / "units", shipped_run, records, lexicon, unit="alinea", texts=True)
    assert cached.manifest["cache"]["records_reused"] == 0


def test_the_vocabulary_holds_words_rejoined_across_a_line_end_hyphen(nlp_fast):
    compiled = nlp_fast.get_pipe("isic_matcher").compiled
    doc = nlp_fast("La partici-\npation des usagers.")
    words = set(compiled.vocabulary(doc).tolist())
    assert nlp_fast.vocab.strings["participation"] in words
    assert nlp_fast.vocab.strings["partici-"] in words
    assert isinstance(compiled.vocabulary(nlp_fast("")), np.ndarray)
