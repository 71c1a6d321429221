"""Scores of a classifier: per-class precision/recall/F1, macro-F1, confusion matrix, Brier score.

:func:`scores` compares true labels with predicted probabilities;
:func:`cross_validated_scores` gives honest figures for a training set by
nested cross-validation: an outer grouped, stratified 5-fold split; in each
outer training part, the parameters are chosen by an inner 3-fold CV
(``tune=True``), the model is trained and it predicts the outer test part.

Example:
    >>> import pandas as pd
    >>> proba = pd.DataFrame({"p_individual": [0.9, 0.2], "p_collective": [0.1, 0.7], "p_mixed": [0, 0],
    ...     "p_none": [0, 0.1], "p_communautaire": [0, 0.8], "p_groupes": [0, 0], "p_dsl": [0, 0], "p_collectives": [0, 0]})
    >>> result = scores(["individual", "collective"], [[], ["communautaire"]], proba)
    >>> result["frame"]["macro_f1_main"], result["modes"]["micro_f1"]
    (1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from .labels import FRAMES, MODES, LabelledData
from .model import MAIN_FRAMES, Classifier, cv_splits, labels_from_proba


def _round(value: float) -> float:
    return round(float(value), 4)


def scores(
    frames: Sequence[str],
    modes: Sequence[Sequence[str]] | None,
    proba: pd.DataFrame,
    threshold: float = 0.5,
    offsets: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Frame and mode scores of predicted probabilities against true labels.

    ``offsets``: per-class decision offsets (:mod:`isic_nlp.classify.thresholds`);
    the frame decided is then ``argmax(log p + offset)`` instead of the most probable.
    The Brier score always judges the probabilities themselves.
    """
    predicted = labels_from_proba(proba.reset_index(drop=True), threshold)
    y_true = np.asarray(list(frames), dtype=object)
    y_pred = np.asarray(predicted["frame"], dtype=object)
    if offsets:
        from .thresholds import apply_offsets

        y_pred = apply_offsets(
            proba[[f"p_{frame}" for frame in FRAMES]].to_numpy(dtype=float), list(FRAMES), offsets
        )
    p, r, f, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(FRAMES), zero_division=0
    )
    onehot = np.array([[float(t == frame) for frame in FRAMES] for t in y_true])
    frame_p = proba[[f"p_{frame}" for frame in FRAMES]].to_numpy()
    result: dict[str, Any] = {
        "n_units": len(y_true),
        "frame": {
            "per_class": {
                frame: {
                    "precision": _round(p[i]),
                    "recall": _round(r[i]),
                    "f1": _round(f[i]),
                    "support": int(support[i]),
                }
                for i, frame in enumerate(FRAMES)
            },
            # Over the main frames present in the truth or the predictions (an absent class is not a zero).
            "macro_f1_main": _round(
                f1_score(
                    y_true,
                    y_pred,
                    labels=[f for f in MAIN_FRAMES if f in set(y_true) | set(y_pred)]
                    or MAIN_FRAMES,
                    average="macro",
                    zero_division=0,
                )
            ),
            "macro_f1_all": _round(
                f1_score(y_true, y_pred, labels=list(FRAMES), average="macro", zero_division=0)
            ),
            "accuracy": _round((y_true == y_pred).mean()),
            # Multi-class Brier score: mean over units of the squared distance to the one-hot truth.
            "brier": _round(((frame_p - onehot) ** 2).sum(axis=1).mean()),
            "confusion_matrix": {
                "labels": list(FRAMES),
                "rows_true_columns_predicted": confusion_matrix(
                    y_true, y_pred, labels=list(FRAMES)
                ).tolist(),
            },
        },
    }
    if modes is not None:
        Y = np.array([[int(m in unit) for m in MODES] for unit in modes]).reshape(
            len(y_true), len(MODES)
        )
        mode_p = proba[[f"p_{m}" for m in MODES]].to_numpy()
        Y_pred = (mode_p >= threshold).astype(int)
        mp, mr, mf, ms = precision_recall_fscore_support(Y, Y_pred, zero_division=0)
        result["modes"] = {
            "per_mode": {
                m: {
                    "precision": _round(mp[i]),
                    "recall": _round(mr[i]),
                    "f1": _round(mf[i]),
                    "support": int(ms[i]),
                    "brier": _round(((mode_p[:, i] - Y[:, i]) ** 2).mean()),
                }
                for i, m in enumerate(MODES)
            },
            "micro_f1": _round(f1_score(Y, Y_pred, average="micro", zero_division=0)),
            "macro_f1": _round(f1_score(Y, Y_pred, average="macro", zero_division=0)),
            "brier": _round(((mode_p - Y) ** 2).mean()),
        }
    return result


