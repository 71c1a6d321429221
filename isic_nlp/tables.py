"""Docs -> tidy tables: the one table builder of isic_nlp.

Every table the package writes or learns from is made here, from the
``Doc`` objects of an isic_nlp pipeline (as TextDescriptives' ``extract_df``
does for its metrics):

* **documents**: one row per unit (the whole document, an article or an
  alinéa): ``id``, ``doc_id``, ``unit_id``, ``unit_type``, ``unit_label``,
  ``start_char``, the document's metadata, ``n_chars``, ``n_tokens``, and for
  every label and label group ``n_<name>`` (counted mentions) and
  ``rate_<name>`` (per 10,000 tokens);
* **mentions**: one row per mention, counted or not, with its document,
  unit, article, character offsets, lexicon entry and version, and context;
* **lemmas** (optional): one row per unit and lemma with its count.

:func:`analyse <isic_nlp.analysis.analyse>` builds its tables with
:func:`record_tables`, one record at a time; the classifier takes its
features from the same tables (:func:`isic_nlp.classify.features.unit_features`),
so a report runs the spaCy pipeline once. :func:`extract_tables` is the same
builder for Docs you made yourself.

**Empty units.** A unit with no token (an empty text, a heading alone) has
``n_tokens`` 0, every ``n_<name>`` 0, and every ``rate_<name>`` missing
(``NaN``: a rate per 10,000 tokens of nothing is undefined, not zero). The
classifier reads a missing rate as 0 (see ``ProfileFeatures``).

Example:
    >>> import isic_nlp
    >>> nlp = isic_nlp.load("fast")
    >>> tables = extract_tables(nlp.pipe(["Le conseil de la vie sociale associe les usagers.", ""]), nlp, ids=["a", "b"])
    >>> tables.documents[["id", "n_tokens", "n_participation"]].values.tolist()
    [['a', 9, 1], ['b', 0, 0]]
    >>> import math; math.isnan(tables.documents.loc[1, "rate_participation"])
    True
    >>> tables.mentions[["doc_id", "text", "label", "counted"]].values.tolist()
    [['a', 'conseil de la vie sociale', 'participation', True]]
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA
from spacy.language import Language
from spacy.tokens import Doc

from .components.extensions import CONTEXT_FLAGS, SPANS_KEY, parse_mention_id
from .components.profile import DocumentProfile
from .corpus.readers import Record
from .corpus.units import Unit, check_unit, legal_units, units_at
from .errors import Errors, IsicError

__all__ = [
    "MENTION_COLUMNS",
    "RATE_PER",
    "RESERVED",
    "RecordTables",
    "Tables",
    "count_columns",
    "count_names",
    "documents_table",
    "excluded_flags",
    "extract_tables",
    "label_groups",
    "lemma_table",
    "mention_key",
    "mentions_table",
    "record_tables",
    "record_units",
    "unit_texts",
]

RATE_PER = 10_000

MENTION_COLUMNS = [
    "doc_id",
    "unit_id",
    "article_id",
    "start_char",
    "end_char",
    "text",
    "lemma",
    "label",
    "group",
    "lexicon",
    "lexicon_version",
    "entry_id",
    "counted",
    "false_friend",
    "false_friend_reason",
    *[column for flag in CONTEXT_FLAGS for column in (flag, f"{flag}_cue")],
    "cue_ids",
    "sentence",
]

#: Columns of ``documents`` set by the builder: a metadata field of the same name becomes ``meta_<name>``.
RESERVED = {"id", "doc_id", "unit_id", "unit_type", "unit_label", "start_char", "n_chars", "n_tokens"}
UNIT_COLUMNS = ["doc_id", "unit_id", "unit_type", "unit_label", "start_char"]


@dataclass
class RecordTables:
    """The rows of one record: its units, its mentions and its lemmas ``(row, lemma hash)``."""

    units: list[dict]
    mentions: list[dict]
    lemmas: tuple[np.ndarray, np.ndarray] | None
    n_tokens: int


@dataclass
class Tables:
    """``documents``, ``mentions`` and (optionally) ``lemmas`` and ``texts`` tables (see the module doc)."""

    documents: pd.DataFrame
    mentions: pd.DataFrame
    lemmas: pd.DataFrame | None = None
    texts: pd.DataFrame | None = None


def label_groups(nlp: Language) -> dict[str, str]:
    """Every label of the pipeline with its group, from its profile component."""
    for _, component in nlp.pipeline:
        if isinstance(component, DocumentProfile):
            return component.label_groups()
    raise IsicError(Errors.E301.format(component="isic_profile"))


def excluded_flags(nlp: Language) -> list[str]:
    """The context flags that keep a mention out of the counts."""
    for _, component in nlp.pipeline:
        if isinstance(component, DocumentProfile):
            return list(component.exclude)
    return []


def count_names(groups: dict[str, str]) -> list[str]:
    """Labels, then their groups: the ``<name>`` of the ``n_<name>`` and ``rate_<name>`` columns."""
    return [*groups, *dict.fromkeys(groups.values())]


def count_columns(groups: dict[str, str]) -> list[str]:
    """The ``n_<name>`` then ``rate_<name>`` columns of ``documents``, in their order."""
    return [f"{kind}_{name}" for kind in ("n", "rate") for name in count_names(groups)]


def mention_key(unit: str) -> str:
    """The column of ``mentions`` that names a mention's unit at a level (``document``, ``article``, ``alinea``)."""
    check_unit(unit)
    return {"document": "doc_id", "article": "article_id"}.get(unit, "unit_id")


