"""The Typer application that every command module adds its commands to."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="isic-nlp",
    help="Measure individual-rights and collective-action (ISIC) framing in French legal texts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
lexicon_app = typer.Typer(help="Check lexicon files.", no_args_is_help=True)
app.add_typer(lexicon_app, name="lexicon")

from . import sample  # noqa: E402,F401  (registers `isic-nlp sample`; imported here, after `app` exists)
