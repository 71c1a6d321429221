"""``isic-nlp report trend`` and ``isic-nlp report compare``."""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import enum

import typer

from ..progress import set_progress
from .app import INPUT_FORMATS, CacheOpt, IdFieldOpt, QuietOpt, TextFieldOpt, Unit, app, cache_folder, existing_inputs
from .classify import _show_warnings

class Locale(str, enum.Enum):
    """The choices of --locale (isic_nlp.reports.numbers.LOCALES)."""

    en = "en"
    fr = "fr"


report_app = typer.Typer(help="Framing trends over time, and comparisons between groups, as HTML/Markdown reports with tables and charts.",
                         no_args_is_help=True)
app.add_typer(report_app, name="report")

InputsArg = typer.Argument(..., metavar="INPUT...", callback=existing_inputs, help=INPUT_FORMATS + " Or folders written by `isic-nlp analyse` "
                           "and tables written by `isic-nlp classify`.")
OutOpt = typer.Option(..., "--out", "-o", help="Folder for report.html, report.md, tables/, charts/, data/ and manifest.json.")
UnitOpt = typer.Option(Unit.document, "--unit", "-u", help="Count documents, articles or alineas (for corpora).")
LocaleOpt = typer.Option(Locale.en, "--locale", help="Numbers in report.html, report.md and the charts: en (1,234.5; 12.3%) "
                         "or fr (1 234,5; 12,3 %). Years are never grouped; the CSV/Parquet tables do not change.")
DateFieldOpt = typer.Option(None, "--date-field", help="The date to use (default: 'date', else 'year').")
SeedOpt = typer.Option(0, "--seed", help="Random seed of the bootstrap and of the evidence examples.")
BootOpt = typer.Option(1000, "--n-boot", help="Bootstrap draws for the intervals.")
ExamplesOpt = typer.Option(3, "--examples", help="Evidence examples per label and period or group.")
PipelineOpt = typer.Option(None, "--pipeline", "-p", help="Pipeline for the mentions (default: the model's, 'fast').")
ModelOpt = typer.Option(None, "--model", "-m", help="A model folder written by `isic-nlp train` (default: the shipped model).")
LabelsOpt = typer.Option(None, "--labels", help="A hand-labelled sample (the .xlsx or .csv written by `isic-nlp sample`, "
                         "filled in): the report's shares and differences (report compare), shares and slopes (report trend) are then also "
                         "corrected for classifier error (PPI++).")
InForceOpt = typer.Option(None, "--in-force-on", help="For article-version files (casf-versions.jsonl.gz): the code as in "
                          "force on this date (YYYY-MM-DD) instead of one unit per version.")
ClusterOpt = typer.Option(None, "--cluster", help="The field whose units are resampled together for every interval, test "
                          "and slope (default: the creating text of LEGI articles when the units have one, else doc_id).")


@report_app.command("trend")
def trend_cli(
    inputs: list[Path] = InputsArg,
    out: Path = OutOpt,
    by: str = typer.Option("year", "--by", help="Periods: 'year', 'decade' or a number of years (e.g. 5)."),
    facet: str = typer.Option(None, "--facet", help="A field whose values get their own series (e.g. doc_type, collection)."),
    unit: Unit = UnitOpt,
    date_field: str = DateFieldOpt,
    date_meaning: str = typer.Option(None, "--date-meaning", help="What the date means (signature, entry into force, last update), "
                                     "when the inputs' date_source does not say."),
    min_units: int = typer.Option(30, "--min-units", help="Periods with fewer units are flagged and left out of the trend."),
    min_periods: int = typer.Option(4, "--min-periods", help="No slope over fewer unflagged periods."),
    min_clusters: int = typer.Option(10, "--min-clusters", help="No slope over fewer clusters."),
    cluster: str = ClusterOpt,
    codification: str = typer.Option("include", "--codification", help="Units created by codification texts "
                                      "(reports/codification.yaml, or a text creating over 200 documents): include, "
                                      "exclude, or separate (their own series)."),
    labels: Path = LabelsOpt,
    in_force_on: str = InForceOpt,
    seed: int = SeedOpt,
    n_boot: int = BootOpt,
    examples: int = ExamplesOpt,
    pipeline: str = PipelineOpt,
    model: Path = ModelOpt,
    text_field: str = TextFieldOpt,
    id_field: str = IdFieldOpt,
    cache: Path = CacheOpt,
    quiet: bool = QuietOpt,
    locale: Locale = LocaleOpt,
) -> None:
    """Framing per period with intervals, and the trend of each frame, as a report."""
    set_progress(False if quiet else "auto")
    trend_report(inputs, out, locale=locale.value, by=by, facet=facet, unit=unit.value, date_field=date_field, date_meaning=date_meaning,
                 min_units=min_units, min_periods=min_periods, min_clusters=min_clusters, cluster=cluster,
                 codification=codification, labels=_labels(labels), in_force_on=in_force_on,
                 seed=seed, n_boot=n_boot, examples=examples, pipeline=pipeline, model=model,
                 text_field=text_field, id_field=id_field, cache=cache_folder(cache))


