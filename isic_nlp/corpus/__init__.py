"""Corpora: readers per source format, legal units, manifests, description, textometry exports.

Example:
    >>> from isic_nlp.corpus import describe, legal_units
    >>> [u.id for u in legal_units("loi", "Article 1er\\nLe texte.") if u.type == "article"]
    ['loi/art-1']
"""

from .description import CorpusDescription, describe
from .export import export_iramuteq, export_txm
from .manifest import load_manifest
from .units import Unit, legal_units

__all__ = [
    "CorpusDescription",
    "Unit",
    "describe",
    "export_iramuteq",
    "export_txm",
    "legal_units",
    "load_manifest",
]
