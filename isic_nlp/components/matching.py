"""Compile lexicons into spaCy matchers and find their (non-overlapping) matches.

This is the shared machinery of the matching and context components. Phrases
go to two ``PhraseMatcher``s (cheap whatever their number): one on ``LEMMA``,
fed with the phrases lemmatised by the pipeline itself, and one on ``NORM``
(the normalised form written by ``isic_normalizer``, see ``normalizer``), fed
with the phrase and its generated number variants (*droits de la personne*,
*droit de la personne*). A third one, on the same forms without accents, runs
only where an all-capital word was folded. Only ``tokens`` entries use the
slower ``Matcher`` (their ``LOWER`` values are read as ``NORM``), and only in
small windows around their anchor words.

White space inside a term (a double or no-break space, a line break) and a
word cut at a line end (*partici-* / *pation*) do not break a match: around
such tokens, where the words on each side are consecutive words of some
phrase, the matchers run again on the words without the white space, and the
match is mapped back to the original tokens (its text is the original text).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy
from spacy.attrs import IS_SPACE, LEMMA, LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ..lexicons import Entry, Lexicon
from .normalizer import COUNTS_KEY, FormCache, line_end_hyphens, normal_form, normalise_doc, strip_accents

# Words never inflected for number when variants are generated.
FUNCTION_WORDS = frozenset(
    "à a au aux avec d' d’ de des du en et l' l’ la le les ou par pour sans sous sur un une "
    "dans entre chez vers leur leurs son sa ses qu' qu’ que qui".split()
)
MAX_VARIANTS = 64
# Words too frequent to anchor a token pattern on when the pattern names a rarer word: each
# occurrence of an anchor opens a Matcher window ('et', 'ou', 'en', 'est', 'sont' are among
# the most frequent words of the codes).
FREQUENT_ANCHORS = FUNCTION_WORDS | frozenset(["est", "sont"])
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


def _required(spec: dict) -> bool:
    """Whether a token spec must match at least one token (``1``, ``+``, ``{n}``, ``{n,m}`` with n ≥ 1)."""
    op = str(spec.get("OP", "1"))
    if op.startswith("{") and op.endswith("}"):
        low = op[1:-1].split(",")[0].strip()
        return low not in ("", "0")
    return op in ("1", "+")


def _literal_values(spec: dict) -> tuple[str, list[str]] | None:
    """The attribute and the words a token spec accepts, if it names them (an equality
    or an ``IN`` list on ``NORM``, ``LOWER``, ``LEMMA`` or ``ORTH``), else ``None``."""
    for attr in ("NORM", "LOWER", "LEMMA", "ORTH"):
        value = spec.get(attr)
        values = value["IN"] if isinstance(value, dict) and set(value) == {"IN"} else [value]
        if values and all(isinstance(v, str) for v in values):
            return attr, values
    return None


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
        self.vocab = nlp.vocab
        self.lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        # The same forms without accents, for all-capital words (folded by the normaliser).
        self.fold_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self._norm_cache = FormCache()
        # Consecutive words of the phrases (NORM and LEMMA hashes), the words
        # themselves and the longest phrase: where white space may hide a match.
        self._bigrams: set[tuple[int, int]] = set()
        self._words: set[int] = set()
        self._folded_words: set[int] = set()
        self._max_len = 1
        self.token_matcher = Matcher(nlp.vocab, validate=True)
        self.n_token_patterns = 0
        # Anchors: values that every token pattern must contain, by attribute.
        # The Matcher runs only around them (see `_token_matches`).
        self._anchors: dict[int, set[int]] = {}
        self._window = (0, 1)  # tokens a pattern may span before / from its anchor
        self._spaced_window = (0, 1)  # the same, in a text with white-space tokens
        self._unanchored = False
        self._entries: dict[int, tuple[int, Entry]] = {}
        # What a text must hold for an entry to match there (see `can_match`).
        self.requirements: dict[tuple[str, str], list[tuple[frozenset[int], ...]]] = {}
        # Lemmas of words joined across a line-end hyphen, from the same lemmatiser.
        self._lemmatise = lemmatise
        self._joined_lemmas: dict[str, str] = {}
        lemma_phrases: list[tuple[str, str, tuple[str, str]]] = []
        for index, lexicon in enumerate(lexicons):
            for entry in lexicon.entries:
                key = f"{lexicon.name}@{lexicon.version}:{entry.id}"
                self._entries[nlp.vocab.strings.add(key)] = (index, entry)
                needs = self.requirements.setdefault((lexicon.name, entry.id), [])
                if entry.tokens is not None:
                    tokens = _across_spaces([_norm_spec(spec) for spec in entry.tokens])
                    self.token_matcher.add(key, [tokens])
                    self.n_token_patterns += 1
                    self._add_anchor(nlp, tokens)
                    needs.append(_token_requirements(tokens, nlp.vocab.strings))
                    continue
                norm_docs = [
                    self._normalised(nlp.make_doc(form))
                    for phrase in entry.phrases
                    for form in phrase_variants(phrase)
                ]
                self.norm_matcher.add(key, norm_docs)
                self._remember(norm_docs, NORM)
                fold_docs = []
                for doc in norm_docs:
                    accented = [t.norm_ for t in doc]
                    folded = [strip_accents(word) for word in accented]
                    if folded != accented:
                        fold_docs.append(self._normalised(nlp.make_doc(" ".join(folded))))
                        # The folded words: a text needs the fold matcher when it has one.
                        self._folded_words.update(
                            nlp.vocab.strings.add(f) for f, a in zip(folded, accented) if f != a
                        )
                if fold_docs:
                    self.fold_matcher.add(key, fold_docs)
                needs.extend(_phrase_requirements(doc, NORM) for doc in norm_docs + fold_docs)
                if entry.match == "lemma" and lemmatise is not None:
                    lemma_phrases.extend((key, phrase, (lexicon.name, entry.id)) for phrase in entry.phrases)
        # Python sets: for a few hundred tokens, set lookups beat numpy.isin several times over.
        self._anchor_sets = {attr: frozenset(values) for attr, values in self._anchors.items()}
        if lemma_phrases:
            # None when the pipeline has no lemmatizer: phrases then match on their forms only.
            docs = lemmatise([phrase for _, phrase, _ in lemma_phrases]) or []
            for (key, _, entry_key), doc in zip(lemma_phrases, docs):
                self.lemma_matcher.add(key, [doc])
                self.requirements[entry_key].append(_phrase_requirements(doc, LEMMA))
            self._remember(docs, LEMMA)

    def _normalised(self, doc: Doc) -> Doc:
        return normalise_doc(doc, self._norm_cache)

    def _remember(self, docs: Iterable[Doc], attr: int) -> None:
        """Note the consecutive words of phrase Docs (for matches across white space)."""
        for doc in docs:
            values = doc.to_array(attr).tolist()
            self._max_len = max(self._max_len, len(values))
            if attr == NORM:
                self._words.update(values)
            self._bigrams.update(zip(values, values[1:]))

    def __call__(self, doclike: Doc | Span, columns: Columns | None = None) -> list[Match]:
        """All matches in a Doc or Span, overlaps resolved within each lexicon, in text order.

        Token offsets are always offsets in the Doc. ``columns``: the Doc's
        token attributes, when the caller matches several Spans of one Doc.
        """
        by_lexicon: dict[int, list[Match]] = {}
        for match in self.candidates(doclike, columns):
            by_lexicon.setdefault(match.lexicon, []).append(match)
        matches: list[Match] = []
        for candidates in by_lexicon.values():
            matches.extend(longest_first(candidates))
        matches.sort(key=lambda m: (m.start, m.lexicon, m.end))
        return matches

    def in_windows(self, doc: Doc, windows: Iterable[tuple[int, int]]) -> list[Match]:
        """The matches of each window ``(start, end)`` of ``doc``, as ``self(doc[start:end])``
        gives them, window after window; the Doc's token attributes are read once."""
        columns = Columns(doc)
        return [match for start, end in windows for match in self(doc[start:end], columns)]

    def candidates(self, doclike: Doc | Span, columns: Columns | None = None) -> list[Match]:
        """Every match of every entry, before overlaps are resolved."""
        found: dict[tuple[int, int, int], None] = {}
        doc = doclike.doc if isinstance(doclike, Span) else doclike
        if COUNTS_KEY not in doc.user_data:
            # A pipeline without isic_normalizer: normalise here, so that NORM is ours.
            self._normalised(doc)
        column = columns.of if columns is not None else _own_column
        matchers = self._matchers(doclike, column)
        for matcher in matchers:
            for key, start, end in matcher(doclike):
                if matcher is self.fold_matcher and not self._folded_in_caps(doc[start:end]):
                    continue
                found[(key, start, end)] = None
        if isinstance(doclike, Doc):
            for key, start, end in self._bridged(doclike, matchers):
                found[(key, start, end)] = None
        if self.n_token_patterns:
            for key, start, end in self._token_matches(doclike, column):
                found[(key, start, end)] = None
        out = []
        for key, start, end in found:
            index, entry = self._entries[key]
            out.append(Match(start, end, index, entry))
        return out

    def _matchers(self, doclike: Doc | Span, column: Callable[[Doc | Span, int], numpy.ndarray]) -> list[PhraseMatcher]:
        """The phrase matchers worth running on this text."""
        # The lemma matcher is empty when the pipeline has no lemmatizer.
        matchers = [self.lemma_matcher] if len(self.lemma_matcher) else []
        matchers.append(self.norm_matcher)
        if self._folded_words and not self._folded_words.isdisjoint(column(doclike, NORM).tolist()):
            matchers.append(self.fold_matcher)
        return matchers

    def _bridged(self, doc: Doc, matchers: list[PhraseMatcher]) -> Iterator[tuple[int, int, int]]:
        """Matches that white space or a line-end hyphen cuts in two, in Doc offsets."""
        spaces = doc.to_array(IS_SPACE).astype(bool)
        if not spaces.any():
            return
        arrays = doc.to_array([NORM, LEMMA])
        norms, lemmas = arrays[:, 0].tolist(), arrays[:, 1].tolist()
        cut = dict(line_end_hyphens(doc))
        n = len(doc)
        windows: list[list[int]] = []
        for i in numpy.flatnonzero(spaces).tolist():
            if i == 0 or spaces[i - 1]:
                continue
            after = i + 1
            while after < n and spaces[after]:
                after += 1
            if after >= n:
                continue
            before = i - 1
            # A word cut at a line end: a window when some phrase has the whole
            # word, or always when there are token patterns (they name no words).
            joined = cut.get(before) == after and (
                self.n_token_patterns > 0
                or self.vocab.strings.add(doc[before].norm_[:-1] + doc[after].norm_) in self._words
            )
            if not (
                joined
                or (norms[before], norms[after]) in self._bigrams
                or (lemmas[before], lemmas[after]) in self._bigrams
            ):
                continue
            start, end = max(0, before - self._max_len + 1), min(n, after + self._max_len)
            if windows and start <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], end)
            else:
                windows.append([start, end])
        for start, end in windows:
            yield from self._match_without_spaces(doc, start, end, spaces, cut, matchers)

    def _match_without_spaces(self, doc, start, end, spaces, cut, matchers):
        """Run the matchers on doc[start:end] without its white space; keep the bridging matches."""
        words, lemmas, norms, first, last = [], [], [], [], []
        i = start
        while i < end:
            if spaces[i]:
                i += 1
                continue
            token = doc[i]
            if i in cut and cut[i] < end:
                other = doc[cut[i]]
                norm = token.norm_[:-1] + other.norm_
                words.append(norm)
                norms.append(norm)
                lemmas.append(self._joined_lemma(norm))
                first.append(i)
                last.append(cut[i])
                i = cut[i] + 1
                continue
            words.append(token.norm_)
            norms.append(token.norm_)
            lemmas.append(token.lemma_ or token.norm_)
            first.append(i)
            last.append(i)
            i += 1
        if not words:
            return
        mini = Doc(self.vocab, words=words, lemmas=lemmas)
        strings = self.vocab.strings
        mini.from_array([NORM], numpy.array([strings.add(w) for w in norms], dtype="uint64").reshape(-1, 1))
        if first != last:
            # A joined word may be one the fold matcher knows: the same matchers as the Doc would get.
            matchers = self._matchers(mini, _own_column)
        found = [(m, matcher is self.fold_matcher) for matcher in matchers for m in matcher(mini)]
        if self.n_token_patterns and first != last:
            # Token patterns already skip white space; a joined word needs the mini Doc.
            found.extend((m, False) for m in self.token_matcher(mini))
        for (key, m_start, m_end), folded in found:
            o_start, o_end = first[m_start], last[m_end - 1] + 1
            if folded and not self._folded_in_caps(doc[o_start:o_end]):
                continue
            if o_end - o_start != m_end - m_start:
                yield key, o_start, o_end

    def _folded_in_caps(self, span: Span) -> bool:
        """A match of the fold matcher stands only where its unaccented words are written in capitals.

        Lower-case *retraite* is another word than *retraité*: only *RETRAITE* may be either.
        """
        return all(token.text.isupper() for token in span if token.norm in self._folded_words)

    def _joined_lemma(self, word: str) -> str:
        """The lemma of a word rebuilt from its two halves (the word itself without a lemmatiser)."""
        if word not in self._joined_lemmas:
            docs = list(self._lemmatise([word]) or []) if self._lemmatise is not None else []
            lemma = docs[0][0].lemma_ if docs and len(docs[0]) == 1 else ""
            self._joined_lemmas[word] = lemma or word
        return self._joined_lemmas[word]

    # -- What a text must hold for an entry to match (the Doc cache's row tier) ------------

    def vocabulary(self, doc: Doc) -> numpy.ndarray:
        """Every word value the matchers can compare in ``doc``: the hashes of its
        ``ORTH``, ``LOWER``, ``NORM`` and ``LEMMA``, and of the words rejoined across
        a line-end hyphen (and their lemmas)."""
        values = [doc.to_array([ORTH, LOWER, NORM, LEMMA]).reshape(-1)]
        joined = []
        for before, after in line_end_hyphens(doc):
            norm = doc[before].norm_[:-1] + doc[after].norm_
            joined.extend((self.vocab.strings.add(norm), self.vocab.strings.add(self._joined_lemma(norm))))
        if joined:
            values.append(numpy.array(joined, dtype="uint64"))
        return numpy.unique(numpy.concatenate(values).astype("uint64"))

    def can_match(self, lexicon: str, entry_id: str, vocabulary: set[int]) -> bool:
        """Whether the entry may match in a text whose :meth:`vocabulary` is given.

        A necessary condition, never a sufficient one: a phrase needs every one
        of its words (as a form, a number variant, an unaccented form or a
        lemma) in the text; a token pattern needs, for each of its required
        tokens, one of the words it names (``REGEX`` and other conditions are
        taken as always met). ``True`` for an entry this object does not know.
        """
        alternatives = self.requirements.get((lexicon, entry_id))
        if not alternatives:
            return True
        return any(all(not need.isdisjoint(vocabulary) for need in alternative) for alternative in alternatives)

    def layout(self) -> tuple:
        """What, besides the entries themselves, decides where the matchers look: the
        windows around token-pattern anchors (a new pattern may widen them)."""
        return (self._window, self._spaced_window, self._unanchored, self.n_token_patterns > 0)

    def _add_anchor(self, nlp: Language, tokens: tuple[dict, ...]) -> None:
        """Remember the values of a required token of a pattern, and how many tokens
        the pattern can span before and after it: the first required token that names
        no frequent word ('supprimé' in 'est / sont supprimé aux', 'non' in 'ou / et non
        une'), else the first required token that names words."""
        literals = [
            (position, literal)
            for position, spec in enumerate(tokens)
            if _required(spec) and (literal := _literal_values(spec)) is not None
        ]
        if not literals:
            self._unanchored = True
            return
        rare = [(p, lit) for p, lit in literals if FREQUENT_ANCHORS.isdisjoint(v.lower() for v in lit[1])]
        position, (attr_name, values) = (rare or literals)[0]
        attr = {"NORM": NORM, "LOWER": LOWER, "LEMMA": LEMMA, "ORTH": ORTH}[attr_name]
        self._anchors.setdefault(attr, set()).update(nlp.vocab.strings.add(v) for v in values)
        lengths = [_max_repeats(spec) for spec in tokens]
        before = sum(lengths[:position])
        after = sum(lengths[position:])
        self._spaced_window = (
            max(self._spaced_window[0], before),
            max(self._spaced_window[1], after),
        )
        # Without white-space tokens in the text, the optional ones of
        # `_across_spaces` match nothing: a tighter window.
        tight = [0 if spec.get("IS_SPACE") else n for spec, n in zip(tokens, lengths)]
        before, after = sum(tight[:position]), sum(tight[position:])
        self._window = (max(self._window[0], before), max(self._window[1], after))

    def _token_matches(
        self, doclike: Doc | Span, column: Callable[[Doc | Span, int], numpy.ndarray]
    ) -> Iterator[tuple[int, int, int]]:
        """Token-pattern matches, with the Matcher run only near anchor tokens.

        The Matcher tries every pattern at every token; most texts have few
        anchors, so running it on small windows around them is much cheaper.
        """
        shift = doclike.start if isinstance(doclike, Span) else 0
        if self._unanchored:
            windows = [(0, len(doclike))]
        else:
            hits: set[int] = set()
            for attr, values in self._anchor_sets.items():
                hits.update(i for i, value in enumerate(column(doclike, attr).tolist()) if value in values)
            windows = []
            spaced = column(doclike, IS_SPACE).any()
            before, after = self._spaced_window if spaced else self._window
            for i in sorted(hits):
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


