"""Writing outputs atomically: a reader never sees a half-written file, nor a folder of two runs.

Each file is written to a temporary name in the same folder, then renamed
over the final name (``os.replace`` is atomic on one file system). An output
*folder* (``analyse --out``, ``report --out``) is written whole by
:func:`output_folder`: the run writes into a fresh hidden folder beside it,
which replaces the old folder only once every file is written, so the folder
holds one complete run, the previous one, or (for an instant between two
renames, or after a crash in that instant) nothing; never a mix. A lock
refuses a second run writing to the same folder at the same time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


def check_output_folder(path: str | Path) -> Path:
    """Check, before any work, that ``path`` can receive a run's outputs; a coded error says why not.

    It can if it does not exist (its parent is created), or is a folder that is
    empty or holds an earlier isic_nlp output (a ``manifest.json`` of ours): that
    folder is then replaced whole at the end of the run.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise IsicError(Errors.E008.format(path=path, reason="it is a file, not a folder"))
    if path.is_dir() and any(path.iterdir()) and not _ours(path):
        raise IsicError(Errors.E008.format(
            path=path, reason="it is not empty and holds no isic_nlp output (no manifest.json of ours): "
            "choose a new folder, or empty it (the run replaces its output folder whole)"))
    parent = make_folder(path.parent)
    if not os.access(parent, os.W_OK):
        raise IsicError(Errors.E005.format(path=path, reason=f"the folder {parent} is not writable"))
    return path


def _ours(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "isic_nlp_version" in manifest


@contextmanager
def output_folder(path: str | Path) -> Iterator[Path]:
    """Write a run's outputs into the yielded (temporary) folder; it becomes ``path`` when the block ends.

    If the block raises (an error, Ctrl-C), the temporary folder is removed and
    ``path`` is left as it was. A second run writing to ``path`` at the same time
    is refused (``E009``). Leftovers of a run that was killed (hidden
    ``.<name>.*.tmp`` and ``.<name>.*.old`` folders beside ``path``) are removed
    by the next run.
    """
    path = check_output_folder(path)
    lock = _lock(path)
    try:
        _remove_leftovers(path)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
        try:
            yield tmp
            old = path.parent / f".{path.name}.{os.getpid()}.old"
            if path.exists():
                os.rename(path, old)
            os.rename(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as err:
            raise IsicError(Errors.E005.format(path=path, reason=err)) from err
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        # Removed while still held, so no litter is left. A run that opened the file just
        # before may then lock the removed file too; the folder swap still never mixes two runs.
        Path(lock.name).unlink(missing_ok=True)
        lock.close()


def _lock(path: Path):
    """An exclusive lock on ``.<name>.lock`` beside ``path`` (released when the file is closed)."""
    handle = open(path.parent / f".{path.name}.lock", "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        handle.close()
        raise IsicError(Errors.E009.format(path=path)) from err
    return handle


def _remove_leftovers(path: Path) -> None:
    for leftover in path.parent.glob(f".{path.name}.*"):
        if leftover.is_dir() and leftover.suffix in (".tmp", ".old"):
            shutil.rmtree(leftover, ignore_errors=True)


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


#: Types of the columns isic_nlp writes, whatever their values in one run (an all-empty
#: column is not of type ``null``), so that the tables of several runs read as one
#: dataset (pyarrow, DuckDB, R arrow). By name, then by prefix; other columns
#: (metadata) are what pyarrow infers, text when empty or of mixed types.
STRING_COLUMNS = frozenset(
    "id doc_id unit_id article_id unit_type unit_label text lemma label group lexicon lexicon_version "
    "entry_id false_friend_reason cue_ids sentence file severity code reason frame modes tags "
    "input left match right flags".split()
)
INTEGER_COLUMNS = frozenset("start_char end_char n_chars n_tokens line count".split())
BOOLEAN_COLUMNS = frozenset(
    "counted false_friend negation exception hypothesis quotation abrogation".split()
)
PREFIX_TYPES = (("n_", "int64"), ("rate_", "float64"), ("p_", "float64"), ("mode_", "bool"))
SUFFIX_TYPES = (("_cue", "string"),)


def column_type(name: str) -> str | None:
    """The declared type of an output column (``string``, ``int64``, ``float64``, ``bool``), or ``None``.

    Example:
        >>> [column_type(c) for c in ("doc_id", "n_rights", "rate_rights", "negation_cue", "title")]
        ['string', 'int64', 'float64', 'string', None]
    """
    if name in STRING_COLUMNS:
        return "string"
    if name in INTEGER_COLUMNS:
        return "int64"
    if name in BOOLEAN_COLUMNS:
        return "bool"
    for suffix, kind in SUFFIX_TYPES:
        if name.endswith(suffix):
            return kind
    for prefix, kind in PREFIX_TYPES:
        if name.startswith(prefix):
            return kind
    return None


def arrow_table(table: pd.DataFrame):
    """``table`` as a pyarrow Table with the declared column types (see :func:`column_type`)."""
    import pyarrow as pa

    kinds = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}
    columns, fields = [], []
    for name in table.columns:
        series = table[name]
        declared = column_type(str(name))
        if declared not in (None, "string"):
            try:
                array = pa.array(series, type=kinds[declared], from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # a metadata field of the same name: as inferred
                declared = None
        if declared is None:
            try:
                array = pa.array(series, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: kept as text
                array = _as_text(pa, series)
            if pa.types.is_null(array.type) or pa.types.is_large_string(array.type):
                array = array.cast(pa.string())
        elif declared == "string":
            array = _as_text(pa, series)
        columns.append(array)
        fields.append(pa.field(str(name), array.type))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def _as_text(pa, series: pd.Series):
    """A text column: strings as they are, other values as their text, missing values as null."""
    try:
        array = pa.array(series, from_pandas=True)
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) or pa.types.is_null(array.type):
            return array.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    return pa.array(series.map(lambda v: None if _missing(v) else str(v)), type=pa.string())


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays
        return False


def write_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as CSV (UTF-8, comma) or Parquet (declared column types), by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return write_atomic(path, writer=lambda tmp: pq.write_table(arrow_table(table), tmp))
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
