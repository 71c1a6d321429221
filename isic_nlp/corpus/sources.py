"""Inputs that are not one file = one format: manifests, IRaMuTeQ files, TXM folders.

:func:`isic_nlp.corpus.readers.input_files` and
:func:`~isic_nlp.corpus.readers.read_records` call :func:`special_files` and
:func:`read_special` first; both return ``None`` when no path given is one of:

* a corpus manifest (``.yaml`` / ``.yml``, :mod:`isic_nlp.corpus.manifest`);
* an IRaMuTeQ corpus (a ``.txt`` file named directly whose first line starts
  with ``****``, :mod:`isic_nlp.corpus.textometry`);
* a TXM "TXT + CSV" folder (a folder with a ``metadata.csv``).

Other paths given with them are read as usual; ids stay unique across all
(E205 for a repeated one).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .manifest import is_manifest, load_manifest
from .readers import InputProblem, Record, input_files, read_records
from .textometry import is_iramuteq, is_txm, read_iramuteq, read_txm, txm_files

__all__ = ["SourceRecords", "read_special", "special_files"]


def _kind(path: Path) -> str | None:
    if is_manifest(path):
        return "manifest"
    if is_txm(path):
        return "txm"
    if is_iramuteq(path):
        return "iramuteq"
    return None


def special_files(paths: list[Path]) -> list[Path] | None:
    """The files read for ``paths`` when one of them is special, else ``None``."""
    kinds = [_kind(Path(p)) for p in paths]
    if not any(kinds):
        return None
    files: list[Path] = []
    for path, kind in zip(paths, kinds):
        path = Path(path)
        if kind == "manifest":
            files += [path, *input_files(load_manifest(path).sources)]
        elif kind == "txm":
            files += txm_files(path)
        elif kind == "iramuteq":
            files.append(path)
        else:
            files += input_files([path])
    return list(dict.fromkeys(files))


class SourceRecords:
    """Records and problems of mixed inputs; ``selection`` counts what manifests left out."""

    def __init__(self, paths: list[Path], text_field: str, id_field: str):
        self.selection: dict[str, Any] = {"filtered": 0, "duplicates": 0, "corpus_manifests": []}
        # Wrong paths and invalid manifests raise now, before any record is read.
        self._parts = []
        for path in paths:
            path = Path(path)
            kind = _kind(path)
            if kind == "manifest":
                self._parts.append(load_manifest(path).records())
            elif kind == "txm":
                self._parts.append(read_txm(path))
            elif kind == "iramuteq":
                self._parts.append(read_iramuteq(path))
            else:
                self._parts.append(read_records([path], text_field=text_field, id_field=id_field))
        self._items = self._chain()

    def __iter__(self) -> SourceRecords:
        return self

    def __next__(self) -> Record | InputProblem:
        return next(self._items)

    def _chain(self) -> Iterator[Record | InputProblem]:
        first_seen: dict[str, str] = {}
        for part in self._parts:
            for item in part:
                if isinstance(item, Record):
                    where = first_seen.get(item.id)
                    if where is not None:
                        yield InputProblem.from_code(
                            item.file, item.line, item.id, "E205", id=item.id, first=where
                        )
                        continue
                    first_seen[item.id] = (
                        item.file if item.line is None else f"{item.file}:{item.line}"
                    )
                yield item
            selection = getattr(part, "selection", None)
            if selection:
                self.selection["filtered"] += selection["filtered"]
                self.selection["duplicates"] += selection["duplicates"]
                self.selection["corpus_manifests"] += selection["corpus_manifests"]


def read_special(
    paths: list[Path], text_field: str = "text", id_field: str = "id"
) -> SourceRecords | None:
    """Records of ``paths`` when one of them is special, else ``None``."""
    if not any(_kind(Path(p)) for p in paths):
        return None
    return SourceRecords([Path(p) for p in paths], text_field, id_field)
