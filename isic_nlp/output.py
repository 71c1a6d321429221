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


#: Types of the columns isic_nlp writes, whatever their values in one run (an all-empty
#: column is not of type ``null``), so that the tables of several runs read as one
#: dataset (pyarrow, DuckDB, R arrow). By name, then by prefix; other columns
#: (metadata) are what pyarrow infers, text when empty or of mixed types.
STRING_COLUMNS = frozenset(
    "id doc_id unit_id article_id unit_type unit_label text lemma label group lexicon lexicon_version "
    "entry_id false_friend_reason cue_ids sentence file severity code reason frame modes "
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
