"""Analysing records in chunks: in this process, or in worker processes that return rows, not Docs.

:func:`isic_nlp.analysis.analyse` cuts the records into *chunks* (about
:data:`CHUNK_CHARS` characters, never across two input files) and turns each
chunk into a :class:`Batch` of table rows with :func:`analyse_chunk`: the
spaCy pipeline, then the table builder (:func:`isic_nlp.tables.record_tables`).
With ``n_process > 1`` this process and ``n_process - 1`` workers of a
:class:`concurrent.futures.ProcessPoolExecutor` analyse the chunks: the
workers load the pipeline once (inherited through ``fork`` where the system
has it, else pickled once per worker) and send back plain rows, not Docs,
through temporary files; this process keeps them fed, analyses a chunk
itself whenever they are, and gives the batches back in input order, so the
tables are those of one process, row for row.

With a Doc cache (``analyse(..., cache=DIR)``) each worker opens the same
SQLite file (WAL journal, waits when another worker writes): cached texts
skip the linguistic components in whichever worker gets them.

Example:
    >>> import isic_nlp
    >>> from isic_nlp.corpus.records import Record
    >>> nlp = isic_nlp.load("fast")
    >>> batch = analyse_chunk([Record("a", "Le conseil de la vie sociale associe les usagers.", {}, "<x>", 1)],
    ...                       nlp, label_groups(nlp))
    >>> batch.n_records, batch.units[0]["n_participation"], batch.mentions[0]["text"]
    (1, 1, 'conseil de la vie sociale')
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.language import Language

from .cache import DocCache
from .components.normalizer import add_counts
from .corpus.readers import InputProblem, Record
from .output import arrow_table
from .tables import documents_table, label_groups, lemma_table, mentions_table, record_tables, unit_texts

__all__ = ["CHUNK_CHARS", "Batch", "ChunkSettings", "analyse_chunk", "chunks_of", "even_tail", "run_chunks", "split_text"]

#: Characters of text per chunk: a few tenths of a second of ``fast``, a few seconds of ``accurate``.
CHUNK_CHARS = 200_000
#: Records per chunk at most (many tiny records).
CHUNK_RECORDS = 2_000
#: With worker processes, each of the last chunks is cut into this many pieces, so
#: that no worker is left alone with a whole chunk while the others have finished.
TAIL_PIECES = 4
#: With worker processes, at most this many chunks per worker are held (running, queued,
#: or done and waiting for an earlier one to be given back), so memory does not grow with the corpus.
MAX_HELD = 6
#: Chunks given to each worker at once (the one it runs and those queued behind).
QUEUED = 2


@dataclass
class ChunkSettings:
    """What every chunk is analysed with (sent once to each worker)."""

    unit: str = "document"
    lemmas: bool = False
    texts: bool = False
    limit: int = 1_000_000
    batch_size: int | None = None
    cache: str | None = None
    #: Send back pyarrow tables (``Batch.tables``) rather than rows: for writing to a folder as the batches come.
    arrow: bool = False


@dataclass
class Batch:
    """The rows of a chunk of records, in input order.

    ``lemmas`` holds ``(row, lemma hash)`` pairs, ``row`` counted from the
    batch's first unit; ``lemma_names`` names every hash, so the main process
    needs no worker's vocabulary.
    """

    units: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    lemmas: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    lemma_names: dict[int, str] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    n_records: int = 0
    n_tokens: int = 0
    normalisation: dict[str, int] = field(default_factory=dict)
    cache_hits: int = 0
    cache_misses: int = 0
    records_reused: int = 0
    n_units: int = 0
    n_mentions: int = 0
    n_counted: int = 0
    tables: dict[str, Any] = field(default_factory=dict)

    def add_counts(self, other: Batch) -> None:
        """Add the counts of ``other`` to this batch's (a run's totals)."""
        for name in ("n_records", "n_tokens", "cache_hits", "cache_misses", "records_reused", "n_units", "n_mentions",
                     "n_counted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, n in other.normalisation.items():
            self.normalisation[kind] = self.normalisation.get(kind, 0) + n


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


def chunks_of(
    items: Iterable[Record | InputProblem], problems: list[InputProblem], limit: int,
    chunk_chars: int | None = None,
) -> Iterator[list[Record]]:
    """Lists of records of about ``chunk_chars`` characters, never across two files.

    Input problems, and a ``W202`` warning for each text longer than ``limit``
    (it will be split), are appended to ``problems`` as the records are read.
    """
    chunk_chars = chunk_chars or CHUNK_CHARS
    chunk: list[Record] = []
    size = 0
    for item in items:
        if isinstance(item, InputProblem):
            problems.append(item)
            continue
        if chunk and (item.file != chunk[-1].file or size >= chunk_chars or len(chunk) >= CHUNK_RECORDS):
            yield chunk
            chunk, size = [], 0
        if len(item.text) > limit:
            n_chunks = len(split_text(item.text, limit))
            problems.append(InputProblem.from_code(item.file, item.line, item.id, "W202", n_chars=len(item.text),
                                                   n_chunks=n_chunks, max_length=limit))
        chunk.append(item)
        size += len(item.text)
    if chunk:
        yield chunk


def even_tail(chunks: Iterable[list[Record]], n_last: int, pieces: int = TAIL_PIECES) -> Iterator[list[Record]]:
    """The same records in the same order, the last ``n_last`` chunks each cut into ``pieces``
    smaller ones of about equal text (a record is never cut).

    Example:
        >>> from isic_nlp.corpus.records import Record
        >>> chunks = [[Record(f"{c}{i}", "x" * 10, {}, "<x>", i) for i in range(4)] for c in "ab"]
        >>> [[r.id for r in chunk] for chunk in even_tail(chunks, 1, pieces=2)]
        [['a0', 'a1', 'a2', 'a3'], ['b0', 'b1'], ['b2', 'b3']]
    """
    held: deque[list[Record]] = deque()
    for chunk in chunks:
        held.append(chunk)
        if len(held) > n_last:
            yield held.popleft()
    for chunk in held:
        share = sum(len(record.text) for record in chunk) / pieces
        piece: list[Record] = []
        size, made = 0, 1
        for record in chunk:
            piece.append(record)
            size += len(record.text)
            if size >= share * made and made < pieces:
                yield piece
                piece, made = [], made + 1
        if piece:
            yield piece


def analyse_chunk(
    records: list[Record], nlp: Language, groups: dict[str, str], settings: ChunkSettings | None = None,
    cache: DocCache | None = None,
) -> Batch:
    """Run ``nlp`` (through ``cache`` if given) over ``records`` and build their table rows.

    With a cache, records whose rows it holds for the current lexicons are not
    analysed at all (:meth:`DocCache.cached_rows`); the others go through the
    pipeline (their Docs from the cache where it has them) and their rows are kept.
    """
    settings = settings or ChunkSettings()
    keys = [cache.row_key(r, settings.unit, settings.lemmas, settings.limit) for r in records] if cache is not None else []
    reused = cache.cached_rows(keys) if cache is not None else {}
    pieces = [(piece, (index, offset)) for index, record in enumerate(records)
              if not reused or keys[index] not in reused
              for offset, piece in split_text(record.text, settings.limit)]
    if cache is not None:
        hits, misses = cache.hits, cache.misses
        docs = list(cache.pipe(pieces, batch_size=settings.batch_size))
        hits, misses = cache.hits - hits, cache.misses - misses
        hits += sum(payload["n_pieces"] for payload in reused.values())
    else:
        docs = list(nlp.pipe(pieces, as_tuples=True, batch_size=settings.batch_size))
        hits = misses = 0
    per_record: list[list] = [[] for _ in records]
    for doc, (index, offset) in docs:
        per_record[index].append((offset, doc))
    batch = Batch(n_records=len(records), cache_hits=hits, cache_misses=misses, records_reused=len(reused))
    lemma_names: dict[int, str] = {}
    to_store = []
    for index, (record, chunks) in enumerate(zip(records, per_record)):
        payload = reused.get(keys[index]) if reused else None
        if payload is None:
            part = record_tables(record, chunks, groups, unit=settings.unit, lemmas=settings.lemmas)
            counts = add_counts({}, (doc for _, doc in chunks))
            if cache is not None:
                payload = {"units": part.units, "mentions": part.mentions, "lemmas": part.lemmas,
                           "lemma_names": _names(part.lemmas, nlp), "n_tokens": part.n_tokens,
                           "normalisation": counts, "n_pieces": len(chunks)}
                to_store.append((keys[index], payload, cache.vocabulary(doc for _, doc in chunks)))
            units, mentions, lemma_rows, n_tokens = part.units, part.mentions, part.lemmas, part.n_tokens
        else:
            units, mentions, lemma_rows, n_tokens = (payload["units"], payload["mentions"], payload["lemmas"],
                                                     payload["n_tokens"])
            counts = payload["normalisation"]
            lemma_names.update(payload["lemma_names"])
        if lemma_rows is not None:
            batch.lemmas.append((lemma_rows[0] + len(batch.units), lemma_rows[1]))
        batch.units.extend(units)
        batch.mentions.extend(mentions)
        if settings.texts:
            batch.texts.extend(unit_texts(record.text, units))
        batch.n_tokens += n_tokens
        for kind, n in counts.items():
            batch.normalisation[kind] = batch.normalisation.get(kind, 0) + n
    if to_store:
        cache.store_rows(to_store)
    add_counts(batch.normalisation, [])  # in the order of KINDS
    batch.n_units, batch.n_mentions = len(batch.units), len(batch.mentions)
    batch.n_counted = sum(1 for row in batch.mentions if row["counted"])
    for name in lemma_names.values():  # lemmas of reused rows, which this process may never have seen
        nlp.vocab.strings.add(name)
    if settings.arrow:
        return _as_arrow(batch, nlp, groups, settings)
    if settings.lemmas:
        hashes = np.unique(np.concatenate([h for _, h in batch.lemmas])) if batch.lemmas else []
        batch.lemma_names = {int(h): nlp.vocab.strings[int(h)] for h in hashes}
    return batch


def _names(lemmas: tuple[np.ndarray, np.ndarray] | None, nlp: Language) -> dict[int, str]:
    """The strings of a record's lemma hashes (kept with its cached rows)."""
    if lemmas is None:
        return {}
    return {int(h): nlp.vocab.strings[int(h)] for h in np.unique(lemmas[1]).tolist()}


