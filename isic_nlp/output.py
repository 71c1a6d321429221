"""Writing outputs atomically: a reader never sees a half-written file.

Each file is written to a temporary name in the same folder, then renamed
over the final name (``os.replace`` is atomic on one file system).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import Errors, IsicError


def write_atomic(path: str | Path, content: str | bytes | None = None, *, writer=None) -> Path:
    """Write ``content`` (or call ``writer(tmp_path)``) to ``path`` atomically."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            if writer is not None:
                writer(Path(tmp))
            elif isinstance(content, bytes):
                Path(tmp).write_bytes(content)
            else:
                Path(tmp).write_text(content or "", encoding="utf-8")
            # mkstemp creates the file private (0600); give it the usual mode.
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as err:
        raise IsicError(Errors.E005.format(path=path, reason=err)) from err
    return path


def make_folder(path: str | Path) -> Path:
    """Create an output folder (and its parents); a coded error if it cannot be made."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise IsicError(Errors.E005.format(path=path, reason=err)) from err
    return path


def write_tables(tables: dict[str, pd.DataFrame], folder: str | Path) -> dict[str, Path]:
    """Each table as ``<name>.csv`` and ``<name>.parquet`` in ``folder``; the files by file name."""
    folder = Path(folder)
    return {
        f"{name}{suffix}": write_table(table, folder / f"{name}{suffix}")
        for name, table in tables.items()
        for suffix in (".csv", ".parquet")
    }


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as CSV (UTF-8, comma) or Parquet, by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return write_atomic(path, writer=lambda tmp: table.to_parquet(tmp, index=False))
    if suffix in (".csv", ".tsv"):
        sep = "\t" if suffix == ".tsv" else ","
        return write_atomic(path, writer=lambda tmp: table.to_csv(tmp, index=False, sep=sep))
    raise IsicError(
        Errors.E006.format(
            option="output file", expected="a .csv, .tsv or .parquet name", value=str(path)
        )
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
