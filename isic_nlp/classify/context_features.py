"""The unit's context (document type, title, section path) and averaged static word vectors.

* :func:`context_text` makes the ``context`` column of the model's input from a
  unit's metadata: ``doc_type``, ``title`` and ``section_path`` (the titles of
  the enclosing sections of a code article), joined into one string. The model
  reads it with its own TF-IDF block (:func:`isic_nlp.classify.features.make_features`,
  ``context_weight``); a unit without metadata has an empty context.
* :func:`vector_table` averages the static word vectors of a unit's tokens
  (``fr_core_news_md``: 300 dimensions; ``fr_core_news_sm`` has none) into the
  columns ``vec_0`` ... ``vec_<d-1>``.

Example:
    >>> context_text({"doc_type": "CODE_ARTICLE", "title": "Code du travail, article L1",
    ...               "section_path": ["Partie législative", "Dialogue social."]})
    'CODE_ARTICLE | Code du travail, article L1 | Partie législative > Dialogue social.'
    >>> context_text({})
    ''
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

CONTEXT_FIELDS = ("doc_type", "title", "section_path")


def context_text(meta: Mapping) -> str:
    """``doc_type | title | section > path`` of a unit's metadata (missing parts left out)."""
    parts = []
    for field in CONTEXT_FIELDS:
        value = meta.get(field)
        if isinstance(value, (list, tuple)):
            value = " > ".join(str(v) for v in value if v)
        if isinstance(value, str) and value.strip():
            parts.append(value.strip())
    return " | ".join(parts)


def context_column(metas: Iterable[Mapping]) -> list[str]:
    """:func:`context_text` of each unit, for the ``context`` column of the model's input."""
    return [context_text(meta) for meta in metas]


def vector_columns(width: int) -> list[str]:
    return [f"vec_{i}" for i in range(width)]


def doc_vector(doc, *, vectors=None) -> np.ndarray:
    """The mean static vector of the alphabetic tokens of ``doc`` that have one (zeros if none).

    ``vectors``: a ``spacy.vocab.Vocab`` with vectors (default: the Doc's own vocab);
    tokens are looked up by their lower-case form, then as written.
    """
    vocab = vectors if vectors is not None else doc.vocab
    table = vocab.vectors
    rows = []
    for token in doc:
        if not token.is_alpha or token.is_stop:
            continue
        for form in (token.lower_, token.text):
            key = vocab.strings.add(form)
            if key in table:
                rows.append(table[key])
                break
    if not rows:
        return np.zeros(table.shape[1], dtype=np.float32)
    return np.mean(rows, axis=0)


def vector_table(texts: Iterable[str], vocab, *, tokenizer=None) -> pd.DataFrame:
    """One row of averaged static vectors (``vec_*`` columns) per text.

    ``vocab`` holds the vectors (e.g. ``spacy.load("fr_core_news_md", exclude=[...]).vocab``);
    ``tokenizer`` defaults to a blank French tokenizer on that vocab.
    """
    if tokenizer is None:
        import spacy

        tokenizer = spacy.blank("fr", vocab=vocab).tokenizer
    width = vocab.vectors.shape[1]
    rows = [doc_vector(tokenizer(text), vectors=vocab) for text in texts]
    return pd.DataFrame(
        np.vstack(rows) if rows else np.zeros((0, width)), columns=vector_columns(width)
    )
