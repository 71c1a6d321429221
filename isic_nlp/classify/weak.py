"""Weak supervision: frame and mode labels from lexicon mentions, for corpora without labels.

Rules, on the counted mentions of the document profile (negated, quoted,
repealed mentions and false friends are not counted):

* no counted framing mention and no uncounted one: ``none``;
* only uncounted mentions (e.g. only false friends): abstain (no label);
* individual mentions at least ``dominance`` times the collective ones: ``individual``;
  collective at least ``dominance`` times the individual ones: ``collective``;
  otherwise, both present: ``mixed``;
* modes: every ISIC mode with at least one counted mention.

Example:
    >>> import pandas as pd
    >>> table = pd.DataFrame({"n_individual": [3, 0, 2, 0, 0], "n_collective": [0, 2, 2, 0, 0],
    ...     "uncounted_individual": [0, 0, 0, 0, 1], "uncounted_collective": [0] * 5,
    ...     "n_dsl": [0, 1, 0, 0, 0]})
    >>> weak_labels(table)["frame"].tolist()
    ['individual', 'collective', 'mixed', 'none', None]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from ..errors import Errors, IsicError
from .labels import MODES, LabelledData
from .model import MIN_EXAMPLES, Classifier, cv_splits


def weak_labels(table: pd.DataFrame, *, dominance: float = 2.0) -> pd.DataFrame:
    """``frame`` (``None`` when abstaining) and ``modes`` (a list) of every row of a profile table."""
    ind = table["n_individual"].to_numpy(dtype=float)
    # Collective labour relations are frame 'collective' too (ANNOTATION.md), in their own lexicon group.
    col = table["n_collective"].to_numpy(dtype=float) + (
        table["n_collective_labour"].to_numpy(dtype=float) if "n_collective_labour" in table else 0.0
    )
    uncounted = table.filter(like="uncounted_").to_numpy(dtype=float).sum(axis=1)
    frames: list[str | None] = []
    for i, c, u in zip(ind, col, uncounted):
        if i == 0 and c == 0:
            frames.append("none" if u == 0 else None)
        elif i >= dominance * c:
            frames.append("individual")
        elif c >= dominance * i:
            frames.append("collective")
        else:
            frames.append("mixed")
    modes = [
        [m for m in MODES if f"n_{m}" in table and row[f"n_{m}"] > 0] for _, row in table.iterrows()
    ]
    return pd.DataFrame(
        {"frame": pd.Series(frames, dtype=object), "modes": pd.Series(modes, dtype=object)}
    )


def train_weak(
    data: LabelledData, *, pipeline: str = "fast", seed: int = 0, nlp=None
) -> tuple[Classifier, dict[str, Any]]:
    """Label ``data`` (texts only) weakly, train the classifier, report coverage and agreement.

    Agreement compares the weak labels with the model's *out-of-fold* predictions
    (3-fold CV), so it says how far the model generalises the rules rather than
    memorising them; the model also covers the units the rules abstain on.
    """
    clf = Classifier(pipeline, random_state=seed, nlp=nlp)
    table = clf.features(data.texts)
    labels = weak_labels(table)
    covered = labels["frame"].notna().to_numpy()
    n_covered = int(covered.sum())
    frames = labels.loc[covered, "frame"].tolist()
    counts = pd.Series(frames, dtype=object).value_counts().to_dict()
    if sum(1 for n in counts.values() if n >= MIN_EXAMPLES) < 2:
        raise IsicError(
            Errors.E510.format(reason=f"{n_covered} of {len(data)} units labelled: {counts}")
        )
    sub = table.loc[covered].reset_index(drop=True)
    texts = [t for t, k in zip(data.texts, covered) if k]
    modes = labels.loc[covered, "modes"].tolist()
    groups = [g for g, k in zip(data.groups, covered) if k]
    # Out-of-fold predictions, for agreement.
    learnable = [f if counts.get(f, 0) >= MIN_EXAMPLES else None for f in frames]
    keep = np.array([f is not None for f in learnable])
    oof = np.empty(len(frames), dtype=object)
    for train, test in cv_splits(
        [f for f in learnable if f], [g for g, k in zip(groups, keep) if k], 3, seed
    ):
        index = np.flatnonzero(keep)
        fold = Classifier(pipeline, random_state=seed, nlp=clf.nlp)
        fold.fit(
            [texts[i] for i in index[train]],
            [frames[i] for i in index[train]],
            [modes[i] for i in index[train]],
            table=sub.iloc[index[train]].reset_index(drop=True),
        )
        oof[index[test]] = fold.predict(table=sub.iloc[index[test]].reset_index(drop=True))[
            "frame"
        ].to_numpy()
    clf.fit(texts, frames, modes, groups=groups, table=sub)
    weak = np.asarray(frames, dtype=object)[keep]
    report = {
        "n_units": len(data),
        "n_covered": n_covered,
        "coverage": round(n_covered / len(data), 4) if len(data) else 0.0,
        "weak_frame_counts": {k: int(v) for k, v in counts.items()},
        "weak_mode_counts": {m: int(sum(m in unit for unit in modes)) for m in MODES},
        "agreement": round(float((oof[keep] == weak).mean()), 4),
        "kappa": round(float(cohen_kappa_score(weak, oof[keep].astype(str))), 4),
        "method": "weak labels from counted lexicon mentions; agreement = out-of-fold (3-fold) model predictions vs weak labels",
    }
    clf.meta_["weak_supervision"] = report
    return clf, report
