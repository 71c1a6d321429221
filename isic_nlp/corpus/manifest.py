"""Corpus manifests: a small YAML file that says what a corpus is made of.

A manifest names its source files, which fields hold the text, the id and the
date, which records to keep, and the key that makes two records the same
document. ``isic-nlp analyse corpora/<name>.yaml`` (or any reader of
:mod:`isic_nlp.corpus.readers`) reads it like a corpus file. Its sources are
read by :mod:`isic_nlp.corpus.formats`: files or folders of JSON Lines, CSV/TSV,
``.txt`` or LEGI code trees, not other manifests, TXM folders or IRaMuTeQ files
(E402). Nothing is dropped
silently: records left out by a filter or as duplicates are counted, per
filter, and ``analyse`` writes the counts to ``manifest.json``, with
``records_read = documents + errors + filtered + duplicates``.

Format (every key but ``sources`` is optional)::

    name: legi-codes-creating-text      # default: the file name
    description: One line for people.
    dataset: legi                       # or: a dataset fetched once with
                                        #   `isic-nlp corpus get legi`
    base: ../data                       # or: a folder the sources are relative
                                        #   to, itself relative to this file
    sources:                            # files or folders, looked up first
      - LEGITEXT000006072050.json       #   next to this file, then in the
                                        #   dataset's folder or `base`
    fields: {text: text, id: id, date: date}
    filters:                            # all must hold; each is
      - date_source == creating_text    #   `<field> <op> <value>`, op among
      - year >= 1945                    #   == != < <= > >= in, not in
      - doc_type in [CODE_ARTICLE]      # values are YAML: numbers, [lists]
    deduplicate: cid                    # keep the first record of each value

A filter on a field the record lacks leaves the record out (``year >= 1945``
is false for a record with no year). A record without the deduplication key
is kept. When ``fields.date`` is not ``date``, that field is copied to
``date`` so that :func:`isic_nlp.corpus.describe` and reports find it.

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "c.jsonl").write_text(
    ...     '{"id": "a", "text": "Un.", "cid": "X", "year": 2002}\\n'
    ...     '{"id": "b", "text": "Deux.", "cid": "X", "year": 2003}\\n'
    ...     '{"id": "c", "text": "Trois.", "cid": "Y", "year": 1980}\\n', encoding="utf-8")
    >>> _ = (folder / "c.yaml").write_text(
    ...     "sources: [c.jsonl]\\nfilters: ['year >= 2000']\\ndeduplicate: cid\\n", encoding="utf-8")
    >>> records = load_manifest(folder / "c.yaml").records()
    >>> [r.id for r in records], records.selection["filtered"], records.selection["duplicates"]
    (['a'], 1, 1)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from isic_nlp.errors import Errors, IsicError
from isic_nlp.output import sha256_file

from .fetch import DATASETS, dataset_folder, is_present
from .formats import format_files, read_files
from .records import InputProblem, Record
from .textometry import is_iramuteq, is_txm

__all__ = ["MANIFEST_SUFFIXES", "CorpusManifest", "Filter", "SelectedRecords", "input_kind", "is_manifest", "load_manifest"]

MANIFEST_SUFFIXES = (".yaml", ".yml")
_KEYS = {"name", "description", "dataset", "base", "sources", "fields", "filters", "deduplicate"}
_FIELD_KEYS = {"text", "id", "date"}
_FILTER = re.compile(
    r"^\s*(?P<field>[\w.]+)\s*(?P<op>==|!=|<=|>=|<|>|not in|in)\s+(?P<value>.+?)\s*$"
)


@dataclass(frozen=True)
class Filter:
    """One condition ``<field> <op> <value>`` on a record's metadata (or ``id``)."""

    field: str
    op: str
    value: Any
    text: str

    def __call__(self, record: Record) -> bool:
        actual = record.id if self.field == "id" else record.meta.get(self.field)
        if self.op in ("in", "not in"):
            inside = actual in self.value
            return inside if self.op == "in" else not inside
        if self.op == "==":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        try:
            return {
                "<": actual < self.value,
                "<=": actual <= self.value,
                ">": actual > self.value,
                ">=": actual >= self.value,
            }[self.op]
        except TypeError:  # no value, or a value of another type: not kept
            return False


