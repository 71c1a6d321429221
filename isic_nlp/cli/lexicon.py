"""``isic-nlp lexicon check``."""

from __future__ import annotations

from pathlib import Path

import typer

from ..lexicons import check_lexicon_files, shipped_lexicon_names
from .app import lexicon_app


@lexicon_app.command("check")
def check_cli(
    files: list[Path] = typer.Argument(
        None, help="Lexicon files (.yaml); default: every shipped lexicon."
    ),
    corpus: list[Path] = typer.Option(
        None,
        "--corpus",
        "-c",
        help="Also run the lexicons on this corpus and list entries that never fire or are shadowed.",
    ),
    pipeline: str = typer.Option("fast", "--pipeline", "-p", help="Pipeline used with --corpus."),
) -> None:
    """Validate lexicon files; report every problem at once as file:line: message."""
    targets = [str(f) for f in files] if files else None
    problems = check_lexicon_files(targets)
    for problem in problems:
        typer.echo(str(problem))
    names = ", ".join(targets) if targets else ", ".join(shipped_lexicon_names())
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {names}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {names}.")
    if corpus:
        from ..lexicon_usage import lexicon_usage

        matchable = [t for t in (targets or []) if not t.endswith("context.yaml")]
        usage = lexicon_usage([str(c) for c in corpus], pipeline, lexicons=matchable or None)
        for row in usage[usage["status"] != "ok"].itertuples():
            detail = f" by {row.shadowed_by}" if row.status == "shadowed" else ""
            typer.echo(
                f"{row.file}:{row.line}: entry '{row.entry_id}' {row.status}{detail} "
                f"({row.n_candidates} matches, {row.n_won} kept)"
            )
        counts = usage["status"].value_counts()
        typer.echo(
            f"On the corpus: {counts.get('ok', 0)} entries fire, {counts.get('never fires', 0)} never fire, "
            f"{counts.get('shadowed', 0)} are always shadowed by another entry."
        )
