"""Every isic_nlp spaCy component, declared in one place.

These factories are exposed through the ``spacy_factories`` entry points of
the package, so ``nlp.add_pipe("isic_matcher")`` works after ``pip install``
without importing isic_nlp first. Factory names never change meaning; a
component whose behaviour changes incompatibly gets a new name.

Example:
    >>> import spacy
    >>> nlp = spacy.blank("fr")
    >>> _ = nlp.add_pipe("isic_lookup_lemmatizer")  # the lexicons match on lemmas
    >>> _ = nlp.add_pipe("isic_matcher", config={"lexicons": ["framing"]})
    >>> _ = nlp.initialize()  # loads the lexicons
    >>> doc = nlp("Le droit à l'information de l'usager.")
    >>> [span.label_ for span in doc.spans["isic"]]
    ['rights']
"""

from __future__ import annotations

from spacy.language import Language

from .context import ContextQualifier
from .extensions import SPANS_KEY
from .lemmatizer import LookupLemmatizer
from .matcher import LexiconMatcher
from .normalizer import Normalizer
from .profile import DEFAULT_EXCLUDE, DocumentProfile
from .sentencizer import DEFAULT_PUNCT, FastSentencizer


@Language.factory(
    "isic_matcher",
    default_config={"lexicons": ["framing", "isic_modes"], "spans_key": SPANS_KEY},
    requires=["token.lemma"],
    assigns=["doc.spans"],
)
def make_lexicon_matcher(
    nlp: Language, name: str, lexicons: list[str], spans_key: str
) -> LexiconMatcher:
    """Mentions of the framing and ISIC-mode lexicons (shipped names or .yaml paths)."""
    return LexiconMatcher(nlp, name, lexicons=lexicons, spans_key=spans_key)


@Language.factory(
    "isic_context",
    default_config={"lexicons": ["context"], "spans_key": SPANS_KEY},
    requires=["doc.spans"],
    assigns=["span._.isic_context"],
)
def make_context(nlp: Language, name: str, lexicons: list[str], spans_key: str) -> ContextQualifier:
    """Negation, exception, hypothesis, quoted amendment and abrogation of mentions."""
    return ContextQualifier(nlp, name, lexicons=lexicons, spans_key=spans_key)


@Language.factory(
    "isic_profile",
    default_config={"exclude": list(DEFAULT_EXCLUDE), "spans_key": SPANS_KEY},
    requires=["doc.spans"],
    assigns=["doc._.isic_profile", "span._.isic_counted"],
)
def make_profile(nlp: Language, name: str, exclude: list[str], spans_key: str) -> DocumentProfile:
    """Counts per label and group; which mentions are counted."""
    return DocumentProfile(nlp, name, exclude=exclude, spans_key=spans_key)


@Language.factory(
    "isic_lookup_lemmatizer",
    default_config={"model": None, "mode": "lookup_lower", "overwrite": False},
    assigns=["token.lemma"],
)
def make_lookup_lemmatizer(
    nlp: Language, name: str, model, mode: str, overwrite: bool
) -> LookupLemmatizer:
    """spaCy's lookup lemmatizer with a lower-case fallback (for the ``fast`` pipeline)."""
    return LookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)


@Language.factory(
    "isic_sentencizer",
    default_config={"punct_chars": list(DEFAULT_PUNCT)},
    assigns=["token.is_sent_start"],
)
def make_sentencizer(nlp: Language, name: str, punct_chars: list[str]) -> FastSentencizer:
    """Sentence boundaries after punctuation or line breaks (for the ``fast`` pipeline)."""
    return FastSentencizer(nlp, name, punct_chars=punct_chars)


@Language.factory(
    "isic_normalizer",
    default_config={"fold_accents": True},
    assigns=["token.norm"],
)
def make_normalizer(nlp: Language, name: str, fold_accents: bool) -> Normalizer:
    """A normalised ``NORM`` for the matchers (NFC, apostrophes, invisible characters, œ, capitals)."""
    return Normalizer(nlp, name, fold_accents=fold_accents)