@dataclass(frozen=True)
class CorpusManifest:
    """A validated manifest (see the module documentation for the format)."""

    file: Path
    name: str
    description: str | None
    sources: list[Path]
    text_field: str = "text"
    id_field: str = "id"
    date_field: str = "date"
    filters: list[Filter] = field(default_factory=list)
    deduplicate: str | None = None

    def records(self) -> SelectedRecords:
        """The kept records and the input problems, in input order, counting what is left out."""
        return SelectedRecords(self)

    def describe(self) -> dict[str, Any]:
        """What ``manifest.json`` says about this manifest (counts are added while reading)."""
        return {
            "file": str(self.file),
            "sha256": sha256_file(self.file),
            "name": self.name,
            "sources": [str(p) for p in self.sources],
            "fields": {"text": self.text_field, "id": self.id_field, "date": self.date_field},
            "filters": [f.text for f in self.filters],
            "deduplicate": self.deduplicate,
        }


class SelectedRecords:
    """Iterator over a manifest's records; ``selection`` holds the counts of what was left out.

    ``selection`` = ``{"filtered": n, "duplicates": n, "corpus_manifests": [...]}``,
    complete once the iterator is exhausted; each manifest entry gives the
    records removed by each filter (the first one that failed).
    """

    def __init__(self, manifest: CorpusManifest):
        self.manifest = manifest
        self.info = {
            **manifest.describe(),
            "filtered_by": {f.text: 0 for f in manifest.filters},
            "duplicates": 0,
        }
        self.selection: dict[str, Any] = {
            "filtered": 0,
            "duplicates": 0,
            "corpus_manifests": [self.info],
        }
        self._items = self._select()

    def __iter__(self) -> SelectedRecords:
        return self

    def __next__(self) -> Record | InputProblem:
        return next(self._items)

    def _select(self) -> Iterator[Record | InputProblem]:
        m = self.manifest
        seen: set[Any] = set()
        for item in read_files(format_files(m.sources), m.text_field, m.id_field):
            if isinstance(item, InputProblem):
                yield item
                continue
            if m.date_field != "date" and m.date_field in item.meta:
                item = Record(
                    item.id,
                    item.text,
                    {**item.meta, "date": item.meta[m.date_field]},
                    item.file,
                    item.line,
                )
            failed = next((f for f in m.filters if not f(item)), None)
            if failed is not None:
                self.info["filtered_by"][failed.text] += 1
                self.selection["filtered"] += 1
                continue
            if m.deduplicate:
                key = item.id if m.deduplicate == "id" else item.meta.get(m.deduplicate)
                if key is not None:
                    key = repr(key) if isinstance(key, (list, dict)) else key
                    if key in seen:
                        self.info["duplicates"] += 1
                        self.selection["duplicates"] += 1
                        continue
                    seen.add(key)
            yield item


def is_manifest(path: str | Path) -> bool:
    """Whether ``path`` names a corpus manifest (a ``.yaml`` or ``.yml`` file)."""
    return Path(path).suffix.lower() in MANIFEST_SUFFIXES and not Path(path).is_dir()


