"""Per-class decision offsets for the frame, chosen on out-of-source probabilities.

The frame model's probabilities stay as they are (they are what the reports
average and what the Brier score judges); only the *decision* changes: the
predicted frame is ``argmax_k(log p_k + offset_k)``. Offsets are chosen on
out-of-fold probabilities from folds that hold out whole sources (a code, a
collection, a file: :func:`isic_nlp.classify.model.source_splits`), because
collective is under-predicted on sources the model has not seen, and random
folds do not show it.

:func:`choose_offsets` searches a grid, one class at a time (``none`` fixed at
0), for the offsets with the best macro-F1 over individual / collective / none;
:func:`apply_offsets` gives the decisions.

Example:
    >>> import numpy as np
    >>> classes = ["collective", "individual", "none"]
    >>> proba = np.array([[0.4, 0.1, 0.5], [0.45, 0.05, 0.5], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    >>> y = ["collective", "collective", "individual", "none"]
    >>> offsets = choose_offsets(proba, y, classes, shrink=1.0)
    >>> offsets["collective"] > 0, list(apply_offsets(proba, classes, offsets)) == y
    (True, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import f1_score

OFFSET_GRID = tuple(np.round(np.arange(-1.0, 2.01, 0.25), 2))
MAIN_FRAMES = ("individual", "collective", "none")


def apply_offsets(proba, classes: Sequence[str], offsets: dict[str, float] | None) -> np.ndarray:
    """The decided class of each row: ``argmax(log p + offset)`` (no offsets: the most probable)."""
    proba = np.asarray(proba, dtype=float)
    shift = np.array([(offsets or {}).get(c, 0.0) for c in classes])
    scores = np.log(np.clip(proba, 1e-12, 1.0)) + shift
    return np.asarray(classes, dtype=object)[scores.argmax(axis=1)]


def _macro(y, pred, labels) -> float:
    return f1_score(y, pred, labels=list(labels), average="macro", zero_division=0)


def choose_offsets(
    proba,
    y: Sequence[str],
    classes: Sequence[str],
    *,
    grid: Sequence[float] = OFFSET_GRID,
    adjust: Sequence[str] = ("collective", "individual"),
    labels: Sequence[str] = MAIN_FRAMES,
    rounds: int = 2,
    shrink: float = 0.5,
) -> dict[str, float]:
    """Offsets (log-probability units) of the ``adjust`` classes that maximise macro-F1 on ``proba``.

    Coordinate search, ``rounds`` passes; ties go to the offset nearest 0. The
    result is multiplied by ``shrink`` (0.5: halfway back to 0), because offsets
    found on a few held-out sources overfit them; ``shrink=1`` keeps them.
    Classes not in ``classes`` are skipped.
    """
    y = np.asarray(list(y), dtype=object)
    labels = [c for c in labels if c in classes]
    offsets = {c: 0.0 for c in classes}
    for _ in range(rounds):
        for cls in adjust:
            if cls not in classes:
                continue
            best, best_score = offsets[cls], -1.0
            for value in sorted(grid, key=abs):
                trial = {**offsets, cls: float(value)}
                score = _macro(y, apply_offsets(proba, classes, trial), labels)
                if score > best_score + 1e-9:
                    best, best_score = float(value), score
            offsets[cls] = best
    return {c: round(v * shrink, 4) for c, v in offsets.items() if c in adjust and v}
