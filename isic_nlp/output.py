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
from collections.abc import Iterable, Iterator
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


def check_output_folder(path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Check, before any work, that ``path`` can receive a run's outputs; a coded error says why not.

    It can if it does not exist (its parent is created), or is a folder that is
    empty or holds only an earlier isic_nlp output (a ``manifest.json`` of ours,
    and nothing the run did not write: see :func:`foreign_entries`): that folder
    is then replaced whole at the end of the run. A folder that holds one of the
    run's ``inputs`` (a report reading the analysis folder it would replace) is refused.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise IsicError(Errors.E008.format(path=path, reason="it is a file, not a folder"))
    for item in inputs:
        try:
            inside = Path(item).resolve().is_relative_to(path.resolve())
        except (OSError, RuntimeError, ValueError):
            continue
        if inside:
            raise IsicError(Errors.E008.format(
                path=path, reason=f"it holds an input of this run ({item}), which the run would replace: "
                "write the outputs to another folder"))
    if path.is_dir() and any(path.iterdir()):
        if not _ours(path):
            raise IsicError(Errors.E008.format(
                path=path, reason="it is not empty and holds no isic_nlp output (no manifest.json of ours): "
                "choose a new folder, or empty it (the run replaces its output folder whole)"))
        foreign = foreign_entries(path)
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise IsicError(Errors.E008.format(
                path=path, reason=f"it holds files that isic_nlp did not write ({shown}), which replacing the "
                "folder would delete: move them, or choose a new folder"))
    parent = make_folder(path.parent)
    if not os.access(parent, os.W_OK):
        raise IsicError(Errors.E005.format(path=path, reason=f"the folder {parent} is not writable"))
    return path


#: The entries a run wrote into its output folder (written last, inside the folder).
CONTENTS_FILE = ".isic_nlp_contents.json"
# Folders written before the contents record: only such files (and ``*.parquet`` folders) count as ours.
_LEGACY_SUFFIXES = (".csv", ".tsv", ".parquet", ".json", ".html", ".md", ".png", ".svg", ".xlsx", ".css")


def foreign_entries(folder: Path) -> list[str]:
    """Names of the entries of an earlier output ``folder`` that its run did not write (sorted).

    A run records its entries in :data:`CONTENTS_FILE`; a folder without that
    record (an older version's) may hold only output files (``.csv``,
    ``.parquet``, ``.json``, ``.html``, ``.md``, images...) and ``*.parquet`` folders.
    An isic_nlp output folder inside it (with nothing foreign) is an output too.
    """
    entries = sorted(p.name for p in folder.iterdir() if p.name != CONTENTS_FILE)
    try:
        recorded = set(json.loads((folder / CONTENTS_FILE).read_text(encoding="utf-8"))["entries"])
    except (OSError, ValueError, KeyError, TypeError):
        recorded = None
    return [name for name in entries
            if not (name in recorded if recorded is not None else _legacy_output(folder / name))
            and not _nested_output(folder / name)]


def _nested_output(path: Path) -> bool:
    """An isic_nlp output folder inside another (``isic-nlp demo`` writes its report in the analysis folder)."""
    return path.is_dir() and not path.is_symlink() and _ours(path) and not foreign_entries(path)


def _legacy_output(path: Path) -> bool:
    if path.is_symlink():
        return False
    if path.is_dir():
        return path.suffix == ".parquet"
    return path.suffix in _LEGACY_SUFFIXES


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
            entries = sorted(p.name for p in tmp.iterdir())
            (tmp / CONTENTS_FILE).write_text(json.dumps({"entries": entries}) + "\n", encoding="utf-8")
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
    "input left match right context_flags".split()
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


def arrow_table(table: pd.DataFrame, *, keep_null: bool = False):
    """``table`` as a pyarrow Table with the declared column types (see :func:`column_type`).

    An undeclared column with no value is text, or with ``keep_null`` of type
    ``null`` (a batch of a :class:`TableStream`, whose other batches give the type).
    """
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
            if (pa.types.is_null(array.type) and not keep_null) or pa.types.is_large_string(array.type):
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


def read_table(path: str | Path) -> pd.DataFrame:
    """A Parquet table written by isic_nlp: one file, or a folder of part files (``analyse --scheduler``)."""
    import pyarrow.parquet as pq

    path = Path(path)
    if path.is_dir():
        parts = sorted(path.glob("*.parquet"))
        if not parts:
            return pd.read_parquet(path)
        return pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)
    return pq.read_table(path).to_pandas()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class TableStream:
    """A table written batch by batch into ``folder``, so that it is never whole in memory.

    ``<name>.parquet`` gets one row group per batch; with ``csv``, ``<name>.csv``
    gets the same rows. With a fixed ``schema`` (the mentions, the lemmas) each
    batch goes straight to the files. Without one (the documents, whose columns
    depend on the records' metadata) the files must hold one schema: columns in
    order of first appearance (``last`` ones at the end), and per column the
    type of its values (a column empty in one batch takes the type of the
    others; one of mixed types becomes text), as for a table written whole
    (:func:`unified_schema`). Each batch then also waits in a hidden part file;
    as long as the batches leave that schema as the first one made it, they go
    to the files as they come, and :meth:`close` only deletes the parts; once a
    batch changes it (a new column, a column that was empty, another type), the
    files written so far are dropped and :meth:`close` writes every part out,
    cast to the final schema. Same files either way.

    Args:
        folder: the (temporary) output folder.
        name: the table's name (``documents``).
        empty: the table with no row, written if no batch comes.
    """

    def __init__(self, folder: str | Path, name: str, *, empty, csv: bool = True, schema=None,
                 last: tuple[str, ...] = ()):
        self.folder, self.name, self.empty, self.csv, self.schema, self.last = Path(folder), name, empty, csv, schema, last
        self.parts: list[Path] = []
        self.rows = 0
        self._parquet = None
        self._csv = None
        self._union = SchemaUnion(last)
        #: The schema the files are being written with; False once a batch changed it.
        self._settled = None

    def write(self, table) -> None:
        """Add a batch (a pyarrow Table)."""
        if self.schema is None:
            import pyarrow.parquet as pq

            part = self.folder / f".{self.name}.parts" / f"{len(self.parts):06d}.parquet"
            part.parent.mkdir(exist_ok=True)
            pq.write_table(table, part)
            self.parts.append(part)
            changed = self._union.add(table.schema)
            if self._settled is not False:
                schema = self._union.schema() if changed or self._settled is None else self._settled
                if self._settled is None or schema == self._settled:
                    self._settled = schema
                    self._write(cast_table(table, schema))
                else:
                    self._drop_files()
                    self._settled = False
        else:
            self._write(table.select(self.schema.names).cast(self.schema))
        self.rows += table.num_rows

    def _write(self, table) -> None:
        import pyarrow.parquet as pq

        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.folder / f"{self.name}.parquet", table.schema)
            if self.csv:
                self._csv = open(self.folder / f"{self.name}.csv", "w", encoding="utf-8", newline="")
        self._parquet.write_table(table)
        if self._csv is not None:
            _csv_rows(table).to_csv(self._csv, index=False, header=self._csv.tell() == 0)

    def _drop_files(self) -> None:
        """Close and delete the files written so far (a batch changed the schema)."""
        self._parquet.close()
        (self.folder / f"{self.name}.parquet").unlink()
        if self._csv is not None:
            self._csv.close()
            (self.folder / f"{self.name}.csv").unlink()
        self._parquet = self._csv = None

    def close(self) -> dict[str, Path]:
        """Finish the files; return them by file name."""
        if self.schema is None and self.parts:
            import pyarrow.parquet as pq

            if self._settled is False:
                schema = self._union.schema()
                for part in self.parts:
                    self._write(cast_table(pq.read_table(part), schema))
            for part in self.parts:
                part.unlink()
            shutil.rmtree(self.parts[0].parent, ignore_errors=True)
        elif self._parquet is None:
            self._write(self.empty if self.schema is None else self.empty.cast(self.schema))
        self._parquet.close()
        if self._csv is not None:
            self._csv.close()
        names = [f"{self.name}.parquet", *([f"{self.name}.csv"] if self.csv else [])]
        return {name: self.folder / name for name in names}


