"""``isic_context``: ConText-style qualifiers for mentions in legal French.

For each mention, a cue of the context lexicon governs it when the cue is in
the same sentence, on the side given by its ``direction``, at most
``max_scope`` tokens away, with no ``termination`` cue in between.
``quotation`` cues (*les mots :*, *ainsi rédigé :*) instead mark the next
``« … »`` passage as quoted amendment text, even across sentences. The cue that
fired is recorded on the mention: ``span._.isic_context[flag] = (cue text, cue id)``.
"""

from __future__ import annotations

import bisect

import numpy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from .base import LexiconComponent
from .extensions import CONTEXT_FLAGS, SPANS_KEY, register_extensions
from .matching import Match

NON_QUALIFIER_LABELS = ("pseudo", "termination")
DEFAULT_MAX_SCOPE = 10
# How far before a « … » passage its quotation cue is looked for (tokens).
QUOTATION_LOOKBACK = 20


class ContextQualifier(LexiconComponent):
    """Set ``span._.isic_context`` on every mention of ``doc.spans[spans_key]``.

    Example:
        >>> import isic_nlp
        >>> nlp = isic_nlp.load("fast")
        >>> doc = nlp("Sauf dérogation, le projet personnalisé est élaboré.")
        >>> span = doc.spans["isic"][0]
        >>> span.text, span._.isic_context
        ('projet personnalisé', {'exception': ('Sauf', 'exc.sauf')})
    """

    def __init__(
        self, nlp: Language, name: str, *, lexicons: list[str], spans_key: str = SPANS_KEY
    ):
        register_extensions()
        super().__init__(nlp, name, lexicons=lexicons)
        self.spans_key = spans_key
        self._open_orth = nlp.vocab.strings.add("«")
        self._close_orth = nlp.vocab.strings.add("»")

    def on_lexicons_changed(self) -> None:
        # Every label's default direction and scope, from the lexicon files.
        self._defaults = {}
        for lexicon in self.lexicons:
            for name, label in lexicon.labels.items():
                self._defaults[name] = (label.direction or "forward", label.max_scope)
        unknown = set(self._defaults) - set(CONTEXT_FLAGS) - set(NON_QUALIFIER_LABELS)
        if unknown:
            raise ValueError(
                f"context labels must be among {CONTEXT_FLAGS + NON_QUALIFIER_LABELS}, got {sorted(unknown)}"
            )

    def __call__(self, doc: Doc) -> Doc:
        compiled = self.check_ready()
        mentions = doc.spans[self.spans_key] if self.spans_key in doc.spans else []
        if not len(mentions):
            return doc
        has_sents = doc.has_annotation("SENT_START")
        passages = _quoted_passages(doc, self._open_orth, self._close_orth)
        # Cues are only looked for where they can matter: the sentences of the
        # mentions, and just before a « … » passage that holds a mention.
        windows = {(s.start, s.end) for s in ((m.sent if has_sents else doc[:]) for m in mentions)}
        for begin, end in passages:
            if any(begin <= m.start < end for m in mentions):
                windows.add((max(0, begin - QUOTATION_LOOKBACK), begin))
        cues: list[Match] = []
        terminations: list[int] = []
        quotation_cues: list[Match] = []
        for start, end in _merge(windows):
            for match in compiled(doc[start:end]):
                label = match.entry.label
                if label == "termination":
                    terminations.append(match.start)
                elif label == "quotation":
                    quotation_cues.append(match)
                elif label != "pseudo":
                    cues.append(match)
        regions = _introduced(passages, quotation_cues, self._scope) if quotation_cues else []
        region_starts = [start for start, _, _ in regions]
        for span in mentions:
            flags: dict[str, tuple[str, str]] = {}
            if cues:
                sent = span.sent if has_sents else doc[:]
                for flag, cue in self._governing_cues(span, sent, cues, terminations).items():
                    flags[flag] = (doc[cue.start : cue.end].text, cue.entry.id)
            if regions:
                i = bisect.bisect_right(region_starts, span.start) - 1
                if i >= 0 and regions[i][0] <= span.start < regions[i][1]:
                    cue = regions[i][2]
                    flags["quotation"] = (doc[cue.start : cue.end].text, cue.entry.id)
            span._.isic_context = flags or None
        return doc

    def _scope(self, cue: Match) -> tuple[str, int]:
        direction, max_scope = self._defaults[cue.entry.label]
        direction = cue.entry.direction or direction
        scope = cue.entry.max_scope if cue.entry.max_scope is not None else max_scope
        return direction, DEFAULT_MAX_SCOPE if scope is None else scope

    def _governing_cues(
        self, span: Span, sent: Span, cues: list[Match], terminations: list[int]
    ) -> dict[str, Match]:
        """The nearest governing cue of each flag, within the sentence."""
        best: dict[str, tuple[int, Match]] = {}
        for cue in cues:
            if cue.start < sent.start or cue.end > sent.end:
                continue
            direction, scope = self._scope(cue)
            if cue.end <= span.start and direction in ("forward", "both"):
                gap = (cue.end, span.start)
            elif cue.start >= span.end and direction in ("backward", "both"):
                gap = (span.end, cue.start)
            else:
                continue
            distance = gap[1] - gap[0]
            if distance > scope or any(gap[0] <= t < gap[1] for t in terminations):
                continue
            flag = cue.entry.label
            if flag not in best or distance < best[flag][0]:
                best[flag] = (distance, cue)
        return {flag: cue for flag, (_, cue) in best.items()}


def _quoted_passages(doc: Doc, open_orth: int, close_orth: int) -> list[tuple[int, int]]:
    """Token ranges of « … » passages.

    Legislative drafting opens every quoted paragraph with « and closes only the
    last one, so a passage runs from an opening « to the next », or to the end
    of the text when none follows. Read from the ORTH array: ``doc.text`` would
    rebuild the whole text.
    """
    orths = doc.to_array(ORTH)
    marks = numpy.flatnonzero((orths == open_orth) | (orths == close_orth))
    passages: list[tuple[int, int]] = []
    open_at = None
    for i in marks.tolist():
        if orths[i] == open_orth and open_at is None:
            open_at = i
        elif orths[i] == close_orth and open_at is not None:
            passages.append((open_at, i + 1))
            open_at = None
    if open_at is not None:
        passages.append((open_at, len(doc)))
    return passages


def _introduced(
    passages: list[tuple[int, int]], quotation_cues: list[Match], scope_of
) -> list[tuple[int, int, Match]]:
    """The passages that a quotation cue introduces, each with its cue."""
    regions = []
    for begin, end in passages:
        for cue in quotation_cues:
            if cue.end <= begin and begin - cue.end <= scope_of(cue)[1]:
                regions.append((begin, end, cue))
                break
    return regions


def _merge(windows) -> list[tuple[int, int]]:
    """Merge overlapping token ranges."""
    merged: list[list[int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
