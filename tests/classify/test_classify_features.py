"""Profile features: the table the model reads, and the scikit-learn transformer."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from isic_nlp.classify.features import (
    ProfileFeatures,
    make_features,
    profile_columns,
    profile_table,
)


@parametrize_with_checks([ProfileFeatures(), ProfileFeatures(rate_columns=[1], sides=[(0, 1)])])
def test_profile_features_follows_sklearn_conventions(estimator, check):
    check(estimator)


def test_profile_features_logs_counts_and_adds_shares():
    out = ProfileFeatures(rate_columns=[1], sides=[(0, 2)], rate_scale=100).fit_transform(
        np.array([[3.0, 100.0, 1.0]])
    )
    assert out[0].tolist() == pytest.approx([np.log1p(3), np.log1p(1.0), np.log1p(1), 4 / 6])


@pytest.mark.parametrize(
    "text,column,expected",
    [
        ("Le conseil de la vie sociale associe les usagers.", "n_collective", 1),
        ("La personne n'a pas droit à l'information.", "uncounted_individual", 1),
        ("Toute personne a droit à l'information.", "n_rights", 1),
        ("Toute personne a droit à l'information.", "n_collective", 0),
        # A negated right: kept as a mention, not counted, and flagged.
        ("La personne n'a pas droit à l'information.", "ctx_negation", 1),
    ],
)
def test_profile_table_counts_mentions_and_context(nlp_fast, text, column, expected):
    table = profile_table([text], nlp_fast)
    assert list(table.columns[:2]) == ["text", "n_tokens"]
    assert table.loc[0, column] == expected


def test_profile_columns_are_fixed_by_the_labels(nlp_fast):
    table = profile_table(["Un texte.", "Un autre texte."], nlp_fast)
    from isic_nlp.tables import label_groups

    assert list(table.columns[1:]) == profile_columns(label_groups(nlp_fast))


def test_make_features_combines_text_and_profile(nlp_fast):
    table = profile_table(
        ["Le groupe de parole se réunit.", "Le taux est fixé par décret.", "Le droit au recours."],
        nlp_fast,
    )
    columns = [c for c in table.columns if c != "text"]
    X = make_features(columns, min_df=1).fit_transform(table)
    # word + char n-grams + every profile column + the individual/collective share
    assert X.shape[0] == 3 and X.shape[1] > len(columns) + 1
