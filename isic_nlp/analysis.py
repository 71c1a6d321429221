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
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from .cache import DocCache
from .components.extensions import CONTEXT_FLAGS
from .components.normalizer import KINDS
from .corpus.readers import ERROR_COLUMNS, InputProblem, Record, Source, input_files, records_from_source
from .corpus.units import check_unit
from .dask_backend import check_scheduler, finish_parts, run_partitions
from .errors import Errors, IsicError
from .lexicons.aliases import resolve_label
from .output import (
    TableStream,
    arrow_table,
    check_output_folder,
    output_folder,
    read_table,
    sha256_file,
    write_atomic,
    write_table,
    write_tables,
)
from .parallel import Batch, ChunkSettings, chunks_of, run_chunks, split_text
from .progress import progress_enabled, with_progress
from .pipeline import load, pipeline_info
from .tables import (
    RATE_PER,
    count_columns,
    documents_table,
    excluded_flags,
    label_groups,
    lemma_table,
    mention_key,
    mentions_table,
)



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
        texts: with ``analyse(..., texts=True)``, ``id`` and ``text`` of every
            unit, in the order of ``documents`` (kept in memory, not written: the
            classifier reads it, ``Classifier.predict(result)``).
        folder: with ``analyse(..., out=DIR)``, the folder the tables were
            written to: ``documents``, ``mentions`` and ``lemmas`` are read from
            its Parquet files the first time they are asked for.
    """

    def __init__(
        self, documents: pd.DataFrame | None = None, mentions: pd.DataFrame | None = None,
        errors: pd.DataFrame | None = None, manifest: dict[str, Any] | None = None,
        lemmas: pd.DataFrame | None = None, texts: pd.DataFrame | None = None, *, folder: str | Path | None = None,
    ):
        self.folder = Path(folder) if folder is not None else None
        self._tables = {"documents": documents, "mentions": mentions, "lemmas": lemmas}
        self.errors = errors if errors is not None else pd.DataFrame(columns=ERROR_COLUMNS)
        self.manifest = manifest if manifest is not None else {}
        self.texts = texts

    def _table(self, name: str) -> pd.DataFrame | None:
        if self._tables[name] is None and self.folder is not None:
            path = self.folder / f"{name}.parquet"
            if path.exists():
                self._tables[name] = read_table(path)
        return self._tables[name]

    documents = property(lambda self: self._table("documents"), lambda self, v: self._tables.update(documents=v))
    mentions = property(lambda self: self._table("mentions"), lambda self, v: self._tables.update(mentions=v))
    lemmas = property(lambda self: self._table("lemmas"), lambda self, v: self._tables.update(lemmas=v))

    def __repr__(self) -> str:
        counts = self.manifest.get("counts", {})
        unit = self.manifest.get("unit", {})
        return (
            f"<AnalysisResult: {unit.get('rows', 0):,} {unit.get('level', 'document')} rows, {counts.get('mentions', 0):,} mentions "
            f"({counts.get('mentions_counted', 0):,} counted), {counts.get('errors', 0):,} records in errors, "
            f"pipeline {self.manifest.get('pipeline')!r}>"
        )

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write every table as CSV and Parquet, ``errors.csv`` and ``manifest.json`` in ``out_dir``.

        The folder is written whole (:func:`isic_nlp.output.output_folder`): the
        files go to a temporary folder that replaces ``out_dir`` at the end, so
        ``out_dir`` never mixes two runs; the manifest, written last, lists each
        output's SHA-256. Returns the final paths by file name.
        """
        with output_folder(out_dir) as out:
            written = write_tables({"documents": self.documents, "mentions": self.mentions}, out)
            if self.lemmas is not None:
                written["lemmas.parquet"] = write_table(self.lemmas, out / "lemmas.parquet")
            written["errors.csv"] = write_table(self.errors, out / "errors.csv")
            written["manifest.json"] = _write_manifest(self.manifest, written, out)
        return {name: Path(out_dir) / name for name in written}

    def kwic(
        self, label: str | None = None, *, lemma: str | None = None, phrase: str | None = None,
        window: int = 10, counted_only: bool = False,
    ) -> pd.DataFrame:
        """Keyword-in-context lines from this result's own tables: nothing runs again.

        A ``label`` (or group) reads the ``mentions`` table; a ``phrase`` is searched
        in the unit texts (``analyse(..., texts=True)``). A ``lemma`` needs the
        pipeline's tokens: use :func:`isic_nlp.kwic` on the corpus. The context
        of a line stops at the edges of its unit (document, article or alinéa).
        """
        _kwic_query(label, lemma, phrase)
        if lemma is not None:
            raise IsicError(Errors.E013)
        if phrase is not None and self.texts is None:
            raise IsicError(Errors.E511)
        unit = self.manifest.get("unit", {}).get("level", "document")
        rows: list[dict] = []
        if label is not None:
            label = _check_label(label, self.manifest.get("labels", {}))
            mentions = self.mentions[(self.mentions["label"] == label) | (self.mentions["group"] == label)]
            if counted_only:
                mentions = mentions[mentions["counted"]]
            key = mention_key(unit)
            units = self.documents.set_index("id")
            texts = self.texts.set_index("id")["text"] if self.texts is not None else None
            for mention in mentions.to_dict("records"):
                unit_id = mention[key]
                if unit_id is None or unit_id not in units.index:
                    continue
                if texts is not None:
                    text, offset = texts[unit_id], int(units.at[unit_id, "start_char"])
                else:  # no text kept: the mention's sentence is its context
                    text = mention["sentence"]
                    offset = mention["start_char"] - max(text.find(mention["text"]), 0)
                rows.append(_mention_kwic_row(mention, unit_id, text, offset, window))
        else:
            for unit_row, text in zip(self.documents.itertuples(), self.texts["text"]):
                rows.extend(_phrase_rows(unit_row.doc_id, unit_row.id, text, 0, phrase, window))
        return pd.DataFrame(rows, columns=KWIC_COLUMNS)

    def summary(self) -> str:
        """One line: documents, tokens, mentions, errors, time."""
        counts = self.manifest.get("counts", {})
        return (
            f"Analysed {counts.get('documents', 0):,} documents "
            f"({counts.get('tokens', 0):,} tokens): {counts.get('mentions', 0):,} mentions, "
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
    progress: bool | None = None,
    unit: str = "document",
    lemmas: bool = False,
    texts: bool = False,
    cache: str | Path | None = None,
    out: str | Path | None = None,
    scheduler: str | None = None,
) -> AnalysisResult:
    """Analyse a corpus: every document's profile and every mention.

    Args:
        source: a file or folder (JSON Lines, CSV/TSV, ``.txt``), a list of
            them, a DataFrame with a ``text`` column, or dicts with ``text``.
        pipeline: ``"accurate"``, ``"fast"``, a saved pipeline, or a loaded
            ``Language`` (ignored when ``nlp`` is given).
        n_process: worker processes; each loads the pipeline once and builds
            the rows of its records (:mod:`isic_nlp.parallel`). Same tables.
        nlp: an already loaded pipeline.
        max_length: texts longer than this (characters) are processed in
            chunks cut at line breaks; default: the pipeline's ``max_length``.
        progress: show a progress bar on stderr; ``None``: as set for the process
            (:mod:`isic_nlp.progress`: off in Python, on a terminal in the CLI).
        unit: one row of ``documents`` per ``"document"``, ``"article"`` or
            ``"alinea"`` (see :mod:`isic_nlp.corpus.units`). Whatever the unit,
            each mention carries its ``unit_id`` (alinéa, else article) and ``article_id``.
        lemmas: also count the lemmas of every unit (``AnalysisResult.lemmas``).
        texts: also keep the text of every unit (``AnalysisResult.texts``), for
            the classifier: ``Classifier.predict(result)`` then needs no second spaCy pass.
        cache: a folder for the Doc cache (:mod:`isic_nlp.cache`): texts analysed
            before by the same linguistic pipeline skip it, and records whose
            rows a lexicon edit cannot change keep them. Same results.
        out: write the tables to this folder as the documents are analysed
            (:meth:`AnalysisResult.write`'s files; memory does not grow with the
            corpus); the result then reads its tables from there when asked.
        scheduler: run on Dask (:mod:`isic_nlp.dask_backend`): ``"threads"``,
            ``"processes"`` or ``"dask://HOST:PORT"``; needs ``out``, where each
            partition writes its own Parquet files (``documents.parquet/part-*.parquet``).

    Returns:
        An :class:`AnalysisResult`.
    """
    started = time.perf_counter()
    check_unit(unit)
    if n_process < 1:
        raise IsicError(Errors.E006.format(option="n_process", expected="1 or more", value=n_process))
    if scheduler is not None:
        scheduler = check_scheduler(scheduler)
        if out is None or texts or n_process > 1:
            raise IsicError(Errors.E006.format(
                option="scheduler", expected="given with out (the tables are written by the workers), "
                "without texts and n_process (the scheduler's workers replace them)", value=scheduler))
    if out is not None:
        check_output_folder(out, _paths(source))  # before any work
    # Inputs are checked before the (slower) pipeline is loaded.
    items, inputs = records_from_source(source, text_field, id_field)
    nlp = _resolve_nlp(pipeline, nlp)
    groups = label_groups(nlp)
    problems: list[InputProblem] = []
    limit = _limit(nlp, max_length)
    doc_cache = DocCache(cache, nlp) if cache is not None else None
    settings = ChunkSettings(unit=unit, lemmas=lemmas, texts=texts, limit=limit, batch_size=batch_size,
                             cache=str(cache) if cache is not None else None, arrow=out is not None)
    run = Run(nlp=nlp, groups=groups, problems=problems, selection=getattr(items, "selection", None) or {})
    total = known_total(source) if progress_enabled(progress) else None
    if out is None:
        batches = run_chunks(chunks_of(items, problems, limit), nlp, settings, n_process, doc_cache)
        tables = _collect(_with_progress(batches, progress, total), run, nlp, groups, lemmas, texts)
        return AnalysisResult(*tables[:3], _manifest(run, nlp, inputs, unit, doc_cache, started, lemmas), *tables[3:])
    with output_folder(out) as folder:
        if scheduler is None:
            batches = run_chunks(chunks_of(items, problems, limit), nlp, settings, n_process, doc_cache)
            written, unit_texts = _stream(_with_progress(batches, progress, total), run, folder, groups, lemmas, texts)
        else:
            for batch in _with_progress(run_partitions(items, problems, nlp, folder, settings, scheduler), progress, total):
                run.add(batch)
            written, unit_texts = finish_parts(folder, groups, lemmas), []
        errors = _errors_table(problems)
        written["errors.csv"] = write_table(errors, folder / "errors.csv")
        manifest = _manifest(run, nlp, inputs, unit, doc_cache, started, lemmas)
        if scheduler is not None:
            manifest["scheduler"] = {"scheduler": scheduler,
                                     "partitions": sum(1 for name in written if name.startswith("documents.parquet/"))}
        _write_manifest(manifest, written, folder)
    texts_df = pd.DataFrame({"id": pd.read_parquet(Path(out) / "documents.parquet", columns=["id"])["id"],
                             "text": unit_texts}) if texts else None
    return AnalysisResult(None, None, errors, manifest, None, texts_df, folder=out)


