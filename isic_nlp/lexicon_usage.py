"""How lexicon entries behave on a corpus: entries that never fire, entries shadowed by others.

Example:
    >>> from isic_nlp.lexicon_usage import lexicon_usage
    >>> usage = lexicon_usage([{"id": "1", "text": "Le conseil de la vie sociale."}], pipeline="fast")
    >>> int(usage.set_index("entry_id").loc["participation.conseil_vie_sociale", "n_won"])
    1
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
from spacy.language import Language

from .analysis import process
from .components.matcher import LexiconMatcher
from .corpus.readers import Source, records_from_source
from .pipeline import linguistic_pipes, load


def lexicon_usage(
    source: Source,
    pipeline: str | Path | Language = "fast",
    *,
    lexicons: list[str] | None = None,
    nlp=None,
) -> pd.DataFrame:
    """One row per entry of the matcher's lexicons, with how it fared on ``source``.

    Columns: ``lexicon``, ``entry_id``, ``label``, ``line``, ``n_candidates``
    (times its pattern matched), ``n_won`` (times it became a mention, after
    overlaps are resolved), ``status`` (``ok``, ``never fires`` or
    ``shadowed``) and ``shadowed_by`` (the entries that took its words, most
    frequent first).
    """
    if nlp is None:
        nlp = pipeline if isinstance(pipeline, Language) else load(pipeline, lexicons=lexicons)
    matcher = next(
        component for _, component in nlp.pipeline if isinstance(component, LexiconMatcher)
    )
    compiled = matcher.check_ready()
    candidates: Counter = Counter()
    won: Counter = Counter()
    shadowed_by: dict[tuple[int, str], Counter] = defaultdict(Counter)
    items, _ = records_from_source(source)
    with nlp.select_pipes(enable=linguistic_pipes(nlp)):
        for _, chunks in process(items, nlp, []):
            for _, doc in chunks:
                all_matches = compiled.candidates(doc)
                kept = compiled(doc)
                kept_keys = {(m.lexicon, m.entry.id, m.start, m.end) for m in kept}
                for match in all_matches:
                    key = (match.lexicon, match.entry.id)
                    candidates[key] += 1
                    if (match.lexicon, match.entry.id, match.start, match.end) in kept_keys:
                        won[key] += 1
                        continue
                    for winner in kept:
                        if (
                            winner.lexicon == match.lexicon
                            and winner.start < match.end
                            and match.start < winner.end
                        ):
                            shadowed_by[key][winner.entry.id] += 1
    rows = []
    for index, lexicon in enumerate(compiled.lexicons):
        for entry in lexicon.entries:
            key = (index, entry.id)
            n_candidates, n_won = candidates[key], won[key]
            status = "never fires" if n_candidates == 0 else "shadowed" if n_won == 0 else "ok"
            rows.append(
                {
                    "lexicon": lexicon.name,
                    "file": lexicon.file,
                    "line": entry.line,
                    "entry_id": entry.id,
                    "label": entry.label,
                    "n_candidates": n_candidates,
                    "n_won": n_won,
                    "status": status,
                    "shadowed_by": ";".join(
                        f"{e} ({n})" for e, n in shadowed_by[key].most_common(3)
                    )
                    or None,
                }
            )
    return pd.DataFrame(rows)