# --- One record --------------------------------------------------------------------


def record_tables(
    record: Record,
    chunks: list[tuple[int, Doc]],
    groups: dict[str, str],
    *,
    unit: str = "document",
    lemmas: bool = False,
    first_row: int = 0,
) -> RecordTables:
    """The rows of one record from its ``(char offset, Doc)`` chunks (one chunk unless the text was split).

    ``first_row`` is the row number of the record's first unit in the whole
    documents table (lemma rows refer to it).
    """
    units = record_units(record)
    mentions = [row for offset, doc in chunks for row in mention_rows(record.id, doc, offset, groups)]
    assign_units(mentions, units)
    chosen = units_at(units, unit, record.id, record.text)
    rows, n_tokens = unit_rows(record, chunks, groups, chosen, mentions)
    lemma_rows = unit_lemmas(chunks, chosen, first_row) if lemmas else None
    return RecordTables(rows, mentions, lemma_rows, n_tokens)


def unit_texts(text: str, units: list[dict]) -> list[str]:
    """The text of each unit row of a record whose text is ``text``."""
    return [text[u["start_char"]:u["start_char"] + u["n_chars"]] for u in units]


def record_units(record: Record) -> list[Unit]:
    """The articles and alinéas of a record (a ``CODE_ARTICLE`` record is one article)."""
    number = record.meta.get("article_num")
    return legal_units(record.id, record.text, doc_type=record.meta.get("doc_type"), article_num=number)


def mention_rows(doc_id: str, doc: Doc, offset: int, groups: dict[str, str]) -> list[dict]:
    """One dict per mention of ``doc`` (a chunk starting at ``offset`` in its document)."""
    rows = []
    has_sents = doc.has_annotation("SENT_START")
    for span in doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else ():
        lexicon, version, entry_id = parse_mention_id(span.id_)
        context = span._.isic_context or {}
        row = {
            "doc_id": doc_id,
            "start_char": span.start_char + offset,
            "end_char": span.end_char + offset,
            "text": span.text,
            "lemma": " ".join(token.lemma_ for token in span),
            "label": span.label_,
            "group": groups.get(span.label_),
            "lexicon": lexicon,
            "lexicon_version": version,
            "entry_id": entry_id,
            "counted": bool(span._.isic_counted),
            "false_friend": span._.isic_false_friend is not None,
            "false_friend_reason": span._.isic_false_friend,
        }
        for flag in CONTEXT_FLAGS:
            cue = context.get(flag)
            row[flag] = cue is not None
            row[f"{flag}_cue"] = cue[0] if cue else None
        row["cue_ids"] = ";".join(cue[1] for cue in context.values()) or None
        row["sentence"] = (span.sent.text if has_sents else doc.text).strip()
        rows.append(row)
    return rows