def trend_report(inputs: list[Path], out: Path, in_force_on: str | None = None, locale: str = "en",
                 text_field: str = "text", id_field: str = "id", **options) -> None:
    """Compute and write a trend report (also the last step of ``isic-nlp demo``)."""
    from ..reports import trend

    fields = {"--facet": options.get("facet"), "--date-field": options.get("date_field"), "--cluster": options.get("cluster")}
    _run(lambda: trend(_data(inputs, in_force_on, options, text_field, id_field, fields, dates=True, keyness=False),
                       **options), out, inputs, locale)


@report_app.command("compare")
def compare_cli(
    inputs: list[Path] = InputsArg,
    out: Path = OutOpt,
    by: str = typer.Option(None, "--by", help="The field that defines the groups (e.g. collection, doc_type), or period:N; "
                           "default: one group per input."),
    unit: Unit = UnitOpt,
    date_field: str = DateFieldOpt,
    min_count: int = typer.Option(10, "--min-count", help="Lemmas seen fewer times in all inputs are left out of lemma keyness."),
    cluster: str = ClusterOpt,
    labels: Path = LabelsOpt,
    in_force_on: str = InForceOpt,
    seed: int = SeedOpt,
    n_boot: int = BootOpt,
    examples: int = ExamplesOpt,
    pipeline: str = PipelineOpt,
    model: Path = ModelOpt,
    text_field: str = TextFieldOpt,
    id_field: str = IdFieldOpt,
    cache: Path = CacheOpt,
    quiet: bool = QuietOpt,
    locale: Locale = LocaleOpt,
) -> None:
    """Frame shares, tests, effect sizes and keyness of groups, as a report."""
    set_progress(False if quiet else "auto")
    from ..reports import compare

    options = {"unit": unit.value, "pipeline": pipeline, "model": model, "cache": cache_folder(cache)}
    fields = {"--by": by, "--date-field": date_field, "--cluster": cluster}
    _run(lambda: compare(_data(inputs, in_force_on, options, text_field, id_field, fields,
                               dates=bool(by and by.startswith("period"))),
                         by=by, date_field=date_field, min_count=min_count, cluster=cluster, labels=_labels(labels),
                         seed=seed, n_boot=n_boot, examples=examples), out, inputs, locale.value)


def _data(inputs: list[Path], in_force_on: str | None, options: dict, text_field: str, id_field: str,
          fields: dict, dates: bool, keyness: bool = True):
    """The report's data, its fields checked against the inputs before anything is analysed."""
    from ..reports import load_report_data

    if in_force_on:
        from ..corpus.versions import snapshot_records

        source = snapshot_records(inputs, in_force_on)
    else:
        source = [str(p) for p in inputs]
    return load_report_data(source, unit=options.get("unit", "document"), pipeline=options.get("pipeline"),
                            model=options.get("model"), text_field=text_field, id_field=id_field, fields=fields,
                            dates=dates, keyness=keyness, cache=options.get("cache"))


def _labels(path: Path | None):
    """The hand labels of a sample sheet, or None; its bad rows are shown (they are left out)."""
    if path is None:
        return None
    from ..reports.sample import read_labels_sheet
    from .classify import _report_problems

    sheet = read_labels_sheet(path)
    _report_problems(sheet.problems)
    typer.echo(f"{len(sheet.labels):,} labelled units in {path} ({sheet.n_blank:,} rows left blank).", err=True)
    return sheet.labels


def _run(make, out: Path, inputs: list[Path], locale: str = "en") -> None:
    """Compute the report (showing its warnings), write it, and say where it is."""
    from ..output import check_output_folder
    from ..reports import write_report

    started = time.perf_counter()
    check_output_folder(out, inputs)  # before the (long) computation, not after it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        report = make()
    _show_warnings([w for w in caught if "[isic:" in str(w.message)])
    write_report(report, out, locale=locale)
    errors = report.data.errors
    n_errors = int((errors["severity"] == "error").sum()) if len(errors) else 0
    if n_errors:
        typer.echo(f"{n_errors:,} input record(s) could not be used: see {out / 'errors.csv'}.", err=True)
    for sentence in report.summary[:3]:
        typer.echo(sentence)
    typer.echo(f"Report written in {time.perf_counter() - started:.0f} s: {out / 'report.html'} (and report.md, tables/, charts/).")
    sys.stdout.flush()
