"""Docs -> tidy tables: one row per document, one row per mention.

:func:`analyse` runs a pipeline over a corpus and returns an
:class:`AnalysisResult` with ``documents``, ``mentions`` and ``errors``
DataFrames and a ``manifest``; :meth:`AnalysisResult.write` saves them.

Example:
    >>> import isic_nlp
    >>> result = isic_nlp.analyse(
    ...     [{"id": "a1", "text": "Le conseil de la vie sociale associe les usagers.", "year": 2002}],
    ...     pipeline="fast",
    ... )
    >>> row = result.documents.iloc[0]
    >>> row["id"], int(row["year"]), int(row["n_participation"])
    ('a1', 2002, 1)
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA
from spacy.language import Language
from spacy.tokens import Doc

from .components.extensions import CONTEXT_FLAGS, SPANS_KEY, parse_mention_id
from .components.profile import DocumentProfile
from .corpus.readers import ERROR_COLUMNS, InputProblem, Record, Source, records_from_source
from .corpus.units import Unit, check_unit, legal_units, units_at
from .components.normalizer import add_counts
from .errors import Errors, IsicError
from .output import make_folder, sha256_file, write_atomic, write_table, write_tables
from .pipeline import load, pipeline_info

RATE_PER = 10_000


@dataclass
class AnalysisResult:
    """The tables of one analysis.

    Attributes:
        documents: one row per document (or article, or alinéa: ``unit``):
            ``id`` (= ``unit_id``), ``doc_id``, ``unit_type``, its metadata, ``n_tokens``,
            and ``n_<label>`` / ``rate_<label>`` (per 10,000 tokens) for every
            label and label group. Only counted mentions count.
        mentions: one row per mention, counted or not, with its document,
            offsets, label, lexicon entry and version, and context flags.
        errors: every input record that could not be used (``severity`` is
            ``error``) and every change made to one that was (``warning``).
        manifest: versions, hashes, counts and duration.
        lemmas: with ``analyse(..., lemmas=True)``, one row per unit and lemma:
            ``id`` (the unit), ``lemma`` (lower case) and ``count``, for
            alphabetic tokens that are not stop words and whose lemma is
            neither a stop word nor a single letter (keyness uses it).
    """

    documents: pd.DataFrame
    mentions: pd.DataFrame
    errors: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    lemmas: pd.DataFrame | None = None

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write every table as CSV and Parquet, ``errors.csv`` and ``manifest.json``.

        Each file is written to a temporary name and renamed, so a reader never
        sees half a file; the manifest is written last, with each output's SHA-256.
        """
        out = make_folder(out_dir)
        written = write_tables({"documents": self.documents, "mentions": self.mentions}, out)
        if self.lemmas is not None:
            written["lemmas.parquet"] = write_table(self.lemmas, out / "lemmas.parquet")
        written["errors.csv"] = write_table(self.errors, out / "errors.csv")
        self.manifest["outputs"] = {name: sha256_file(path) for name, path in written.items()}
        written["manifest.json"] = write_atomic(
            out / "manifest.json", json.dumps(self.manifest, indent=2, ensure_ascii=False, default=str)
        )
        return written

    def summary(self) -> str:
        """One line: documents, tokens, mentions, errors, time."""
        counts = self.manifest.get("counts", {})
        return (
            f"Analysed {counts.get('documents', len(self.documents)):,} documents "
            f"({counts.get('tokens', 0):,} tokens): {counts.get('mentions', len(self.mentions)):,} mentions, "
            f"{counts.get('mentions_counted', 0):,} counted; {counts.get('errors', 0):,} records in errors, "
            + (f"{counts['filtered']:,} filtered out, {counts['duplicates']:,} duplicates, " if "filtered" in counts else "")
            + f"{counts.get('warnings', 0):,} warnings; {self.manifest.get('duration_seconds', 0):.1f} s."
        )