def assign_units(mentions: list[dict], units: list[Unit]) -> None:
    """Set each mention's ``unit_id`` (its alinéa, else its article) and ``article_id``, by its start offset."""
    levels = {}
    for kind in ("article", "alinea"):
        chosen = [u for u in units if u.type == kind]
        levels[kind] = (
            np.array([u.start for u in chosen], dtype=np.int64),
            np.array([u.end for u in chosen], dtype=np.int64),
            chosen,
        )
    for row in mentions:
        found = {}
        for kind, (starts, ends, chosen) in levels.items():
            i = int(np.searchsorted(starts, row["start_char"], side="right")) - 1
            found[kind] = chosen[i] if i >= 0 and row["start_char"] < ends[i] else None
        row["article_id"] = found["article"].id if found["article"] else None
        row["unit_id"] = found["alinea"].id if found["alinea"] else row["article_id"]


def unit_rows(
    record: Record, chunks: list[tuple[int, Doc]], groups: dict[str, str], units: list[Unit], mentions: list[dict]
) -> tuple[list[dict], int]:
    """One row per unit (its metadata, tokens, counted mentions per label and group), and the record's tokens.

    Tokens (neither punctuation nor white space) and mentions belong to the
    unit that contains their first character.
    """
    arrays = [doc.to_array([IDX, IS_PUNCT, IS_SPACE]) for _, doc in chunks]
    token_starts = np.sort(
        np.concatenate(
            [
                array[(array[:, 1] == 0) & (array[:, 2] == 0), 0].astype(np.int64) + offset
                for (offset, _), array in zip(chunks, arrays)
                if len(array)
            ]
            or [np.zeros(0, dtype=np.int64)]
        )
    )
    unit_starts = np.array([u.start for u in units], dtype=np.int64)
    per_unit: list[dict[str, int]] = [{} for _ in units]
    for mention in mentions:
        i = int(np.searchsorted(unit_starts, mention["start_char"], side="right")) - 1
        if mention["counted"] and i >= 0 and mention["start_char"] < units[i].end:
            counts = per_unit[i]
            for name in (mention["label"], mention["group"]):
                if name is not None:
                    counts[name] = counts.get(name, 0) + 1
    meta = {key if key not in RESERVED else f"meta_{key}": flat(value) for key, value in record.meta.items()}
    names = count_names(groups)
    rows = []
    for u, counts in zip(units, per_unit):
        n_tokens = int(np.searchsorted(token_starts, u.end) - np.searchsorted(token_starts, u.start))
        row: dict[str, Any] = {
            "id": u.id,
            "doc_id": record.id,
            "unit_id": u.id,
            "unit_type": u.type,
            "unit_label": u.label,
            "start_char": u.start,
            **meta,
        }
        row["n_chars"] = u.end - u.start
        row["n_tokens"] = n_tokens
        for name in names:
            row[f"n_{name}"] = counts.get(name, 0)
        for name in names:
            row[f"rate_{name}"] = counts.get(name, 0) / n_tokens * RATE_PER if n_tokens else math.nan
        rows.append(row)
    return rows, len(token_starts)


def unit_lemmas(chunks: list[tuple[int, Doc]], units: list[Unit], first_row: int) -> tuple[np.ndarray, np.ndarray]:
    """``(row, lemma hash)`` of every alphabetic, non-stop-word token, ``row`` being its unit's row number."""
    starts = np.array([u.start for u in units], dtype=np.int64)
    ends = np.array([u.end for u in units], dtype=np.int64)
    rows, hashes = [], []
    for offset, doc in chunks:
        array = doc.to_array([IDX, LEMMA, IS_ALPHA, IS_STOP])
        if not len(array):
            continue
        keep = (array[:, 2] == 1) & (array[:, 3] == 0)
        positions = array[keep, 0].astype(np.int64) + offset
        index = np.searchsorted(starts, positions, side="right") - 1
        inside = (index >= 0) & (positions < ends[np.maximum(index, 0)])
        rows.append(index[inside] + first_row)
        hashes.append(array[keep, 1][inside])
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(rows), np.concatenate(hashes)


