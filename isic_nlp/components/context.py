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
amendment text, even across sentences; a backward cue right after a quoted
passage (*les mots « … » sont supprimés*, *… ne sont pas applicables*)
governs every mention of the passage.

Scope rules that need more than a list of words, named in a cue's ``stop_at``
like boundary labels:

* ``phrase``: besides its own prepositions, a noun complement between the cue
  and the mention ends the scope (*ne remplacent pas le travail des
  partenaires*: a determiner, one or two words, then *de/du/des/d'*);
* ``actor``: a mention that holds an ``actor`` word (a person: *le salarié*,
  *vous*) is not governed (a negated verb does not deny its agent or patient);
* ``subject``: backward, the cue governs only the subject of its clause, i.e. a
  mention at most ``SUBJECT_GAP`` tokens before it that is not introduced by a
  preposition (*le recours gracieux n'est pas obligatoire*, but not *les
  entreprises appliquant la convention collective ne sont pas concernées*).

A pause right after a forward cue that no pause precedes opens an incise
(*Si, au cours de cette période, …*): the scope runs on past it, to the next
pause. A cue inside brackets stops at the closing bracket. The cue that fired
is recorded on the mention: ``span._.isic_context[flag] = (cue text, cue id)``.
"""

from __future__ import annotations

import bisect
import dataclasses
import re

import numpy
from spacy.attrs import IS_SPACE, NORM, ORTH, POS, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import Errors, IsicError
from ..lexicons import Lexicon
from .base import LexiconComponent
from .extensions import CONTEXT_FLAGS, SPANS_KEY, register_extensions
from .matching import CompiledLexicons, Match
from .normalizer import COUNTS_KEY, line_end_hyphens, normal_form

# Since 2.5.0 ``adverbial``: set phrases of the verb ('de ce fait', 'en outre', 'par ailleurs')
# that a scope runs through, as if they were absent ('ne bénéficiant pas de ce fait des
# indemnités journalières': not the complement of a noun 'fait').
ADVERBIAL_LABEL = "adverbial"
NON_QUALIFIER_LABELS = ("pseudo", "termination", ADVERBIAL_LABEL)
DEFAULT_MAX_SCOPE = 10
# The boundary label that conjunctions and relative pronouns join when the
# pipeline tags parts of speech.
CLAUSE_LABEL = "clause"
OPENING_QUOTES = ("«", "“")
CLOSING_QUOTES = ("»", "”")
STRAIGHT_QUOTE = '"'
# How far before a « … » passage its quotation cue is looked for (tokens).
QUOTATION_LOOKBACK = 20
# How far after a quoted passage a backward cue is looked for, and may start (tokens).
AFTER_PASSAGE = 6
AFTER_PASSAGE_GAP = 2
# Scope labels with their own rule (see the module docstring).
PAUSE_LABEL = "pause"
PHRASE_LABEL = "phrase"
ACTOR_LABEL = "actor"
SUBJECT_LABEL = "subject"
SPECIAL_STOPS = (ACTOR_LABEL, SUBJECT_LABEL)
SUBJECT_GAP = 4
# Labels whose cue governs a mention it holds between its first and last words: the
# negated verb itself, 'les résidents ne s'entraident pas' (issue 12, external cues).
WITHIN_LABELS = ("negation",)
# Cues that open a new clause, so that they end the `clause` scopes of the others
# (since context 2.2.0 exceptions too: 'n'est pas versée sauf application d'une convention').
CLAUSE_OPENERS = ("hypothesis", "exception")
# A reference after a subject ('mentionné à l'article L. 262-2 du même code') keeps it the
# subject of the verb that follows (since 2.7.0).
REFERENCE_PARTICIPLES = frozenset(
    "mentionné mentionnée mentionnés mentionnées prévu prévue prévus prévues "
    "visé visée visés visées défini définie définis définies".split()
)
REFERENCE_WORDS = frozenset(
    "à au aux l' l’ le la les du de des d' d’ article articles alinéa alinéas même "
    "présent présente code règlement décret loi ordonnance et ou premier première -".split()
)
REFERENCE_LETTER = re.compile(r"^[a-z]\.?$")
# Only for the cues of scope whose entry says `subject_past_reference: true` ('ne s'applique pas',
# 'n'est pas applicable'; in the code until 2.8.0): 'Les indemnités journalières prévues à
# l'article L. 732-4 ne peuvent pas être cumulées' denies nothing.
# Nouns whose complement is the real object of a verb ('ne peut pas faire l'objet d'un
# recours', 'n'ouvre pas droit au bénéfice de l'allocation'): no noun complement boundary.
# Since 2.3.0 also nouns of existence or making whose complement is what exists or is made
# ('ne nécessite pas la conclusion préalable d'un accord collectif', 'ne caractérise pas
# l'existence d'une faute grave'); not those whose complement may be an agent ('la signature
# du travailleur', 'la présence du salarié').
LIGHT_NOUNS = frozenset(
    "objet bénéfice versement paiement attribution octroi service existence conclusion application".split()
    # since 2.6.0 nouns of kind: 'aucune forme de discrimination' denies the discrimination
    + "forme formes sorte sortes type types genre espèce".split()
    # since 2.10.0 the payments of a pension (N9: 'les arrérages des rentes viagères')
    + "arrérages".split()
)
# Clitic pronouns: a mention that opens with one right after a negation cue is the
# negated verb itself ('ne peut pas vous demander'), not a person the verb bears on.
CLITICS = frozenset("vous nous il elle ils elles on je".split())
# How many tokens of a quoted passage a cue may span from its opening mark (`" 7° …`).
PASSAGE_HEAD = 4
# Coordinators: they do not end a backward scope (the cue's verb follows the whole
# coordinated subject), since 2.2.0.
COORDINATORS = frozenset(["et", "ou", "voire"])
# What opens a main clause after an exception's comma (since 2.3.0 exceptions end at their
# comma: 'Sauf en cas d'urgence, le lieu …'); any other word continues its list ('sauf
# convention, accord collectif d'entreprise …', 'Sauf cas de force majeure, d'absence de faute').
SUBJECT_PRONOUNS = frozenset("il elle ils elles on je nous vous ce cela ceci celui celle ceux celles chacun nul".split())
# The last word of a condition on a noun ('en cas de', 'dans le cas d''), and what continues
# its list after a comma (since 2.10.0: 'En cas d'embauche …, d'une action …, ou de …'); NORM
# writes every apostrophe "'", and 'du' / 'des' may open a subject instead (DE_FORMS has them).
NOUN_CONDITION_ENDS = frozenset(["de", "d'"])
# Conjunctions that open a clause after a comma (not a list item).
CLAUSE_WORDS = frozenset("si lorsque quand lorsqu' s'il s'ils et ou mais dès afin puis alors".split())
# What a text does to quoted words it deletes or replaces (since 2.3.0).
REMOVAL_WORDS = frozenset(
    f"{stem}{end}" for stem in ("supprimé", "remplacé", "abrogé") for end in ("", "e", "s", "es")
)
# What a text says of quoted words that it defines rather than amends (since 2.5.0: 'les termes
# “ convention de branche ” désignent …').
DEFINING_WORDS = frozenset(
    f"{stem}{end}" for stem in ("désigne", "entend", "signifie", "recouvre", "vise") for end in ("", "nt")
)
# 'sauf si A ou si B': how far the second 'si' may be from the first (tokens), and the last
# words of an exception cue that make it a condition ('sauf si', 'sauf lorsque').
COORDINATED_EXCEPTION = 30
CONDITION_WORDS = frozenset("si s'il s'ils lorsque lorsqu' quand".split())
# Words before a quoted heading: 'l'article 2.5 « Absences pour raisons syndicales »' names the
# article by its title; the passage is no amendment text (since 2.3.0).
HEADINGS = frozenset(
    "article articles titre chapitre section sous-section annexe partie paragraphe rubrique".split()
)
NEW_HEADING = frozenset("un une nouveau nouvel nouvelle nouveaux nouvelles".split())
ROMAN = re.compile(r"[ivxlc]+", re.I)
# Determiners of negation that two coordinated nouns may share ('Aucun dépôt ou retrait', 2.5.0).
NEGATIVE_DETERMINERS = frozenset("aucun aucune nul nulle".split())
# The partitive after a negation: 'n'a pas de délégué syndical' denies a person too (2.3.0).
PARTITIVE = frozenset(["de", "d'"])
# Function words of the scope rules (grammar, not vocabulary).
DE_FORMS = frozenset(["de", "du", "des", "d'"])
DETERMINERS = frozenset(
    "le la les l' un une du des au aux son sa ses leur leurs ce cet cette ces notre nos votre vos "
    "tout toute tous toutes ledit ladite lesdits lesdites".split()
)
PREPOSITIONS = frozenset(
    "de du des d' à au aux par pour sur avec dans en entre envers auprès vers contre chez selon "
    "sans sous".split()
)
OPENING_BRACKET, CLOSING_BRACKET = "(", ")"
# An incise inside a condition (since 2.8.0): at most this many words between its commas, and the
# words that resume the clause after it (the complement of the word before the incise).
INNER_INCISE = 20
INCISE_RESUMES = frozenset(["à", "au", "aux"])
# Since 2.6.0: a cue that reaches at most this many words qualifies the words next to it (a
# noun, its subject); it opens no clause ('situé hors du département où réside …' does not end
# the condition of a 'si' before it).
NEAR_SCOPE = 4
# The preposition of an indirect object or of a noun's complement (2.6.0): after a denied
# noun or a denied verb's direct object, 'à' opens a complement that is not denied ('Aucune
# notification au salarié', 'ne transmet pas les justificatifs à la commission paritaire');
# not after a noun whose complement is what is denied ('aucun droit à l'allocation').
A_FORMS = frozenset(["à", "au", "aux", "en"])
RIGHT_NOUNS = frozenset("droit droits accès recours".split())
INFINITIVE = re.compile(r"(er|ir|oir|dre|uire)$")
# A negation that ends with one of these governs a noun (aucun X, pas de X; 'sans' may govern
# an infinitive: 'sans recourir à l'aide sociale').
NOMINAL_ENDS = frozenset([*NEGATIVE_DETERMINERS, *DE_FORMS])
# Copulas: the attribute of a negated copula is denied even when it names persons ('lorsqu'ils
# ne sont pas assurés sociaux', since 2.6.0).
COPULAS = frozenset("est sont était étaient sera seront serait seraient soit soient".split())
# 'ne … sans X' (since 2.6.0): a double negation makes X a requirement ('ne peut pas acheter un
# animal sans le consentement de ses parents'); how far back the 'ne' is looked for (words),
# and what ends the search (a new clause).
DOUBLE_NEGATION_REACH = 15
DOUBLE_NEGATION_STOPS = frozenset(
    [".", ";", ",", ":", "(", ")", "et", "qui", "dont", "lorsque", "lorsqu'", "si", "s'il", "s'ils", "mais"]
)
# The words that make the pair (ne, n', since 2.7.0 a prohibition: 'La pratique est interdite sur
# un mineur sans le consentement écrit …') are the `double_negation_after` option of the cues
# that can be its second negation (neg.sans, neg.sans_avoir), since 2.8.0.


class ContextQualifier(LexiconComponent):
    """Set ``span._.isic_context`` on every mention of ``doc.spans[spans_key]``.

    Example:
        >>> import isic_nlp
        >>> nlp = isic_nlp.load("fast")
        >>> doc = nlp("Sauf dérogation au projet personnalisé, l'aide est versée.")
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
        self._hyphen = strings.add("-")
        self._clause_pos = numpy.array(
            [strings.add(p) for p in ("CCONJ", "SCONJ")], dtype="uint64"
        )

    def set_lexicons(self, lexicons: list[Lexicon]) -> None:
        """Compile the lexicons, except the ``actor`` words: they are looked up in
        the mentions (a set of NORM values), not matched in every sentence."""
        self.lexicons = list(lexicons)
        matched = [
            dataclasses.replace(lexicon, entries=tuple(e for e in lexicon.entries if e.label != ACTOR_LABEL))
            for lexicon in self.lexicons
        ]
        self.compiled = CompiledLexicons(self.nlp, matched, self._lemmatise)
        self.on_lexicons_changed()

    def on_lexicons_changed(self) -> None:
        strings = self.nlp.vocab.strings
        self._actors = frozenset(
            strings.add(normal_form(phrase)[0])
            for lexicon in self.lexicons
            for entry in lexicon.entries
            if entry.label == ACTOR_LABEL
            for phrase in entry.phrases
        )
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
        for lexicon in self.lexicons:
            for entry in lexicon.entries:
                extra = [label for label in entry.also if label not in CONTEXT_FLAGS]
                if extra:
                    raise IsicError(
                        Errors.E313.format(
                            entry=entry.id, file=lexicon.file, line=entry.line,
                            labels=", ".join(extra), known=", ".join(CONTEXT_FLAGS),
                        )
                    )

    def __call__(self, doc: Doc) -> Doc:
        compiled = self.check_ready()
        mentions = doc.spans[self.spans_key] if self.spans_key in doc.spans else []
        if not len(mentions):
            return doc
        # From the arrays: Doc.has_annotation creates a Token per token.
        sent_starts = doc.to_array(SENT_START)
        has_sents = bool((sent_starts[1:] != 0).any())
        passages = _quoted_passages(doc, *self._quote_orths)
        # Cues are only looked for where they can matter: the sentences of the
        # mentions, and just before and after a quoted passage that holds a mention.
        sents = _sentences(doc, mentions, sent_starts) if has_sents else [doc[:]] * len(mentions)
        windows = {(s.start, s.end) for s in sents}
        held = []
        for begin, end in passages:
            if any(begin <= m.start < end for m in mentions):
                held.append((begin, end))
                # Before the passage (its cue) and its first words ('" 7° De …', a paragraph label).
                windows.add((max(0, begin - QUOTATION_LOOKBACK), min(len(doc), begin + PASSAGE_HEAD)))
                if end < len(doc):
                    windows.add((end, min(len(doc), end + AFTER_PASSAGE)))
        cues: list[Match] = []
        # Where scopes end: "termination" ends all of them, a boundary label
        # only those of the cues that stop at it; (start, end) of each boundary.
        stops: dict[str, list[tuple[int, int]]] = {"termination": []}
        quotation_cues: list[Match] = []
        adverbials: list[tuple[int, int]] = []
        merged = _merge(windows)
        if doc.user_data.get(COUNTS_KEY, {}).get("hyphenation"):
            # Words cut at a line end are only rejoined on a whole Doc.
            starts = [start for start, _ in merged]
            found = [
                m for m in compiled(doc)
                if (i := bisect.bisect_right(starts, m.start) - 1) >= 0 and m.end <= merged[i][1]
            ]
        else:
            found = compiled.in_windows(doc, merged)
        for match in found:
            label = match.entry.label
            if label == "termination" or label in self._boundaries:
                stops.setdefault(label, []).append((match.start, match.end))
            elif label == "quotation":
                quotation_cues.append(match)
            elif label == ADVERBIAL_LABEL:
                adverbials.append((match.start, match.end))
            elif label != "pseudo":
                cues.append(match)
                if label in CLAUSE_OPENERS and CLAUSE_LABEL in self._boundaries and self._opens_clause(match):
                    # "si", "lorsque", "sauf" ... open a new clause.
                    stops.setdefault(CLAUSE_LABEL, []).append((match.start, match.start + 1))
        if cues and CLAUSE_LABEL in self._boundaries:
            stops.setdefault(CLAUSE_LABEL, []).extend(
                (i, i + 1) for i in self._clause_starts(doc, merged)
            )
        if PAUSE_LABEL in self._boundaries:
            # A hyphen followed by a space is a dash (" - "); inside a word it is no pause.
            orths = doc.to_array(ORTH)
            dashes = numpy.flatnonzero(orths == self._hyphen)
            if len(dashes):
                stops.setdefault(PAUSE_LABEL, []).extend(
                    (i, i + 1) for i in dashes.tolist() if doc[i].whitespace_
                )
        for positions in stops.values():
            positions.sort()
        norms = _Norms(doc)
        if stops.get(PAUSE_LABEL):
            # 2.5.0: the bracket of a glued plural mark closes no aside ('salarié(s) mandaté(s)'
            # are two words: the tokenizer leaves the opening bracket inside them).
            stops[PAUSE_LABEL] = [
                (start, end) for start, end in stops[PAUSE_LABEL] if not _glued_bracket(norms, start)
            ]
        if cues:
            cues = _coordinated_exceptions(cues, norms, stops.get("termination", ()))
            doubled = [c for c in cues if _double_negation(c, norms)]
            if doubled:
                # The requirement is no object of the negated verb either: 'sans' opens a phrase.
                cues = [c for c in cues if c not in doubled]
                stops.setdefault(PHRASE_LABEL, []).extend((c.start, c.end) for c in doubled)
                stops[PHRASE_LABEL].sort()
        regions = _introduced(doc, passages, quotation_cues, self._scope, norms) if quotation_cues else []
        region_starts = [start for start, _, _ in regions]
        after = self._after_passages(held, cues) if held and cues else []
        exceptions = sorted(
            c.start for c in cues if c.entry.label == "exception" and self._opens_clause(c)
        )
        scope = None
        if cues:
            scope = _Scope(stops, norms, self._actors, passages, exceptions)
            scope.removed = _removed_passages(held, norms)
            scope.adverbial = _adverbial_tokens(adverbials)
        for span, sent in zip(mentions, sents):
            flags: dict[str, tuple[str, str]] = {}
            if cues:
                governing = self._governing_cues(span, sent, cues, scope)
                for flag, cue in governing.items():
                    flags[flag] = (doc[cue.start : cue.end].text, cue.entry.id)
                for cue in governing.values():
                    # 2.8.0: 'sauf si', 'à moins que' (entry option 'also'): an exception that
                    # is a condition too; a cue of the flag itself nearer the mention wins.
                    for label in cue.entry.also:
                        flags.setdefault(label, (doc[cue.start : cue.end].text, cue.entry.id))
            for begin, end, cue in after:
                if begin <= span.start < end:
                    flags.setdefault(cue.entry.label, (doc[cue.start : cue.end].text, cue.entry.id))
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

    def _opens_clause(self, cue: Match) -> bool:
        """Whether a hypothesis or exception cue opens a clause: not one that qualifies the
        word next to it or its subject (backward, or a scope of at most one word: 'il ne lui
        est pas possible d'obtenir une pension', 'Discrimination suspectée'; since 2.6.0 at
        most ``NEAR_SCOPE`` words: 'situé hors du département où réside …'; since 2.10.0 not an
        entry with ``in_clause``: 'En cas de licenciement pour un motif autre qu'une faute grave'
        stays in its condition)."""
        direction, max_scope = self._scope(cue)
        return direction != "backward" and max_scope > NEAR_SCOPE and not cue.entry.in_clause

    def _stop_at(self, cue: Match) -> tuple[str, ...]:
        """The labels whose cues end this cue's scope (termination always does)."""
        stop_at = cue.entry.stop_at
        if stop_at is None:
            stop_at = self._defaults[cue.entry.label][2]
        return ("termination", *stop_at)

    def _after_passages(
        self, held: list[tuple[int, int]], cues: list[Match]
    ) -> list[tuple[int, int, Match]]:
        """Passages that a backward cue right after them governs (*« … » sont supprimés*)."""
        out = []
        for begin, end in held:
            for cue in cues:
                if end <= cue.start <= end + AFTER_PASSAGE_GAP and self._scope(cue)[0] in (
                    "backward",
                    "both",
                ):
                    out.append((begin, end, cue))
        return out

    def _clause_starts(self, doc: Doc, windows: list[tuple[int, int]]) -> list[int]:
        """Conjunctions and relative pronouns, from the part-of-speech tags (none without a tagger)."""
        pos = doc.to_array(POS)
        if not pos.any():
            return []
        out = numpy.flatnonzero(numpy.isin(pos, self._clause_pos)).tolist()
        pron = doc.vocab.strings["PRON"]
        for start, end in windows:
            for i in numpy.flatnonzero(pos[start:end] == pron).tolist():
                if "Rel" in doc[start + i].morph.get("PronType"):
                    out.append(start + i)
        return out

    def _governing_cues(
        self, span: Span, sent: Span, cues: list[Match], scope: "_Scope"
    ) -> dict[str, Match]:
        """The nearest governing cue of each flag, within the sentence."""
        best: dict[str, tuple[int, Match]] = {}
        for cue in cues:
            if cue.start < sent.start or cue.end > sent.end:
                continue
            if scope.removed and scope.in_removed(cue, span):
                continue  # 'les mots : « … lorsqu'elles … » sont remplacés': words that go
            if cue.start < span.start and span.end <= cue.end:
                # Inside a negation (since 2.3.0): the negated verb itself, 'n'ouvrent droit à
                # aucun complément' (not a person: 'ne vous est pas').
                if cue.entry.label == "negation" and not scope.inside_actor(span):
                    best["negation"] = (0, cue)
                continue
            direction, max_scope = self._scope(cue)
            forward = cue.end <= span.start
            if cue.start < span.start and span.end < cue.end and cue.entry.label in WITHIN_LABELS:
                best.setdefault(cue.entry.label, (0, cue))
                continue
            if forward and direction in ("forward", "both"):
                gap = (cue.end, span.start)
            elif cue.start >= span.end and direction in ("backward", "both"):
                gap = (span.end, cue.start)
                if cue.entry.subject_past_reference and scope.reference(*gap):
                    gap = (cue.start, cue.start)  # 'Le droit … mentionné à l'article 21 ne s'applique'
            else:
                continue
            # White space and an incise right after the cue do not count in the distance.
            distance = scope.words(*gap) - (scope.incise_length(cue) if forward else 0)
            if scope.adverbial:
                distance -= sum(1 for i in range(*gap) if i in scope.adverbial)
            if distance > max_scope:
                continue
            stop_at = self._stop_at(cue)
            if scope.blocked(cue, span, gap, forward, stop_at, sent.start):
                continue
            flag = cue.entry.label
            if flag == "abrogation" and scope.conditional(cue, cues, sent.start):
                flag = "negation"  # a repeal is never conditional: a benefit that stops in a case
            if flag not in best or distance < best[flag][0]:
                best[flag] = (distance, cue)
        return {flag: cue for flag, (_, cue) in best.items()}


class _Norms:
    """The normalised form of a Doc's tokens, read on demand (``None`` out of the Doc).

    White-space tokens (a double or no-break space, a line break inside a
    term) are skipped: ``before``/``after`` give the nearest word, ``words``
    counts words only.
    """

    def __init__(self, doc: Doc):
        self._doc = doc
        self._norms = doc.to_array(NORM)
        self._strings = doc.vocab.strings
        spaces = doc.to_array(IS_SPACE).astype(bool)
        self.cuts: dict[int, int] = {}
        if doc.user_data.get(COUNTS_KEY, {}).get("hyphenation"):
            self.cuts = dict(line_end_hyphens(doc))
            for second in self.cuts.values():
                spaces[second] = True  # "partici-" / "pation" is one word
        self._spaces = numpy.concatenate(([0], numpy.cumsum(spaces))) if spaces.any() else None

    def get(self, i: int) -> str | None:
        if 0 <= i < len(self._norms):
            return self._strings[int(self._norms[i])]
        return None

    def text(self, i: int) -> str:
        """The token's own text (its case: a roman numeral in capitals)."""
        return self._doc[i].text

    def holds(self, low: int, high: int, values: frozenset) -> bool:
        """Whether a token of [low, high) has its NORM in ``values``."""
        if any(int(v) in values for v in self._norms[low:high]):
            return True
        return any(
            self._strings.add(self.get(i)[:-1] + self.get(second)) in values
            for i, second in self.cuts.items()
            if low <= i < high
        )

    def is_space(self, i: int) -> bool:
        return self._spaces is not None and 0 <= i < len(self._norms) and self._spaces[i + 1] > self._spaces[i]

    def words(self, low: int, high: int) -> int:
        """How many tokens of [low, high) are not white space."""
        if self._spaces is None or high <= low:
            return max(0, high - low)
        return high - low - int(self._spaces[high] - self._spaces[low])

    def before(self, i: int) -> int:
        """The nearest word before token i (may be -1)."""
        i -= 1
        while self.is_space(i):
            i -= 1
        return i

    def after(self, i: int) -> int:
        """The nearest word after token i (may be past the end)."""
        i += 1
        while self.is_space(i):
            i += 1
        return i


class _Scope:
    """The boundaries of one Doc, and the scope rules that read its words."""

    def __init__(
        self,
        stops: dict[str, list[tuple[int, int]]],
        norms: _Norms,
        actors: frozenset,
        passages: list[tuple[int, int]] = (),
        exceptions: list[int] = (),
    ):
        self.passages = passages
        # Quoted words that the text deletes or replaces (since 2.3.0).
        self.removed: list[tuple[int, int]] = []
        # Tokens of set adverbial phrases ('de ce fait'): no boundary, no word of the scope (2.5.0).
        self.adverbial: frozenset[int] = frozenset()
        # Where exception cues start: they end a condition's scope (since 2.3.0).
        self.exceptions = exceptions
        self.stops = stops
        self.norms = norms
        self.actors = actors
        self.pauses = [start for start, _ in stops.get(PAUSE_LABEL, ())]
        self.opening = [i for i in self.pauses if norms.get(i) == OPENING_BRACKET]
        self.closing = [i for i in self.pauses if norms.get(i) == CLOSING_BRACKET]

    def words(self, low: int, high: int) -> int:
        return self.norms.words(low, high)

    def conditional(self, cue: Match, cues: list[Match], sent_start: int) -> bool:
        """Whether a condition cue (si, lorsque, en cas de …) precedes ``cue`` in its sentence,
        outside quoted text: since 2.3.0 'Lorsque le demandeur d'emploi refuse …, le revenu de
        remplacement … sont supprimés' stops a benefit in a case, it repeals nothing."""
        return any(
            other.entry.label == "hypothesis"
            and sent_start <= other.start < cue.start
            and not any(begin <= other.start < end for begin, end in self.passages)
            for other in cues
        )

    def blocked(
        self, cue: Match, span: Span, gap: tuple[int, int], forward: bool, stop_at, sent_start: int
    ) -> bool:
        """Whether something between the cue and the mention ends the cue's scope."""
        low, high = gap
        incise = forward and self._incise(cue)
        for label in stop_at:
            if label in SPECIAL_STOPS:
                continue
            for start, end in self.stops.get(label, ()):
                if start >= high:
                    if label == PHRASE_LABEL and forward and start == high and self.words(low, high):
                        return True  # 2.5.0: 'Faute de paiement par les intéressés': an agent
                    break
                # A boundary that runs into the mention counts up to its first
                # token: "au projet du salarié" is another noun's complement.
                if start >= low and end <= high + 1:
                    if start in self.adverbial:
                        continue  # 'par ailleurs', 'pour autant': no preposition of a complement
                    if incise and label == PAUSE_LABEL and start <= incise:
                        continue
                    if label == PAUSE_LABEL and forward and start == cue.end and self._set_off(cue, sent_start):
                        continue  # 2.8.0: ', le cas échéant, à l'usager': the cue's own incise
                    if label == PAUSE_LABEL and forward and _conditional(cue) and self._inner_incise(start, cue):
                        continue  # 2.8.0: 'En cas de renonciation, par le salarié, à des jours de repos'
                    if label == PAUSE_LABEL and self._in_aside(start, low):
                        continue
                    if label == PAUSE_LABEL and cue.entry.label == "exception" and not cue.entry.in_clause and self._list_goes_on(start):
                        continue  # 2.10.0: not an exception inside its clause ('une langue autre que le français, activités')
                    if label == PAUSE_LABEL and forward and self._condition_list_goes_on(cue, start):
                        continue  # 2.10.0: 'En cas d'embauche …, d'une action …, ou de cette période'
                    if label == CLAUSE_LABEL and not forward and self.norms.get(start) in COORDINATORS:
                        continue  # coordinated subjects: 'L'article 20 … et le protocole … sont abrogés'
                    if label == CLAUSE_LABEL and forward and self._coordinated_noun(cue, start):
                        continue  # 'À défaut de convention ou d'accord collectif': both are absent
                    return True
        if ACTOR_LABEL in stop_at and not (forward and self._partitive(low, high)):
            if not (forward and self._attribute(cue, low, high)) and self._actor(
                span, forward and self.words(low, high) == 0
            ):
                return True
        if forward and cue.entry.label == "negation" and self._indirect_complement(cue, span, low):
            return True
        if forward and cue.entry.finite_verbs and self.norms.get(span.start) in cue.entry.finite_verbs:
            return True  # 2.10.0 (an entry option since 2.10.1): 'les personnes sans activité professionnelle ont droit à'
        if PHRASE_LABEL in stop_at and forward and self._noun_complement(low, high, self.norms.get(cue.end - 1)):
            return True
        if forward and cue.entry.label == "hypothesis" and self._holds(self.exceptions, low, high):
            return True  # 'Dans le cas d'un licenciement sauf en cas de faute grave': the exception's
        if SUBJECT_LABEL in stop_at and not forward:
            if self.norms.words(low, high) > SUBJECT_GAP or self._complement(span, sent_start):
                return True
        return self._bracketed(cue, gap, forward)

    def reference(self, low: int, high: int) -> bool:
        """Whether tokens [low, high) are a reference to a text after a subject, which keeps it the
        subject of a cue with ``subject_past_reference`` after it ('Le droit d'opposition mentionné
        à l'article 21 du même règlement ne s'applique pas', since 2.7.0): a participle of
        reference, then only words of a reference (article, alinéa, du même code …) and numbers."""
        words = [self.norms.get(i) for i in range(low, high) if not self.norms.is_space(i)]
        if len(words) < 2 or words[0] not in REFERENCE_PARTICIPLES:
            return False
        return all(
            word in REFERENCE_WORDS or any(c.isdigit() for c in word) or REFERENCE_LETTER.match(word)
            for word in words[1:]
        )

    def _attribute(self, cue: Match, low: int, high: int) -> bool:
        """Whether the mention is the attribute of a negated copula, right after it: denied even
        when it names persons ('lorsqu'ils ne sont pas assurés sociaux', since 2.6.0)."""
        return self.words(low, high) == 0 and any(
            self.norms.get(i) in COPULAS for i in range(cue.start, cue.end)
        )

    def _indirect_complement(self, cue: Match, span: Span, low: int) -> bool:
        """Whether a forward negation reaches the mention through 'à' after a noun: the
        complement of a denied noun ('Aucune notification au salarié n'est nécessaire',
        'aucun délai n'est imposé au salarié', 'En l'absence de réponse à sa demande') or the
        indirect object after a denied verb's direct object ('ne transmet pas les justificatifs
        à la commission paritaire'). After a negated verb, only when a determiner opens a noun
        before the 'à' ('ne peut prétendre à l'allocation' is denied); never after droit /
        accès / recours or a noun whose complement is what is denied ('aucun droit à
        l'allocation'). Since 2.6.0."""
        norms = self.norms
        at = span.start
        if norms.get(at) not in A_FORMS:
            at = norms.before(span.start)
            if norms.get(at) in DETERMINERS and norms.get(at) not in A_FORMS:
                at = norms.before(at)
            if at < low or norms.get(at) not in A_FORMS:
                return False
        words = [i for i in range(low, at) if not norms.is_space(i) and i not in self.adverbial]
        if not words:
            return False
        if any(norms.get(i) in RIGHT_NOUNS or norms.get(i) in LIGHT_NOUNS for i in words):
            return False
        if norms.get(cue.end - 1) in NOMINAL_ENDS or (
            norms.get(cue.end - 1) == "sans" and not INFINITIVE.search(norms.get(words[0]) or "")
        ):
            return True  # a denied noun ('sans activité en parcours d'insertion'), not a verb
        return any(norms.get(i) in DETERMINERS for i in words[:-1])

    def in_removed(self, cue: Match, span: Span) -> bool:
        """Whether the cue and the mention are both inside quoted words that the text deletes
        or replaces: those words are no longer the law's, their negations and conditions
        qualify nothing (since 2.3.0)."""
        return any(
            begin <= cue.start < end and begin <= span.start < end for begin, end in self.removed
        )

    def inside_actor(self, span: Span) -> bool:
        """Whether a mention inside a negation cue is a person."""
        return self._actor(span, False)

    def _condition_list_goes_on(self, cue: Match, i: int) -> bool:
        """Whether the comma at i continues the list of a condition that ends with 'de' ('en cas
        de', 'dans le cas de'): the next word, or the one after 'et' / 'ou', is 'de' or 'd''
        ('En cas d'embauche à l'issue de cette période, d'une action concourant à son insertion
        professionnelle, ou de cette période d'essai, le contrat est rompu'). Not a condition set
        off by a comma before it, whose comma closes the incise ('vous bénéficiez, pendant 1 an, en
        cas de maladie ou de maternité, d'indemnités journalières'). Since 2.10.0."""
        norms = self.norms
        if not _conditional(cue) or norms.get(cue.end - 1) not in NOUN_CONDITION_ENDS:
            return False
        if self._holds(self.pauses, norms.before(cue.start), cue.start):
            return False
        if norms.get(i) != ",":
            return False
        at = norms.after(i)
        if norms.get(at) in COORDINATORS:
            at = norms.after(at)
        return norms.get(at) in NOUN_CONDITION_ENDS

    def _list_goes_on(self, i: int) -> bool:
        """Whether the comma at i continues an exception's list rather than open the main clause:
        the next word is no determiner nor subject pronoun ('sauf convention, accord collectif
        d'entreprise …'; not 'Sauf dispositions …, les demandes', '…, vous devrez payer')."""
        norms = self.norms
        if norms.get(i) != ",":
            return False
        word = norms.get(norms.after(i))
        if word in DE_FORMS:
            return True
        return bool(word) and word.isalpha() and not (
            word in DETERMINERS or word in SUBJECT_PRONOUNS or word in PREPOSITIONS or word in CLAUSE_WORDS
        )

    def _actor(self, span: Span, adjacent: bool) -> bool:
        """Whether the mention is a person: its first word past prepositions and determiners
        is an ``actor`` word ('le salarié', 'au salarié', 'vous'; not 'l'allocation de
        solidarité aux personnes âgées', since 2.2.0). A clitic right after a forward cue
        opens the negated verb itself ('ne peut pas vous demander'): no actor."""
        norms = self.norms
        for i in range(span.start, span.end):
            norm = norms.get(i)
            if norms.is_space(i) or norm in PREPOSITIONS or norm in DETERMINERS:
                continue
            if adjacent and norm in CLITICS and span.end - i > 1:
                return False
            return norms.holds(i, i + 1, self.actors) or (
                i in norms.cuts and norms.holds(i, norms.cuts[i] + 1, self.actors)
            )
        return False

    def _partitive(self, low: int, high: int) -> bool:
        """Whether the only word between a negation and the mention is the partitive de / d'
        ('l'employeur qui n'a pas de délégué syndical': the person is absent, since 2.3.0)."""
        words = [i for i in range(low, high) if not self.norms.is_space(i)]
        return len(words) == 1 and self.norms.get(words[0]) in PARTITIVE

    def incise_length(self, cue: Match) -> int:
        """Tokens of an incise that opens right after the cue (0 if none)."""
        end = self._incise(cue)
        return end - cue.end + 1 if end is not None else 0

    def _incise(self, cue: Match) -> int | None:
        """The closing pause of an incise that opens right after the cue, if any."""
        i = bisect.bisect_left(self.pauses, cue.end)
        if i == len(self.pauses) or self.pauses[i] != cue.end:
            return None
        after_pause = self._holds(self.pauses, cue.start - 1, cue.start)
        if after_pause and self.norms.get(cue.end - 1) not in CONDITION_WORDS:
            # The cue is itself between pauses: "ainsi que, le cas échéant, des ..."; not a
            # conjunction, whose clause follows the incise (2.5.0: "l'assuré, lorsque, en raison
            # de la stabilisation de son état de santé, celui-ci ne peut plus prétendre ...").
            return None
        return self.pauses[i + 1] if i + 1 < len(self.pauses) else None

    def _inner_incise(self, i: int, cue: Match) -> bool:
        """Whether the comma at i opens or closes an incise inside a condition, after its cue: a
        phrase that a preposition other than de opens, between two commas, after which the clause
        goes on with the complement of the word before the incise (à, au, aux: 'Lorsque la mission
        vise, en application d'un accord de branche étendu, à favoriser …', 'En cas de renonciation,
        par le salarié, à des jours de repos …'), since 2.8.0. After a condition, a main clause
        opens with a subject, not with such a complement ('Si …, à compter de cette date, le
        salarié …'); 'des' / 'de' after the incise may open the subject ('…, dans un premier temps,
        des échanges sont organisés') or the next item of a list ('ou en cas d'absence de réponse,
        de la date d'expiration du délai prévu au a, au terme duquel'). Since 2.10.0 also an
        agent set off after a noun of action, then its object with de / d' ('subordonnée à la
        détention, par le travailleur, d'une attestation')."""
        norms = self.norms
        if norms.get(i) != ",":
            return False
        k = bisect.bisect_left(self.pauses, i)
        pairs = []
        if k + 1 < len(self.pauses):
            pairs.append((i, self.pauses[k + 1]))
        if k > 0:
            pairs.append((self.pauses[k - 1], i))
        return any(
            opening >= cue.end and norms.get(opening) == "," and norms.get(closing) == ","
            and norms.get(norms.after(opening)) in PREPOSITIONS
            and norms.get(norms.after(opening)) not in DE_FORMS
            and (
                norms.get(norms.after(closing)) in INCISE_RESUMES
                or (norms.get(norms.after(opening)) == "par" and norms.get(norms.after(closing)) in NOUN_CONDITION_ENDS)
            )
            and norms.words(opening, closing) <= INNER_INCISE
            for opening, closing in pairs
        )

    def _set_off(self, cue: Match, sent_start: int) -> bool:
        """Whether a whole adverbial condition (entry option ``adverbial_condition``: *le cas
        échéant*, *s'il y a lieu*, *si besoin est*) is set off by a pause or heads its sentence (at most
        a list label before it): ', le cas échéant, à l'usager …', '9° S'il y a lieu, la mention
        …'. The pause right after it closes its own incise, and its scope runs on past it to the
        next pause (since 2.8.0)."""
        if not cue.entry.adverbial_condition:
            return False
        return self._holds(self.pauses, cue.start - 1, cue.start) or self._list_label(sent_start, cue.start)

    def _list_label(self, low: int, high: int) -> bool:
        """Whether tokens [low, high) are nothing or a list label ('8°', 'a)', 'II.-', '–'): no
        word but a single letter or a roman numeral written in capitals."""
        words = [self.norms.text(i) for i in range(low, high) if not self.norms.is_space(i)]
        return len(words) <= 4 and all(
            not any(c.isalpha() for c in w) or len(w.strip(".)-")) == 1 or (w.isupper() and ROMAN.fullmatch(w.strip(".-")))
            for w in words
        )

    def _in_aside(self, i: int, low: int) -> bool:
        """Whether pause i is a bracket, or inside brackets, that open after ``low`` (since
        2.2.0 an aside does not end a scope: 'Lorsque le comité social et économique (CSE)
        n'a pas été mis en place', 'Si je perçois d'autres allocations (par exemple : …')."""
        k = bisect.bisect_right(self.opening, i) - 1
        if k < 0 or self.opening[k] < low:
            return False
        closed = bisect.bisect_left(self.closing, self.opening[k])
        # the bracket that opened last before i is still open at i (or i closes it)
        return closed == len(self.closing) or self.closing[closed] >= i

    def _noun_complement(self, low: int, high: int, cue_end: str | None = None) -> bool:
        """A determiner, one or two words and de/du/des/d' between the cue and the mention; or
        (since 2.3.0) the partitive, one or two words and any preposition: the complement of
        an absent thing ('n'envoie pas de représentant habilité à la commission mixte
        paritaire', 'ne prévoit pas de dispositions spécifiques aux bénéficiaires'). Since
        2.4.0 a de/d' right after the cue is the partitive article of a negation ('n'y a pas
        d'amélioration de la cohésion sociale'), and a cue that ends with one (``cue_end``)
        is the determiner itself ('absence de réponse de sa part')."""
        norms = self.norms
        # (an adverbial phrase that opens the mention is still its words: 'la dissolution de
        # plein droit')
        skip = self.adverbial
        words = [i for i in range(low, high + 1) if not norms.is_space(i) and not (i < high and i in skip)]
        if words and norms.get(words[0]) in PARTITIVE:
            if any(k < len(words) and norms.get(words[k]) in PREPOSITIONS for k in (2, 3)):
                return True
        for k in range(1, len(words)):
            if norms.get(words[k]) not in DE_FORMS:
                continue
            if norms.get(words[k - 1]) in COORDINATORS:
                continue  # 'convention ou d'accord': a second noun of the cue, no complement
            if k <= 2 and (cue_end in NEGATIVE_DETERMINERS or cue_end in DETERMINERS):
                # 2.6.0: the cue ends with the determiner ('Aucune condition d'ancienneté du
                # salarié', 'suspend les délais du recours contentieux')
                if not any(norms.get(words[n]) in LIGHT_NOUNS for n in range(k)):
                    return True
            if k <= 2 and cue_end in DE_FORMS:
                if not any(norms.get(words[n]) in LIGHT_NOUNS for n in range(k)):
                    return True
            for j in (k - 2, k - 3):
                if j >= 0 and (norms.get(words[j]) in DETERMINERS or (j == 0 and norms.get(words[0]) in DE_FORMS)):
                    if not any(norms.get(words[n]) in LIGHT_NOUNS for n in range(j + 1, k)):
                        return True
        return False

    def _coordinated_noun(self, cue: Match, at: int) -> bool:
        """Whether the coordinator at ``at`` joins a second noun to a cue that ends with de
        ('à défaut de convention ou d'accord collectif', 'en l'absence de délégué syndical
        ou de comité social et économique'): et / ou / ni followed by de, d', du or des.
        Since 2.5.0 also a determiner of negation (aucun, aucune, nul, nulle) shared by two
        nouns: et / ou right after the first noun, followed by a bare word ('Aucun dépôt ou
        retrait individuel de candidature'; not 'aucun recours et le délai', 'aucune aide ou
        ne peut')."""
        norms = self.norms
        word = norms.get(at)
        if word not in (*COORDINATORS, "ni"):
            return False
        last = norms.get(cue.end - 1)
        following = norms.get(norms.after(at))
        if last in DE_FORMS:
            return following in DE_FORMS
        if last not in NEGATIVE_DETERMINERS or word == "ni":
            return False
        if norms.before(at) != norms.after(cue.end - 1):
            return False  # one noun between the determiner and the coordinator
        return bool(following) and following.isalpha() and not (
            following in DETERMINERS or following in PREPOSITIONS or following in SUBJECT_PRONOUNS
            or following in CLAUSE_WORDS or following in ("ne", "n'")
        )

    def _complement(self, span: Span, sent_start: int) -> bool:
        """Whether the mention is introduced by a preposition (not the subject)."""
        norms = self.norms
        if norms.get(span.start) in PREPOSITIONS:
            return True
        i = norms.before(span.start)
        if norms.get(i) in DETERMINERS and norms.get(i) not in PREPOSITIONS:
            i = norms.before(i)
        return i >= sent_start and norms.get(i) in PREPOSITIONS

    def _bracketed(self, cue: Match, gap: tuple[int, int], forward: bool) -> bool:
        """A cue inside brackets stops at the closing one (and does not reach before the opening one)."""
        if not self.opening:
            return False
        i = bisect.bisect_left(self.opening, cue.start) - 1
        if i < 0:
            return False
        opened = self.opening[i]
        if self._holds(self.closing, opened, cue.start):
            return False
        if forward:
            return self._holds(self.closing, gap[0], gap[1])
        return opened >= gap[0]

    @staticmethod
    def _holds(positions: list[int], low: int, high: int) -> bool:
        """Whether a sorted list has a position in [low, high)."""
        i = bisect.bisect_left(positions, low)
        return i < len(positions) and positions[i] < high


def _sentences(doc: Doc, mentions, sent_starts) -> list[Span]:
    """The sentence of each mention. A line break inside a term (*vie\nsociale*,
    *partici-\npation*) is no sentence end: the sentences that a mention
    straddles are read as one, for every mention in them. Read from the
    SENT_START array (``Span.sent`` walks token by token)."""
    starts = numpy.flatnonzero(sent_starts == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = starts[1:] + [len(doc)]
    ranges = []
    crossing = False
    for span in mentions:
        first = bisect.bisect_right(starts, span.start) - 1
        last = bisect.bisect_right(starts, span.end - 1) - 1
        crossing = crossing or last != first
        ranges.append((starts[first], ends[last]))
    if not crossing:
        return [doc[start:end] for start, end in ranges]
    joined: list[list[int]] = []
    for start, end in sorted(set(ranges)):
        if joined and start < joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    firsts = [start for start, _ in joined]
    return [doc[slice(*joined[bisect.bisect_right(firsts, start) - 1])] for start, _ in ranges]


def _quoted_passages(
    doc: Doc, opening: set[int], closing: set[int], straight: int
) -> list[tuple[int, int]]:
    """Token ranges of quoted passages: ``« … »``, ``“ … ”`` or ``" … "``.

    Legislative drafting opens every quoted paragraph with a quotation mark
    and closes only the last one, so a passage runs from an opening mark to
    the next closing one (or to the end of the text), and a mark that starts
    a line inside an open passage opens its next paragraph. Since 2.6.0 a
    ``«`` or ``“`` inside a line of an open passage opens a quotation within
    it (*« Article 7 … l'article 2.5 « Absences » est …*), whose closing mark
    does not end the passage; a new paragraph forgets an inner quotation left
    open. A straight ``"`` opens when no passage is open and closes one
    otherwise, unless it starts a line, or the passage opened with ``«`` or
    ``“`` (then straight marks pair within it). Read from the ORTH array:
    ``doc.text`` would rebuild the whole text.
    """
    orths = doc.to_array(ORTH)
    marks = numpy.flatnonzero(
        numpy.isin(orths, numpy.array([*opening, *closing, straight], dtype="uint64"))
    )
    if not len(marks):
        return []
    passages: list[tuple[int, int]] = []
    open_at = None
    inner = 0  # quotations open within the passage
    orths = orths.tolist()
    for i in marks.tolist():
        orth = orths[i]
        if open_at is None:
            if orth not in closing:
                open_at, inner = i, 0
            continue
        line_start = _line_start(doc, i)
        if orth in opening:
            inner = 0 if line_start else inner + 1  # the next paragraph, or a quotation within
            continue
        if orth == straight and (line_start or orths[open_at] != straight):
            continue
        if orth in closing and inner:
            inner -= 1
            continue
        passages.append((open_at, i + 1))
        open_at = None
    if open_at is not None:
        passages.append((open_at, len(doc)))
    return passages


def _introduced(
    doc: Doc, passages: list[tuple[int, int]], quotation_cues: list[Match], scope_of, norms: "_Norms"
) -> list[tuple[int, int, Match]]:
    """The passages that a quotation cue introduces, each with its cue: a cue before the
    passage, or one that starts at its opening mark (an amendment paragraph label, `" 7° …`)
    of a passage set out as a block, that starts a line (since 2.6.0: not a title quoted
    within a line, '… de la convention, titré « 1.6.1. Commission nationale … », est
    supprimé').
    Since 2.3.0 a passage right after a heading and its number is that heading's title, not
    amendment text ('Il est ajouté à l'article 2.5 « Absences pour raisons syndicales » …
    l'alinéa suivant :'); since 2.5.0 nor are words that the text defines ('les termes
    “ convention de branche ” désignent …')."""
    regions = []
    for begin, end in passages:
        if _defined(norms, end):
            continue
        title = _heading_title(norms, begin)
        for cue in quotation_cues:
            if (cue.start == begin and _line_start(doc, begin)) or (
                not title and cue.end <= begin and begin - cue.end <= scope_of(cue)[1]
            ):
                regions.append((begin, end, cue))
                break
    return regions


def _line_start(doc: Doc, i: int) -> bool:
    """Whether token ``i`` starts a line (a line break is a white-space token of its own)."""
    return i == 0 or (doc[i - 1].is_space and "\n" in doc[i - 1].text)


def _defined(norms: "_Norms", end: int) -> bool:
    """Whether the quoted passage that ends at ``end`` is words that the text defines: right
    after the closing mark, *désigne(nt)*, *s'entend(ent)*, *signifie(nt)* … (since 2.5.0)."""
    i = norms.after(end - 1)
    if norms.get(i) in ("s'", "se"):
        i = norms.after(i)
    return norms.get(i) in DEFINING_WORDS


def _removed_passages(held: list[tuple[int, int]], norms: "_Norms") -> list[tuple[int, int]]:
    """Quoted passages that the text deletes or replaces: right after the closing mark, *est /
    sont* and *supprimé(s)*, *remplacé(s)* or *abrogé(s)* (*les mots : « … » sont remplacés
    par*, *les termes « … » sont supprimés*)."""
    out = []
    for begin, end in held:
        i = norms.after(end - 1)  # the first word after the closing mark
        if norms.get(i) in ("est", "sont"):
            i += 1
        if norms.get(i) in REMOVAL_WORDS:
            out.append((begin, end))
    return out


def _double_negation(cue: Match, norms: "_Norms") -> bool:
    """Whether a cue with a ``double_negation_after`` option (*sans*, since 2.8.0 read from the
    lexicon) follows one of its words (*ne*, a prohibition) in its clause: 'ne … sans X' makes X a
    requirement, not an absence ('Un mineur ne peut pas acheter un animal sans le consentement
    de ses parents', 'ne peuvent faire l'objet d'une remise de dette ou de délais sans le
    consentement des créanciers', 'Nul ne peut … sans'; since 2.6.0), or a prohibition ('est
    interdite sur un mineur sans le consentement', since 2.7.0). Looked for up to
    ``DOUBLE_NEGATION_REACH`` words back, to a full stop, a semicolon, *et*, *mais*, a
    relative pronoun, a condition (a new clause: 'qui vit sans ressources') or a pause, unless
    the pause is right before *sans* ('ne peut, sans l'accord du salarié, …'; not 'ne sont pas
    des preuves loyales, tout comme les enregistrements sans consentement')."""
    words = cue.entry.double_negation_after
    if not words:
        return False
    i = cue.start
    for n in range(DOUBLE_NEGATION_REACH):
        i = norms.before(i)
        word = norms.get(i)
        if n == 0 and word == ",":
            continue
        if word is None or word in DOUBLE_NEGATION_STOPS:
            return False
        if word in words:
            return True
    return False


def _glued_bracket(norms: "_Norms", i: int) -> bool:
    """Whether token i is the closing bracket of a word that holds its opening one
    ('salarié(s', ')'; 'le(s', ')')."""
    word = norms.get(i - 1)
    return norms.get(i) == CLOSING_BRACKET and bool(word) and "(" in word and ")" not in word


def _adverbial_tokens(spans: list[tuple[int, int]]) -> frozenset[int]:
    """The tokens of the set adverbial phrases of a Doc (``adverbial`` entries, since 2.5.0)."""
    return frozenset(i for start, end in spans for i in range(start, end))


def _conditional(cue: Match) -> bool:
    """Whether a cue opens a condition: a hypothesis cue, or since 2.10.0 an unless clause
    that flags hypothesis too ('sauf si l'un d'eux demande, au plus tard deux mois avant …, au
    Comité d'ouvrir la négociation')."""
    return cue.entry.label == "hypothesis" or "hypothesis" in cue.entry.also


def _coordinated_exceptions(cues: list[Match], norms: "_Norms", terminations) -> list[Match]:
    """A condition coordinated with an exception's condition is part of the exception, since
    2.3.0: 'Sauf si un enfant est confié au service … ou s'il s'agit de prestations en
    espèces' ('sauf si A ou si B', 'sauf s'il … et si …': 27 in the corpora). The second
    'si' takes the entry of the first cue, unless a full stop or a termination (';',
    'mais' …) comes between them."""
    out = list(cues)
    for n, cue in enumerate(out):
        if cue.entry.label != "hypothesis" or norms.get(norms.before(cue.start)) not in COORDINATORS:
            continue
        for other in out[:n]:
            if (
                other.entry.label == "exception"
                and 0 < cue.start - other.end <= COORDINATED_EXCEPTION
                and norms.get(other.end - 1) in CONDITION_WORDS
                and not any(other.end <= t < cue.start for t, _ in terminations)
                and not any(norms.get(i) == "." for i in range(other.end, cue.start))
            ):
                out[n] = dataclasses.replace(cue, entry=other.entry)
    return out


def _heading_title(norms: "_Norms", begin: int) -> bool:
    """Whether the quoted passage opening at ``begin`` is the title of an existing heading,
    named after the heading word and its number ('à l'article 09.03.2 « Report des congés
    payés »', 'du titre III intitulé « … »', 'la partie « a) absences … »'); not that of a new
    one, which is inserted text ('Il est inséré un article 15.03 « Retraite »', 'un nouveau
    titre III intitulé « … »')."""
    i = norms.before(begin)
    if norms.get(i) in ("intitulé", "intitulée", "intitulés", "intitulées"):
        i = norms.before(i)
    word = norms.get(i)
    if word and (any(c.isdigit() for c in word) or ROMAN.fullmatch(word)):
        i = norms.before(i)
        if norms.get(i) in ("n°", "no"):
            i = norms.before(i)
    if norms.get(i) not in HEADINGS:
        return False
    return norms.get(norms.before(i)) not in NEW_HEADING


def _merge(windows) -> list[tuple[int, int]]:
    """Merge overlapping token ranges."""
    merged: list[list[int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
