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


def register_extensions() -> None:
    """Declare the extension attributes (idempotent)."""
    for name, default in (
        ("isic_false_friend", None),
        ("isic_context", None),
        ("isic_counted", None),
    ):
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    if not Doc.has_extension("isic_profile"):
        Doc.set_extension("isic_profile", default=None)
