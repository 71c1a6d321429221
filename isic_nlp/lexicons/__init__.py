"""Finding, loading and checking lexicons (shipped ones and a researcher's own).

Example:
    >>> from isic_nlp.lexicons import load_lexicon, shipped_lexicon_names
    >>> "framing" in shipped_lexicon_names()
    True
    >>> load_lexicon("isic_modes").labels["dsl"].group
    'isic_mode'
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Errors, IsicError
from ..shipped import data_folder
from .model import (
    Entry,
    Label,
    Lexicon,
    Problem,
    normalise_phrase,
    parse_lexicon,
    read_lexicon_file,
)

__all__ = [
    "Entry",
    "Label",
    "Lexicon",
    "Problem",
    "check_lexicon_files",
    "load_lexicon",
    "load_lexicons",
    "normalise_phrase",
    "parse_lexicon",
    "read_lexicon_file",
    "shipped_lexicon_names",
    "shipped_lexicon_paths",
]

def shipped_lexicon_paths() -> dict[str, Path]:
    """The lexicon files shipped in the package, by file stem."""
    return {path.stem: path for path in sorted(data_folder("lexicons").glob("*.yaml"))}


def shipped_lexicon_names() -> list[str]:
    """Names of the shipped lexicons (``framing``, ``isic_modes``, ``context``)."""
    return list(shipped_lexicon_paths())


def _resolve(name_or_path: str | Path) -> Path:
    shipped = shipped_lexicon_paths()
    if isinstance(name_or_path, str) and name_or_path in shipped:
        return shipped[name_or_path]
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return path
    raise IsicError(Errors.E103.format(name=name_or_path, known=", ".join(shipped)))


def load_lexicon(name_or_path: str | Path) -> Lexicon:
    """Load one lexicon, shipped (by name) or from a ``.yaml`` file.

    Raises:
        IsicError: listing every problem of the file, as ``file:line: message``.
    """
    return load_lexicons([name_or_path])[0]


def load_lexicons(names_or_paths: list[str | Path]) -> list[Lexicon]:
    """Load several lexicons; every problem of every file is reported at once."""
    lexicons: list[Lexicon] = []
    problems: list[Problem] = []
    for item in names_or_paths:
        lexicon, found = read_lexicon_file(_resolve(item))
        problems.extend(found)
        if lexicon is not None:
            lexicons.append(lexicon)
    names = [lexicon.name for lexicon in lexicons]
    for lexicon in lexicons:
        if names.count(lexicon.name) > 1:
            problems.append(Problem(lexicon.file, 1, f"two lexicons are named '{lexicon.name}'"))
    if problems:
        raise IsicError(
            Errors.E102.format(
                count=len(problems),
                files=" ".join(str(i) for i in names_or_paths),
                problems="\n".join(str(p) for p in problems),
            )
        )
    return lexicons


def check_lexicon_files(paths: list[str | Path] | None = None) -> list[Problem]:
    """Validate lexicon files (default: every shipped one); return all problems.

    Example:
        >>> check_lexicon_files()
        []
    """
    targets = [_resolve(p) for p in paths] if paths else list(shipped_lexicon_paths().values())
    problems: list[Problem] = []
    for path in targets:
        problems.extend(read_lexicon_file(path)[1])
    return problems