# --- Whole tables ------------------------------------------------------------------


def documents_table(rows: list[dict], groups: dict[str, str]) -> pd.DataFrame:
    """Unit rows -> DataFrame with metadata first and a fixed set of count columns."""
    counts = count_columns(groups)
    known = {*counts, *RESERVED}
    meta = [key for key in dict.fromkeys(key for row in rows for key in row) if key not in known]
    table = pd.DataFrame(rows, columns=["id", *UNIT_COLUMNS, *meta, "n_chars", "n_tokens", *counts])
    # Rates are floats even in an empty table or when every unit is empty.
    rates = [c for c in counts if c.startswith("rate_")]
    table[rates] = table[rates].astype("float64")
    return table


def mentions_table(rows: list[dict]) -> pd.DataFrame:
    """Mention rows -> DataFrame with the columns of :data:`MENTION_COLUMNS`."""
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)


def lemma_table(parts: list[tuple[np.ndarray, np.ndarray]], unit_ids: pd.Series, nlp: Language) -> pd.DataFrame:
    """Long table ``id, lemma, count`` from the ``(row, lemma hash)`` pairs of :func:`unit_lemmas`."""
    rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    hashes = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.uint64)
    unique, inverse = np.unique(hashes, return_inverse=True)
    names = np.array([nlp.vocab.strings[int(h)].lower() for h in unique], dtype=object)
    table = pd.DataFrame({"row": rows, "lemma": names[inverse] if len(unique) else np.array([], dtype=object)})
    # A lemma that is itself a stop word ("être" from "étant"), or a single letter ("t" of "a-t-il"), goes too.
    stop = {name for name in names if nlp.vocab[name].is_stop or len(name) < 2}
    table = table[~table["lemma"].isin(stop)]
    counted = table.groupby(["row", "lemma"], sort=True).size().reset_index(name="count")
    ids = unit_ids.to_numpy()
    return pd.DataFrame(
        {
            "id": ids[counted["row"].to_numpy()] if len(counted) else [],
            "lemma": counted["lemma"],
            "count": counted["count"].astype("int64"),
        }
    )


def extract_tables(
    docs: Iterable[Doc],
    nlp: Language,
    *,
    ids: Sequence[str] | None = None,
    meta: Sequence[dict] | None = None,
    unit: str = "document",
    lemmas: bool = False,
    texts: bool = False,
) -> Tables:
    """The tables of Docs made by an isic_nlp pipeline ``nlp`` (``isic_nlp.load(...)``).

    Args:
        docs: Docs of ``nlp``, one per document.
        ids: their ids (default ``"1"``, ``"2"``, ...); meta: a dict of metadata each.
        unit: one row of ``documents`` per ``document``, ``article`` or ``alinea``.
        lemmas: also build the ``lemmas`` table; texts: also keep each unit's text.
    """
    check_unit(unit)
    groups = label_groups(nlp)
    rows: list[dict] = []
    mentions: list[dict] = []
    lemma_parts: list[tuple[np.ndarray, np.ndarray]] = []
    texts_of_units: list[str] = []
    for index, doc in enumerate(docs):
        record_id = str(ids[index]) if ids is not None else str(index + 1)
        record = Record(record_id, doc.text, dict(meta[index]) if meta is not None else {}, "<docs>", index + 1)
        part = record_tables(record, [(0, doc)], groups, unit=unit, lemmas=lemmas, first_row=len(rows))
        rows.extend(part.units)
        mentions.extend(part.mentions)
        if texts:
            texts_of_units.extend(unit_texts(record.text, part.units))
        if part.lemmas is not None:
            lemma_parts.append(part.lemmas)
    documents = documents_table(rows, groups)
    lemma_df = lemma_table(lemma_parts, documents["id"], nlp) if lemmas else None
    text_df = pd.DataFrame({"id": documents["id"], "text": texts_of_units}) if texts else None
    return Tables(documents, mentions_table(mentions), lemma_df, text_df)


def flat(value: Any) -> Any:
    """Metadata cells stay scalar: lists and objects become JSON text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
