"""Fine-grained outputs: collective labour relations vs collective social intervention, and the fine tags.

ANNOTATION.md §4 asks every report to show *collective social intervention*
(collective without the tag ``labour_relations``) and *collective labour
relations* apart. The frame model keeps its four frames; a second model gives
the probability that a collective unit is about labour relations:

* :func:`make_labour_model`: features + logistic regression, trained on the
  ``collective`` and ``mixed`` units only, target "has the tag
  ``labour_relations``"; its probability is ``p(labour | collective)``;
* :func:`split_collective`: ``p_collective_labour = p_collective * p(labour | collective)``
  and ``p_collective_social = p_collective - p_collective_labour`` (so the two
  add up to the frame model's ``p_collective``, whose calibration they keep);
* :func:`make_tag_model`: one class-balanced, Platt-scaled logistic regression per
  fine tag (``rights``, ``participation``...) with enough labels
  (:func:`learnable_tags`), probabilities per tag (``p_tag_<tag>``).

Example:
    >>> split_collective([0.8, 0.1], [0.25, 0.9])
    {'p_collective_social': [0.6, 0.01], 'p_collective_labour': [0.2, 0.09]}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline

from .features import make_features

LABOUR = "labour_relations"
TAGS = (
    "rights",
    "obligations",
    "individual_support",
    "individual_benefit",
    "participation",
    "territorial",
    "partnership",
    "group_work",
    "community",
    "social_bond",
    "labour_relations",
)
LABOUR_FRAMES = ("collective", "mixed")  # the units the labour model learns from
#: A tag is learned only with at least this many positive (and negative) units: below it, its
#: cross-source F1 was near zero (``benchmarks/classify_tags.py``).
TAG_MIN_UNITS = 20


def make_labour_model(
    columns: list[str], *, C: float = 1.0, profile_weight: float = 0.05, random_state: int = 0, **feature_options
) -> Pipeline:
    """Features + logistic regression for ``p(labour_relations | collective)`` (fit on collective and mixed units)."""
    return Pipeline(
        [
            ("features", make_features(columns, profile_weight=profile_weight, **feature_options)),
            (
                "model",
                LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=random_state),
            ),
        ]
    )


def labour_training_rows(frames: Sequence[str], tags: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the units the labour model learns from, and their 0/1 target."""
    rows = np.array([i for i, f in enumerate(frames) if f in LABOUR_FRAMES], dtype=int)
    target = np.array([int(LABOUR in tags[i]) for i in rows], dtype=int)
    return rows, target


def split_collective(p_collective, p_labour) -> dict[str, list[float]]:
    """``p_collective_social`` and ``p_collective_labour`` from ``p_collective`` and ``p(labour | collective)``."""
    p_collective = np.asarray(p_collective, dtype=float)
    labour = p_collective * np.asarray(p_labour, dtype=float)
    return {
        "p_collective_social": np.round(p_collective - labour, 6).tolist(),
        "p_collective_labour": np.round(labour, 6).tolist(),
    }


def tag_matrix(tags: Sequence[Sequence[str]], learned: Sequence[str]) -> np.ndarray:
    """0/1 matrix, one column per learned tag."""
    return np.array([[int(t in unit) for t in learned] for unit in tags], dtype=int).reshape(len(tags), len(learned))


def make_tag_model(
    columns: list[str], *, C: float = 1.0, profile_weight: float = 0.05, random_state: int = 0, **feature_options
) -> Pipeline:
    """Features + one class-balanced logistic regression per fine tag, Platt-scaled (probabilities per tag).

    Class balancing finds rare tags but over-states their probability; the
    sigmoid fitted on inner 3-fold out-of-fold scores (``ensemble=False``: one
    regression per tag is kept) brings the probabilities back to observed
    shares (``benchmarks/classify_tags.py``: across sources, the mean expected
    calibration error drops from about 0.10 to 0.02 at the same F1).
    """
    regression = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=random_state)
    return Pipeline(
        [
            ("features", make_features(columns, profile_weight=profile_weight, **feature_options)),
            ("model", OneVsRestClassifier(CalibratedClassifierCV(regression, cv=3, method="sigmoid", ensemble=False))),
        ]
    )


def learnable_tags(tags: Sequence[Sequence[str]], minimum: int | None = None) -> list[str]:
    """The fine tags with at least ``minimum`` (default :data:`TAG_MIN_UNITS`) positive and negative units, in the guideline's order."""
    minimum = TAG_MIN_UNITS if minimum is None else minimum
    n = len(tags)
    counts = {t: sum(t in unit for unit in tags) for t in TAGS}
    return [t for t in TAGS if minimum <= counts[t] <= n - minimum]