@dataclass
class Run:
    """What one run reads and what its batches add up to (the manifest's counts)."""

    nlp: Language
    groups: dict[str, str]
    problems: list[InputProblem]
    selection: dict
    totals: Batch = field(default_factory=Batch)

    def add(self, batch: Batch) -> None:
        self.totals.add_counts(batch)


def _collect(batches: Iterable[Batch], run: Run, nlp: Language, groups: dict[str, str], lemmas: bool, texts: bool):
    """The tables in memory: documents, mentions, errors, lemmas, texts."""
    documents: list[dict] = []
    mentions: list[dict] = []
    unit_texts: list[str] = []
    lemma_parts: list[tuple[np.ndarray, np.ndarray]] = []
    for batch in batches:
        run.add(batch)
        for rows, hashes in batch.lemmas:
            lemma_parts.append((rows + len(documents), hashes))
        for name in batch.lemma_names.values():
            nlp.vocab.strings.add(name)  # lemmas named in a worker
        documents.extend(batch.units)
        mentions.extend(batch.mentions)
        unit_texts.extend(batch.texts)
    documents_df = documents_table(documents, groups)
    lemmas_df = lemma_table(lemma_parts, documents_df["id"], nlp) if lemmas else None
    texts_df = pd.DataFrame({"id": documents_df["id"], "text": unit_texts}) if texts else None
    return documents_df, mentions_table(mentions), _errors_table(run.problems), lemmas_df, texts_df


