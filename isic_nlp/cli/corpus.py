"""``isic-nlp corpus describe|get`` and ``isic-nlp export iramuteq|txm``."""

from __future__ import annotations

import enum
import json
from pathlib import Path

import typer

from ..corpus.description import describe
from ..corpus.export import export_iramuteq, export_txm
from ..corpus.fetch import DATASETS, get_dataset
from ..output import write_atomic
from ..progress import set_progress
from .app import INPUT_FORMATS, IdFieldOpt, QuietOpt, TextFieldOpt, Unit, app, existing_inputs

corpus_app = typer.Typer(help="Look at a corpus before analysing it.", no_args_is_help=True)
export_app = typer.Typer(
    help="Write a corpus for the textometry tools IRaMuTeQ and TXM.", no_args_is_help=True
)
app.add_typer(corpus_app, name="corpus")
app.add_typer(export_app, name="export")

InputsArg = typer.Argument(..., metavar="INPUT...", callback=existing_inputs, help=INPUT_FORMATS)
UnitOpt = typer.Option(Unit.document, "--unit", "-u", help="One text per document, article or alinea.")


@corpus_app.command("get")
def get_cli(
    name: str = typer.Argument(..., help=f"The dataset to fetch: {', '.join(DATASETS)}."),
    force: bool = typer.Option(False, "--force", help="Fetch again even if the files are there."),
) -> None:
    """Fetch a dataset that corpus manifests name (`dataset: legi`) once, checked against its SHA-512."""
    folder = get_dataset(name, force=force)
    dataset = DATASETS[name]
    typer.echo(f"{dataset.package}: {len(dataset.files)} files in {folder}")


class DescribeFormat(str, enum.Enum):
    """The choices of ``corpus describe --format``."""

    text = "text"
    csv = "csv"
    json = "json"


@corpus_app.command("describe")
def describe_cli(
    inputs: list[Path] = InputsArg,
    fmt: DescribeFormat = typer.Option(DescribeFormat.text, "--format", "-f", help="text: a summary to read; csv or json: "
                                       "the tidy table (one row per input file: format, documents, tokens, date range, "
                                       "records without a date, errors), for a spreadsheet or a script."),
    out: Path = typer.Option(None, "--out", "-o", help="Write the tidy table to this file (.csv or .json; the format "
                             "follows the extension) instead of printing it; the summary is still printed."),
    text_field: str = TextFieldOpt,
    id_field: str = IdFieldOpt,
) -> None:
    """Documents, whitespace tokens, dates (or why there are none), per file, per doc_type and per year, records without a date."""
    result = describe([str(p) for p in inputs], text_field=text_field, id_field=id_field)
    if out is not None:
        kind = "json" if out.suffix.lower() == ".json" else "csv"
        write_atomic(out, _tidy(result.per_file, kind))
        typer.echo(result.text())
        typer.echo(f"\nTidy table ({len(result.per_file):,} files) written to {out}.")
    elif fmt is DescribeFormat.text:
        typer.echo(result.text())
    else:
        typer.echo(_tidy(result.per_file, fmt.value), nl=False)
    _report_errors(result.errors.itertuples())


def _tidy(table, kind: str) -> str:
    """The per-file table as CSV (with a header) or JSON records (one object per file)."""
    if kind == "json":
        records = table.astype(object).where(table.notna(), None).to_dict("records")
        return json.dumps(records, ensure_ascii=False, indent=2, default=int) + "\n"
    return table.to_csv(index=False)


@export_app.command("iramuteq")
def iramuteq_cli(
    inputs: list[Path] = InputsArg,
    out: Path = typer.Option(..., "--out", "-o", help="The IRaMuTeQ corpus file to write (.txt)."),
    unit: Unit = UnitOpt,
    var: list[str] = typer.Option(
        None,
        "--var",
        help="A metadata field to write as *name_value (repeat); default: doc_type, collection, year, date, "
        "date_source and frame, each when the units have it, and doc_id and unit_type with --unit article or alinea.",
    ),
    text_field: str = TextFieldOpt,
    id_field: str = IdFieldOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Write an IRaMuTeQ corpus: a '**** *id_... *var_value' line per unit, then its text."""
    set_progress(False if quiet else "auto")
    result = export_iramuteq([str(p) for p in inputs], out, unit=unit.value, variables=var or None,
                             text_field=text_field, id_field=id_field)
    typer.echo(result.summary())
    _report_errors(result.problems)


@export_app.command("txm")
def txm_cli(
    inputs: list[Path] = InputsArg,
    out: Path = typer.Option(
        ..., "--out", "-o", help="The folder to write (one .txt per unit and metadata.csv)."
    ),
    unit: Unit = UnitOpt,
    text_field: str = TextFieldOpt,
    id_field: str = IdFieldOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Write a TXM "TXT + CSV" corpus folder: one .txt per unit and metadata.csv (id first)."""
    set_progress(False if quiet else "auto")
    result = export_txm([str(p) for p in inputs], out, unit=unit.value, text_field=text_field, id_field=id_field)
    typer.echo(result.summary())
    _report_errors(result.problems)


def _report_errors(problems) -> None:
    errors = [p for p in problems if p.severity == "error"]
    for p in errors[:5]:
        where = f"{p.file}:{int(p.line)}" if p.line is not None and p.line == p.line else p.file
        typer.echo(f"{where}: [{p.code}] {p.reason}", err=True)
    if len(errors) > 5:
        typer.echo(
            f"... and {len(errors) - 5} more; run `isic-nlp analyse` to get them all in errors.csv.",
            err=True,
        )
