"""The frame and ISIC-mode classifier: scikit-learn models on text + document profile.

Two scikit-learn ``Pipeline`` objects, each ``make_features`` (word and
character TF-IDF n-grams + the scaled document profile) followed by a linear model:

* frame: one of ``individual``, ``collective``, ``mixed``, ``none``, by a
  multinomial logistic regression (its probabilities had a lower Brier score
  than a Platt-calibrated linear SVM in nested CV, and a slightly higher macro-F1);
* modes: one linear SVM per ISIC mode (one-vs-rest) calibrated into
  probabilities (Platt scaling, 3-fold); a mode is given when its probability
  is at least ``threshold``.

Class imbalance is handled by ``class_weight="balanced"``. The spaCy pipeline
(``fast`` by default) makes the profile; the model records which one, and
:class:`Classifier` applies the model with the same pipeline.

Example:
    >>> clf = Classifier(C=1.0)  # doctest: +SKIP
    >>> clf.fit(texts, frames, modes).predict(["Le groupe de parole se réunit."])  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
import weakref
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from spacy.language import Language

from ..errors import Errors, IsicError
from ..tables import label_groups
from .features import make_features, profile_table, unit_features
from .io import FORMAT, FORMAT_VERSION, load_model, save_model, slim, versions
from .labels import FRAMES, MODES
from .tags import labour_training_rows, learnable_tags, make_labour_model, make_tag_model, tag_matrix
from .thresholds import apply_offsets

MIN_EXAMPLES = 3  # Platt scaling uses 3 folds: each class needs 3 examples.
MAIN_FRAMES = ["individual", "collective", "none"]
#: p_collective split by the labour-relations model (ANNOTATION.md section 4): social intervention + labour relations.
SPLIT_COLUMNS = ("p_collective_social", "p_collective_labour")
#: C of the labour-relations model: its probabilities are averaged by the reports, and C=10 had the best
#: Brier score across held-out sources (benchmarks/classify_transfer.py).
LABOUR_C = 10.0
# The frame's C: searched by leave-one-source-out (``tune_frame_model(..., domains=...)``).
# On the training data, macro-F1 on held-out codes, files and collections is flat for C in
# 1-30 (0.649-0.655) and lower at 0.3; random folds are flat too and cannot tell them apart
# (benchmarks/classify_transfer.py, README: Classifier). Default C=3.
PARAM_GRID = {"C": [1.0, 3.0, 10.0, 30.0], "profile_weight": [0.05]}
MODE_PARAM_GRID = {"C": [0.3, 1.0], "profile_weight": [0.05, 0.1]}


def make_frame_model(
    columns: list[str],
    *,
    C: float = 3.0,
    profile_weight: float = 0.05,
    random_state: int = 0,
    class_weight: str | dict | None = "balanced",
    **feature_options,
) -> Pipeline:
    """Features + class-weighted multinomial logistic regression for the frame.

    ``feature_options`` go to :func:`make_features` (``context_weight``,
    ``parse_columns``, ``parse_weight``, ``vector_columns``, ``vector_weight``).
    """
    model = LogisticRegression(C=C, class_weight=class_weight, max_iter=5000, random_state=random_state)
    return Pipeline(
        [
            ("features", make_features(columns, profile_weight=profile_weight, **feature_options)),
            ("model", model),
        ]
    )


def make_mode_model(
    columns: list[str],
    *,
    C: float = 0.3,
    profile_weight: float = 0.1,
    random_state: int = 0,
    **feature_options,
) -> Pipeline:
    """Features + one calibrated, class-balanced linear SVM per mode (``feature_options``: see :func:`make_frame_model`)."""
    svm = LinearSVC(C=C, class_weight="balanced", random_state=random_state)
    return Pipeline(
        [
            ("features", make_features(columns, profile_weight=profile_weight, **feature_options)),
            (
                "model",
                OneVsRestClassifier(CalibratedClassifierCV(svm, cv=MIN_EXAMPLES, method="sigmoid")),
            ),
        ]
    )


def macro_f1_main(y_true, y_pred) -> float:
    """Macro-F1 over ``individual``, ``collective`` and ``none`` (``mixed`` errors still count)."""
    return f1_score(y_true, y_pred, labels=MAIN_FRAMES, average="macro", zero_division=0)


def cv_splits(
    frames: Sequence[str], groups: Sequence[str], n_splits: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds stratified by frame, keeping units of one document (``groups``) together."""
    frames = np.asarray(frames, dtype=object)
    n_splits = max(2, min(n_splits, min(Counter(frames).values())))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(frames)), frames, np.asarray(groups, dtype=object)))