def analyse(
    source: Source,
    pipeline: str | Path | Language = "accurate",
    n_process: int = 1,
    *,
    nlp: Language | None = None,
    batch_size: int | None = None,
    max_length: int | None = None,
    text_field: str = "text",
    id_field: str = "id",
    progress: bool = False,
    unit: str = "document",
    lemmas: bool = False,
) -> AnalysisResult:
    """Analyse a corpus: every document's profile and every mention.

    Args:
        source: a file or folder (JSON Lines, CSV/TSV, ``.txt``), a list of
            them, a DataFrame with a ``text`` column, or dicts with ``text``.
        pipeline: ``"accurate"``, ``"fast"``, a saved pipeline, or a loaded
            ``Language`` (ignored when ``nlp`` is given).
        n_process: worker processes for spaCy.
        nlp: an already loaded pipeline.
        max_length: texts longer than this (characters) are processed in
            chunks cut at line breaks; default: the pipeline's ``max_length``.
        progress: show a progress bar.
        unit: one row of ``documents`` per ``"document"``, ``"article"`` or
            ``"alinea"`` (see :mod:`isic_nlp.corpus.units`). Whatever the unit,
            each mention carries its ``unit_id`` (alinéa, else article) and ``article_id``.
        lemmas: also count the lemmas of every unit (``AnalysisResult.lemmas``).

    Returns:
        An :class:`AnalysisResult`.
    """
    started = time.perf_counter()
    check_unit(unit)
    if n_process < 1:
        raise IsicError(Errors.E006.format(option="n_process", expected="1 or more", value=n_process))
    # Inputs are checked before the (slower) pipeline is loaded.
    items, inputs = records_from_source(source, text_field, id_field)
    nlp = _resolve_nlp(pipeline, nlp)
    groups = label_groups(nlp)
    problems: list[InputProblem] = []
    documents: list[dict] = []
    mentions: list[dict] = []
    bar = _progress_bar(progress)
    lemma_parts: list[tuple[np.ndarray, np.ndarray]] = []
    n_documents = n_tokens = 0
    normalisation: dict[str, int] = {}
    for record, chunks in process(items, nlp, problems, n_process=n_process, batch_size=batch_size, max_length=max_length):
        units = record_units(record)
        rows = [row for offset, doc in chunks for row in mention_rows(record.id, doc, offset, groups)]
        assign_units(rows, units)
        chosen = units_at(units, unit, record.id, record.text)
        if lemmas:
            lemma_parts.append(unit_lemmas(chunks, chosen, first_row=len(documents)))
        documents.extend(unit_rows(record, chunks, groups, chosen, rows))
        mentions.extend(rows)
        n_documents += 1
        n_tokens += sum(doc._.isic_profile["n_tokens"] for _, doc in chunks)
        add_counts(normalisation, (doc for _, doc in chunks))  # typography normalised for matching
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    documents_df = documents_table(documents, groups)
    mentions_df = pd.DataFrame(mentions, columns=MENTION_COLUMNS)
    errors_df = pd.DataFrame([_problem_row(p) for p in problems], columns=ERROR_COLUMNS)
    # Whole-file problems have no line: keep whole numbers, not 2.0.
    errors_df["line"] = errors_df["line"].astype("Int64")
    n_errors = int((errors_df["severity"] == "error").sum())
    selection = getattr(items, "selection", None) or {}
    n_skipped = selection.get("filtered", 0) + selection.get("duplicates", 0)
    manifest = {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        **pipeline_info(nlp),
        "inputs": inputs,
        "counts": {
            "records_read": n_documents + n_errors + n_skipped,
            "documents": n_documents,
            "errors": n_errors,
            # With a corpus manifest: records left out by its filters and deduplication.
            **({"filtered": selection["filtered"], "duplicates": selection["duplicates"]} if selection else {}),
            "warnings": len(errors_df) - n_errors,
            # Whole documents, whatever the unit (alinéas leave out headings alone on their line).
            "tokens": n_tokens,
            "mentions": len(mentions_df),
            "mentions_counted": int(mentions_df["counted"].sum()) if len(mentions_df) else 0,
        },
        "definitions": {
            "n_tokens": "tokens that are neither punctuation nor white space",
            "rate": f"counted mentions per {RATE_PER:,} tokens",
            "counted": "mentions not flagged by any of: " + ", ".join(_excluded_flags(nlp)),
        },
        "duration_seconds": round(time.perf_counter() - started, 3),
    }
    manifest["normalisation"] = normalisation  # tokens per kind (isic_nlp.components.normalizer.KINDS)
    manifest["unit"] = {"level": unit, "rows": len(documents)}
    manifest["labels"] = groups
    if selection:
        manifest["corpus_manifests"] = selection["corpus_manifests"]
    lemmas_df = lemma_table(lemma_parts, documents_df["id"], nlp) if lemmas else None
    if lemmas_df is not None:
        manifest["definitions"]["lemmas"] = "lower-case lemmas of alphabetic tokens that are not stop words (nor lemmatised to one, nor one letter), per unit"
    return AnalysisResult(documents_df, mentions_df, errors_df, manifest, lemmas_df)


