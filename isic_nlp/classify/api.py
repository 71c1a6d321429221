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

import numpy as np
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
    progress: bool | None = None,
    text_field: str = "text",
    id_field: str = "id",
) -> tuple[pd.DataFrame, list[InputProblem]]:
    """One row per unit: ``id``, its metadata, ``frame``, ``p_<frame>``, ``modes``, ``p_<mode>``.

    ``source`` is a corpus (anything ``analyse`` reads: it is analysed once,
    with the model's pipeline, and the model reads the analysis' tables) or an
    ``AnalysisResult`` made with ``texts=True`` (no spaCy pass at all). With
    ``unit`` ``"article"`` or ``"alinea"``, each document is cut into legal units
    as ``analyse --unit`` does (same ids), and each unit is classified with the
    features of its own part of the document; ``doc_id``, ``unit_type`` and
    ``unit_label`` are added. Bad records are returned as problems (the others
    are classified). ``text_field`` and ``id_field`` name the text and id fields of a corpus, as in ``analyse``.
    """
    check_unit(unit)
    clf = clf or load_for_use(model, pipeline)
    if isinstance(source, AnalysisResult):
        result = source
        unit = result.manifest.get("unit", {}).get("level", unit)
    else:
        result = analyse(source, nlp=clf.language(), unit=unit, texts=True, progress=progress,
                         text_field=text_field, id_field=id_field)
    predictions = clf.predict(result)
    return prediction_table(result, predictions, unit), result_problems(result)


def prediction_table(result: AnalysisResult, predictions: pd.DataFrame, unit: str) -> pd.DataFrame:
    """``id``, the unit fields (below the document level), the metadata, then the prediction columns."""
    documents = result.documents
    counts = {f"{kind}_{name}" for kind in ("n", "rate") for name in count_names(result.manifest.get("labels", {}))}
    built = {"id", "unit_id", "start_char", "n_chars", "n_tokens", *UNIT_FIELDS}
    meta = [c for c in documents.columns if c not in built and c not in counts]
    # A metadata field named like an output column (e.g. a gold 'frame') is kept as meta_<name>.
    # A model with fine tags adds ``tags`` and ``p_tag_<tag>`` after the modes.
    outputs = [*PREDICTION_COLUMNS, *[c for c in predictions.columns if c == "tags" or c.startswith("p_tag_")]]
    renamed = {c: f"meta_{c}" for c in meta if c in outputs}
    keep = ["id", *(UNIT_FIELDS if unit != "document" else []), *meta]
    table = documents[keep].rename(columns=renamed).reset_index(drop=True)
    return pd.concat([table, predictions[outputs].reset_index(drop=True)], axis=1)


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


@dataclass
class AdaptResult:
    """A model retrained with a researcher's labels, and how it does on a held-out part of them."""

    classifier: Classifier
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    n_added: int
    n_heldout: int
    problems: list[InputProblem] = field(default_factory=list)
    seconds: float = 0.0


def shipped_training_files() -> list[Path]:
    """The labelled files the shipped model is trained on (``isic_nlp/models/training``)."""
    from .io import default_model_dir

    return sorted(default_model_dir().parent.joinpath("training").glob("*.jsonl"))