def _stream(batches: Iterable[Batch], run: Run, folder: Path, groups: dict[str, str], lemmas: bool, texts: bool):
    """Write each batch's tables to ``folder`` as it comes; return the files by name, and the unit texts."""
    streams = {
        "documents": TableStream(folder, "documents", empty=arrow_table(documents_table([], groups)),
                                 last=("n_chars", "n_tokens", *count_columns(groups))),
        "mentions": TableStream(folder, "mentions", empty=arrow_table(mentions_table([])),
                                schema=arrow_table(mentions_table([])).schema),
    }
    if lemmas:
        empty = arrow_table(pd.DataFrame({"id": [], "lemma": [], "count": []}))
        streams["lemmas"] = TableStream(folder, "lemmas", empty=empty, schema=empty.schema, csv=False)
    unit_texts: list[str] = []
    for batch in batches:
        run.add(batch)
        for name, stream in streams.items():
            stream.write(batch.tables[name])
        unit_texts.extend(batch.texts)
    written: dict[str, Path] = {}
    for stream in streams.values():
        written.update(stream.close())
    return written, unit_texts


def _errors_table(problems: list[InputProblem]) -> pd.DataFrame:
    errors = pd.DataFrame([_problem_row(p) for p in problems], columns=ERROR_COLUMNS)
    # Whole-file problems have no line: keep whole numbers, not 2.0.
    errors["line"] = errors["line"].astype("Int64")
    return errors