class SchemaUnion:
    """The one schema of tables written in parts, kept up to date as the parts come (:func:`unified_schema`)."""

    def __init__(self, last: tuple[str, ...] = ()):
        self.last = last
        self.types: dict[str, list] = {}

    def add(self, schema) -> bool:
        """Take in a part's schema; whether it brought a new field or type."""
        import pyarrow as pa

        changed = False
        for field_ in schema:
            if field_.name not in self.types:
                self.types[field_.name] = []
                changed = True
            found = self.types[field_.name]
            if not pa.types.is_null(field_.type) and field_.type not in found:
                found.append(field_.type)
                changed = True
        return changed

    def schema(self):
        import pyarrow as pa

        types = self.types
        names = [n for n in types if n not in self.last] + [n for n in self.last if n in types]
        fields = []
        for name in names:
            kind = pa.string()
            if len(types[name]) == 1:
                kind = types[name][0]
            elif types[name]:
                try:
                    kind = pa.unify_schemas([pa.schema([(name, t)]) for t in types[name]],
                                            promote_options="permissive").field(name).type
                except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                    kind = pa.string()
            fields.append(pa.field(name, kind))
        return pa.schema(fields)


def unified_schema(schemas: list, last: tuple[str, ...] = ()):
    """One schema for tables written in parts: fields in order of first appearance, ``last`` ones at the end.

    A field's type is that of its non-empty parts, promoted (``int64`` and
    ``float64`` give ``float64``); text if they cannot be promoted, or if every
    part is empty.
    """
    union = SchemaUnion(last)
    for schema in schemas:
        union.add(schema)
    return union.schema()


def cast_table(table, schema):
    """``table`` with the fields of ``schema``: missing columns empty, others cast (to text if need be)."""
    import pyarrow as pa

    columns = []
    for field_ in schema:
        if field_.name not in table.column_names:
            columns.append(pa.nulls(table.num_rows, field_.type))
            continue
        column = table[field_.name]
        if column.type != field_.type:
            column = column.cast(field_.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


def _csv_rows(table) -> pd.DataFrame:
    """A batch for the CSV file: whole numbers stay whole where some are missing (``2002``, not ``2002.0``)."""
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
