"""``isic_normalizer``: a normalised ``NORM`` for matching; the text is left as it is.

Real files carry typography that the lexicons do not: decomposed accents
(NFD), curly or odd apostrophes, soft hyphens and zero-width characters,
*oe* for *œ*, all-capital headings without accents. As EDS-NLP's
``eds.normalizer`` does, this component writes a normalised form of every
token to its ``NORM`` attribute; the lexicon matchers match on ``NORM``
(and on lemmas), and every mention keeps the offsets and text of the original.

What ``NORM`` holds (kinds, as counted in ``doc.user_data["isic_normalisation"]``):

* ``nfc``: the NFC form (decomposed accents composed);
* ``apostrophe``: ’ ‘ ʼ ´ ` and other apostrophes become ``'``;
* ``quote``: “ ” „ « » ″ become ``"``;
* ``invisible``: soft hyphens and zero-width characters are removed;
* ``ligature``: œ and æ become *oe* and *ae* (both spellings then match);
* ``caps_accents``: an all-capital word is also compared without accents
  (*PERSONNALISE* matches *personnalisé*; see ``fold_accents``);
* ``whitespace``: no-break, double or other white space between words (the
  matchers skip white-space tokens inside a term, see ``matching``);
* ``hyphenation``: a word cut at a line end (*partici-* / *pation*), which the
  matchers read as one word.

Everything is computed once per distinct word form and kept (:class:`FormCache`),
and written with ``Doc.from_array``: a Doc costs a sorted-array look-up.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import numpy
from spacy.attrs import IS_SPACE, NORM, ORTH
from spacy.language import Language
from spacy.tokens import Doc

# Where the counts of a Doc are kept (travels with Doc.to_bytes and multiprocessing).
COUNTS_KEY = "isic_normalisation"
KINDS = ("nfc", "apostrophe", "quote", "invisible", "ligature", "caps_accents", "whitespace", "hyphenation")
_BIT = {kind: 1 << i for i, kind in enumerate(KINDS)}

# Apostrophes and quotation marks: the lists of EDS-NLP's quotes normaliser
# (edsnlp/pipes/core/normalizer/quotes/patterns.py), plus the French guillemets.
APOSTROPHES = "｀΄＇ˈˊᑊˋꞌᛌ‘’՚‛՝`′׳´ʹ˴ߴ‵ߵʻʼ᾽ʽ῾ʾ᾿"
QUOTES = "＂〃ײ᳓″״‶˶ʺ“”˝‟„«»‹›"
# Soft hyphen, zero-width space / non-joiner / joiner, word joiner, BOM.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_APOSTROPHE_TABLE = str.maketrans(APOSTROPHES, "'" * len(APOSTROPHES))
_QUOTE_TABLE = str.maketrans(QUOTES, '"' * len(QUOTES))
_INVISIBLE_TABLE = str.maketrans("", "", INVISIBLE)
_LIGATURES = (("œ", "oe"), ("æ", "ae"))


def clean_form(text: str) -> str:
    """NFC, without invisible characters, with plain apostrophes; case kept (for look-ups).

    Example:
        >>> clean_form("l’e\u0301tat")
        "l'état"
    """
    if text.isascii():
        return text
    cleaned = unicodedata.normalize("NFC", text).translate(_INVISIBLE_TABLE)
    return (cleaned or text).translate(_APOSTROPHE_TABLE)


def strip_accents(text: str) -> str:
    """The text without combining accents (``é`` -> ``e``; ``œ`` stays).

    Example:
        >>> strip_accents("élaboré à Noël")
        'elabore a Noel'
    """
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def normal_form(text: str, *, fold_accents: bool = True) -> tuple[str, int]:
    """The normalised lower-case form of one token's text, and the kinds changed (bits).

    Example:
        >>> normal_form("Manœuvre")[0], normal_form("l’")[0], normal_form("parti\\u00adcipation")[0]
        ('manoeuvre', "l'", 'participation')
        >>> normal_form("PERSONNALISE")[0], normal_form("PERSONNALISÉ")[0]
        ('personnalise', 'personnalise')
    """
    kinds = 0
    if text.isspace():
        # Any white space between words reads as one space; a line break stays one.
        if text != "\n":
            kinds |= _BIT["whitespace"]
        return ("\n" if "\n" in text else " "), kinds
    form = text
    if not form.isascii():
        nfc = unicodedata.normalize("NFC", form)
        if nfc != form:
            kinds |= _BIT["nfc"]
            form = nfc
        cleaned = form.translate(_INVISIBLE_TABLE)
        if cleaned != form and cleaned:
            kinds |= _BIT["invisible"]
            form = cleaned
        cleaned = form.translate(_APOSTROPHE_TABLE)
        if cleaned != form:
            kinds |= _BIT["apostrophe"]
            form = cleaned
        cleaned = form.translate(_QUOTE_TABLE)
        if cleaned != form:
            kinds |= _BIT["quote"]
            form = cleaned
    lower = form.lower()
    for ligature, letters in _LIGATURES:
        if ligature in lower:
            kinds |= _BIT["ligature"]
            lower = lower.replace(ligature, letters)
    if fold_accents and is_folded(form):
        folded = strip_accents(lower)
        if folded != lower:
            kinds |= _BIT["caps_accents"]
            lower = folded
    return lower, kinds


def is_folded(text: str) -> bool:
    """Whether ``normal_form`` compares this token without its accents (an all-capital word)."""
    return len(text) > 1 and text.isupper()


class Normalizer:
    """Write the normalised form of every token to ``token.norm_``.

    Args:
        nlp: the pipeline.
        name: the component name.
        fold_accents: compare all-capital words without accents (*ARTICLE
            PREMIER - PROJET PERSONNALISE*); the lexicon phrases are then matched
            without accents too, on those words only.

    Example:
        >>> import spacy, unicodedata
        >>> nlp = spacy.blank("fr")
        >>> _ = nlp.add_pipe("isic_normalizer")
        >>> doc = nlp(unicodedata.normalize("NFD", "l’usager élaboré"))
        >>> [t.norm_ for t in doc], doc.user_data["isic_normalisation"]
        (["l'", 'usager', 'élaboré'], {'nfc': 1, 'apostrophe': 1})
    """

    def __init__(self, nlp: Language, name: str, *, fold_accents: bool = True):
        self.name = name
        self.vocab = nlp.vocab
        self.fold_accents = fold_accents
        self.tokenizer = nlp.tokenizer
        self._forms = FormCache(fold_accents)
        self._splits: dict[str, list[str] | None] = {}

    def __call__(self, doc: Doc) -> Doc:
        normalise_doc(doc, self._forms, tokenizer=self.tokenizer, splits=self._splits)
        return doc


def normalise_doc(
    doc: Doc,
    forms: FormCache | None = None,
    *,
    tokenizer=None,
    splits: dict[str, list[str] | None] | None = None,
) -> Doc:
    """Set ``NORM`` and the counts of ``doc`` (what ``isic_normalizer`` does).

    ``forms`` keeps the normalised form of every word form seen (accents folded
    in all-capital words unless made with ``FormCache(fold_accents=False)``);
    pass the same one for every Doc of a vocab. With the pipeline's ``tokenizer``, words in
    decomposed accents or with invisible characters are tokenized as their
    clean form is (see ``_retokenize_like_clean``), so they give the same tokens.
    """
    if forms is None:
        forms = FormCache()
    counts: dict[str, int] = {}
    doc.user_data[COUNTS_KEY] = counts
    if not len(doc):
        return doc
    orths, new_norms, kinds = forms.lookup(doc)
    if tokenizer is not None and (kinds & (_BIT["nfc"] | _BIT["invisible"])).any():
        if _retokenize_like_clean(doc, kinds, tokenizer, {} if splits is None else splits):
            orths, new_norms, kinds = forms.lookup(doc)
    norms = doc.to_array(NORM)
    if (new_norms != norms).any():
        doc.from_array([NORM], new_norms.reshape(-1, 1))
    if kinds.any():
        for kind, bit in _BIT.items():
            n = int(numpy.count_nonzero(kinds & bit))
            if n:
                counts[kind] = n
    n_cut = len(line_end_hyphens(doc))
    if n_cut:
        counts["hyphenation"] = n_cut
    return doc


class FormCache:
    """The normalised form (``NORM`` hash) and kinds of every word form (``ORTH`` hash) seen so far.

    Looked up a Doc at a time: the forms already known are found at once in
    sorted arrays (``numpy.searchsorted``), and only the new ones go through
    :func:`normal_form`. The arrays are rebuilt when the new forms reach a
    tenth of the known ones, so a corpus rebuilds them a few dozen times in all.
    """

    def __init__(self, fold_accents: bool = True):
        self.fold_accents = fold_accents
        self.forms: dict[int, tuple[int, int]] = {}
        self._keys = numpy.zeros(0, dtype="uint64")
        self._values = numpy.zeros((0, 2), dtype="uint64")

    def lookup(self, doc: Doc):
        """ORTH, normalised NORM and kinds (bits) of every token of ``doc``."""
        orths = doc.to_array(ORTH)
        keys = self._keys
        at = numpy.searchsorted(keys, orths)
        numpy.minimum(at, len(keys) - 1, out=at)
        known = keys[at] == orths if len(keys) else numpy.zeros(len(orths), dtype=bool)
        values = self._values[at] if len(keys) else numpy.zeros((len(orths), 2), dtype="uint64")
        if not known.all():
            strings, forms = doc.vocab.strings, self.forms
            for i in numpy.flatnonzero(~known).tolist():
                orth = int(orths[i])
                value = forms.get(orth)
                if value is None:
                    form, bits = normal_form(strings[orth], fold_accents=self.fold_accents)
                    value = forms[orth] = (strings.add(form), bits)
                values[i] = value
            if len(forms) - len(keys) > max(256, len(keys) // 10):
                self._rebuild()
        return orths, values[:, 0].copy(), values[:, 1].astype("int64")

    def _rebuild(self) -> None:
        keys = numpy.fromiter(self.forms, dtype="uint64", count=len(self.forms))
        order = numpy.argsort(keys)
        values = numpy.array(list(self.forms.values()), dtype="uint64").reshape(-1, 2)
        self._keys, self._values = keys[order], values[order]


def _retokenize_like_clean(doc: Doc, kinds, tokenizer, cache: dict[str, list[str] | None]) -> bool:
    """Tokenize the words with decomposed accents or invisible characters as
    their clean form is tokenized; whether any token changed.

    The tokenizer does not see a combining accent as a letter (``salarie\u0301.``
    keeps its period) nor a soft hyphen as part of a word (``co-cons\u00adtruction``
    is cut at its hyphen, ``co-construction`` is one token): each run of tokens
    without white space that holds such a token is tokenized again in NFC
    without invisible characters, and its tokens are cut the same way.
    """
    bits = _BIT["nfc"] | _BIT["invisible"]
    marked = numpy.flatnonzero(kinds & bits).tolist()
    if not marked:
        return False
    runs: list[tuple[int, int]] = []
    for i in marked:
        start = i
        while start > 0 and not doc[start - 1].whitespace_:
            start -= 1
        end = i + 1
        while end < len(doc) and not doc[end - 1].whitespace_:
            end += 1
        if not runs or start >= runs[-1][1]:
            runs.append((start, end))
    todo: list[tuple[int, int, list[str]]] = []
    for start, end in runs:
        text = doc[start:end].text
        if text not in cache:
            cache[text] = _pieces(text, tokenizer)
        pieces = cache[text]
        if pieces is not None and pieces != [t.text for t in doc[start:end]]:
            todo.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), pieces))
    if not todo:
        return False
    with doc.retokenize() as retokenizer:
        for begin, finish, _ in todo:
            span = doc.char_span(begin, finish)
            if len(span) > 1:
                retokenizer.merge(span)
    with doc.retokenize() as retokenizer:
        for begin, _, pieces in todo:
            if len(pieces) > 1:
                token = doc.char_span(begin, begin + len(pieces[0]), alignment_mode="expand")[0]
                retokenizer.split(token, pieces, heads=[(token, 0)] * len(pieces))
    return True


def _pieces(text: str, tokenizer) -> list[str] | None:
    """The original substrings of the tokens that the tokenizer makes of ``text``
    in NFC without invisible characters (``None`` if they cannot be mapped back)."""
    # Each character with its combining marks and the invisible characters after it.
    clusters: list[str] = []
    for ch in text:
        if clusters and (unicodedata.combining(ch) or ch in INVISIBLE):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    clean = [unicodedata.normalize("NFC", c).translate(_INVISIBLE_TABLE) for c in clusters]
    if any(len(c) != 1 for c in clean):
        return None  # a cluster that composes to more or fewer than one character
    pieces, at = [], 0
    for token in tokenizer("".join(clean)):
        part = token.text
        if "".join(clean[at : at + len(part)]) != part or token.whitespace_:
            return None
        pieces.append("".join(clusters[at : at + len(part)]))
        at += len(part)
    return pieces if at == len(clusters) else None


def line_end_hyphens(doc: Doc) -> list[tuple[int, int]]:
    """Words cut by a hyphen at a line end: ``(first part, second part)`` token indices.

    *partici-* / line break / *pation*: the first token ends with ``-`` after a
    letter, a white-space token with a line break follows, then a word that
    starts with a lower-case letter (a capital would start a new item).

    Example:
        >>> import spacy
        >>> doc = spacy.blank("fr")("la partici-\\npation des usagers")
        >>> line_end_hyphens(doc)
        [(1, 3)]
    """
    spaces = doc.to_array(IS_SPACE).astype(bool)
    out = []
    for i in numpy.flatnonzero(spaces[1:-1]).tolist():
        i += 1
        before, space, after = doc[i - 1], doc[i], doc[i + 1]
        text = before.text
        if (
            "\n" in space.text
            and len(text) > 2
            and text.endswith("-")
            and text[-2].isalpha()
            and after.text[:1].islower()
        ):
            out.append((i - 1, i + 1))
    return out


def add_counts(total: dict[str, int], docs: Iterable[Doc]) -> dict[str, int]:
    """Add the normalisation counts of ``docs`` to ``total`` (kinds in ``KINDS`` order)."""
    for doc in docs:
        for kind, n in doc.user_data.get(COUNTS_KEY, {}).items():
            total[kind] = total.get(kind, 0) + n
    ordered = {kind: total[kind] for kind in KINDS if kind in total}
    total.clear()
    total.update(ordered)
    return total
