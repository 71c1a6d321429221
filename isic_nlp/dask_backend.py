"""Running ``analyse`` on Dask: local threads or processes, or a ``distributed`` cluster.

``analyse(..., out=DIR, scheduler=...)`` (``isic-nlp analyse … --scheduler``)
reads the inputs here (every input problem goes to ``errors.csv`` as without
Dask), cuts the records into *partitions* (about :data:`PARTITION_CHARS`
characters, never across two input files) and runs one ``dask.delayed`` task
per partition: the same pipeline and table builder as one process
(:func:`isic_nlp.parallel.analyse_chunk`), writing its tables as
``documents.parquet/part-NNNNN.parquet``, ``mentions.parquet/part-NNNNN.parquet``
(and ``lemmas.parquet/…``) in the run's temporary output folder. Each Dask
worker process loads the pipeline once (:func:`worker_pipeline`, cached by
path); the pipeline is saved once in the output folder for them
(``nlp.to_disk``, lexicons included), so custom lexicons reach every worker.
When every partition is done, the documents parts are cast to one schema
(metadata types unified, as for one file), and ``errors.csv`` and
``manifest.json`` are written: the folder is swapped in whole, as always.

Partitions are submitted in waves of a few per worker, so neither the client
nor the cluster holds the whole corpus. ``pandas.read_parquet(DIR /
"documents.parquet")``, DuckDB's ``read_parquet('DIR/documents.parquet/*.parquet')``
and :class:`isic_nlp.analysis.AnalysisResult` read a table of parts as one.

Schedulers: ``"threads"`` and ``"processes"`` (Dask's local schedulers) or
``"dask://HOST:PORT"`` (a ``distributed`` scheduler; also ``tcp://``). On a
cluster, the output folder (and the inputs' folder, for the manifest's hashes)
must be on a file system that the client and every worker see at the same
path, and every worker needs the same isic_nlp version (and model packages).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from spacy.language import Language

from .corpus.readers import InputProblem, Record
from .errors import Errors, IsicError
from .output import arrow_table, cast_table, unified_schema
from .parallel import Batch, ChunkSettings, analyse_chunk, chunks_of
from .tables import count_columns, documents_table, label_groups, mentions_table

#: Characters of text per partition (a few seconds of ``fast``, about a minute of ``accurate``).
PARTITION_CHARS = 2_000_000
#: Partitions in flight per worker thread: a wave waits for its slowest partition.
WAVE_PER_WORKER = 3
PIPELINE_FOLDER = ".pipeline"

_PIPELINES: dict[str, tuple[Language, dict[str, str]]] = {}
_LOCK = threading.Lock()


def check_scheduler(scheduler: str) -> str:
    """``threads``, ``processes``, or a scheduler address (``dask://`` becomes ``tcp://``); E006 otherwise."""
    if scheduler in ("threads", "processes"):
        return scheduler
    if scheduler.startswith(("dask://", "tcp://", "tls://", "inproc://")) and "://" in scheduler and scheduler.split("://", 1)[1]:
        return "tcp://" + scheduler.split("://", 1)[1] if scheduler.startswith("dask://") else scheduler
    raise IsicError(Errors.E006.format(option="scheduler", expected="threads, processes or dask://HOST:PORT",
                                       value=scheduler))


def worker_pipeline(path: str) -> tuple[Language, dict[str, str]]:
    """The pipeline saved at ``path`` and its label groups, loaded once per worker process."""
    with _LOCK:
        if path not in _PIPELINES:
            from .pipeline import load

            nlp = load(path)
            _PIPELINES[path] = (nlp, label_groups(nlp))
        return _PIPELINES[path]


def analyse_partition(records: list[Record], number: int, folder: str, pipeline: str | Language,
                      settings: ChunkSettings) -> Batch:
    """One Dask task: analyse ``records``, write their tables as part ``number``; return the counts only."""
    if isinstance(pipeline, Language):  # threads: the client's own pipeline
        nlp, groups = pipeline, label_groups(pipeline)
    else:
        nlp, groups = worker_pipeline(pipeline)
    cache = None
    if settings.cache is not None:
        from .cache import DocCache

        cache = DocCache(settings.cache, nlp)
    try:
        batch = analyse_chunk(records, nlp, groups, settings, cache)
    finally:
        if cache is not None:
            cache.close()
    write_parts(batch.tables, Path(folder), number)
    batch.tables = {}
    return batch


def write_parts(tables: dict[str, Any], folder: Path, number: int) -> None:
    import pyarrow.parquet as pq

    for name, table in tables.items():
        (folder / f"{name}.parquet").mkdir(exist_ok=True)
        pq.write_table(table, folder / f"{name}.parquet" / f"part-{number:05d}.parquet")


@contextmanager
def _scheduler(scheduler: str) -> Iterator[Any]:
    """What ``dask.compute(scheduler=...)`` takes: a local scheduler's name, or a ``distributed.Client``."""
    if scheduler in ("threads", "processes"):
        yield scheduler
        return
    try:
        from distributed import Client
    except ImportError as err:
        raise IsicError(Errors.E006.format(option="scheduler", expected="threads or processes (the 'distributed' "
                                           "package is not installed: pip install 'isic_nlp[dask]')", value=scheduler)) from err
    try:
        client = Client(scheduler, timeout="30s")
    except OSError as err:
        raise IsicError(Errors.E006.format(option="scheduler", expected=f"a reachable Dask scheduler ({err})",
                                           value=scheduler)) from err
    with client:
        yield client


def run_partitions(
    items: Iterable[Record | InputProblem], problems: list[InputProblem], nlp: Language, folder: Path,
    settings: ChunkSettings, scheduler: str, partition_chars: int | None = None,
) -> Iterator[Batch]:
    """Analyse every partition on ``scheduler``; yield their :class:`Batch` counts in input order.

    The tables are in ``folder`` as parts; :func:`finish_parts` unifies them.
    """
    import dask

    settings = ChunkSettings(**{**settings.__dict__, "arrow": True})
    if scheduler == "threads":
        pipeline: str | Language = nlp
    else:  # saved once, loaded once by each worker process
        path = folder / PIPELINE_FOLDER
        nlp.to_disk(path)
        pipeline = str(path.resolve())
    task = dask.delayed(analyse_partition, pure=False)
    partitions = enumerate(chunks_of(items, problems, settings.limit, partition_chars or PARTITION_CHARS))
    with _scheduler(scheduler) as chosen:
        threads = _worker_threads(chosen)
        wave: list = []
        for number, records in partitions:
            wave.append(task(records, number, str(folder), pipeline, settings))
            if len(wave) >= WAVE_PER_WORKER * threads:
                yield from dask.compute(*wave, scheduler=chosen)
                wave = []
        if wave:
            yield from dask.compute(*wave, scheduler=chosen)
    shutil.rmtree(folder / PIPELINE_FOLDER, ignore_errors=True)


def _worker_threads(chosen: Any) -> int:
    if isinstance(chosen, str):
        import os

        return os.cpu_count() or 1
    return max(1, sum(chosen.nthreads().values()))


def finish_parts(folder: Path, groups: dict[str, str], lemmas: bool) -> dict[str, Path]:
    """Cast the documents parts to one schema, write empty tables if no partition came; the files by name."""
    import pyarrow.parquet as pq

    empty = {"documents": arrow_table(documents_table([], groups)), "mentions": arrow_table(mentions_table([]))}
    if lemmas:
        import pandas as pd

        empty["lemmas"] = arrow_table(pd.DataFrame({"id": [], "lemma": [], "count": []}))
    if not (folder / "documents.parquet").exists():
        write_parts(empty, folder, 0)
    parts = sorted((folder / "documents.parquet").glob("*.parquet"))
    schemas = [pq.read_schema(p) for p in parts]
    schema = unified_schema(schemas, last=("n_chars", "n_tokens", *count_columns(groups)))
    for part, own in zip(parts, schemas):
        if own != schema:
            pq.write_table(cast_table(pq.read_table(part), schema), part)
    return {str(p.relative_to(folder)): p for name in empty for p in sorted((folder / f"{name}.parquet").glob("*.parquet"))}