def source_splits(domains: Sequence[str], *, min_size: int = 5) -> list[tuple[np.ndarray, np.ndarray]]:
    """Leave-one-source-out folds: each fold tests one domain (a code, a collection, a file) on the others.

    Domains with fewer than ``min_size`` units are never a test part (they stay in training).
    """
    domains = np.asarray(domains, dtype=object)
    folds = []
    for domain in sorted(set(domains)):
        test = np.flatnonzero(domains == domain)
        if len(test) >= min_size and len(test) < len(domains):
            folds.append((np.flatnonzero(domains != domain), test))
    return folds


def weight_grid(model: Pipeline, profile_weights) -> list[dict]:
    """The ``transformer_weights`` to search: the model's own, with each profile weight in turn.

    The other blocks (context, parse, vectors) keep their weights; only the profile's is searched.
    """
    base = dict(model.named_steps["features"].transformer_weights)
    return [{**base, "profile": w} for w in profile_weights]


def _grid_search(model, c_key: str, grid: dict, scoring, table: pd.DataFrame, y, cv) -> tuple[dict, float]:
    """Grid search over C and the profile features' weight; the best parameters and score."""
    param_grid = {
        c_key: grid["C"],
        "features__transformer_weights": weight_grid(model, grid["profile_weight"]),
    }
    search = GridSearchCV(model, param_grid, scoring=scoring, cv=cv, refit=False, n_jobs=1)
    search.fit(table, y)
    best = search.best_params_
    params = {"C": best[c_key], "profile_weight": best["features__transformer_weights"]["profile"]}
    return params, float(search.best_score_)


def tune_frame_model(
    table: pd.DataFrame,
    columns: list[str],
    frames,
    groups,
    *,
    seed: int = 0,
    n_splits: int = 3,
    grid: dict | None = None,
    domains=None,
    **feature_options,
) -> tuple[dict, dict]:
    """Choose the frame model's parameters by CV; return them and the CV scores.

    With ``domains`` (the source of each unit: a code, a collection, a file; see
    :func:`source_splits`), the folds hold out one source at a time and the
    score is the mean macro-F1 over held-out sources: what predicts transfer to
    texts of a new source. Without, grouped, stratified random folds (they
    overstate transfer and preferred the weaker settings, see README: Classifier).
    """
    folds = source_splits(domains) if domains is not None else cv_splits(frames, groups, n_splits, seed)
    params, score = _grid_search(
        make_frame_model(columns, random_state=seed, **feature_options),
        "model__C",
        grid or PARAM_GRID,
        make_scorer(macro_f1_main),
        table,
        np.asarray(frames, dtype=object),
        folds,
    )
    key = "cross_source_macro_f1" if domains is not None else "cv_macro_f1"
    return params, {key: score}