def _manifest(run: Run, nlp: Language, inputs: list[dict], unit: str, doc_cache: DocCache | None,
              started: float, lemmas: bool) -> dict[str, Any]:
    n_errors = sum(1 for p in run.problems if p.severity == "error")
    selection = run.selection
    n_skipped = selection.get("filtered", 0) + selection.get("duplicates", 0)
    manifest = {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        **pipeline_info(nlp),
        "inputs": inputs,
        "counts": {
            "records_read": run.totals.n_records + n_errors + n_skipped,
            "documents": run.totals.n_records,
            "errors": n_errors,
            # With a corpus manifest: records left out by its filters and deduplication.
            **({"filtered": selection["filtered"], "duplicates": selection["duplicates"]} if selection else {}),
            "warnings": len(run.problems) - n_errors,
            # Whole documents, whatever the unit (alinéas leave out headings alone on their line).
            "tokens": run.totals.n_tokens,
            "mentions": run.totals.n_mentions,
            "mentions_counted": run.totals.n_counted,
        },
        "definitions": {
            "n_tokens": "tokens that are neither punctuation nor white space",
            "rate": f"counted mentions per {RATE_PER:,} tokens",
            "counted": "mentions not flagged by any of: " + ", ".join(excluded_flags(nlp)),
        },
        "duration_seconds": round(time.perf_counter() - started, 3),
    }
    if doc_cache is not None:
        manifest["cache"] = {**doc_cache.info(), "hits": run.totals.cache_hits, "misses": run.totals.cache_misses,
                             "records_reused": run.totals.records_reused}
        doc_cache.close()
    # Tokens per kind (isic_nlp.components.normalizer.KINDS) whose typography was normalised for matching.
    manifest["normalisation"] = {kind: run.totals.normalisation[kind] for kind in KINDS if kind in run.totals.normalisation}
    manifest["unit"] = {"level": unit, "rows": run.totals.n_units}
    manifest["labels"] = run.groups
    if selection:
        manifest["corpus_manifests"] = selection["corpus_manifests"]
    if lemmas:
        manifest["definitions"]["lemmas"] = "lower-case lemmas of alphabetic tokens that are not stop words (nor lemmatised to one, nor one letter), per unit"
    return manifest


def _write_manifest(manifest: dict[str, Any], written: dict[str, Path], folder: Path) -> Path:
    """``manifest.json``, written last, with each output's SHA-256."""
    manifest["outputs"] = {name: sha256_file(path) for name, path in sorted(written.items())}
    return write_atomic(folder / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False, default=str))


#: ``context_flags``, not ``flags``: ``DataFrame.flags`` is a pandas attribute, so ``lines.flags`` would not be the column.
KWIC_COLUMNS = ["doc_id", "unit_id", "left", "match", "right", "label", "entry_id", "counted", "context_flags"]