def kwic(
    source: Source,
    label: str,
    *,
    window: int = 10,
    pipeline: str | Path | Language = "fast",
    nlp: Language | None = None,
    counted_only: bool = False,
    problems: list[InputProblem] | None = None,
) -> pd.DataFrame:
    """Keyword-in-context lines of every mention of a label (or a group such as ``collective``).

    Args:
        window: words of context on each side.
        counted_only: leave out the mentions that are not counted (negated,
            quoted, false friends...).
        problems: if given, input problems are appended to it.

    Returns:
        One row per mention: ``doc_id``, ``left``, ``match``, ``right``,
        ``label``, ``entry_id``, ``counted`` and ``flags`` (why it is not counted,
        or which context applies).

    Example:
        >>> lines = kwic([{"id": "d1", "text": "Les droits et devoirs du bénéficiaire du RSA."}], "obligations")
        >>> lines.loc[0, ["left", "match", "right"]].tolist()
        ['Les', 'droits et devoirs', 'du bénéficiaire du RSA.']
    """
    items, _ = records_from_source(source)
    nlp = _resolve_nlp(pipeline, nlp)
    groups = label_groups(nlp)
    if label not in groups and label not in groups.values():
        known = ", ".join([*groups, *dict.fromkeys(groups.values())])
        raise IsicError(Errors.E003.format(label=label, known=known))
    rows = []
    for record, chunks in process(items, nlp, problems if problems is not None else []):
        for offset, doc in chunks:
            for mention in mention_rows(record.id, doc, offset, groups):
                if label not in (mention["label"], mention["group"]) or (counted_only and not mention["counted"]):
                    continue
                start, end = mention["start_char"], mention["end_char"]
                flags = [flag for flag in (*CONTEXT_FLAGS, "false_friend") if mention[flag]]
                rows.append(
                    {
                        "doc_id": record.id,
                        "left": _words(record.text[:start], -window),
                        "match": record.text[start:end],
                        "right": _words(record.text[end:], window),
                        "label": mention["label"],
                        "entry_id": mention["entry_id"],
                        "counted": mention["counted"],
                        "flags": ";".join(flags) or None,
                    }
                )
    return pd.DataFrame(rows, columns=["doc_id", "left", "match", "right", "label", "entry_id", "counted", "flags"])


def _resolve_nlp(pipeline: str | Path | Language, nlp: Language | None) -> Language:
    if nlp is not None:
        return nlp
    return pipeline if isinstance(pipeline, Language) else load(pipeline)


def _words(text: str, n: int) -> str:
    """The first ``n`` words of ``text`` (the last ``-n`` if negative), on one line."""
    words = text.split()
    return " ".join(words[n:] if n < 0 else words[:n])


