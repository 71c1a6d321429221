"""``isic_matcher``: find lexicon mentions and apply the lexicons' sense rules."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..lexicons import Label
from .base import LexiconComponent
from .extensions import SPANS_KEY, register_extensions


class LexiconMatcher(LexiconComponent):
    """Mark every lexicon mention as a span in ``doc.spans["isic"]``.

    Each span's label is the entry's label and its ``id_`` names the lexicon,
    its version and the entry. False friends (entries with
    ``sense: false_friend``, or an ``unless_sentence`` word in the sentence)
    are kept, with ``span._.isic_false_friend`` saying why.

    Example:
        >>> import isic_nlp
        >>> nlp = isic_nlp.load("fast")
        >>> doc = nlp("Le conseil de la vie sociale donne son avis.")
        >>> [(span.text, span.label_) for span in doc.spans["isic"]]
        [('conseil de la vie sociale', 'participation')]
    """

    def __init__(
        self, nlp: Language, name: str, *, lexicons: list[str], spans_key: str = SPANS_KEY
    ):
        register_extensions()
        super().__init__(nlp, name, lexicons=lexicons)
        self.spans_key = spans_key

    @property
    def labels(self) -> dict[str, Label]:
        """Every label of the loaded lexicons, in file order."""
        return {name: label for lexicon in self.lexicons for name, label in lexicon.labels.items()}

    def __call__(self, doc: Doc) -> Doc:
        compiled = self.check_ready()
        spans = []
        sentence_words: dict[int, str] = {}
        for match in compiled(doc):
            lexicon = compiled.lexicons[match.lexicon]
            entry = match.entry
            span = Span(
                doc,
                match.start,
                match.end,
                label=entry.label,
                span_id=f"{lexicon.name}@{lexicon.version}:{entry.id}",
            )
            if entry.sense == "false_friend":
                span._.isic_false_friend = f"sense rule {entry.id}"
            elif entry.unless_sentence:
                words = _sentence_words(span, sentence_words)
                for phrase in entry.unless_sentence:
                    if f" {phrase} " in words:
                        span._.isic_false_friend = f"'{phrase}' in the sentence ({entry.id})"
                        break
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


def _sentence_words(span: Span, cache: dict[int, str]) -> str:
    """The span's sentence as ' word word ... ' in lower case and lemmas (cached per sentence)."""
    doc = span.doc
    sent = span.sent if doc.has_annotation("SENT_START") else doc[:]
    if sent.start not in cache:
        lower = " ".join(token.lower_ for token in sent)
        lemmas = " ".join(token.lemma_ for token in sent) if doc.has_annotation("LEMMA") else ""
        cache[sent.start] = f" {lower} | {lemmas} ".replace("’", "'")
    return cache[sent.start]