def _as_arrow(batch: Batch, nlp: Language, groups: dict[str, str], settings: ChunkSettings) -> Batch:
    """The batch's rows as pyarrow tables (declared column types; metadata types given by the rows)."""
    documents = documents_table(batch.units, groups)
    batch.tables["documents"] = arrow_table(documents, keep_null=True)
    batch.tables["mentions"] = arrow_table(mentions_table(batch.mentions))
    if settings.lemmas:
        batch.tables["lemmas"] = arrow_table(lemma_table(batch.lemmas, documents["id"], nlp))
    batch.units, batch.mentions, batch.lemmas = [], [], []
    return batch


# --- Worker processes ------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _start_worker(nlp: Language, settings: ChunkSettings, spool: str) -> None:
    """Runs once in each worker process: keep the pipeline (and open the cache) for every chunk."""
    _WORKER.update(nlp=nlp, groups=label_groups(nlp), settings=settings, spool=spool,
                   cache=DocCache(settings.cache, nlp) if settings.cache is not None else None)


def _work(path: str) -> str:
    """Analyse the chunk pickled at ``path``; the path of its pickled :class:`Batch`."""
    batch = analyse_chunk(_unspool(path), _WORKER["nlp"], _WORKER["groups"], _WORKER["settings"], _WORKER["cache"])
    return _spool(batch, _WORKER["spool"])


