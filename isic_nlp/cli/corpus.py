"""``isic-nlp corpus describe|get`` and ``isic-nlp export iramuteq|txm``."""

from __future__ import annotations

from pathlib import Path

import typer

from ..corpus.description import describe
from ..corpus.export import export_iramuteq, export_txm
from ..corpus.fetch import DATASETS, get_dataset
from .app import INPUT_FORMATS, Unit, app, existing_inputs

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


@corpus_app.command("describe")
def describe_cli(inputs: list[Path] = InputsArg) -> None:
    """Documents, whitespace tokens, date range, documents per year and per doc_type, records without a date."""
    result = describe([str(p) for p in inputs])
    row = result.summary.iloc[0]
    typer.echo(
        f"{int(row['documents']):,} documents, {int(row['tokens']):,} tokens (whitespace), "
        f"dates {row['date_min']} – {row['date_max']}, {int(row['no_date']):,} without a date.\n"
        f"Records read {int(row['records_read']):,} = documents {int(row['documents']):,} + errors {int(row['errors']):,} "
        f"+ filtered {int(row['filtered']):,} + duplicates {int(row['duplicates']):,}; {int(row['warnings']):,} warnings."
    )
    typer.echo("\nPer doc_type:\n" + result.per_doc_type.to_string(index=False))
    typer.echo("\nPer year:\n" + result.per_year.to_string(index=False))
    _report_errors(result.errors.itertuples())


@export_app.command("iramuteq")
def iramuteq_cli(
    inputs: list[Path] = InputsArg,
    out: Path = typer.Option(..., "--out", "-o", help="The IRaMuTeQ corpus file to write (.txt)."),
    unit: Unit = UnitOpt,
    var: list[str] = typer.Option(
        None,
        "--var",
        help="A metadata field to write as *name_value (repeat); default: doc_id, unit_type, doc_type, collection, year, date, date_source, frame.",
    ),
) -> None:
    """Write an IRaMuTeQ corpus: a '**** *id_... *var_value' line per unit, then its text."""
    result = export_iramuteq([str(p) for p in inputs], out, unit=unit.value, variables=var or None)
    typer.echo(result.summary())
    _report_errors(result.problems)


@export_app.command("txm")
def txm_cli(
    inputs: list[Path] = InputsArg,
    out: Path = typer.Option(
        ..., "--out", "-o", help="The folder to write (one .txt per unit and metadata.csv)."
    ),
    unit: Unit = UnitOpt,
) -> None:
    """Write a TXM "TXT + CSV" corpus folder: one .txt per unit and metadata.csv (id first)."""
    result = export_txm([str(p) for p in inputs], out, unit=unit.value)
    typer.echo(result.summary())
    _report_errors(result.problems)


def _report_errors(problems) -> None:
    errors = [p for p in problems if p.severity == "error"]
    for p in errors[:5]:
        where = f"{p.file}:{p.line}" if p.line is not None and p.line == p.line else p.file
        typer.echo(f"{where}: [{p.code}] {p.reason}", err=True)
    if len(errors) > 5:
        typer.echo(
            f"... and {len(errors) - 5} more; run `isic-nlp analyse` to get them all in errors.csv.",
            err=True,
        )