def load_manifest(path: str | Path) -> CorpusManifest:
    """Read and validate a manifest; every problem is reported at once.

    Raises:
        IsicError: E001 if the file is missing, E402 for an invalid manifest
            (all its problems), E403 for a source that cannot be found.
    """
    path = Path(path)
    if not path.is_file():
        raise IsicError(Errors.E001.format(path=path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise IsicError(
            Errors.E402.format(file=path, problems=f"not readable YAML ({err})")
        ) from err
    problems: list[str] = []
    if not isinstance(data, dict):
        raise IsicError(
            Errors.E402.format(file=path, problems="the top level must be a mapping with 'sources'")
        )
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")
    sources = data.get("sources")
    if isinstance(sources, str):
        sources = [sources]
    if not sources or not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problems.append("'sources' must be a list of file or folder paths")
        sources = []
    fields = data.get("fields") or {}
    if (
        not isinstance(fields, dict)
        or set(fields) - _FIELD_KEYS
        or not all(isinstance(v, str) for v in fields.values())
    ):
        problems.append("'fields' must map some of text, id, date to field names")
        fields = {}
    filters = []
    raw_filters = data.get("filters") or []
    if not isinstance(raw_filters, list):
        problems.append("'filters' must be a list of '<field> <op> <value>' strings")
        raw_filters = []
    for text in raw_filters:
        parsed = _parse_filter(text)
        if isinstance(parsed, str):
            problems.append(parsed)
        else:
            filters.append(parsed)
    dedup = data.get("deduplicate")
    if dedup is not None and not isinstance(dedup, str):
        problems.append("'deduplicate' must be a field name")
    base = data.get("base")
    if base is not None and not isinstance(base, str):
        problems.append("'base' must be a folder path")
    dataset = data.get("dataset")
    if dataset is not None and dataset not in DATASETS:
        problems.append(f"unknown dataset {dataset!r}; known: {', '.join(DATASETS)}")
    if problems:
        raise IsicError(Errors.E402.format(file=path, problems="; ".join(problems)))
    folders = [path.parent] + ([path.parent / base] if base else [])
    if dataset is not None:
        if not is_present(dataset):
            info = DATASETS[dataset]
            raise IsicError(Errors.E035.format(
                file=path, name=dataset, package=info.package, folder=dataset_folder(dataset),
                size=info.size, env=info.env,
            ))
        folders.append(dataset_folder(dataset))
    resolved = []
    for source in sources:
        candidates = (
            [Path(source)]
            if Path(source).is_absolute()
            else [folder / source for folder in folders]
        )
        found = next((c for c in candidates if c.exists()), None)
        if found is None:
            looked = ", ".join(str(c.parent) for c in candidates)
            raise IsicError(Errors.E403.format(source=source, file=path, looked=looked))
        resolved.append(Path(found))
    nested = [f"'{s}' is {_KIND_NAMES[kind]}" for s in resolved if (kind := input_kind(s))]
    if nested:
        raise IsicError(Errors.E402.format(file=path, problems="; ".join(nested) + (
            ": a manifest's sources are files or folders of JSON Lines, CSV/TSV, .txt or LEGI "
            "code trees; give that input on the command line next to the manifest instead")))
    name = data.get("name") or path.stem
    return CorpusManifest(
        file=path,
        name=str(name),
        description=data.get("description"),
        sources=resolved,
        text_field=fields.get("text", "text"),
        id_field=fields.get("id", "id"),
        date_field=fields.get("date", "date"),
        filters=filters,
        deduplicate=dedup,
    )


_KIND_NAMES = {"manifest": "a corpus manifest", "txm": "a TXM folder", "iramuteq": "an IRaMuTeQ corpus"}


def input_kind(path: str | Path) -> str | None:
    """``"manifest"``, ``"txm"`` or ``"iramuteq"`` for an input that is not one file in one format, else ``None``."""
    if is_manifest(path):
        return "manifest"
    if is_txm(path):
        return "txm"
    if is_iramuteq(path):
        return "iramuteq"
    return None


def _parse_filter(text: Any) -> Filter | str:
    """A :class:`Filter`, or a problem message."""
    if not isinstance(text, str):
        return f"filter {text!r} is not a '<field> <op> <value>' string"
    match = _FILTER.match(text)
    if match is None:
        return f"filter '{text}' is not '<field> <op> <value>' (op among ==, !=, <, <=, >, >=, in, not in)"
    try:
        value = yaml.safe_load(match.group("value"))
    except yaml.YAMLError:
        value = match.group("value")
    value = _plain(value)
    op = match.group("op")
    if op in ("in", "not in") and not isinstance(value, list):
        return f"filter '{text}': '{op}' needs a [list] of values"
    return Filter(match.group("field"), op, value, text)


def _plain(value: Any) -> Any:
    """YAML dates as ISO text, as they are in the records."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