def out_of_source_proba(
    table: pd.DataFrame, columns: list[str], frames, domains, *, params: dict, seed: int = 0, **feature_options
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Probabilities of each unit from a frame model that did not see its source.

    Returns ``(proba, covered, classes)``: units of sources too small to be held
    out (:func:`source_splits`) have ``covered`` False and zero probabilities.
    """
    frames = np.asarray(frames, dtype=object)
    classes = sorted(set(frames))
    proba = np.zeros((len(frames), len(classes)))
    covered = np.zeros(len(frames), dtype=bool)
    for train, test in source_splits(domains):
        model = make_frame_model(columns, random_state=seed, **params, **feature_options)
        model.fit(table.iloc[train], frames[train])
        part = model.predict_proba(table.iloc[test])
        for j, cls in enumerate(model.classes_):
            proba[test, classes.index(cls)] = part[:, j]
        covered[test] = True
    return proba, covered, classes


def tune_frame_offsets(
    table: pd.DataFrame, columns: list[str], frames, domains, *, params: dict, seed: int = 0, **feature_options
) -> dict[str, float]:
    """Per-class decision offsets (:mod:`isic_nlp.classify.thresholds`) chosen on out-of-source probabilities."""
    from .thresholds import choose_offsets

    proba, covered, classes = out_of_source_proba(
        table, columns, frames, domains, params=params, seed=seed, **feature_options
    )
    frames = np.asarray(frames, dtype=object)
    return choose_offsets(proba[covered], frames[covered], classes)


def tune_mode_model(
    table: pd.DataFrame,
    columns: list[str],
    Y: np.ndarray,
    frames,
    groups,
    *,
    seed: int = 0,
    n_splits: int = 3,
    grid: dict | None = None,
) -> tuple[dict, dict]:
    """Choose the mode model's parameters by CV (micro-F1 over modes)."""
    params, score = _grid_search(
        make_mode_model(columns, random_state=seed),
        "model__estimator__estimator__C",
        grid or MODE_PARAM_GRID,
        "f1_micro",
        table,
        Y,
        cv_splits(frames, groups, n_splits, seed),
    )
    return params, {"cv_mode_micro_f1": score}


class Classifier(BaseEstimator):
    """Frame and ISIC modes of text units, with calibrated probabilities.

    A scikit-learn estimator: its arguments are stored as given (``get_params``,
    ``set_params`` and ``sklearn.base.clone`` work; a clone shares the loaded
    spaCy pipeline rather than copying it), and what it learns ends with ``_``.

    Args:
        pipeline: the isic_nlp spaCy pipeline that makes the profile features
            (``"fast"`` or ``"accurate"``); a model is applied with the pipeline
            it was trained with.
        C, profile_weight: frame model parameters (ignored with ``tune=True``).
        mode_C, mode_profile_weight: mode model parameters.
        threshold: a mode is given when its probability is at least this.
        random_state: seed of every random choice (folds, models).
        nlp: the loaded ``pipeline``, if you have it (else loaded on first use).

    Attributes (after ``fit`` or ``load``):
        frames_: the frames learned; modes_: the modes learned; columns_: the
        profile columns; frame_model_, mode_model_: the scikit-learn pipelines;
        meta_: what the sidecar ``model.json`` records.

    ``predict`` and ``predict_proba`` take texts, a feature table
    (:meth:`features`), or an :class:`~isic_nlp.analysis.AnalysisResult` made
    with ``texts=True``: then the features come from its tables and the spaCy
    pipeline does not run again.

    Example:
        >>> from sklearn.base import clone
        >>> clone(Classifier(C=1.0)).get_params()["C"]
        1.0
        >>> clf = Classifier.load()  # the shipped model  # doctest: +SKIP
        >>> clf.predict(["Les habitants animent un groupe de parole."])  # doctest: +SKIP
    """

    def __init__(
        self,
        pipeline: str = "fast",
        *,
        C: float = 10.0,
        profile_weight: float = 0.05,
        mode_C: float = 0.3,
        mode_profile_weight: float = 0.1,
        threshold: float = 0.5,
        random_state: int = 0,
        nlp: Language | None = None,
    ):
        self.pipeline = pipeline
        self.C = C
        self.profile_weight = profile_weight
        self.mode_C = mode_C
        self.mode_profile_weight = mode_profile_weight
        self.threshold = threshold
        self.random_state = random_state
        self.nlp = nlp

    def __sklearn_clone__(self):
        """A clone with the same parameters, sharing the loaded spaCy pipeline (not a deep copy of it)."""
        params = self.get_params(deep=False)
        nlp = params.pop("nlp")
        return type(self)(**{k: clone(v, safe=False) for k, v in params.items()}, nlp=nlp)

    # -- features ---------------------------------------------------------------------

    def language(self) -> Language:
        """The spaCy pipeline that makes the features (``nlp``, loaded from ``pipeline`` on first use)."""
        if self.nlp is None:
            from ..pipeline import load

            self.nlp = load(self.pipeline)
        return self.nlp

    def features(self, X) -> pd.DataFrame:
        """The model's input: ``text`` and the document profile of each unit.

        ``X``: texts (one spaCy pass), an ``AnalysisResult`` made with
        ``texts=True`` (no spaCy pass: its tables are used), or a feature table
        (returned as it is).
        """
        if isinstance(X, pd.DataFrame):
            return X
        if hasattr(X, "documents") and hasattr(X, "mentions"):
            return result_features(X, self)
        if isinstance(X, str):
            raise IsicError(Errors.E006.format(option="texts", expected="a list of texts, not one string", value=X[:40]))
        return profile_table(list(X), self.language())

    # -- training ---------------------------------------------------------------------

    def fit(
        self,
        X,
        y: Sequence[str],
        modes: Sequence[Sequence[str]] | None = None,
        *,
        groups: Sequence[str] | None = None,
        tune: bool = False,
        table: pd.DataFrame | None = None,
        tags: Sequence[Sequence[str]] | None = None,
        domains: Sequence[str] | None = None,
    ) -> Classifier:
        """Train on labelled units.

        Args:
            X: the units: texts, or their feature table (:meth:`features`).
            y: one of ``FRAMES`` per unit; modes: a list of modes each (or
                ``None``: no mode model).
            groups: units with the same group (e.g. a document id) stay in the
                same CV fold when tuning.
            tune: choose ``C`` and ``profile_weight`` by CV on these data: with
                ``domains``, by leaving one source out at a time (what predicts
                transfer to a new source), else by random grouped folds.
            table: precomputed :meth:`features` of ``X`` (saves a spaCy pass).
            tags: the guideline's fine tags of each unit: with them, a second
                model learns ``p(labour_relations | collective)`` on the collective
                and mixed units, which splits ``p_collective`` into
                ``p_collective_social`` and ``p_collective_labour``.
            domains: the source of each unit (a code, a collection, a file):
                with two or more, per-class decision offsets are chosen on
                out-of-source probabilities (collective is under-predicted on
                sources the model has not seen); the probabilities are unchanged.
        """
        frames = [str(f) for f in y]
        table = self.features(X) if table is None else table
        if len(frames) != len(table):
            raise IsicError(
                Errors.E505.format(
                    reason=f"{len(table)} texts but {len(frames)} frames", minimum=MIN_EXAMPLES
                )
            )
        modes = [list(m) for m in modes] if modes is not None else [[] for _ in frames]
        groups = list(groups) if groups is not None else [str(i) for i in range(len(frames))]
        columns = [c for c in table.columns if c != "text"]

        counts = Counter(frames)
        learned = [f for f in FRAMES if counts.get(f, 0) >= MIN_EXAMPLES]
        for frame in FRAMES:
            if 0 < counts.get(frame, 0) < MIN_EXAMPLES:
                warnings.warn(
                    Errors.W505.format(frame=frame, count=counts[frame], minimum=MIN_EXAMPLES),
                    UserWarning,
                    stacklevel=2,
                )
        if len(learned) < 2:
            raise IsicError(
                Errors.E505.format(
                    reason=f"frames {dict(counts)}: at least two frames with {MIN_EXAMPLES} units are needed",
                    minimum=MIN_EXAMPLES,
                )
            )
        keep = np.array([f in learned for f in frames])
        X_frame = table.loc[keep].reset_index(drop=True)
        y_frame = np.asarray(frames, dtype=object)[keep]
        g = [grp for grp, k in zip(groups, keep) if k]

        info: dict[str, Any] = {}
        params = {"C": self.C, "profile_weight": self.profile_weight}
        d = [str(dom) for dom, k in zip(domains, keep) if k] if domains is not None else None
        by_source = d is not None and len(set(d)) >= 2
        if tune:
            params, scores = tune_frame_model(X_frame, columns, y_frame, g, seed=self.random_state,
                                              domains=d if by_source else None)
            info.update(scores)
        self.frame_model_ = slim(
            make_frame_model(columns, random_state=self.random_state, **params).fit(X_frame, y_frame)
        )
        self.offsets_ = (
            tune_frame_offsets(X_frame, columns, y_frame, d, params=params, seed=self.random_state) if by_source else {}
        )
        self.labour_model_ = None
        if tags is not None:
            rows, target = labour_training_rows(frames, [list(t) for t in tags])
            if min(int(target.sum()), int(len(target) - target.sum())) >= MIN_EXAMPLES:
                self.labour_model_ = slim(
                    make_labour_model(columns, C=LABOUR_C, random_state=self.random_state).fit(
                        table.iloc[rows].reset_index(drop=True), target
                    )
                )
                info["labour_training"] = {"units": int(len(target)), "labour_relations": int(target.sum())}
        self.tags_ = learnable_tags([list(t) for t in tags]) if tags is not None else []
        self.tag_model_ = None
        if self.tags_:
            self.tag_model_ = slim(
                make_tag_model(columns, random_state=self.random_state).fit(
                    table, tag_matrix([list(t) for t in tags], self.tags_)
                )
            )
            info["tag_training"] = {t: int(sum(t in unit for unit in tags)) for t in self.tags_}

        mode_counts = Counter(m for unit in modes for m in unit)
        self.modes_ = [m for m in MODES if mode_counts.get(m, 0) >= MIN_EXAMPLES]
        for mode in MODES:
            if 0 < mode_counts.get(mode, 0) < MIN_EXAMPLES:
                warnings.warn(
                    Errors.W503.format(mode=mode, count=mode_counts[mode], minimum=MIN_EXAMPLES),
                    UserWarning,
                    stacklevel=2,
                )
        mode_params = {"C": self.mode_C, "profile_weight": self.mode_profile_weight}
        self.mode_model_ = None
        if self.modes_:
            Y = mode_matrix(modes, self.modes_)
            if tune:
                mode_params, scores = tune_mode_model(
                    table, columns, Y, frames, groups, seed=self.random_state
                )
                info.update(scores)
            self.mode_model_ = slim(
                make_mode_model(columns, random_state=self.random_state, **mode_params).fit(
                    table, Y
                )
            )

        self.frames_ = [str(c) for c in self.frame_model_.classes_]
        self.columns_ = columns
        self.meta_ = training_meta(
            self,
            frame_params=params,
            mode_params=mode_params,
            tuning=info,
            frame_counts=dict(counts),
            mode_counts=dict(mode_counts),
            n_units=len(frames),
        )
        return self

    # -- prediction -------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "frame_model_"):
            raise IsicError(Errors.E508)

    def predict_proba(self, X=None, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
        """``p_<frame>`` for the four frames and ``p_<mode>`` for the four modes, one row per unit.

        With an ``AnalysisResult``, the rows are those of its ``documents``
        table and an ``id`` column comes first.
        """
        self._check_fitted()
        table = self.features(X) if table is None else table
        out = pd.DataFrame(
            0.0,
            index=range(len(table)),
            columns=[f"p_{f}" for f in FRAMES] + list(SPLIT_COLUMNS) + [f"p_{m}" for m in MODES]
            + [f"p_tag_{t}" for t in getattr(self, "tags_", [])],  # a model with fine tags
        )
        if len(table):
            features = table[["text", *self.columns_]].reset_index(drop=True)
            blocks: dict = {}  # feature blocks the models share are computed once
            proba = _predict_proba(self.frame_model_, features, blocks)
            for j, frame in enumerate(self.frame_model_.classes_):
                out[f"p_{frame}"] = proba[:, j]
            labour_model = getattr(self, "labour_model_", None)
            if labour_model is not None:
                labour = _predict_proba(labour_model, features, blocks)[:, 1]
                out["p_collective_labour"] = out["p_collective"] * labour
                out["p_collective_social"] = out["p_collective"] - out["p_collective_labour"]
            else:  # no labour-relations model: the split is not known
                out[list(SPLIT_COLUMNS)] = np.nan
            if self.mode_model_ is not None:
                mode_proba = _predict_proba(self.mode_model_, features, blocks)
                for j, mode in enumerate(self.modes_):
                    out[f"p_{mode}"] = mode_proba[:, j]
            if getattr(self, "tag_model_", None) is not None:
                tag_proba = _predict_proba(self.tag_model_, features, blocks)
                for j, tag in enumerate(self.tags_):
                    out[f"p_tag_{tag}"] = tag_proba[:, j]
        if "id" in table:
            out.insert(0, "id", table["id"].to_numpy())
        return out

    def predict(self, X=None, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
        """``frame``, ``modes`` (``;``-joined) and every probability, one row per unit (``id`` first when known)."""
        proba = self.predict_proba(X, table=table)
        labels = labels_from_proba(proba, self.threshold, getattr(self, "offsets_", None))
        if "id" in proba:
            labels.insert(0, "id", proba["id"].to_numpy())
        return labels

    # -- files ------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write ``model.skops`` and its sidecar ``model.json`` in the folder ``path``."""
        self._check_fitted()
        payload = {
            "frame": self.frame_model_,
            "modes": self.mode_model_,
            "labour": getattr(self, "labour_model_", None),
            "tags": getattr(self, "tag_model_", None),
        }
        self.meta_ = save_model(payload, self.meta_, path)
        return Path(path)

    @classmethod
    def load(cls, path: str | Path | None = None, *, nlp: Language | None = None) -> Classifier:
        """Load a model folder (default: the shipped model); check its hash, types and versions."""
        payload, meta = load_model(path)
        clf = cls(
            pipeline=meta.get("pipeline", "fast"),
            threshold=meta.get("threshold", 0.5),
            random_state=meta.get("random_state", 0),
            nlp=nlp,
        )
        clf.frame_model_ = payload["frame"]
        clf.mode_model_ = payload.get("modes")
        clf.labour_model_ = payload.get("labour")
        clf.tag_model_ = payload.get("tags")
        clf.tags_ = list(meta.get("tags") or []) if clf.tag_model_ is not None else []
        clf.offsets_ = dict(meta.get("offsets") or {})
        clf.frames_ = list(meta["frames"])
        clf.modes_ = list(meta["modes"])
        clf.columns_ = list(meta["feature_columns"])
        clf.meta_ = meta
        return clf


def _predict_proba(model: Pipeline, X: pd.DataFrame, blocks: dict) -> np.ndarray:
    """``model.predict_proba(X)``, reusing the feature blocks already in ``blocks``.

    The frame and mode models each hold word and character TF-IDF vectorizers
    fitted on the same texts with the same settings, and the character n-grams
    are most of the time of a prediction: a block whose fitted vectorizer is the
    same as one already applied (same parameters, vocabulary and idf) is taken
    from ``blocks``. The result is the ``ColumnTransformer``'s own (blocks times
    their weights, side by side), as tested against ``model.predict_proba``.
    """
    features = model.named_steps["features"]
    weights = features.transformer_weights or {}
    parts = []
    for name, transformer, columns in features.transformers_:
        if isinstance(transformer, str):  # "drop" (the remainder)
            continue
        key = _block_key(transformer, columns)
        if key is None or key not in blocks:
            block = transformer.transform(X[columns])
            if key is not None:
                blocks[key] = block
        else:
            block = blocks[key]
        weight = weights.get(name)
        parts.append(block * weight if weight is not None else block)
    stacked = sparse.hstack([p if sparse.issparse(p) else sparse.csr_matrix(p) for p in parts]).tocsr()
    return model.named_steps["model"].predict_proba(stacked)


def _block_key(transformer, columns) -> tuple | None:
    """What makes a fitted TF-IDF block reusable by another model (``None``: not shared)."""
    if not isinstance(transformer, TfidfVectorizer):
        return None
    cached = _BLOCK_KEYS.get(transformer)
    if cached is None:
        vocabulary = tuple(sorted(transformer.vocabulary_.items()))
        params = tuple(sorted((k, repr(v)) for k, v in transformer.get_params().items()))
        cached = (params, vocabulary, transformer.idf_.tobytes())
        _BLOCK_KEYS[transformer] = cached
    return (str(columns), *cached)


# Fitted vectorizer -> its key, computed once (kept off the estimator, which is saved as it is).
_BLOCK_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def result_features(result, clf: Classifier) -> pd.DataFrame:
    """The feature table of an ``AnalysisResult`` (its own tables; no spaCy pass), with ``id`` first."""
    if getattr(result, "texts", None) is None:
        raise IsicError(Errors.E511)
    manifest = result.manifest or {}
    made_with = manifest.get("pipeline")
    if made_with is not None and str(made_with) != str(clf.pipeline):
        warnings.warn(Errors.W504.format(saved=clf.pipeline, current=made_with), UserWarning, stacklevel=3)
    groups = manifest.get("labels") or label_groups(clf.language())
    unit = manifest.get("unit", {}).get("level", "document")
    table = unit_features(result.documents, result.mentions, result.texts, groups, unit=unit)
    table.insert(0, "id", result.documents["id"].to_numpy())
    return table


def training_meta(clf: Classifier, **fields: Any) -> dict[str, Any]:
    """What the sidecar says about a freshly trained model (versions, pipeline, lexicons, training)."""
    from ..pipeline import pipeline_info

    info = pipeline_info(clf.language())
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": versions(),
        "pipeline": clf.pipeline,
        "pipe_names": info["pipe_names"],
        "tokenizer": info["tokenizer"],
        "lexicons": [
            {k: lex.get(k) for k in ("name", "version", "sha256")} for lex in info["lexicons"]
        ],
        "frames": list(clf.frames_),
        "modes": list(clf.modes_),
        "tags": list(getattr(clf, "tags_", [])),
        "feature_columns": list(clf.columns_),
        "threshold": clf.threshold,
        "random_state": clf.random_state,
        "training": {k: fields[k] for k in ("n_units", "frame_counts", "mode_counts")},
        "params": {"frame": fields["frame_params"], "modes": fields["mode_params"],
                   **({"labour": {"C": LABOUR_C}} if getattr(clf, "labour_model_", None) is not None else {})},
        "offsets": dict(getattr(clf, "offsets_", {}) or {}),
        "tuning_cv": fields.get("tuning") or None,
        "cv_scores": None,
    }


def check_features(clf: Classifier, path: Any = None) -> None:
    """Warn when the pipeline's tokenizer or lexicons differ from those the model was trained with (W507, W502, W504)."""
    from ..pipeline import pipeline_info

    nlp = clf.language()
    built = nlp.meta.get("isic_nlp", {}).get("pipeline")
    if built is not None and str(built) != str(clf.meta_.get("pipeline")):
        warnings.warn(
            Errors.W504.format(saved=clf.meta_.get("pipeline"), current=built),
            UserWarning,
            stacklevel=3,
        )
    info = pipeline_info(nlp)
    saved_tokenizer = clf.meta_.get("tokenizer")  # not in models made before isic_nlp recorded it
    if saved_tokenizer is not None and saved_tokenizer != info["tokenizer"]:
        warnings.warn(Errors.W507.format(path=path or "the model", saved=_tokenizer_name(saved_tokenizer),
                                         current=_tokenizer_name(info["tokenizer"])), UserWarning, stacklevel=3)
    saved = {lex["name"]: lex for lex in clf.meta_.get("lexicons", [])}
    for lex in info["lexicons"]:
        old = saved.get(lex["name"])
        if old is not None and old.get("sha256") != lex.get("sha256"):
            warnings.warn(
                Errors.W502.format(
                    path=path or "the model",
                    name=lex["name"],
                    saved_version=old.get("version"),
                    saved=str(old.get("sha256"))[:12],
                    current_version=lex.get("version"),
                    current=str(lex.get("sha256"))[:12],
                ),
                UserWarning,
                stacklevel=3,
            )


def _tokenizer_name(block: dict) -> str:
    """A tokenizer config block in one line: its registered function and settings."""
    name = block.get("@tokenizers", "?")
    settings = ", ".join(f"{k}={v}" for k, v in block.items() if k != "@tokenizers")
    return f"{name} ({settings})" if settings else name


def mode_matrix(modes: Sequence[Sequence[str]], learned: Sequence[str]) -> np.ndarray:
    """0/1 matrix, one column per learned mode."""
    return np.array([[int(m in unit) for m in learned] for unit in modes], dtype=int).reshape(
        len(modes), len(learned)
    )


def labels_from_proba(proba: pd.DataFrame, threshold: float = 0.5, offsets: dict[str, float] | None = None) -> pd.DataFrame:
    """Add ``frame`` and ``modes`` (``;``-joined, at least ``threshold``) to probabilities.

    ``frame`` is the most probable frame, after the per-class decision
    ``offsets`` (log-probability units, :mod:`isic_nlp.classify.thresholds`) if any.
    """
    frame_columns = [f"p_{f}" for f in FRAMES]
    out = pd.DataFrame(index=proba.index)
    out["frame"] = list(apply_offsets(proba[frame_columns].to_numpy(), FRAMES, offsets)) if len(proba) else []
    out = pd.concat([out, proba[frame_columns]], axis=1)
    split = [c for c in SPLIT_COLUMNS if c in proba]
    if split:
        out = pd.concat([out, proba[split]], axis=1)
    mode_values = proba[[f"p_{m}" for m in MODES]].to_numpy() >= threshold
    out["modes"] = [";".join(m for m, on in zip(MODES, row) if on) for row in mode_values]
    out = pd.concat([out, proba[[f"p_{m}" for m in MODES]]], axis=1)
    tag_columns = [c for c in proba.columns if c.startswith("p_tag_")]
    if tag_columns:  # a model with fine tags: ``tags`` (``;``-joined, at least ``threshold``) and their probabilities
        tags = [c[len("p_tag_"):] for c in tag_columns]
        values = proba[tag_columns].to_numpy() >= threshold
        out["tags"] = [";".join(t for t, on in zip(tags, row) if on) for row in values]
        out = pd.concat([out, proba[tag_columns]], axis=1)
    return out
