"""``isic_nlp.LegalTokenizer.v1``: spaCy's French tokenizer, plus the dash of numbered paragraphs.

French codes number their paragraphs ``I.-``, ``II.-``, ``1.-``, ``2°-`` with
no space before the first word (*II.-En cas de refus*, *R. 923-18.-Lorsque le
salarié*). spaCy's rules keep ``II.-En`` as one token, so the first word of the
paragraph is never seen: a cue such as *en cas de*, *lorsque* or *sauf*, or the
first word of a term. One infix splits a dash that follows a number or a roman
numeral with its period (or ``°``) and precedes a capital letter:
``II.`` / ``-`` / ``En``. Initials (*J.-P.*) and compound words (*ci-dessous*)
are left alone.

The pipelines' configs name it (``[nlp.tokenizer] @tokenizers =
"isic_nlp.LegalTokenizer.v1"``); it is registered by importing isic_nlp and by
the ``spacy_tokenizers`` entry point, so a saved pipeline loads with ``spacy.load``.

Example:
    >>> import spacy
    >>> nlp = spacy.blank("fr", config={"nlp": {"tokenizer": {"@tokenizers": "isic_nlp.LegalTokenizer.v1"}}})
    >>> [t.text for t in nlp("II.-En cas de refus, voir R. 923-18.-Lorsque ; ci-dessous J.-P.")]
    ['II.', '-', 'En', 'cas', 'de', 'refus', ',', 'voir', 'R.', '923', '-', '18.', '-', 'Lorsque', ';', 'ci-dessous', 'J.-P.']
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language, create_tokenizer
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, registry

#: The dash after a paragraph number (``II.-``, ``18.-``, ``2°-``) and before a capital letter.
PARAGRAPH_DASH = r"(?<=[0-9IVXLC][.°])-(?=[A-ZÀ-ÖØ-Þ])"


@registry.tokenizers("isic_nlp.LegalTokenizer.v1")
def create_legal_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's default tokenizer for the language, with :data:`PARAGRAPH_DASH` among its infixes."""
    default = create_tokenizer()

    def make(nlp: Language) -> Tokenizer:
        tokenizer = default(nlp)
        tokenizer.infix_finditer = compile_infix_regex([*(nlp.Defaults.infixes or []), PARAGRAPH_DASH]).finditer
        return tokenizer

    return make
