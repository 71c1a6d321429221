"""``isic-nlp sample``: a reproducible sample of analysed units, as a sheet to label by hand."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import INPUT_FORMATS, IdFieldOpt, TextFieldOpt, Unit, app, existing_inputs
from .classify import _report_problems


@app.command("sample")
def sample_cli(
    inputs: list[Path] = typer.Argument(..., metavar="INPUT...", callback=existing_inputs, help=INPUT_FORMATS),
    n: int = typer.Option(150, "--n", help="How many units to draw in all."),
    by: str = typer.Option(None, "--by", help="Strata: 'period' (of --period-years years of the date) or a field "
                           "(e.g. collection, doc_type); default: none (a simple random sample)."),
    period_years: int = typer.Option(10, "--period-years", help="Years per period, for --by period."),
    date_field: str = typer.Option(None, "--date-field", help="The date for --by period (default: 'date', else 'year')."),
    unit: Unit = typer.Option(Unit.document, "--unit", "-u", help="Draw documents, articles or alineas."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed on the same inputs draws the same units."),
    strategy: str = typer.Option("stratified", "--strategy", help="stratified (random, with weights) or uncertain "
                                 "(the units the shipped classifier is least sure of, per stratum)."),
    pipeline: str = typer.Option("fast", "--pipeline", "-p", help="Pipeline of the analysis (fast or accurate)."),
    out: Path = typer.Option(Path("sample.csv"), "--out", "-o", help="The sheet: NAME.csv and NAME.xlsx are written side by side."),
    text_field: str = TextFieldOpt,
    id_field: str = IdFieldOpt,
) -> None:
    """Draw units for hand-labelling; write a .csv and an .xlsx with the guideline's labels as choices."""
    from ..reports.data import check_fields
    from ..reports.sample import add_period, draw_sample, sample_units, write_sample

    corpus = [str(p) for p in inputs]
    # A mistyped --by or --date-field is caught before the analysis.
    check_fields([corpus], [], [], {"--by": by, "--date-field": date_field}, by == "period", text_field, id_field)
    units, problems = sample_units(corpus, unit=unit.value, pipeline=pipeline, strategy=strategy,
                                   text_field=text_field, id_field=id_field)
    _report_problems(problems)
    if by == "period":
        units = add_period(units, period_years, date_field)
    sample = draw_sample(units, n, by=by, seed=seed, strategy=strategy)
    written = write_sample(sample, out, seed=seed)
    strata = sample.groupby("stratum", sort=True).agg(n=("id", "size"), of=("stratum_size", "first"))
    typer.echo(f"Drew {len(sample):,} of {len(units):,} {unit.value}s ({strategy}, seed {seed})"
               + (f", by {by}:" if by else "."))
    if by:
        for stratum, row in strata.iterrows():
            typer.echo(f"  {stratum}: {row['n']:,} of {row['of']:,}")
    typer.echo(f"Fill in {written['.xlsx']} (or {written['.csv']}), then give it to `isic-nlp report --labels`.")