# --- Processing ------------------------------------------------------------------


def process(
    items: Iterable[Record | InputProblem],
    nlp: Language,
    problems: list[InputProblem],
    *,
    n_process: int = 1,
    batch_size: int | None = None,
    max_length: int | None = None,
) -> Iterator[tuple[Record, list[tuple[int, Doc]]]]:
    """Run ``nlp`` over records; yield each record with its ``(char offset, Doc)`` chunks.

    Input problems are appended to ``problems`` as they are met. Texts over
    ``max_length`` characters are split at line breaks (or spaces) and each
    piece is processed, so no text is refused.
    """
    if max_length is not None and max_length < 1:
        raise IsicError(Errors.E006.format(option="max_length", expected="a whole number of characters, 1 or more", value=max_length))
    # Never above the pipeline's own limit, which spaCy enforces with an error.
    limit = min(max_length or nlp.max_length, nlp.max_length)
    pending: dict[int, tuple[Record, int, list]] = {}

    def chunks() -> Iterator[tuple[str, tuple[int, int]]]:
        for index, item in enumerate(items):
            if isinstance(item, InputProblem):
                problems.append(item)
                continue
            pieces = split_text(item.text, limit)
            if len(pieces) > 1:
                problems.append(
                    InputProblem.from_code(
                        item.file, item.line, item.id, "W202", n_chars=len(item.text), n_chunks=len(pieces), max_length=limit
                    )
                )
            pending[index] = (item, len(pieces), [])
            for offset, piece in pieces:
                yield piece, (index, offset)

    for doc, (index, offset) in nlp.pipe(chunks(), as_tuples=True, n_process=n_process, batch_size=batch_size):
        record, n_pieces, done = pending[index]
        done.append((offset, doc))
        if len(done) == n_pieces:
            del pending[index]
            yield record, done


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """Cut ``text`` into ``(offset, piece)`` of at most ``limit`` characters, at line breaks if possible.

    Example:
        >>> split_text("ab\\ncd\\nef", 5)
        [(0, 'ab\\ncd'), (5, '\\nef')]
    """
    if len(text) <= limit:
        return [(0, text)]
    pieces = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            # A break right at the limit starts the next piece, so look up to end + 1.
            cut = text.rfind("\n", start + 1, end + 1)
            if cut <= start:
                cut = text.rfind(" ", start + 1, end + 1)
            if cut > start:
                end = cut
        pieces.append((start, text[start:end]))
        start = end
    return pieces


# --- Rows --------------------------------------------------------------------------

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


def label_groups(nlp: Language) -> dict[str, str]:
    """Every label of the pipeline with its group, from its profile component."""
    for _, component in nlp.pipeline:
        if isinstance(component, DocumentProfile):
            return component.label_groups()
    raise IsicError(Errors.E301.format(component="isic_profile"))


def _excluded_flags(nlp: Language) -> list[str]:
    for _, component in nlp.pipeline:
        if isinstance(component, DocumentProfile):
            return list(component.exclude)
    return []


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


def record_units(record: Record) -> list[Unit]:
    """The articles and alinéas of a record (a ``CODE_ARTICLE`` record is one article)."""
    number = record.meta.get("article_num")
    return legal_units(record.id, record.text, doc_type=record.meta.get("doc_type"), article_num=number)


def assign_units(mentions: list[dict], units: list[Unit]) -> None:
    """Set each mention's ``unit_id`` (its alinéa, else its article) and ``article_id``, by its start offset."""
    levels = {}
    for kind in ("article", "alinea"):
        chosen = [u for u in units if u.type == kind]
        levels[kind] = (np.array([u.start for u in chosen], dtype=np.int64), np.array([u.end for u in chosen], dtype=np.int64), chosen)
    for row in mentions:
        found = {}
        for kind, (starts, ends, chosen) in levels.items():
            i = int(np.searchsorted(starts, row["start_char"], side="right")) - 1
            found[kind] = chosen[i] if i >= 0 and row["start_char"] < ends[i] else None
        row["article_id"] = found["article"].id if found["article"] else None
        row["unit_id"] = found["alinea"].id if found["alinea"] else row["article_id"]


