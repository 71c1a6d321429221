"""``isic_context``: ConText-style qualifiers for mentions in legal French.

For each mention, a cue of the context lexicon governs it when the cue is in
the same sentence, on the side given by its ``direction``, at most
``max_scope`` tokens away, with no ``termination`` cue in between, nor a cue
of a boundary label that the cue's ``stop_at`` names (clause boundaries:
*et*, *qui*, a comma...; with a part-of-speech tagger, as in ``accurate``,
conjunctions and relative pronouns end a ``clause`` scope too). So a scope
follows the clause rather than a fixed number of tokens.
``quotation`` cues (*les mots :*, *ainsi rédigé :*) instead mark the next
quoted passage (``« … »``, ``“ … ”`` or straight ``" … "``) as quoted
amendment text, even across sentences. The cue that fired is recorded on the
mention: ``span._.isic_context[flag] = (cue text, cue id)``.
"""

from __future__ import annotations

import bisect

import numpy
from spacy.attrs import IS_SPACE, ORTH, POS
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import Errors, IsicError
from .base import LexiconComponent
from .extensions import CONTEXT_FLAGS, SPANS_KEY, register_extensions
from .matching import Match

NON_QUALIFIER_LABELS = ("pseudo", "termination")
DEFAULT_MAX_SCOPE = 10
# The boundary label that conjunctions and relative pronouns join when the
# pipeline tags parts of speech.
CLAUSE_LABEL = "clause"
OPENING_QUOTES = ("«", "“")
CLOSING_QUOTES = ("»", "”")
STRAIGHT_QUOTE = '"'
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
        strings = nlp.vocab.strings
        self._quote_orths = (
            {strings.add(q) for q in OPENING_QUOTES},
            {strings.add(q) for q in CLOSING_QUOTES},
            strings.add(STRAIGHT_QUOTE),
        )
        self._clause_pos = numpy.array(
            [strings.add(p) for p in ("CCONJ", "SCONJ")], dtype="uint64"
        )

    def on_lexicons_changed(self) -> None:
        # Every label's default direction, scope and boundaries, from the lexicon files.
        self._defaults = {}
        boundaries: set[str] = set()
        for lexicon in self.lexicons:
            for name, label in lexicon.labels.items():
                self._defaults[name] = (label.direction or "forward", label.max_scope, label.stop_at)
                boundaries.update(label.stop_at)
            for entry in lexicon.entries:
                boundaries.update(entry.stop_at or ())
        # A label is a qualifier, a pseudo-cue, a termination, or a boundary named by a stop_at.
        self._boundaries = boundaries - set(CONTEXT_FLAGS) - set(NON_QUALIFIER_LABELS)
        known = set(CONTEXT_FLAGS) | set(NON_QUALIFIER_LABELS) | self._boundaries
        unknown = set(self._defaults) - known
        if unknown:
            raise IsicError(
                Errors.E310.format(
                    labels=", ".join(sorted(unknown)),
                    known=", ".join(CONTEXT_FLAGS + NON_QUALIFIER_LABELS),
                )
            )

    def __call__(self, doc: Doc) -> Doc:
        compiled = self.check_ready()
        mentions = doc.spans[self.spans_key] if self.spans_key in doc.spans else []
        if not len(mentions):
            return doc
        has_sents = doc.has_annotation("SENT_START")
        passages = _quoted_passages(doc, *self._quote_orths)
        # Cues are only looked for where they can matter: the sentences of the
        # mentions, and just before a « … » passage that holds a mention.
        windows = {(s.start, s.end) for s in ((m.sent if has_sents else doc[:]) for m in mentions)}
        for begin, end in passages:
            if any(begin <= m.start < end for m in mentions):
                windows.add((max(0, begin - QUOTATION_LOOKBACK), begin))
        cues: list[Match] = []
        # Where scopes end: "termination" ends all of them, a boundary label
        # only those of the cues that stop at it.
        stops: dict[str, list[int]] = {"termination": []}
        quotation_cues: list[Match] = []
        merged = _merge(windows)
        for start, end in merged:
            for match in compiled(doc[start:end]):
                label = match.entry.label
                if label == "termination" or label in self._boundaries:
                    stops.setdefault(label, []).append(match.start)
                elif label == "quotation":
                    quotation_cues.append(match)
                elif label != "pseudo":
                    cues.append(match)
                    if label == "hypothesis" and CLAUSE_LABEL in self._boundaries:
                        # "si", "lorsque" ... open a new clause.
                        stops.setdefault(CLAUSE_LABEL, []).append(match.start)
        if cues and CLAUSE_LABEL in self._boundaries and doc.has_annotation("POS"):
            stops.setdefault(CLAUSE_LABEL, []).extend(self._clause_starts(doc, merged))
        regions = _introduced(passages, quotation_cues, self._scope) if quotation_cues else []
        region_starts = [start for start, _, _ in regions]
        for span in mentions:
            flags: dict[str, tuple[str, str]] = {}
            if cues:
                sent = span.sent if has_sents else doc[:]
                for flag, cue in self._governing_cues(span, sent, cues, stops).items():
                    flags[flag] = (doc[cue.start : cue.end].text, cue.entry.id)
            if regions:
                i = bisect.bisect_right(region_starts, span.start) - 1
                if i >= 0 and regions[i][0] <= span.start < regions[i][1]:
                    cue = regions[i][2]
                    flags["quotation"] = (doc[cue.start : cue.end].text, cue.entry.id)
            span._.isic_context = flags or None
        return doc

    def _scope(self, cue: Match) -> tuple[str, int]:
        direction, max_scope, _ = self._defaults[cue.entry.label]
        direction = cue.entry.direction or direction
        scope = cue.entry.max_scope if cue.entry.max_scope is not None else max_scope
        return direction, DEFAULT_MAX_SCOPE if scope is None else scope

    def _stop_at(self, cue: Match) -> tuple[str, ...]:
        """The labels whose cues end this cue's scope (termination always does)."""
        stop_at = cue.entry.stop_at
        if stop_at is None:
            stop_at = self._defaults[cue.entry.label][2]
        return ("termination", *stop_at)

    def _clause_starts(self, doc: Doc, windows: list[tuple[int, int]]) -> list[int]:
        """Conjunctions and relative pronouns, from the part-of-speech tags."""
        pos = doc.to_array(POS)
        out = numpy.flatnonzero(numpy.isin(pos, self._clause_pos)).tolist()
        pron = doc.vocab.strings["PRON"]
        for start, end in windows:
            for i in numpy.flatnonzero(pos[start:end] == pron).tolist():
                if "Rel" in doc[start + i].morph.get("PronType"):
                    out.append(start + i)
        return out

    def _governing_cues(
        self, span: Span, sent: Span, cues: list[Match], stops: dict[str, list[int]]
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
            if distance > scope or any(
                gap[0] <= t < gap[1] for label in self._stop_at(cue) for t in stops.get(label, ())
            ):
                continue
            flag = cue.entry.label
            if flag not in best or distance < best[flag][0]:
                best[flag] = (distance, cue)
        return {flag: cue for flag, (_, cue) in best.items()}


def _quoted_passages(
    doc: Doc, opening: set[int], closing: set[int], straight: int
) -> list[tuple[int, int]]:
    """Token ranges of quoted passages: ``« … »``, ``“ … ”`` or ``" … "``.

    Legislative drafting opens every quoted paragraph with a quotation mark
    and closes only the last one, so a passage runs from an opening mark to
    the next closing one (or to the end of the text), and a mark that starts
    a line inside an open passage opens its next paragraph. A straight ``"``
    opens when no passage is open and closes one otherwise, unless it starts
    a line. Read from the ORTH array: ``doc.text`` would rebuild the whole text.
    """
    orths = doc.to_array(ORTH)
    marks = numpy.flatnonzero(
        numpy.isin(orths, numpy.array([*opening, *closing, straight], dtype="uint64"))
    )
    if not len(marks):
        return []
    spaces = doc.to_array(IS_SPACE)
    passages: list[tuple[int, int]] = []
    open_at = None
    orths = orths.tolist()
    for i in marks.tolist():
        orth = orths[i]
        if open_at is None:
            if orth not in closing:
                open_at = i
            continue
        if orth in opening:
            continue  # the next paragraph of the passage
        if orth == straight and (i == 0 or spaces[i - 1] and "\n" in doc[i - 1].text):
            continue
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
