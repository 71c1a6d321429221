"""The library calls behind ``isic-nlp train``, ``evaluate`` and ``classify``.

Example:
    >>> from isic_nlp.classify import classify
    >>> table, problems = classify([{"id": "a", "text": "Les habitants animent un groupe de parole."}])  # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis import AnalysisResult, analyse
from ..corpus.readers import InputProblem, Source
from ..corpus.units import check_unit
from ..errors import Errors, IsicError
from ..tables import count_names
from .evaluate import cross_validated_scores, scores
from .labels import FRAMES, MODES, LabelledData, read_labels
from .model import SPLIT_COLUMNS, Classifier, check_features

UNIT_FIELDS = ["doc_id", "unit_type", "unit_label"]  # set by the unit split, kept beside the id


@dataclass
class TrainResult:
    classifier: Classifier
    problems: list[InputProblem] = field(default_factory=list)
    cv_scores: dict[str, Any] | None = None
    weak_report: dict[str, Any] | None = None
    seconds: float = 0.0


def _usable(data: LabelledData, problems: list[InputProblem]) -> None:
    if len(data) == 0:
        errors = [p for p in problems if p.severity == "error"]
        first = f"{errors[0].file}:{errors[0].line}: {errors[0].reason}" if errors else "no record"
        raise IsicError(Errors.E509.format(problems=len(errors), first=first))


def train(
    labels: Source,
    *,
    pipeline: str = "fast",
    tune: bool = True,
    cv: bool = True,
    n_splits: int = 5,
    seed: int = 0,
    weak: bool = False,
) -> TrainResult:
    """Train a classifier on labelled units (or, with ``weak``, on weak labels of unlabelled ones).

    With ``tune``, parameters are chosen by grouped, stratified 3-fold CV; with
    ``cv``, the sidecar gets nested ``n_splits``-fold CV scores (or plain CV if
    not tuning). Everything is seeded with ``seed``.
    """
    started = time.perf_counter()
    data, problems = read_labels(labels, require_frame=not weak)
    _usable(data, problems)
    training = {"files": data.inputs, "n_units": len(data), "sha256": data.sha256()}
    result = TrainResult(Classifier(pipeline, random_state=seed), problems)
    if weak:
        from .weak import train_weak

        clf, report = train_weak(data, pipeline=pipeline, seed=seed)
        result.classifier, result.weak_report = clf, report
        training["labels"] = "weak (lexicon rules)"
    else:
        clf = result.classifier
        table = clf.features(data.texts)
        if cv:
            result.cv_scores = cross_validated_scores(
                data,
                pipeline=pipeline,
                tune=tune,
                n_splits=n_splits,
                seed=seed,
                table=table,
                nlp=clf.language(),
            )
        clf.fit(data.texts, data.frames, data.modes, groups=data.groups, tune=tune, table=table, tags=data.tags,
                domains=data.domains)
        clf.meta_["cv_scores"] = result.cv_scores
        training["labels"] = "gold"
    clf.meta_["training_data"] = training
    result.seconds = time.perf_counter() - started
    return result


def evaluate(
    labels: Source, model: str | Path | None = None, *, pipeline: str | None = None
) -> tuple[dict[str, Any], list[InputProblem]]:
    """Scores of a model (default: the shipped one) on labelled units."""
    data, problems = read_labels(labels)
    _usable(data, problems)
    clf = load_for_use(model, pipeline)
    proba = clf.predict_proba(data.texts)
    result = scores(data.frames, data.modes, proba, clf.threshold)
    result["model"] = str(model) if model is not None else "shipped default"
    return result, problems


def load_for_use(model: str | Path | None, pipeline: str | None = None) -> Classifier:
    """Load a model and check that the pipeline making its features matches the one it was trained with."""
    clf = Classifier.load(model)
    if pipeline is not None:
        clf.pipeline = pipeline
    check_features(clf, model)
    return clf


def classify(
    source: Source | AnalysisResult,
    model: str | Path | None = None,
    *,
    pipeline: str | None = None,
    clf: Classifier | None = None,
    unit: str = "document",
    progress: bool = False,
) -> tuple[pd.DataFrame, list[InputProblem]]:
    """One row per unit: ``id``, its metadata, ``frame``, ``p_<frame>``, ``modes``, ``p_<mode>``.

    ``source`` is a corpus (anything ``analyse`` reads: it is analysed once,
    with the model's pipeline, and the model reads the analysis' tables) or an
    ``AnalysisResult`` made with ``texts=True`` (no spaCy pass at all). With
    ``unit`` ``"article"`` or ``"alinea"``, each document is cut into legal units
    as ``analyse --unit`` does (same ids), and each unit is classified with the
    features of its own part of the document; ``doc_id``, ``unit_type`` and
    ``unit_label`` are added. Bad records are returned as problems (the others
    are classified).
    """
    check_unit(unit)
    clf = clf or load_for_use(model, pipeline)
    if isinstance(source, AnalysisResult):
        result = source
        unit = result.manifest.get("unit", {}).get("level", unit)
    else:
        result = analyse(source, nlp=clf.language(), unit=unit, texts=True, progress=progress)
    predictions = clf.predict(result)
    return prediction_table(result, predictions, unit), result_problems(result)


def prediction_table(result: AnalysisResult, predictions: pd.DataFrame, unit: str) -> pd.DataFrame:
    """``id``, the unit fields (below the document level), the metadata, then the prediction columns."""
    documents = result.documents
    counts = {f"{kind}_{name}" for kind in ("n", "rate") for name in count_names(result.manifest.get("labels", {}))}
    built = {"id", "unit_id", "start_char", "n_chars", "n_tokens", *UNIT_FIELDS}
    meta = [c for c in documents.columns if c not in built and c not in counts]
    # A metadata field named like an output column (e.g. a gold 'frame') is kept as meta_<name>.
    renamed = {c: f"meta_{c}" for c in meta if c in PREDICTION_COLUMNS}
    keep = ["id", *(UNIT_FIELDS if unit != "document" else []), *meta]
    table = documents[keep].rename(columns=renamed).reset_index(drop=True)
    return pd.concat([table, predictions[PREDICTION_COLUMNS].reset_index(drop=True)], axis=1)


def result_problems(result: AnalysisResult) -> list[InputProblem]:
    """The rows of an analysis' ``errors`` table as problems."""
    problems = []
    for row in result.errors.to_dict("records"):
        line = row.get("line")
        problems.append(
            InputProblem(
                file=row["file"],
                line=None if line is None or pd.isna(line) else int(line),
                id=None if pd.isna(row.get("id")) else row.get("id"),
                severity=row["severity"],
                code=row["code"],
                reason=row["reason"],
            )
        )
    return problems


PREDICTION_COLUMNS = ["frame", *[f"p_{f}" for f in FRAMES], *SPLIT_COLUMNS, "modes", *[f"p_{m}" for m in MODES]]