def adapt(
    add: Source | list,
    *,
    base: Source | None = None,
    pipeline: str = "fast",
    holdout: float = 0.3,
    seed: int = 0,
) -> AdaptResult:
    """Retrain on the shipped labels (or ``base``) plus a researcher's own, and measure the gain.

    ``add``: labelled units of the researcher's corpus: the labels of a filled
    ``isic-nlp sample`` sheet (a DataFrame from
    ``isic_nlp.reports.sample.read_labels_sheet(...).labels``, with its ``text``),
    or JSON Lines/CSV files with ``text`` and ``frame``. A stratified random part
    (``holdout``) of them is set aside; the shipped model and a model trained on
    the base labels plus the rest are both scored on it (``before``, ``after``);
    the returned model is then trained on the base labels plus *all* the added
    ones, with the shipped model's parameters (no tuning: the added labels are too
    few to tune on), the decision offsets chosen across sources (the added units
    are one source) and the labour-relations model from the tags.
    """
    from sklearn.model_selection import train_test_split

    started = time.perf_counter()
    added, problems = _added_labels(add)
    _usable(added, problems)
    data, base_problems = read_labels(base if base is not None else [str(p) for p in shipped_training_files()])
    problems = [*base_problems, *problems]
    shipped = Classifier.load()
    params = dict(C=shipped.meta_.get("params", {}).get("frame", {}).get("C", 1.0),
                  mode_C=shipped.meta_.get("params", {}).get("modes", {}).get("C", 0.3))
    n = len(added)
    index = np.arange(n)
    frames = np.asarray(added.frames, dtype=object)
    before = after = None
    n_heldout = 0
    can_hold_out = n >= 10 and 0 < holdout < 1 and min(pd.Series(frames).value_counts()) >= 2
    if can_hold_out:
        train_i, test_i = train_test_split(index, test_size=holdout, random_state=seed, stratify=frames)
        n_heldout = len(test_i)
        test_texts = [added.texts[i] for i in test_i]
        test_frames = [added.frames[i] for i in test_i]
        test_modes = [added.modes[i] for i in test_i]
        before = scores(test_frames, test_modes, shipped.predict_proba(test_texts), shipped.threshold, shipped.offsets_)
        partial = _fit_combined(data, added, train_i, pipeline, seed, params, nlp=shipped.language())
        after = scores(test_frames, test_modes, partial.predict_proba(test_texts), partial.threshold, partial.offsets_)
    else:
        problems.append(InputProblem.from_code("<added labels>", None, None, "W506", n=n))
    final = _fit_combined(data, added, index, pipeline, seed, params, nlp=shipped.language())
    final.meta_["training_data"] = {"files": [*data.inputs, *added.inputs], "n_units": len(data) + n,
                                    "sha256": data.sha256(), "added_sha256": added.sha256(), "labels": "gold + added"}
    final.meta_["adaptation"] = {"n_added": n, "n_heldout": n_heldout, "holdout": holdout, "seed": seed,
                                 "before": _headline(before), "after": _headline(after)}
    return AdaptResult(final, before, after, n, n_heldout, problems, time.perf_counter() - started)


def _headline(result: dict[str, Any] | None) -> dict[str, Any] | None:
    if result is None:
        return None
    frame = result.get("frame", {})
    return {"n_units": result.get("n_units"), "macro_f1_main": frame.get("macro_f1_main"), "brier": frame.get("brier"),
            "mode_micro_f1": (result.get("modes") or {}).get("micro_f1")}


def _fit_combined(data: LabelledData, added: LabelledData, rows, pipeline: str, seed: int, params: dict, *, nlp) -> Classifier:
    pick = lambda values: [values[i] for i in rows]  # noqa: E731
    clf = Classifier(pipeline, random_state=seed, nlp=nlp, **params)
    return clf.fit(
        [*data.texts, *pick(added.texts)],
        [*data.frames, *pick(added.frames)],
        [*data.modes, *pick(added.modes)],
        groups=[*data.groups, *pick(added.groups)],
        tags=[*data.tags, *pick(added.tags)],
        domains=[*data.domains, *["added"] * len(rows)],
    )


def _added_labels(add) -> tuple[LabelledData, list[InputProblem]]:
    """The researcher's labels: DataFrames of a filled sample sheet (``id``, ``text``, ``frame``, ``labour_relations``,
    ``modes``; see ``isic_nlp.reports.sample.read_labels_sheet``) or labelled files (JSON Lines/CSV with ``text``)."""
    items = add if isinstance(add, list) else [add]
    tables = [item for item in items if isinstance(item, pd.DataFrame)]
    files = [item for item in items if not isinstance(item, pd.DataFrame)]
    data, problems = read_labels(files) if files else (LabelledData(), [])
    for table in tables:
        if not {"id", "text", "frame"} <= set(table.columns):
            raise IsicError(Errors.E509.format(problems=0, first="a table of added labels needs 'id', 'text' and 'frame' columns"))
        for row in table.to_dict("records"):
            data.ids.append(str(row["id"]))
            data.texts.append(str(row["text"]))
            data.frames.append(str(row["frame"]))
            modes = row.get("modes")
            data.modes.append(list(modes) if isinstance(modes, (list, tuple)) else [])
            data.groups.append(str(row["id"]).split("/")[0])
            data.sources.append("<sheet>")
            data.tags.append(["labour_relations"] if row.get("labour_relations") is True else [])
            data.domains.append("added")
    return data, problems