class Columns:
    """Token attributes of one Doc, each read once, for matching several of its Spans.

    ``Span.to_array`` costs ten times a slice of the Doc's array (15 µs against
    1.5 µs for a sentence): the context component matches its cues in every
    sentence that holds a mention.
    """

    def __init__(self, doc: Doc):
        self.doc = doc
        self._arrays: dict[int, numpy.ndarray] = {}

    def of(self, doclike: Doc | Span, attr: int) -> numpy.ndarray:
        """``attr`` of each token of ``doclike`` (a Span of this Doc, or the Doc), as a 1-d array."""
        array = self._arrays.get(attr)
        if array is None:
            array = self._arrays[attr] = self.doc.to_array(attr)
        return array[doclike.start : doclike.end] if isinstance(doclike, Span) else array


def _own_column(doclike: Doc | Span, attr: int) -> numpy.ndarray:
    """``attr`` of each token of ``doclike``, read from it alone (one Doc or Span)."""
    return doclike.to_array([attr]).reshape(-1)


def _phrase_requirements(doc: Doc, attr: int) -> tuple[frozenset[int], ...]:
    """One phrase form: each of its words must be in the text."""
    return tuple(frozenset((value,)) for value in doc.to_array(attr).reshape(-1).tolist())


def _token_requirements(tokens: list[dict], strings) -> tuple[frozenset[int], ...]:
    """A token pattern: for each token that must occur, the words it accepts
    (an equality or an ``IN`` list on ``NORM``, ``LOWER``, ``LEMMA`` or ``ORTH``);
    tokens with other conditions only (``REGEX``, ``IS_*``...) require nothing."""
    literals = [_literal_values(spec) for spec in tokens if _required(spec)]
    return tuple(frozenset(strings.add(v) for v in literal[1]) for literal in literals if literal is not None)


def _across_spaces(tokens: list[dict]) -> list[dict]:
    """The pattern with up to two white-space tokens allowed between its tokens.

    A no-break or double space or a line break inside a term is a white-space
    token of its own (``vous\u00a0pouvez``): phrases are bridged over it
    (``_bridged``), token patterns skip it with this optional token.
    """
    out = tokens[:1]
    for spec in tokens[1:]:
        out.extend(({"IS_SPACE": True, "OP": "{0,2}"}, spec))
    return out


def _norm_spec(spec: dict) -> dict:
    """A token spec whose ``LOWER`` values are compared with the normalised form (``NORM``)."""
    if "LOWER" not in spec:
        return dict(spec)
    spec = dict(spec)
    value = spec.pop("LOWER")
    if isinstance(value, str):
        spec["NORM"] = normal_form(value)[0]
    elif isinstance(value, dict):
        spec["NORM"] = {
            op: (
                list(dict.fromkeys(normal_form(v)[0] for v in values))
                if isinstance(values, list)
                else values
            )
            for op, values in value.items()
        }
    return spec


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