def unit_rows(record: Record, chunks: list[tuple[int, Doc]], groups: dict[str, str], units: list[Unit], mentions: list[dict]) -> list[dict]:
    """One row per unit: its metadata, tokens, and counted mentions per label and group.

    Tokens (neither punctuation nor white space) and mentions belong to the
    unit that contains their first character.
    """
    starts = [doc.to_array([IDX, IS_PUNCT, IS_SPACE]) for _, doc in chunks]
    token_starts = np.sort(np.concatenate([
        array[(array[:, 1] == 0) & (array[:, 2] == 0), 0] + offset for (offset, _), array in zip(chunks, starts) if len(array)
    ] or [np.zeros(0, dtype=np.uint64)]).astype(np.int64))
    unit_starts = np.array([unit.start for unit in units], dtype=np.int64)
    per_unit: list[dict[str, int]] = [{} for _ in units]
    for mention in mentions:
        i = int(np.searchsorted(unit_starts, mention["start_char"], side="right")) - 1
        if mention["counted"] and i >= 0 and mention["start_char"] < units[i].end:
            counts = per_unit[i]
            for name in (mention["label"], mention["group"]):
                if name is not None:
                    counts[name] = counts.get(name, 0) + 1
    meta = {key if key not in RESERVED else f"meta_{key}": _flat(value) for key, value in record.meta.items()}
    names = _count_names(groups)
    rows = []
    for unit, counts in zip(units, per_unit):
        n_tokens = int(np.searchsorted(token_starts, unit.end) - np.searchsorted(token_starts, unit.start))
        row: dict[str, Any] = {"id": unit.id, "doc_id": record.id, "unit_id": unit.id, "unit_type": unit.type,
                               "unit_label": unit.label, "start_char": unit.start, **meta}
        row["n_chars"] = unit.end - unit.start
        row["n_tokens"] = n_tokens
        for name in names:
            row[f"n_{name}"] = counts.get(name, 0)
        for name in names:
            row[f"rate_{name}"] = counts.get(name, 0) / n_tokens * RATE_PER if n_tokens else math.nan
        rows.append(row)
    return rows


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
    return pd.DataFrame({"id": ids[counted["row"].to_numpy()] if len(counted) else [], "lemma": counted["lemma"],
                         "count": counted["count"].astype("int64")})


RESERVED = {"id", "doc_id", "unit_id", "unit_type", "unit_label", "start_char", "n_chars", "n_tokens"}
UNIT_COLUMNS = ["doc_id", "unit_id", "unit_type", "unit_label", "start_char"]


def _count_names(groups: dict[str, str]) -> list[str]:
    return [*groups, *dict.fromkeys(groups.values())]


def documents_table(rows: list[dict], groups: dict[str, str]) -> pd.DataFrame:
    """Rows -> DataFrame with metadata first and a fixed set of count columns."""
    counts = [f"{kind}_{name}" for kind in ("n", "rate") for name in _count_names(groups)]
    meta = list(dict.fromkeys(key for row in rows for key in row if key not in counts and key not in RESERVED))
    return pd.DataFrame(rows, columns=["id", *UNIT_COLUMNS, *meta, "n_chars", "n_tokens", *counts])


def _flat(value: Any) -> Any:
    """Metadata cells stay scalar: lists and objects become JSON text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _problem_row(problem: InputProblem) -> dict:
    return {column: getattr(problem, column) for column in ERROR_COLUMNS}


def _progress_bar(enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit=" docs", desc="analyse", leave=False)
