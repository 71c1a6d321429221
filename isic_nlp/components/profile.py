"""``isic_profile``: a document's counts per label and per group, and what is counted."""

from __future__ import annotations

from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import Errors, IsicValueError
from .extensions import CONTEXT_FLAGS, SPANS_KEY, register_extensions
from .matcher import LexiconMatcher

EXCLUDABLE = (*CONTEXT_FLAGS, "false_friend")
DEFAULT_EXCLUDE = ("negation", "quotation", "abrogation", "false_friend")


def count_words(doc: Doc) -> int:
    """Tokens that count in rates: neither punctuation nor white space."""
    if not len(doc):
        return 0
    flags = doc.to_array([IS_PUNCT, IS_SPACE])
    return int(len(doc) - (flags.max(axis=1) > 0).sum())


class DocumentProfile:
    """Count each document's mentions per label and per label group.

    ``doc._.isic_profile`` becomes ``{"n_tokens": int, "counts": {name: int}}``
    with a count for every label and every group of the matcher's lexicons
    (zeros included). A mention carrying any flag in ``exclude`` is kept but
    not counted (``span._.isic_counted`` is ``False``).

    Args:
        exclude: flags that keep a mention out of the counts, among
            ``negation``, ``exception``, ``hypothesis``, ``quotation``,
            ``abrogation`` and ``false_friend``.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        exclude: tuple[str, ...] | list[str] = DEFAULT_EXCLUDE,
        spans_key: str = SPANS_KEY,
    ):
        register_extensions()
        unknown = set(exclude) - set(EXCLUDABLE)
        if unknown:
            raise IsicValueError(Errors.E311.format(known=list(EXCLUDABLE), value=sorted(unknown)))
        self.nlp = nlp
        self.name = name
        self.exclude = tuple(exclude)
        self.spans_key = spans_key
        self._groups: dict[str, str] = {}
        self._groups_key: tuple | None = None

    def label_groups(self) -> dict[str, str]:
        """Every label of the pipeline's matcher, with its group."""
        matchers = [
            component
            for _, component in self.nlp.pipeline
            if isinstance(component, LexiconMatcher) and component.spans_key == self.spans_key
        ]
        # Cached until a matcher's lexicons are reloaded (each load compiles anew).
        key = tuple(id(matcher.compiled) for matcher in matchers)
        if key != self._groups_key:
            groups: dict[str, str] = {}
            for matcher in matchers:
                groups.update({name: label.group for name, label in matcher.labels.items()})
            clash = set(groups) & set(groups.values())
            if clash:
                raise IsicValueError(Errors.E312.format(names=", ".join(sorted(clash))))
            self._groups, self._groups_key = groups, key
        return self._groups

    def __call__(self, doc: Doc) -> Doc:
        groups = self.label_groups()
        counts = dict.fromkeys([*groups, *dict.fromkeys(groups.values())], 0)
        for span in doc.spans[self.spans_key] if self.spans_key in doc.spans else ():
            counted = not self.excluded_by(span)
            span._.isic_counted = counted
            if counted:
                counts[span.label_] = counts.get(span.label_, 0) + 1
                group = groups.get(span.label_)
                if group is not None:
                    counts[group] += 1
        doc._.isic_profile = {"n_tokens": count_words(doc), "counts": counts}
        return doc

    def excluded_by(self, span) -> list[str]:
        """The flags of ``span`` that keep it out of the counts."""
        flags = list(span._.isic_context or ())
        if span._.isic_false_friend:
            flags.append("false_friend")
        return [flag for flag in flags if flag in self.exclude]
