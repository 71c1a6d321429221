"""What the matching and context components share: lexicons loaded at
``initialize``, compiled with the pipeline's own lemmatiser, saved and restored
with the pipeline (``to_disk`` / ``from_disk``)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import Errors, IsicError
from ..lexicons import (
    Lexicon,
    load_lexicons,
    parse_lexicon,
    read_lexicon_file,
    shipped_lexicon_paths,
)
from .matching import CompiledLexicons

INDEX_FILE = "lexicons.json"


class LexiconComponent:
    """Base of components driven by lexicon files.

    Args:
        nlp: the pipeline (its earlier components lemmatise the phrases).
        name: the component name in the pipeline.
        lexicons: shipped lexicon names or paths of ``.yaml`` files, loaded by
            ``initialize()``.
    """

    def __init__(self, nlp: Language, name: str, *, lexicons: list[str]):
        self.nlp = nlp
        self.name = name
        self.lexicon_names = list(lexicons)
        self.lexicons: list[Lexicon] = []
        self.compiled: CompiledLexicons | None = None

    # -- loading ----------------------------------------------------------------

    def initialize(
        self, get_examples=None, *, nlp: Language | None = None, lexicons: list[str] | None = None
    ) -> None:
        """Load and compile the lexicons (all problems of all files reported at once)."""
        if nlp is not None:
            self.nlp = nlp
        if lexicons is not None:
            self.lexicon_names = list(lexicons)
        self.set_lexicons(load_lexicons(self.lexicon_names))

    def set_lexicons(self, lexicons: list[Lexicon]) -> None:
        self.lexicons = list(lexicons)
        self.compiled = CompiledLexicons(self.nlp, self.lexicons, self._lemmatise)
        self.on_lexicons_changed()

    def on_lexicons_changed(self) -> None:
        """Hook for subclasses that derive data from the lexicons."""

    def _lemmatise(self, texts: list[str]) -> list[Doc] | None:
        """Run the components before this one on phrases, as ``span_ruler`` does.

        Disabled components run too: ``isic_nlp.load`` initializes this component
        while the sourced (already trained) ones are disabled.
        """
        before = []
        for _, proc in self.nlp.components:
            if isinstance(proc, LexiconComponent):  # only the linguistic components before ours
                break
            before.append((_, proc))
        docs = []
        for text in texts:
            doc = self.nlp.make_doc(text)
            for _, proc in before:
                doc = proc(doc)
            docs.append(doc)
        if not docs or not all(doc.has_annotation("LEMMA") for doc in docs):
            return None
        return docs

    def check_ready(self) -> CompiledLexicons:
        if self.compiled is None:
            raise IsicError(Errors.E301.format(component=self.name))
        return self.compiled

    def lexicon_info(self) -> list[dict]:
        return [lexicon.info() for lexicon in self.lexicons]

    # -- serialization ------------------------------------------------------------

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save every lexicon file as it was loaded, with an index of versions and hashes."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for lexicon in self.lexicons:
            (path / f"{lexicon.name}.yaml").write_text(lexicon.text, encoding="utf-8")
        index = {"lexicon_names": self.lexicon_names, "lexicons": self.lexicon_info()}
        (path / INDEX_FILE).write_text(
            json.dumps(index, indent=2, ensure_ascii=False), encoding="utf-8"
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> LexiconComponent:
        """Restore the lexicons saved by ``to_disk`` (not the shipped ones)."""
        path = Path(path)
        index = json.loads((path / INDEX_FILE).read_text(encoding="utf-8"))
        saved = [
            (info["file"], (path / f"{info['name']}.yaml").read_text(encoding="utf-8"))
            for info in index["lexicons"]
        ]
        return self._restore(index["lexicon_names"], saved)

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        data = {
            "lexicon_names": self.lexicon_names,
            "lexicons": [[lx.file, lx.text] for lx in self.lexicons],
        }
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> LexiconComponent:
        loaded = json.loads(data.decode("utf-8"))
        return self._restore(loaded["lexicon_names"], [tuple(pair) for pair in loaded["lexicons"]])

    def _restore(self, names: list[str], saved: list[tuple[str, str]]) -> LexiconComponent:
        """Parse saved lexicon texts (``(file, text)`` pairs) and compile them."""
        lexicons = []
        for file, text in saved:
            lexicon, problems = parse_lexicon(text, file)
            if lexicon is None:
                raise IsicError(
                    Errors.E102.format(
                        count=len(problems), files=file, problems="\n".join(map(str, problems))
                    )
                )
            lexicons.append(lexicon)
        _warn_if_shipped_differs(lexicons)
        self.lexicon_names = list(names)
        self.set_lexicons(lexicons)
        return self


def _warn_if_shipped_differs(lexicons: list[Lexicon]) -> None:
    """Say when a saved lexicon is not the version shipped with this isic_nlp."""
    shipped = shipped_lexicon_paths()
    for lexicon in lexicons:
        if lexicon.name in shipped:
            current, _ = read_lexicon_file(shipped[lexicon.name])
            if current is not None and current.version != lexicon.version:
                warnings.warn(
                    Errors.W301.format(
                        name=lexicon.name, saved=lexicon.version, shipped=current.version
                    ),
                    UserWarning,
                    stacklevel=3,
                )
