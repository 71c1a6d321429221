"""``isic-nlp train``, ``isic-nlp evaluate`` and ``isic-nlp classify``."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import typer

from ..corpus.readers import InputProblem
from ..output import write_atomic, write_table
from ..progress import set_progress
from .app import INPUT_FORMATS, IdFieldOpt, QuietOpt, TextFieldOpt, Unit, app, existing_inputs

LabelsArg = typer.Argument(
    ...,
    help="Labelled units: JSON Lines or CSV with 'text', 'frame' and optionally 'modes' (list or ';'-joined).",
)
TrainLabelsArg = typer.Argument(
    None,
    help="Labelled units: JSON Lines or CSV with 'text', 'frame' and optionally 'modes' and 'tags' "
    "(with --add: the base labels, default the shipped ones).",
)
ModelOpt = typer.Option(
    None,
    "--model",
    "-m",
    help="A model folder written by `isic-nlp train` (default: the shipped model).",
)


def _report_problems(problems: list[InputProblem], errors_out: Path | None = None) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors_out is not None and problems:
        import pandas as pd

        from ..corpus.records import ERROR_COLUMNS

        write_table(
            pd.DataFrame(
                [{c: getattr(p, c) for c in ERROR_COLUMNS} for p in problems], columns=ERROR_COLUMNS
            ),
            errors_out,
        )
    if errors:
        first = errors[0]
        where = f"{first.file}:{first.line}" if first.line is not None else first.file
        more = f"; all in {errors_out}" if errors_out is not None else ""
        typer.echo(
            f"{len(errors)} input record(s) could not be used (first: {where}: [isic:{first.code}] {first.reason}){more}.",
            err=True,
        )


def _show_warnings(caught: list[warnings.WarningMessage]) -> None:
    for warning in caught:
        typer.echo(f"Warning: {warning.message}", err=True)


@app.command("train")
def train_cli(
    labels: list[Path] = TrainLabelsArg,
    out: Path = typer.Option(..., "--out", "-o", help="Folder for model.skops and model.json."),
    weak: bool = typer.Option(
        False, "--weak", help="The inputs are unlabelled: derive labels from the lexicon mentions."
    ),
    pipeline: str = typer.Option(
        "fast",
        "--pipeline",
        "-p",
        help="spaCy pipeline making the profile features (fast or accurate).",
    ),
    tune: bool = typer.Option(
        True, "--tune/--no-tune", help="Choose parameters by cross-validation (inner 3-fold)."
    ),
    cv: bool = typer.Option(
        True, "--cv/--no-cv", help="Compute (nested) cross-validated scores for model.json."
    ),
    folds: int = typer.Option(5, "--folds", help="Outer CV folds."),
    seed: int = typer.Option(0, "--seed", help="Seed of every random choice."),
    add: list[Path] = typer.Option(None, "--add", help="Your own labelled units (a filled `isic-nlp sample` sheet, or "
                                   "JSON Lines/CSV with text and frame): retrain on the shipped labels (or LABELS) plus "
                                   "these, and report the gain on a held-out part of them. Repeatable."),
    holdout: float = typer.Option(0.3, "--holdout", help="With --add: the share of your labels held out to measure the gain."),
    quiet: bool = QuietOpt,
) -> None:
    """Train the frame and ISIC-mode classifier; write the model and its sidecar."""
    set_progress(False if quiet else "auto")
    from ..classify.api import adapt, train

    if add:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            adapted = adapt([_added(p) for p in add], base=[str(p) for p in labels or []] or None, pipeline=pipeline,
                            holdout=holdout, seed=seed)
        _show_warnings([w for w in caught if "[isic:" in str(w.message)])
        _report_problems(adapted.problems)
        adapted.classifier.save(out)
        typer.echo(f"Model retrained with {adapted.n_added:,} added units in {adapted.seconds:.0f} s, written to {out}/.")
        if adapted.before is not None:
            b, a = adapted.classifier.meta_["adaptation"]["before"], adapted.classifier.meta_["adaptation"]["after"]
            typer.echo(f"On {adapted.n_heldout:,} of your units held out: frame macro-F1 {b['macro_f1_main']:.3f} with the "
                       f"shipped model, {a['macro_f1_main']:.3f} retrained with the others (Brier {b['brier']:.3f} -> "
                       f"{a['brier']:.3f}).")
        return
    if not labels:
        raise typer.BadParameter("give LABELS (labelled files) or --add")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        result = train(
            [str(p) for p in labels],
            pipeline=pipeline,
            tune=tune,
            cv=cv,
            n_splits=folds,
            seed=seed,
            weak=weak,
        )
    _show_warnings([w for w in caught if "[isic:" in str(w.message)])
    _report_problems(result.problems)
    result.classifier.save(out)
    meta = result.classifier.meta_
    typer.echo(
        f"Model trained on {meta['training_data']['n_units']:,} units in {result.seconds:.0f} s, written to {out}/ (model.skops, model.json)."
    )
    if result.cv_scores:
        s = result.cv_scores
        per = ", ".join(f"{k} {v['f1']:.3f}" for k, v in s["frame"]["per_class"].items())
        typer.echo(
            f"{s['method']}: macro-F1 (individual, collective, none) {s['frame']['macro_f1_main']:.3f} [{per}]; "
            f"Brier {s['frame']['brier']:.3f}; mode micro-F1 {s['modes']['micro_f1']:.3f}."
        )
    if result.weak_report:
        r = result.weak_report
        typer.echo(
            f"Weak labels: coverage {r['coverage']:.1%} ({r['n_covered']:,} of {r['n_units']:,} units), "
            f"{r['weak_frame_counts']}; agreement of the model with the weak labels {r['agreement']:.1%} (κ {r['kappa']:.2f}, out of fold)."
        )


@app.command("evaluate")
def evaluate_cli(
    labels: list[Path] = LabelsArg,
    model: Path = ModelOpt,
    out: Path = typer.Option(
        None, "--out", "-o", help="Also write the scores as JSON to this file."
    ),
    pipeline: str = typer.Option(
        None, "--pipeline", "-p", help="Pipeline for the features (default: the model's)."
    ),
) -> None:
    """Per-class precision, recall, F1, macro-F1, confusion matrix and Brier score of a model on labelled units."""
    from ..classify.api import evaluate
    from ..classify.evaluate import scores_table

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        result, problems = evaluate([str(p) for p in labels], model, pipeline=pipeline)
    _show_warnings([w for w in caught if "[isic:" in str(w.message)])
    _report_problems(problems)
    table = scores_table(result)
    typer.echo(table.to_string(index=False, na_rep="", float_format=lambda v: f"{v:.3f}"))
    matrix = result["frame"]["confusion_matrix"]
    typer.echo("\nconfusion matrix (rows: true, columns: predicted)")
    typer.echo("\t".join(["", *matrix["labels"]]))
    for label, row in zip(matrix["labels"], matrix["rows_true_columns_predicted"]):
        typer.echo("\t".join([label, *map(str, row)]))
    typer.echo(
        f"\n{result['n_units']:,} units: macro-F1 (individual, collective, none) {result['frame']['macro_f1_main']:.3f}, "
        f"Brier {result['frame']['brier']:.3f}, mode micro-F1 {result['modes']['micro_f1']:.3f}."
    )
    if out is not None:
        write_atomic(out, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        typer.echo(f"Scores written to {out}")


@app.command("classify")
def classify_cli(
    inputs: list[Path] = typer.Argument(..., metavar="INPUT...", callback=existing_inputs, help=INPUT_FORMATS),
    out: Path = typer.Option(..., "--out", "-o", help="Output table: .csv, .tsv or .parquet."),
    model: Path = ModelOpt,
    pipeline: str = typer.Option(
        None,
        "--pipeline",
        "-p",
        help="Pipeline for the features (default: the one the model was trained with).",
    ),
    errors: Path = typer.Option(
        None, "--errors", help="Write the input problems to this table (.csv or .parquet)."
    ),
    unit: Unit = typer.Option(
        Unit.document, "--unit", "-u", help="Classify each document, article or alinea (ids as in `analyse --unit`)."
    ),
    text_field: str = TextFieldOpt,
    id_field: str = IdFieldOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Frame and ISIC modes of every unit, with probabilities; one row per unit."""
    set_progress(False if quiet else "auto")
    from ..classify.api import classify

    if out.suffix.lower() not in (".csv", ".tsv", ".parquet"):
        from ..errors import Errors, IsicError

        raise IsicError(
            Errors.E006.format(
                option="--out", expected="a .csv, .tsv or .parquet name", value=str(out)
            )
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        table, problems = classify([str(p) for p in inputs], model, pipeline=pipeline, unit=unit.value,
                                   text_field=text_field, id_field=id_field)
    _show_warnings([w for w in caught if "[isic:" in str(w.message)])
    write_table(table, out)
    _report_problems(problems, errors)
    counts = table["frame"].value_counts().to_dict() if len(table) else {}
    typer.echo(
        f"{len(table):,} units classified, written to {out}: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )


def _added(path: Path):
    """A filled sample sheet (.xlsx, or a .csv with the sheet's columns) as its labels; any other file as it is."""
    from ..reports.sample import read_labels_sheet

    if path.suffix.lower() == ".xlsx" or (path.suffix.lower() == ".csv" and _is_sheet(path)):
        sheet = read_labels_sheet(path)
        _report_problems(sheet.problems)
        if "text" in sheet.labels.columns:
            return sheet.labels
    return str(path)


def _is_sheet(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline()
    except OSError:
        return False
    return "labour_relations" in header and "frame" in header
