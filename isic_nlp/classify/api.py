"""The library calls behind ``isic-nlp train``, ``evaluate`` and ``classify``.

Example:
    >>> from isic_nlp.classify import classify
    >>> table, problems = classify([{"id": "a", "text": "Les habitants animent un groupe de parole."}])  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis import RESERVED, _flat, record_units
from ..corpus.readers import InputProblem, Record, Source, records_from_source
from ..corpus.units import check_unit, units_at
from ..errors import Errors, IsicError
from .evaluate import cross_validated_scores, scores
from .io import check_features
from .labels import FRAMES, MODES, LabelledData, read_labels
from .model import Classifier

UNIT_FIELDS = {"doc_id", "unit_type", "unit_label"}  # set by the unit split, kept as they are
BATCH = 500  # units per spaCy + model pass: bounded memory on large corpora


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
                nlp=clf.nlp,
            )
        clf.fit(data.texts, data.frames, data.modes, groups=data.groups, tune=tune, table=table)
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
    source: Source,
    model: str | Path | None = None,
    *,
    pipeline: str | None = None,
    clf: Classifier | None = None,
    unit: str = "document",
) -> tuple[pd.DataFrame, list[InputProblem]]:
    """One row per unit: ``id``, its metadata, ``frame``, ``p_<frame>``, ``modes``, ``p_<mode>``.

    With ``unit`` ``"article"`` or ``"alinea"``, each document is cut into legal
    units as ``analyse --unit`` does (same ids), and each unit is classified on
    its own text; ``doc_id``, ``unit_type`` and ``unit_label`` are added.
    Bad records are returned as problems (the others are classified).
    """
    check_unit(unit)
    items, _ = records_from_source(source)
    clf = clf or load_for_use(model, pipeline)
    problems: list[InputProblem] = []
    parts: list[pd.DataFrame] = []
    records = _records(items, problems)
    if unit != "document":
        records = _unit_records(records, unit)
    while True:
        batch: list[Record] = list(itertools.islice(records, BATCH))
        if not batch:
            break
        # A metadata field named like an output column (e.g. a gold 'frame') is kept as meta_<name>.
        taken = (RESERVED - UNIT_FIELDS) | set(PREDICTION_COLUMNS)
        meta = pd.DataFrame(
            [
                {
                    "id": r.id,
                    **{(k if k not in taken else f"meta_{k}"): _flat(v) for k, v in r.meta.items()},
                }
                for r in batch
            ]
        )
        parts.append(pd.concat([meta, clf.predict([r.text for r in batch])], axis=1))
    if not parts:
        empty = clf.predict(table=pd.DataFrame(columns=["text", *clf.columns_]))
        return pd.concat([pd.DataFrame(columns=["id"]), empty], axis=1), problems
    table = pd.concat(parts, ignore_index=True)
    ordered = [
        "id",
        *[c for c in table if c not in PREDICTION_COLUMNS and c != "id"],
        *PREDICTION_COLUMNS,
    ]
    return table[ordered], problems


def _unit_records(records, unit: str):
    """Each record's units of one level as records of their own (ids as in ``analyse --unit``)."""
    for record in records:
        for u in units_at(record_units(record), unit, record.id, record.text):
            meta = {"doc_id": record.id, "unit_type": u.type, "unit_label": u.label, **record.meta}
            yield Record(u.id, record.text[u.start:u.end], meta, record.file, record.line)


def _records(items, problems: list[InputProblem]):
    """The usable records; problems are set aside as they are met."""
    for item in items:
        if isinstance(item, InputProblem):
            problems.append(item)
        else:
            yield item


PREDICTION_COLUMNS = ["frame", *[f"p_{f}" for f in FRAMES], "modes", *[f"p_{m}" for m in MODES]]
