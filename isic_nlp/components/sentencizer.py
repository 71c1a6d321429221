"""A rule sentencizer for the ``fast`` pipeline, computed on arrays.

Same rule as spaCy's ``sentencizer`` (a sentence starts after a run of
sentence-final punctuation), but spaCy's loops over ``Token`` objects in
Python, which made it the slowest step of the ``fast`` pipeline; this one
compares hashes in numpy.
"""

from __future__ import annotations

import numpy
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_PUNCT = (".", "!", "?", ";", "...", "\n", "\n\n")


class FastSentencizer:
    """Sentence boundaries after any token among ``punct_chars``.

    Example:
        >>> import spacy
        >>> nlp = spacy.blank("fr")
        >>> _ = nlp.add_pipe("isic_sentencizer")
        >>> [s.text for s in nlp("Article L. 311-3. Les droits sont garantis.").sents]
        ['Article L. 311-3.', 'Les droits sont garantis.']
    """

    def __init__(self, nlp: Language, name: str, *, punct_chars: list[str]):
        self.name = name
        self.punct_chars = list(punct_chars)
        self._hashes = numpy.array(
            [nlp.vocab.strings.add(p) for p in self.punct_chars], dtype="uint64"
        )

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        is_punct = numpy.isin(doc.to_array(ORTH), self._hashes)
        starts = numpy.full(len(doc), -1, dtype="int64")
        starts[0] = 1
        # A token starts a sentence when the previous one ends one and it does not.
        starts[1:][is_punct[:-1] & ~is_punct[1:]] = 1
        # from_array wants uint64; -1 ("not a start") wraps and is read back as -1.
        doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
        return doc
