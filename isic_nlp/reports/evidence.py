"""Evidence: keyword-in-context examples behind each label, drawn at random with a fixed seed.

For every label and every group (a period, a corpus, a ``doc_type``...), a
few counted mentions are drawn, each with its document, unit, date,
character offsets and lexicon entry, so a reader can check what is being
counted: ``doc_id``, ``start_char`` and ``end_char`` match the mention's row of
``data/mentions.csv`` exactly (offsets in the document's text).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import ReportData

CONTEXT_CHARS = 90
EVIDENCE_COLUMNS = ["group", "label", "side", "doc_id", "unit_id", "start_char", "end_char", "date", "left", "match",
                    "right", "entry_id", "lexicon", "lexicon_version"]


def evidence(data: ReportData, unit_groups: pd.Series, *, per_cell: int = 3, seed: int = 0,
             date_field: str | None = None) -> pd.DataFrame:
    """Up to ``per_cell`` counted mentions per label and group, drawn with ``seed``.

    Args:
        data: the report data.
        unit_groups: the group of each unit, indexed like ``data.units`` (units
            with a missing group are left out, as they are from the figures).
        per_cell: examples per label and group.
    """
    mentions = data.mentions
    if len(mentions) == 0:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    mentions = mentions[mentions["counted"].astype(bool)]
    key = data.mention_key()
    groups = pd.Series(unit_groups.to_numpy(), index=data.units["id"].to_numpy())
    groups = groups[~groups.index.duplicated()]
    # A mention outside every unit of the level (e.g. a heading at the alinéa level) has no group.
    mentions = mentions.assign(group=mentions[key].map(groups)).dropna(subset=["group"])
    if len(mentions) == 0:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    order = np.random.default_rng(seed).permutation(len(mentions))
    drawn = mentions.iloc[order].groupby(["group", "label"], sort=False).head(per_cell)
    drawn = drawn.sort_values(["group", "label"], kind="stable")
    dates = data.units.set_index("id")[date_field] if date_field and date_field in data.units else None
    rows = []
    for m in drawn.itertuples(index=False):
        left, match, right = _kwic(m.sentence, m.text)
        rows.append({
            "group": m.group, "label": m.label, "side": data.labels.get(m.label),
            "doc_id": m.doc_id, "unit_id": getattr(m, key), "start_char": int(m.start_char), "end_char": int(m.end_char),
            "date": None if dates is None else _first(dates, getattr(m, key)),
            "left": left, "match": match, "right": right,
            "entry_id": m.entry_id, "lexicon": m.lexicon, "lexicon_version": m.lexicon_version,
        })
    table = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    return table.astype({"start_char": "int64", "end_char": "int64"})


def _first(series: pd.Series, key):
    value = series.get(key)
    if isinstance(value, pd.Series):
        value = value.iloc[0]
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _kwic(sentence: str | None, match: str) -> tuple[str, str, str]:
    """Left context, match, right context from the mention's sentence (one line each)."""
    sentence = " ".join(str(sentence or "").split())
    match = " ".join(str(match).split())
    at = sentence.find(match)
    if at < 0:
        return "", match, ""
    left = sentence[:at]
    right = sentence[at + len(match):]
    if len(left) > CONTEXT_CHARS:  # cut at a word boundary
        left = "… " + left[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(right) > CONTEXT_CHARS:
        right = right[:CONTEXT_CHARS].rsplit(" ", 1)[0] + " …"
    return left, match, right