def source_scores(
    frames: Sequence[str], proba: pd.DataFrame, domains: Sequence[str], offsets: dict[str, float] | None = None
) -> dict[str, Any]:
    """Frame scores per source (out-of-source probabilities), and their mean: the transfer figure.

    ``proba`` must come from models that did not see the unit's source
    (e.g. :func:`isic_nlp.classify.model.out_of_source_proba`).
    """
    domains = np.asarray(list(domains), dtype=object)
    frames = np.asarray(list(frames), dtype=object)
    per_source = {}
    for domain in sorted(set(domains)):
        mask = domains == domain
        part = scores(frames[mask], None, proba.loc[mask].reset_index(drop=True), offsets=offsets)
        per_source[str(domain)] = {
            "n_units": part["n_units"],
            "macro_f1_main": part["frame"]["macro_f1_main"],
            "collective_f1": part["frame"]["per_class"]["collective"]["f1"],
            "collective_recall": part["frame"]["per_class"]["collective"]["recall"],
            "brier": part["frame"]["brier"],
        }
    return {
        "per_source": per_source,
        "mean_macro_f1_main": _round(np.mean([v["macro_f1_main"] for v in per_source.values()])),
        "mean_collective_f1": _round(np.mean([v["collective_f1"] for v in per_source.values()])),
    }


def evaluate(clf: Classifier, data: LabelledData) -> dict[str, Any]:
    """Scores of a trained classifier on labelled data."""
    proba = clf.predict_proba(data.texts)
    return scores(data.frames, data.modes, proba, clf.threshold)


def cross_validated_scores(
    data: LabelledData,
    *,
    pipeline: str = "fast",
    tune: bool = True,
    n_splits: int = 5,
    seed: int = 0,
    table: pd.DataFrame | None = None,
    nlp=None,
    by_source: bool = True,
    **params,
) -> dict[str, Any]:
    """Nested CV scores (with ``tune=True``): out-of-fold probabilities of every unit, then :func:`scores`."""
    clf = Classifier(pipeline, random_state=seed, nlp=nlp, **params)
    table = clf.features(data.texts) if table is None else table
    proba = pd.DataFrame(
        index=range(len(data)),
        columns=[f"p_{f}" for f in FRAMES] + [f"p_{m}" for m in MODES],
        dtype=float,
    )
    folds = cv_splits(data.frames, data.groups, n_splits, seed)
    for train, test in folds:
        fold = Classifier(pipeline, random_state=seed, nlp=clf.nlp, **params)
        fold.fit(
            [data.texts[i] for i in train],
            [data.frames[i] for i in train],
            [data.modes[i] for i in train],
            groups=[data.groups[i] for i in train],
            tune=tune,
            table=table.iloc[train].reset_index(drop=True),
        )
        proba.iloc[test] = fold.predict_proba(
            table=table.iloc[test].reset_index(drop=True)
        )[list(proba.columns)].to_numpy()
    result = scores(data.frames, data.modes, proba)
    result["method"] = (
        f"{'nested ' if tune else ''}{len(folds)}-fold cross-validation, stratified by frame, grouped by document"
        + (
            "; parameters chosen in each outer training part by an inner 3-fold CV"
            if tune
            else "; fixed parameters"
        )
    )
    result["seed"] = seed
    if by_source and len(set(data.sources)) > 1:
        sources = np.asarray(data.sources, dtype=object)
        result["by_source"] = {}
        for source in sorted(set(data.sources)):
            mask = sources == source
            part = scores(
                [f for f, k in zip(data.frames, mask) if k],
                [m for m, k in zip(data.modes, mask) if k],
                proba.loc[mask].reset_index(drop=True),
            )
            result["by_source"][source.rsplit("/", 1)[-1]] = {
                "n_units": part["n_units"],
                "macro_f1_main": part["frame"]["macro_f1_main"],
                "mode_micro_f1": part["modes"]["micro_f1"],
            }
    return result


def scores_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per frame and per mode: precision, recall, F1, support; then the summary rows."""
    rows = [
        {"label": frame, "kind": "frame", **values}
        for frame, values in result["frame"]["per_class"].items()
    ]
    rows.append(
        {
            "label": "macro (individual, collective, none)",
            "kind": "frame",
            "f1": result["frame"]["macro_f1_main"],
        }
    )
    rows.append({"label": "brier", "kind": "frame", "f1": None, "brier": result["frame"]["brier"]})
    if "modes" in result:
        rows += [
            {"label": m, "kind": "mode", **values}
            for m, values in result["modes"]["per_mode"].items()
        ]
        rows.append(
            {
                "label": "micro (modes)",
                "kind": "mode",
                "f1": result["modes"]["micro_f1"],
                "brier": result["modes"]["brier"],
            }
        )
    table = pd.DataFrame(
        rows, columns=["kind", "label", "precision", "recall", "f1", "support", "brier"]
    )
    table["support"] = table["support"].astype("Int64")
    return table
