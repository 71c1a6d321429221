"""Hand a corpus to IRaMuTeQ or TXM, one text per document, article or alinéa.

* :func:`export_iramuteq` writes one UTF-8 file: for each unit a line
  ``**** *id_<unit id> *var_value ...`` then its text. Variable names and values
  are sanitised as IRaMuTeQ needs: accents removed, every character other than
  ``A-Z a-z 0-9 _ - .`` replaced by ``_`` (so ``/`` in unit ids becomes ``_``),
  and no ``_`` in variable names, since IRaMuTeQ reads ``*name_value`` up to the
  first ``_`` (``doc_type`` → ``doctype``; the reader restores the name). ``*``
  is removed from texts (``R.* 114-1`` → ``R. 114-1``): it marks variables.
  Missing values are left out of the line.
* :func:`export_txm` writes a folder for TXM's "TXT + CSV" import: one
  ``<id>.txt`` per unit and ``metadata.csv`` (comma-separated, UTF-8) whose first
  column ``id`` is the file name without ``.txt``, followed by ``doc_id``,
  ``unit_id``, ``unit_type`` and every metadata field (names lower-cased and
  sanitised, lists and objects as JSON, line breaks as spaces).

Both files are readable as inputs again (:mod:`isic_nlp.corpus.textometry`).
If the records carry a ``frame`` field (the classifier's prediction), it is
exported like any variable: ``*frame_<value>``, and a ``frame`` column.

Example:
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "casf.txt"
    >>> result = export_iramuteq([{"id": "L116-1", "text": "Article 1\\nI. – L'action *sociale*.",
    ...                            "doc_type": "LOI", "year": 2002, "frame": "collective"}], out, unit="article")
    >>> print(out.read_text(encoding="utf-8"))
    **** *id_L116-1_art-1 *docid_L116-1 *unittype_article *doctype_LOI *year_2002 *frame_collective
    Article 1
    I. – L'action sociale.
    <BLANKLINE>
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..progress import progress_bar

from isic_nlp.errors import Errors, IsicError
from isic_nlp.output import write_atomic

from .readers import records_from_source
from .records import InputProblem, Record
from .units import check_unit, legal_units, units_at

__all__ = [
    "DEFAULT_VARIABLES",
    "ExportResult",
    "export_iramuteq",
    "export_txm",
    "iramuteq_name",
    "iramuteq_value",
    "unit_records",
]

#: Metadata exported as IRaMuTeQ variables by default, when present (after ``id``).
DEFAULT_VARIABLES = (
    "doc_id",
    "unit_type",
    "doc_type",
    "collection",
    "year",
    "date",
    "date_source",
    "frame",
)


@dataclass
class ExportResult:
    """What an export wrote: ``units`` written from ``documents`` records, and the input ``problems``."""

    path: Path
    documents: int = 0
    units: int = 0
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    def summary(self) -> str:
        return (
            f"{self.units:,} units from {self.documents:,} documents written to {self.path}; "
            f"{self.errors:,} records in errors, {len(self.problems) - self.errors:,} warnings."
        )


def unit_records(
    source: Any,
    unit: str = "document",
    problems: list[InputProblem] | None = None,
    *,
    text_field: str = "text",
    id_field: str = "id",
) -> Iterator[tuple[Record, Record]]:
    """``(document record, unit record)`` for every unit of every record of ``source``.

    A unit record has the unit's id and text, and the document's metadata
    preceded by ``doc_id``, ``unit_id`` and ``unit_type`` (with ``unit ==
    "document"`` the unit is the whole record). Input problems are appended
    to ``problems``.
    """
    check_unit(unit)
    items, _ = records_from_source(source, text_field, id_field)
    for item in items:
        if isinstance(item, InputProblem):
            if problems is not None:
                problems.append(item)
            continue
        if unit == "document":
            chosen = units_at([], "document", item.id, item.text)
        else:
            units = legal_units(
                item.id,
                item.text,
                doc_type=item.meta.get("doc_type"),
                article_num=item.meta.get("article_num"),
            )
            chosen = units_at(units, unit, item.id, item.text)
        for u in chosen:
            meta = {"doc_id": item.id, "unit_id": u.id, "unit_type": u.type, **item.meta}
            yield item, Record(u.id, item.text[u.start : u.end], meta, item.file, item.line)


def iramuteq_name(name: str) -> str:
    """A variable name IRaMuTeQ reads: letters and digits only.

    Example:
        >>> iramuteq_name("doc_type"), iramuteq_name("Année de création")
        ('doctype', 'Anneedecreation')
    """
    return re.sub(r"[^A-Za-z0-9]", "", _ascii(name)) or "var"


def iramuteq_value(value: Any) -> str:
    """A variable value IRaMuTeQ reads: no blank, accent or ``*``.

    Example:
        >>> iramuteq_value("LEGIARTI000006796452/art-L116-1/al-2"), iramuteq_value("Décret n° 2004-1136")
        ('LEGIARTI000006796452_art-L116-1_al-2', 'Decret_n_2004-1136')
    """
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = re.sub(r"[^A-Za-z0-9_.\-]+", "_", _ascii(text)).strip("_")
    return text or "NA"


def export_iramuteq(
    source: Any,
    out: str | Path,
    *,
    unit: str = "document",
    variables: Iterable[str] | None = None,
    text_field: str = "text",
    id_field: str = "id",
) -> ExportResult:
    """Write ``source`` as an IRaMuTeQ corpus file, one text per ``unit``.

    Args:
        source: anything :func:`isic_nlp.analyse` reads (files, manifests, dicts...).
        out: the ``.txt`` file to write (atomically).
        unit: ``"document"``, ``"article"`` or ``"alinea"``.
        variables: metadata fields to write as ``*name_value`` after ``*id``;
            default :data:`DEFAULT_VARIABLES` (those present).
    """
    out = Path(out)
    names = list(variables) if variables is not None else list(DEFAULT_VARIABLES)
    # Whole documents need no doc_id or unit_type, unless the records had them (a re-read export).
    implicit = ("doc_id", "unit_type") if unit == "document" and variables is None else ()
    result = ExportResult(out)
    buffer = io.StringIO()
    written: dict[str, str] = {}  # IRaMuTeQ id -> the record id written under it
    for document, record in _counted_units(source, unit, result, text_field, id_field):
        name = _distinct_name(iramuteq_value(record.id), record, written, result, "IRaMuTeQ", str)
        stars = [f"*id_{name}"]
        for name in names:
            if name in implicit and name not in document.meta:
                continue
            value = record.meta.get(name)
            if value is not None and value != "":
                stars.append(f"*{iramuteq_name(name)}_{iramuteq_value(value)}")
        text = record.text.replace("*", "")
        buffer.write("**** " + " ".join(stars) + "\n" + text.strip("\n") + "\n\n")
    write_atomic(out, buffer.getvalue().rstrip("\n") + "\n" if result.units else "")
    return result


def export_txm(
    source: Any,
    out_dir: str | Path,
    *,
    unit: str = "document",
    text_field: str = "text",
    id_field: str = "id",
) -> ExportResult:
    """Write ``source`` as a TXM "TXT + CSV" folder: ``<id>.txt`` per unit and ``metadata.csv``."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise IsicError(Errors.E005.format(path=out, reason="it exists and is not a folder"))
    result = ExportResult(out)
    rows: list[dict[str, Any]] = []
    used: dict[str, str] = {}
    for document, record in _counted_units(source, unit, result, text_field, id_field):
        # File names must differ, also on case-insensitive disks.
        name = _distinct_name(iramuteq_value(record.id), record, used, result, "TXM", str.lower)
        write_atomic(out / f"{name}.txt", record.text)
        row = {"id": name}
        for key, value in record.meta.items():
            column = _column(key)
            if column != "id" and column not in row:
                row[column] = _cell(value)
        rows.append(row)
    columns = list(dict.fromkeys(["id", *(key for row in rows for key in row)]))
    table = io.StringIO()
    writer = csv.DictWriter(table, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(out / "metadata.csv", table.getvalue())
    return result


def _distinct_name(base: str, record: Record, used: dict[str, str], result: ExportResult, tool: str, key) -> str:
    """``base``, or ``base-2``, ``base-3``... when a previous record was written under it (W404).

    ``used`` maps ``key(name)`` to the id of the record written under each name.
    """
    name, n = base, 1
    while key(name) in used:
        n += 1
        name = f"{base}-{n}"
    if n > 1:
        result.problems.append(
            InputProblem.from_code(
                record.file, record.line, record.id, "W404",
                tool=tool, id=record.id, base=base, other=used[key(base)], written=name,
            )
        )
    used[key(name)] = record.id
    return name


def _counted_units(source: Any, unit: str, result: ExportResult, text_field: str, id_field: str):
    """``unit_records``, counting the documents and units into ``result`` as they pass."""
    last_doc = None
    # No total: the units are counted as they are read (the bar shows how many and how fast).
    with progress_bar(desc="Exporting", unit=" units") as bar:
        for document, record in unit_records(
            source, unit, result.problems, text_field=text_field, id_field=id_field
        ):
            if document.id != last_doc:
                result.documents += 1
                last_doc = document.id
            result.units += 1
            bar.update(1)
            yield document, record


def _column(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", _ascii(name).lower()).strip("_") or "var"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    return " ".join(value.split())


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
