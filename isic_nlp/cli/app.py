"""The Typer application that every command module adds its commands to."""

from __future__ import annotations

import difflib
import enum
from pathlib import Path

import typer

from ..errors import Errors, IsicError
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

#: ``--text-field`` and ``--id-field`` of every command that reads corpora.
TextFieldOpt = typer.Option("text", "--text-field", help="The field or column that holds the text (e.g. texte).")
IdFieldOpt = typer.Option("id", "--id-field", help="The field or column that holds the record id (e.g. doc_id).")

#: ``--quiet`` of every long command: no progress bar (there is none when stderr is not a terminal).
QuietOpt = typer.Option(False, "--quiet", "-q", help="No progress bar (there is none anyway when stderr is not a terminal).")

#: ``--cache`` of every command that analyses corpora (analyse, report trend, report compare).
CacheOpt = typer.Option(None, "--cache", help="Keep the tokens, lemmas and sentences of every text, and the rows of "
                        "every record, in this folder ('auto': the user cache folder): a re-run after a lexicon "
                        "edit only analyses the records the edit can change. Same results.")


def cache_folder(cache: Path | None) -> Path | None:
    """The Doc cache folder of a ``--cache`` option ('auto': the user cache folder)."""
    if cache is None:
        return None
    if str(cache) == "auto":
        from ..cache import default_cache_dir

        return default_cache_dir()
    return cache


def close_paths(path: Path, n: int = 3) -> list[str]:
    """Names in the folder of ``path`` (or in its nearest existing parent) close to its name, as paths to type.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "corpus.jsonl").write_text("")
    ...     [Path(p).name for p in close_paths(Path(folder) / "corpsu.jsonl")]
    ['corpus.jsonl']
    """
    path = Path(path)
    missing = [path.name]
    parent = path.parent
    while not parent.is_dir() and parent != parent.parent:  # a mistyped folder: look where the path stops existing
        missing.insert(0, parent.name)
        parent = parent.parent
    try:
        names = [child.name for child in parent.iterdir() if not child.name.startswith(".")]
    except OSError:
        return []
    close = difflib.get_close_matches(missing[0], names, n=n, cutoff=0.6)
    # A mistyped folder: the corrected path when it exists, else the corrected folder.
    fixed = [parent / name / Path(*missing[1:]) if len(missing) > 1 else parent / name for name in close]
    return [str(p if p.exists() or len(missing) == 1 else parent / name) for p, name in zip(fixed, close)]


def existing_inputs(paths: list[Path] | None) -> list[Path] | None:
    """Typer callback of the INPUT arguments: a missing path is an E001 error, with close names as a hint.

    Raised before any work (no pipeline loaded, no output folder touched); ``isic_nlp.cli.main`` prints it.
    """
    for path in paths or []:
        if not (path.exists() or path.is_symlink()):
            close = close_paths(path)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise IsicError(Errors.E001.format(path=path) + hint)
    return paths
