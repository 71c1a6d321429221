"""The one table builder (isic_nlp.tables): analyse, extract_tables and the classifier's features agree."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import isic_nlp
from isic_nlp.classify.features import FLAGS, profile_columns, profile_table, unit_features
from isic_nlp.tables import extract_tables, label_groups, mention_key

TEXTS = [
    "Le conseil de la vie sociale associe les usagers au fonctionnement de l'établissement.",
    "",
    "Article 1er\nLe bénéficiaire a droit à un accompagnement personnalisé.\n"
    "Article 2\nLe conseil de la vie sociale n'est pas réuni. Les droits et devoirs du bénéficiaire.",
]


def _records():
    return [{"id": f"d{i}", "text": t or " ", "year": 2000 + i} for i, t in enumerate(TEXTS)]


@pytest.mark.parametrize("unit", ["document", "article", "alinea"])
def test_extract_tables_gives_the_tables_of_analyse(nlp_fast, unit):
    records = [r for r in _records() if r["text"].strip()]
    result = isic_nlp.analyse(records, nlp=nlp_fast, unit=unit, lemmas=True, texts=True)
    docs = nlp_fast.pipe([r["text"] for r in records])
    tables = extract_tables(
        docs, nlp_fast, ids=[r["id"] for r in records], meta=[{"year": r["year"]} for r in records],
        unit=unit, lemmas=True, texts=True,
    )
    pd.testing.assert_frame_equal(tables.documents, result.documents)
    pd.testing.assert_frame_equal(tables.mentions, result.mentions)
    pd.testing.assert_frame_equal(tables.lemmas, result.lemmas)
    pd.testing.assert_frame_equal(tables.texts, result.texts)
    # Each unit's text is its slice of the document.
    by_id = {r["id"]: r["text"] for r in records}
    for row, text in zip(result.documents.itertuples(), result.texts["text"]):
        assert by_id[row.doc_id][row.start_char:row.start_char + row.n_chars] == text


def test_empty_units_have_zero_counts_and_missing_rates(nlp_fast):
    tables = extract_tables(nlp_fast.pipe(["", "Le conseil de la vie sociale."]), nlp_fast)
    empty, full = tables.documents.iloc[0], tables.documents.iloc[1]
    assert empty["n_tokens"] == 0 and empty["n_participation"] == 0
    assert math.isnan(empty["rate_participation"]) and math.isnan(empty["rate_collective"])
    assert full["rate_participation"] == pytest.approx(1 / full["n_tokens"] * 10_000)
    assert tables.documents["rate_collective"].dtype == np.float64
    # The classifier reads a missing rate as 0.
    features = profile_table(["", "Le conseil de la vie sociale."], nlp_fast)
    assert features.loc[0, "rate_participation"] == 0.0
    assert features.loc[1, "rate_participation"] == pytest.approx(full["rate_participation"])


def test_unit_features_count_context_flags_per_unit(nlp_fast):
    result = isic_nlp.analyse(_records()[2:], nlp=nlp_fast, unit="article", texts=True)
    groups = result.manifest["labels"]
    features = unit_features(result.documents, result.mentions, result.texts, groups, unit="article")
    assert list(features.columns) == ["text", *profile_columns(groups)]
    assert len(features) == len(result.documents) == 2
    # Hand count from the mentions table: each mention in the article that contains its start.
    for i, unit_id in enumerate(result.documents["id"]):
        mine = result.mentions[result.mentions["article_id"] == unit_id]
        for flag in FLAGS:
            assert features.loc[i, f"ctx_{flag}"] == int(mine[flag].sum()), (unit_id, flag)
        assert features.loc[i, "uncounted_collective"] == int(((~mine["counted"]) & (mine["group"] == "collective")).sum())
    # The negated 'conseil de la vie sociale' is in article 2, not in article 1.
    assert features.loc[0, "ctx_negation"] == 0 and features.loc[1, "ctx_negation"] >= 1
    assert features.loc[1, "text"].startswith("Article 2")


def test_mention_key_names_the_unit_column():
    assert [mention_key(u) for u in ("document", "article", "alinea")] == ["doc_id", "article_id", "unit_id"]
    with pytest.raises(isic_nlp.errors.IsicError):
        mention_key("paragraph")


def test_label_groups_need_the_profile_component(nlp_fast):
    import spacy

    with pytest.raises(isic_nlp.errors.IsicError, match="isic_profile"):
        label_groups(spacy.blank("fr"))
    assert label_groups(nlp_fast)["participation"] == "collective"