def _spool(value: Any, folder: str) -> str:
    """Pickle ``value`` to a new file in ``folder``; its path.

    Chunks and batches go between the processes as files, and only their paths
    through the executor's pipes: a pipe holds 64 KB, so a chunk of 200,000
    characters sent whole waits for the busy main process to push it through,
    and a worker sending its rows waits for the main process to read them: both
    left the workers idle a tenth of a second or more per run.
    """
    fd, path = tempfile.mkstemp(suffix=".pickle", dir=folder)
    with os.fdopen(fd, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _unspool(path: str) -> Any:
    """The value pickled at ``path`` by :func:`_spool`; the file is removed."""
    with open(path, "rb") as handle:
        value = pickle.load(handle)
    os.unlink(path)
    return value


def run_chunks(
    chunks: Iterable[list[Record]], nlp: Language, settings: ChunkSettings, n_process: int = 1,
    cache: DocCache | None = None,
) -> Iterator[Batch]:
    """The :class:`Batch` of every chunk, in order: here, or here and in ``n_process - 1`` worker processes.

    With ``n_process > 1`` this process analyses chunks too, between feeding
    the workers and giving batches back, so one fewer copy of the pipeline is
    held and its chunks are not sent anywhere. Each worker has a chunk queued
    behind the one it runs; this process takes the next chunk itself when
    every worker is so fed. At most ``MAX_HELD × n_process`` chunks are held at
    once, so memory does not grow with the corpus. In workers,
    ``settings.cache`` (a folder) opens the cache; here, ``cache`` is used.
    """
    groups = label_groups(nlp)
    if n_process == 1:
        for records in chunks:
            yield analyse_chunk(records, nlp, groups, settings, cache)
        return
    # fork: each worker inherits the loaded pipeline, nothing is pickled; elsewhere it is pickled once per worker.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    n_workers = n_process - 1
    with tempfile.TemporaryDirectory(prefix="isic-nlp-") as spool, \
            ProcessPoolExecutor(n_workers, mp_context=context, initializer=_start_worker,
                                initargs=(nlp, settings, spool)) as pool:
        pending: deque[Future] = deque()  # sent to a worker or analysed here, not yet given back, in input order
        todo = iter(even_tail(chunks, n_process))
        try:
            while True:
                # Keep every worker busy with one chunk queued behind: a worker that finished
                # gets more even while an earlier chunk (to be given back first) still runs.
                running = sum(not future.done() for future in pending)
                while todo is not None and running < QUEUED * n_workers and len(pending) < MAX_HELD * n_process:
                    records = next(todo, None)
                    if records is None:
                        todo = None
                        break
                    pending.append(pool.submit(_work, _spool(records, spool)))
                    running += 1
                if not pending:
                    return
                if pending[0].done():
                    result = pending.popleft().result()
                    yield _unspool(result) if isinstance(result, str) else result
                elif todo is not None and len(pending) < MAX_HELD * n_process:
                    records = next(todo, None)  # the workers are fed: analyse the next chunk here
                    if records is None:
                        todo = None
                    else:
                        pending.append(_done(analyse_chunk(records, nlp, groups, settings, cache)))
                else:
                    wait([future for future in pending if not future.done()], return_when=FIRST_COMPLETED)
        finally:
            for future in pending:
                future.cancel()


def _done(batch: Batch) -> Future:
    """A future that already holds ``batch`` (a chunk analysed in this process), to queue with the workers'."""
    future: Future = Future()
    future.set_result(batch)
    return future