def kwic(
    source: Source | AnalysisResult,
    label: str | None = None,
    *,
    lemma: str | None = None,
    phrase: str | None = None,
    window: int = 10,
    pipeline: str | Path | Language = "fast",
    nlp: Language | None = None,
    counted_only: bool = False,
    problems: list[InputProblem] | None = None,
    text_field: str = "text",
    id_field: str = "id",
    cache: str | Path | None = None,
) -> pd.DataFrame:
    """Keyword-in-context lines of a label (or a group such as ``collective``), a lemma or a phrase.

    Args:
        source: a corpus (then the pipeline runs), or an ``AnalysisResult``
            (then nothing runs again: :meth:`AnalysisResult.kwic`).
        label: a lexicon label or group: every mention of it, with why it is
            or is not counted; or ``lemma``: every token with that lemma (lower
            case; needs the pipeline); or ``phrase``: every occurrence of the
            words, whatever the case and the white space between them. Exactly one.
        window: words of context on each side.
        counted_only: leave out the mentions that are not counted (negated,
            quoted, false friends...).
        problems: if given, input problems are appended to it. When no record
            of the source is usable, an error says why (never an empty table in silence).
        text_field, id_field: the field or column of the texts and of the ids, as in :func:`analyse`.
        cache: for a ``label``, the Doc cache folder of :func:`analyse` (the lines
            then come from its tables: after a lexicon edit, only the records the
            edit can change are analysed again). Same lines.

    Returns:
        One row per occurrence: ``doc_id``, ``unit_id``, ``left``, ``match``,
        ``right``, and for labels ``label``, ``entry_id``, ``counted`` and
        ``context_flags`` (why it is not counted, or which context applies).

    Example:
        >>> lines = kwic([{"id": "d1", "text": "Les droits et devoirs du bénéficiaire du RSA."}], "obligations")
        >>> lines.loc[0, ["left", "match", "right"]].tolist()
        ['Les', 'droits et devoirs', 'du bénéficiaire du RSA.']
        >>> kwic([{"id": "d1", "text": "Les droits et devoirs du bénéficiaire."}], phrase="DU  bénéficiaire")["match"].tolist()
        ['du bénéficiaire']
    """
    query = _kwic_query(label, lemma, phrase)
    if isinstance(source, AnalysisResult):
        return source.kwic(label, lemma=lemma, phrase=phrase, window=window, counted_only=counted_only)
    items, _ = records_from_source(source, text_field, id_field)
    nlp = _resolve_nlp(pipeline, nlp)
    groups = label_groups(nlp)
    if label is not None:
        label = _check_label(label, groups)
    found: list[InputProblem] = problems if problems is not None else []
    if label is not None:  # the mentions of analyse's own table (through the cache if given): one path
        result = analyse(source, nlp=nlp, cache=cache, texts=True, text_field=text_field, id_field=id_field,
                         progress=False)
        found.extend(InputProblem(**{k: (None if pd.isna(v) else int(v) if k == "line" else v) for k, v in row.items()})
                     for row in result.errors.to_dict("records"))
        if not result.manifest["counts"]["documents"]:
            _no_usable_record(found)
        return result.kwic(label, window=window, counted_only=counted_only)
    rows = []
    n_records = 0
    for record, chunks in process(items, nlp, found):
        n_records += 1
        if phrase is not None:
            rows.extend(_phrase_rows(record.id, record.id, record.text, 0, phrase, window))
            continue
        for offset, doc in chunks:  # a lemma: every token with it
            for token in doc:
                if token.lemma_.lower() == query:
                    start, end = token.idx + offset, token.idx + len(token) + offset
                    rows.append(_kwic_row(record.id, record.id, record.text, start, end, window))
    if n_records == 0:
        _no_usable_record(found)
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def _kwic_query(label: str | None, lemma: str | None, phrase: str | None) -> str:
    given = [q for q in (label, lemma, phrase) if q is not None]
    if len(given) != 1 or not str(given[0]).strip():
        raise IsicError(Errors.E006.format(option="kwic", expected="exactly one of a label, a lemma or a phrase",
                                           value=" / ".join(map(str, given)) or None))
    return str(given[0]).strip().lower()


