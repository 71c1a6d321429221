"""Compile lexicons into spaCy matchers and find their (non-overlapping) matches.

This is the shared machinery of the matching and context components. Phrases
go to two ``PhraseMatcher``s (cheap whatever their number): one on ``LEMMA``,
fed with the phrases lemmatised by the pipeline itself, and one on ``LOWER``,
fed with the phrase and its generated number variants (*droits de la
personne*, *droit de la personne*). Only ``tokens`` entries use the slower
``Matcher``, and only in small windows around their anchor words.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy
from spacy.attrs import LEMMA, LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ..lexicons import Entry, Lexicon

# Words never inflected for number when variants are generated.
FUNCTION_WORDS = frozenset(
    "à a au aux avec d' d’ de des du en et l' l’ la le les ou par pour sans sous sur un une "
    "dans entre chez vers leur leurs son sa ses qu' qu’ que qui".split()
)
MAX_VARIANTS = 64
# Longest run of tokens assumed for an unbounded operator (*, +) around an anchor.
UNBOUNDED_SPAN = 30


@dataclass(frozen=True)
class Match:
    """A lexicon match: token offsets, the lexicon (by position) and the entry."""

    start: int
    end: int
    lexicon: int
    entry: Entry


def plural(word: str) -> str:
    """A French plural for a lower-case word (regular rules; good enough for patterns).

    Example:
        >>> plural("social"), plural("droit"), plural("bureau"), plural("choix")
        ('sociaux', 'droits', 'bureaux', 'choix')
    """
    if word.endswith(("s", "x", "z")):
        return word
    if word.endswith("al") and len(word) > 3:
        return word[:-2] + "aux"
    if word.endswith(("eau", "au", "eu")):
        return word + "x"
    return word + "s"


def phrase_variants(phrase: str) -> list[str]:
    """The lower-case forms under which a phrase is matched literally.

    Each content word may be singular or plural (most phrases are noun
    phrases), and ``'`` and ``’`` are interchangeable.

    Example:
        >>> phrase_variants("droit de la personne")
        ['droit de la personne', 'droit de la personnes', 'droits de la personne', 'droits de la personnes']
    """
    words = phrase.lower().split()
    options = []
    for word in words:
        if word in FUNCTION_WORDS or len(word) < 3 or not word.isalpha():
            options.append((word,))
        else:
            options.append(tuple(dict.fromkeys((word, plural(word)))))
    forms = [
        " ".join(combo) for combo in itertools.islice(itertools.product(*options), MAX_VARIANTS)
    ]
    out = []
    for form in forms:
        for variant in (form, form.replace("'", "’"), form.replace("’", "'")):
            if variant not in out:
                out.append(variant)
    return out


def _max_repeats(spec: dict) -> int:
    """How many tokens one token spec can match at most."""
    op = str(spec.get("OP", "1"))
    if op in ("1", "?"):
        return 1
    if op == "!":
        return 0
    if op.startswith("{") and op.endswith("}"):  # {n}, {n,m}, {,m}, {n,}
        high = op[1:-1].split(",")[-1].strip()
        return int(high) if high else UNBOUNDED_SPAN
    return UNBOUNDED_SPAN  # * and +


class CompiledLexicons:
    """Matchers for a list of lexicons, with longest-match overlap resolution per lexicon.

    Args:
        nlp: the pipeline whose vocab the matchers use.
        lexicons: the lexicons, in order.
        lemmatise: turns phrases into Docs with lemmas (the pipeline up to the
            matching component); ``None`` matches phrases on lower-case forms only.
    """

    def __init__(
        self,
        nlp: Language,
        lexicons: list[Lexicon],
        lemmatise: Callable[[list[str]], Iterable[Doc]] | None,
    ):
        self.lexicons = lexicons
        self.lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.token_matcher = Matcher(nlp.vocab, validate=True)
        self.n_token_patterns = 0
        # Anchors: values that every token pattern must contain, by attribute.
        # The Matcher runs only around them (see `_token_matches`).
        self._anchors: dict[int, set[int]] = {}
        self._window = (0, 1)  # tokens a pattern may span before / from its anchor
        self._unanchored = False
        self._entries: dict[int, tuple[int, Entry]] = {}
        lemma_phrases: list[tuple[str, str]] = []
        for index, lexicon in enumerate(lexicons):
            for entry in lexicon.entries:
                key = f"{lexicon.name}@{lexicon.version}:{entry.id}"
                self._entries[nlp.vocab.strings.add(key)] = (index, entry)
                if entry.tokens is not None:
                    self.token_matcher.add(key, [list(entry.tokens)])
                    self.n_token_patterns += 1
                    self._add_anchor(nlp, entry.tokens)
                    continue
                lower_docs = [
                    nlp.make_doc(form)
                    for phrase in entry.phrases
                    for form in phrase_variants(phrase)
                ]
                self.lower_matcher.add(key, lower_docs)
                if entry.match == "lemma" and lemmatise is not None:
                    lemma_phrases.extend((key, phrase) for phrase in entry.phrases)
        self._anchor_arrays = {
            attr: numpy.fromiter(values, dtype="uint64") for attr, values in self._anchors.items()
        }
        if lemma_phrases:
            # None when the pipeline has no lemmatizer: phrases then match on their forms only.
            docs = lemmatise([phrase for _, phrase in lemma_phrases]) or []
            for (key, _), doc in zip(lemma_phrases, docs):
                self.lemma_matcher.add(key, [doc])

    def __call__(self, doclike: Doc | Span) -> list[Match]:
        """All matches in a Doc or Span, overlaps resolved within each lexicon, in text order.

        Token offsets are always offsets in the Doc.
        """
        by_lexicon: dict[int, list[Match]] = {}
        for match in self.candidates(doclike):
            by_lexicon.setdefault(match.lexicon, []).append(match)
        matches: list[Match] = []
        for candidates in by_lexicon.values():
            matches.extend(longest_first(candidates))
        matches.sort(key=lambda m: (m.start, m.lexicon, m.end))
        return matches

    def candidates(self, doclike: Doc | Span) -> list[Match]:
        """Every match of every entry, before overlaps are resolved."""
        found: dict[tuple[int, int, int], None] = {}
        # The lemma matcher is empty when the pipeline has no lemmatizer.
        matchers = (
            (self.lemma_matcher, self.lower_matcher)
            if len(self.lemma_matcher)
            else (self.lower_matcher,)
        )
        for matcher in matchers:
            for key, start, end in matcher(doclike):
                found[(key, start, end)] = None
        if self.n_token_patterns:
            for key, start, end in self._token_matches(doclike):
                found[(key, start, end)] = None
        out = []
        for key, start, end in found:
            index, entry = self._entries[key]
            out.append(Match(start, end, index, entry))
        return out

    def _add_anchor(self, nlp: Language, tokens: tuple[dict, ...]) -> None:
        """Remember the values of the first required token of a pattern, and how
        many tokens the pattern can span before and after it."""
        lengths = [_max_repeats(spec) for spec in tokens]
        for position, spec in enumerate(tokens):
            if spec.get("OP", "1") not in ("1", "+"):
                continue
            for attr_name in ("LOWER", "LEMMA", "ORTH"):
                value = spec.get(attr_name)
                values = (
                    value["IN"] if isinstance(value, dict) and set(value) == {"IN"} else [value]
                )
                if all(isinstance(v, str) for v in values):
                    attr = {"LOWER": LOWER, "LEMMA": LEMMA, "ORTH": ORTH}[attr_name]
                    self._anchors.setdefault(attr, set()).update(
                        nlp.vocab.strings.add(v) for v in values
                    )
                    before = sum(lengths[:position])
                    after = sum(lengths[position:])
                    self._window = (max(self._window[0], before), max(self._window[1], after))
                    return
        self._unanchored = True

    def _token_matches(self, doclike: Doc | Span) -> Iterator[tuple[int, int, int]]:
        """Token-pattern matches, with the Matcher run only near anchor tokens.

        The Matcher tries every pattern at every token; most texts have few
        anchors, so running it on small windows around them is much cheaper.
        """
        shift = doclike.start if isinstance(doclike, Span) else 0
        if self._unanchored:
            windows = [(0, len(doclike))]
        else:
            hits = numpy.zeros(len(doclike), dtype=bool)
            for attr, values in self._anchor_arrays.items():
                hits |= numpy.isin(doclike.to_array([attr]).reshape(-1), values)
            windows = []
            before, after = self._window
            for i in numpy.flatnonzero(hits).tolist():
                start, end = max(0, i - before), min(len(doclike), i + after)
                if windows and start <= windows[-1][1]:
                    windows[-1] = (windows[-1][0], end)
                else:
                    windows.append((start, end))
        for start, end in windows:
            # Matcher offsets are relative to the Span it is given.
            base = shift + start
            for key, m_start, m_end in self.token_matcher(doclike[start:end]):
                yield key, m_start + base, m_end + base


def longest_first(matches: Iterable[Match]) -> Iterator[Match]:
    """Keep non-overlapping matches: longest first, then earliest, then file order.

    Same policy as ``spacy.util.filter_spans``, on matches rather than spans.
    """
    taken: set[int] = set()
    ordered = sorted(matches, key=lambda m: (-(m.end - m.start), m.start, m.entry.line))
    for match in ordered:
        positions = range(match.start, match.end)
        if not taken.intersection(positions):
            taken.update(positions)
            yield match
