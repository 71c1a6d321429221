"""French names of the shipped labels and groups, and "did you mean" for a mistyped one.

A researcher may write ``droits`` for ``rights`` or ``dsl`` for local social
development: :func:`resolve_label` accepts the label and group names of the
pipeline, these French aliases (accents and case ignored), and suggests the
closest names when nothing matches.

Example:
    >>> groups = {"rights": "individual", "participation": "collective", "dsl": "isic_mode"}
    >>> resolve_label("Droits", groups), resolve_label("collectif", groups), resolve_label("développement social local", groups)
    ('rights', 'collective', 'dsl')
    >>> resolve_label("right", groups)
    Traceback (most recent call last):
    ...
    isic_nlp.errors.IsicError: [isic:E003] Unknown label 'right'. Did you mean: rights? Known labels: rights, participation, dsl, individual, collective, isic_mode (French names are accepted too: see the README).
"""

from __future__ import annotations

import difflib
import unicodedata

from ..errors import Errors, IsicError

#: French name -> label or group of the shipped lexicons (documented in the README).
ALIASES = {
    "droits": "rights",
    "droit": "rights",
    "devoirs": "obligations",
    "obligations": "obligations",
    "accompagnement individuel": "individual_support",
    "accompagnement": "individual_support",
    "prestations": "individual_benefit",
    "prestation": "individual_benefit",
    "participation": "participation",
    "territoire": "territorial",
    "partenariat": "partnership",
    "travail de groupe": "group_work",
    "communaute": "community",
    "lien social": "social_bond",
    "relations collectives de travail": "labour_relations",
    "relations de travail": "labour_relations",
    "dialogue social": "labour_relations",
    "individuel": "individual",
    "individuelle": "individual",
    "collectif": "collective",
    "collective": "collective",
    "intervention collective": "collective",
    "relations collectives": "collective_labour",
    "modes isic": "isic_mode",
    "isic": "isic_mode",
    "travail social communautaire": "communautaire",
    "communautaire": "communautaire",
    "travail social avec les groupes": "groupes",
    "groupes": "groupes",
    "developpement social local": "dsl",
    "actions collectives": "collectives",
    "autres actions collectives": "collectives",
}


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().lower().replace("_", " ").replace("-", " "))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def resolve_label(name: str, groups: dict[str, str]) -> str:
    """The label or group ``name`` stands for in a pipeline whose labels are ``groups`` (label -> group).

    Raises ``E003`` with the closest names when it is neither a label, a group nor a French alias of one.
    """
    known = [*groups, *dict.fromkeys(groups.values())]
    if name in known:
        return name
    by_key = {_key(k): k for k in known}
    key = _key(name)
    if key in by_key:
        return by_key[key]
    alias = ALIASES.get(key)
    if alias in known:
        return alias
    close = difflib.get_close_matches(key, [*by_key, *[a for a, target in ALIASES.items() if target in known]], n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys(by_key.get(c) or ALIASES[c] for c in close))
    hint = f"Did you mean: {', '.join(suggestions)}? " if suggestions else ""
    raise IsicError(Errors.E003.format(label=name, hint=hint, known=", ".join(known)))
