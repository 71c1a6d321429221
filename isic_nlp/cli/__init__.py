"""The ``isic-nlp`` command: a thin layer over the library; only this package prints.

Each command module parses its arguments and calls one library function.
User mistakes end with a coded message (``[isic:E...]``) and a non-zero exit,
never a traceback; usage mistakes get Typer's usage message (exit 2).
"""

from __future__ import annotations

import sys

import typer

from ..errors import IsicError
from . import analyse, classify, corpus, lexicon, report  # noqa: F401  (registers the commands)
from .app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``isic-nlp`` console script."""
    try:
        app()  # standalone: Typer reports usage errors itself and exits
    except IsicError as err:
        typer.echo(str(err), err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        typer.echo(
            "Interrupted: nothing of this run was written; an output folder holds its previous run, if any.", err=True
        )
        sys.exit(130)
