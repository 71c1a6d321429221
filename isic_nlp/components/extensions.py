"""The ``Doc._`` and ``Span._`` attributes that isic_nlp components set.

* ``doc.spans[SPANS_KEY]``: every mention (``span.label_`` is the label,
  ``span.id_`` is ``"<lexicon>@<version>:<entry id>"``).
* ``span._.isic_false_friend``: why the mention is a false friend (``None`` if it is not).
* ``span._.isic_context``: ``{flag: (cue text, cue entry id)}`` for each context
  flag that applies (``negation``, ``exception``, ``hypothesis``, ``quotation``, ``abrogation``).
* ``span._.isic_counted``: whether the document profile counts the mention.
* ``doc._.isic_profile``: ``{"n_tokens": int, "counts": {label or group: int}}``.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

SPANS_KEY = "isic"
CONTEXT_FLAGS = ("negation", "exception", "hypothesis", "quotation", "abrogation")


def parse_mention_id(mention_id: str) -> tuple[str, str, str]:
    """Split a mention's ``span.id_`` into lexicon name, lexicon version and entry id.

    Example:
        >>> parse_mention_id("framing@1.0.0:rights.droit_information")
        ('framing', '1.0.0', 'rights.droit_information')
    """
    lexicon, _, entry_id = mention_id.partition(":")
    name, _, version = lexicon.partition("@")
    return name, version, entry_id


MENTIONS_DATA = "isic_mentions"


def _mention_key(span: Span) -> str:
    # spaCy keys span extension values by character offsets only, so a framing
    # mention and a mode mention on the same words would share their flags.
    # Ours are keyed by offsets, label and entry.
    return f"{span.start_char}:{span.end_char}:{span.label_}:{span.id_}"


def _getter(name: str):
    def get(span: Span):
        return span.doc.user_data.get(MENTIONS_DATA, {}).get(_mention_key(span), {}).get(name)

    return get


def _setter(name: str):
    def set_(span: Span, value) -> None:
        span.doc.user_data.setdefault(MENTIONS_DATA, {}).setdefault(_mention_key(span), {})[
            name
        ] = value

    return set_


def register_extensions() -> None:
    """Declare the extension attributes (idempotent).

    Mention attributes live in ``doc.user_data["isic_mentions"]`` (so they
    travel with ``Doc.to_bytes`` and multiprocessing), one entry per mention.
    """
    for name in ("isic_false_friend", "isic_context", "isic_counted"):
        if not Span.has_extension(name):
            Span.set_extension(name, getter=_getter(name), setter=_setter(name))
    if not Doc.has_extension("isic_profile"):
        Doc.set_extension("isic_profile", default=None)
