"""Weak labels from lexicon mentions, scores and cross-validated scores."""

from __future__ import annotations

import pandas as pd
import pytest
from classify_data import labelled_rows  # type: ignore[import-not-found]

from isic_nlp.classify.evaluate import cross_validated_scores, scores
from isic_nlp.classify.features import profile_table
from isic_nlp.classify.labels import LabelledData
from isic_nlp.classify.weak import train_weak, weak_labels


@pytest.mark.parametrize(
    "text,frame,modes",
    [
        ("Toute personne a droit à l'information.", "individual", []),
        ("Le conseil de la vie sociale associe les usagers.", "collective", []),
        ("Le taux de la cotisation est fixé par décret.", "none", []),
        ("Le diagnostic partagé prépare le développement social local.", "collective", ["dsl"]),
        # Only a negated right: the rules abstain.
        ("La personne n'a pas droit à l'information.", None, []),
    ],
)
def test_weak_labels_follow_the_counted_mentions(nlp_fast, text, frame, modes):
    labels = weak_labels(profile_table([text], nlp_fast))
    assert labels.loc[0, "frame"] == frame
    assert labels.loc[0, "modes"] == modes


def test_train_weak_reports_coverage_and_agreement(nlp_fast):
    rows = labelled_rows()
    data = LabelledData(
        ids=[r["id"] for r in rows], texts=[r["text"] for r in rows], groups=[r["id"] for r in rows]
    )
    clf, report = train_weak(data, nlp=nlp_fast)
    assert report["n_units"] == 24 and 0.5 <= report["coverage"] <= 1
    assert 0 <= report["agreement"] <= 1
    assert clf.meta_["weak_supervision"] == report


def _proba(rows):
    columns = [
        "p_individual",
        "p_collective",
        "p_mixed",
        "p_none",
        "p_communautaire",
        "p_groupes",
        "p_dsl",
        "p_collectives",
    ]
    return pd.DataFrame(rows, columns=columns)


def test_scores_brier_and_confusion():
    proba = _proba(
        [[0.8, 0.2, 0, 0, 0, 0.9, 0, 0], [0.5, 0.5, 0, 0, 0, 0, 0.2, 0], [0, 0, 0, 1, 0, 0, 0, 0]]
    )
    result = scores(["individual", "collective", "none"], [["groupes"], ["dsl"], []], proba)
    # (0.2² + 0.2²) + (0.5² + 0.5²) + 0, over 3 units
    assert result["frame"]["brier"] == pytest.approx((0.08 + 0.5) / 3, abs=1e-4)
    # the tie goes to the first frame: individual
    assert result["frame"]["confusion_matrix"]["rows_true_columns_predicted"][1] == [1, 0, 0, 0]
    assert (
        result["modes"]["per_mode"]["groupes"]["f1"] == 1.0
        and result["modes"]["per_mode"]["dsl"]["f1"] == 0.0
    )
    assert result["modes"]["micro_f1"] == pytest.approx(2 / 3, abs=1e-4)


def test_cross_validated_scores_predict_every_unit_out_of_fold(nlp_fast):
    rows = labelled_rows()
    data = LabelledData(
        ids=[r["id"] for r in rows],
        texts=[r["text"] for r in rows],
        frames=[r["frame"] for r in rows],
        modes=[r["modes"] for r in rows],
        groups=[r["id"] for r in rows],
        sources=["a"] * len(rows),
    )
    result = cross_validated_scores(data, tune=False, n_splits=3, nlp=nlp_fast, C=1.0)
    assert result["n_units"] == 24
    assert (
        sum(sum(row) for row in result["frame"]["confusion_matrix"]["rows_true_columns_predicted"])
        == 24
    )
    assert "3-fold" in result["method"] and "nested" not in result["method"]
