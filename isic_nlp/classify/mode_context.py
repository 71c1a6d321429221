"""Sentence context of ISIC-mode mentions: described or organised vs merely named in a list.

ANNOTATION.md §2: "a mode is given when the unit *describes or organises* that
kind of action, not when it merely names the term in a list". The profile
counts mentions, whatever their sentence; :func:`mode_context_row` reads the
sentence of each mode mention in a ``Doc`` of an isic_nlp pipeline (``fast``
is enough: lemmas and sentences, no parser) and counts it as

* ``described``: its sentence has an action verb (lemma in :data:`ACTION_LEMMAS`:
  *organiser*, *animer*, *réunir*, *mettre en place*, *mener*...) or a time or
  frequency marker (*chaque semaine*, *depuis*, *en 2019*), and at most one
  other ISIC mode; or
* ``named``: otherwise (an enumeration of modes or a verbless list item, a
  mention after *tels que*, *notamment*, *comme*).

Columns (:data:`MODE_CONTEXT_COLUMNS`): ``described_<mode>`` and ``named_<mode>``
for each of the four modes, and ``described_share`` (described / all mode
mentions, 0 without any).

Example:
    >>> import isic_nlp
    >>> nlp = isic_nlp.load("fast")
    >>> row = mode_context_row(nlp("Le centre social anime chaque semaine un groupe de parole."))
    >>> row["described_groupes"], row["named_groupes"]
    (1.0, 0.0)
    >>> row = mode_context_row(nlp("Missions : développement social local, action communautaire, actions collectives."))
    >>> row["named_dsl"], row["described_dsl"]
    (1.0, 0.0)
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from ..components.extensions import SPANS_KEY
from .labels import MODES

ACTION_LEMMAS = frozenset(
    """organiser animer réunir mener conduire construire co-construire mobiliser créer développer
    lancer monter engager rencontrer échanger élaborer porter accompagner proposer participer
    permettre travailler décider agir obtenir rédiger préparer réaliser aboutir se retrouver
    retrouver partager associer impliquer soutenir expérimenter initier mettre""".split()
)
TIME_WORDS = frozenset(
    "chaque semaine mois hebdomadaire mensuel mensuelle depuis année années fois séance séances".split()
)
LIST_CUES = ("tels que", "telles que", "notamment", "comme", "à savoir", "ou encore")

MODE_CONTEXT_COLUMNS = [
    *[f"described_{m}" for m in MODES],
    *[f"named_{m}" for m in MODES],
    "described_share",
]


def mode_context_row(doc: Doc) -> dict[str, float]:
    """Counts of mode mentions described vs merely named (see the module docstring)."""
    row = dict.fromkeys(MODE_CONTEXT_COLUMNS, 0.0)
    spans = [s for s in doc.spans.get(SPANS_KEY, ()) if s.label_ in MODES]
    by_sentence: dict[int, set[str]] = {}
    for span in spans:
        by_sentence.setdefault(span.sent.start, set()).add(span.label_)
    for span in spans:
        sent = span.sent
        lemmas = {t.lemma_.lower() for t in sent}
        words = {t.lower_ for t in sent}
        before = doc[max(sent.start, span.start - 4) : span.start].text.lower()
        listed = any(cue in before for cue in LIST_CUES) or len(by_sentence[sent.start]) > 2
        active = bool(lemmas & ACTION_LEMMAS) or bool(words & TIME_WORDS) or any(
            t.like_num and len(t.text) == 4 for t in sent
        )
        kind = "described" if active and not listed else "named"
        row[f"{kind}_{span.label_}"] += 1
    total = sum(row[f"{k}_{m}"] for k in ("described", "named") for m in MODES)
    row["described_share"] = sum(row[f"described_{m}"] for m in MODES) / total if total else 0.0
    return row


def mode_context_table(texts: Iterable[str], nlp: Language, *, batch_size: int = 64) -> pd.DataFrame:
    """One row of :data:`MODE_CONTEXT_COLUMNS` per text (``nlp``: an isic_nlp pipeline)."""
    rows = [mode_context_row(doc) for doc in nlp.pipe(list(texts), batch_size=batch_size)]
    return pd.DataFrame(rows, columns=MODE_CONTEXT_COLUMNS, dtype=float)