def _check_label(label: str, groups: dict[str, str]) -> str:
    """The label or group ``label`` names (French aliases accepted; E003 with suggestions otherwise)."""
    return resolve_label(label, groups)


def _no_usable_record(problems: list[InputProblem]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    first = f"{errors[0].file}:{errors[0].line}: {errors[0].reason}" if errors else "no record"
    raise IsicError(Errors.E012.format(problems=len(errors), first=first))


def _kwic_row(doc_id: str, unit_id: str, text: str, start: int, end: int, window: int) -> dict:
    return {"doc_id": doc_id, "unit_id": unit_id, "left": _words(text[:start], -window), "match": text[start:end],
            "right": _words(text[end:], window), "label": None, "entry_id": None, "counted": None,
            "context_flags": None}


def _mention_kwic_row(mention: dict, unit_id: str, text: str, offset: int, window: int) -> dict:
    """A mention's line; ``text`` starts at ``offset`` in its document."""
    row = _kwic_row(mention["doc_id"], unit_id, text, mention["start_char"] - offset, mention["end_char"] - offset, window)
    flags = [flag for flag in (*CONTEXT_FLAGS, "false_friend") if mention[flag]]
    row.update(label=mention["label"], entry_id=mention["entry_id"], counted=bool(mention["counted"]),
               context_flags=";".join(flags) or None)
    return row


def _phrase_rows(doc_id: str, unit_id: str, text: str, offset: int, phrase: str, window: int) -> list[dict]:
    words = [re.escape(w) for w in phrase.split()]
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
    return [_kwic_row(doc_id, unit_id, text, m.start(), m.end(), window) for m in pattern.finditer(text)]


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
    cache: DocCache | None = None,
) -> Iterator[tuple[Record, list[tuple[int, Doc]]]]:
    """Run ``nlp`` over records; yield each record with its ``(char offset, Doc)`` chunks.

    Input problems are appended to ``problems`` as they are met. Texts over
    ``max_length`` characters are split at line breaks (or spaces) and each
    piece is processed, so no text is refused.
    """
    limit = _limit(nlp, max_length)
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

    if cache is not None:
        docs = cache.pipe(chunks(), n_process=n_process, batch_size=batch_size)
    else:
        docs = nlp.pipe(chunks(), as_tuples=True, n_process=n_process, batch_size=batch_size)
    for doc, (index, offset) in docs:
        record, n_pieces, done = pending[index]
        done.append((offset, doc))
        if len(done) == n_pieces:
            del pending[index]
            yield record, done


def _limit(nlp: Language, max_length: int | None) -> int:
    """The longest text processed whole: ``max_length``, never above the pipeline's own limit (spaCy enforces it)."""
    if max_length is not None and max_length < 1:
        raise IsicError(Errors.E006.format(option="max_length", expected="a whole number of characters, 1 or more", value=max_length))
    return min(max_length or nlp.max_length, nlp.max_length)


# --- Rows --------------------------------------------------------------------------


def _problem_row(problem: InputProblem) -> dict:
    return {column: getattr(problem, column) for column in ERROR_COLUMNS}


def _with_progress(batches: Iterable[Batch], enabled: bool | None, total: int | None) -> Iterator[Batch]:
    return with_progress(batches, total, desc="analyse", enabled=enabled, weight=lambda batch: batch.n_records)


def known_total(source: Source) -> int | None:
    """How many records ``source`` holds, when that is cheap to know (in memory, or JSON Lines files), else ``None``.

    Only for the progress bar: a bad line counts too.
    """
    if isinstance(source, pd.DataFrame) or (isinstance(source, list) and not all(isinstance(i, (str, Path)) for i in source)):
        return len(source)
    if isinstance(source, (str, Path)):
        source = [source]
    if not isinstance(source, list):
        return None
    try:
        files = input_files(source)
    except IsicError:
        return None
    if not files or not all(f.name.endswith((".jsonl", ".jsonl.gz")) for f in files):
        return None
    import gzip

    total = 0
    for file in files:
        with (gzip.open if file.name.endswith(".gz") else open)(file, "rb") as handle:
            total += sum(1 for line in handle if line.strip())
    return total


def _paths(source) -> list:
    """The file paths among ``source`` (a path, or a list with paths among records)."""
    items = source if isinstance(source, (list, tuple)) else [source]
    return [item for item in items if isinstance(item, (str, Path))]
