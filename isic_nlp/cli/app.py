"""The Typer application that every command module adds its commands to."""

from __future__ import annotations

import enum

import typer

from ..corpus.decoding import set_limits

app = typer.Typer(
    name="isic-nlp",
    help="Measure individual-rights and collective-action (ISIC) framing in French legal texts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: flags without a '<bool>' type, choices listed as {a|b|c}.
    rich_markup_mode=None,
)
MaxRecordOpt = typer.Option(None, "--max-record-bytes", min=1, help="Skip a record (a line, a row, a .txt or XML "
                            "file, an archive member) larger than this (E216); default 64 MiB or ISIC_NLP_MAX_RECORD_BYTES.")
MaxFileOpt = typer.Option(None, "--max-file-bytes", min=1, help="Stop reading a file after this many (decompressed) "
                          "bytes (E217); default 8 GiB or ISIC_NLP_MAX_FILE_BYTES.")


@app.callback()
def _input_limits(max_record_bytes: int = MaxRecordOpt, max_file_bytes: int = MaxFileOpt) -> None:
    # Before any command: `isic-nlp --max-record-bytes N report trend ...` bounds every input read.
    set_limits(max_record_bytes, max_file_bytes)


lexicon_app = typer.Typer(help="Check lexicon files.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(lexicon_app, name="lexicon")


class Unit(str, enum.Enum):
    """The choices of --unit (pass ``.value`` to the library)."""

    document = "document"
    article = "article"
    alinea = "alinea"


#: What every INPUT argument accepts, for the help of the commands.
INPUT_FORMATS = (
    "Files or folders: JSON Lines (.jsonl, .json, .gz), CSV/TSV with a text column, .txt files, "
    "LEGI code trees (LEGITEXT….json), corpus manifests (.yaml), IRaMuTeQ corpora (.txt starting with ****), "
    "TXM folders (metadata.csv + .txt or XML-TEI files), TEI files (.xml), DILA LEGI/JORF/KALI XML (.xml, "
    "or a .tar.gz archive, streamed), article-version files (casf-versions.jsonl.gz)."
)

#: ``--quiet`` of every long command: no progress bar (there is none when stderr is not a terminal).
QuietOpt = typer.Option(False, "--quiet", "-q", help="No progress bar (there is none anyway when stderr is not a terminal).")
