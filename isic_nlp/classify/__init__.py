"""Frame and ISIC-mode classifier: features, model, model files, evaluation, weak supervision.

Example:
    >>> from isic_nlp.classify import FRAMES, MODES
    >>> FRAMES, MODES
    (('individual', 'collective', 'mixed', 'none'), ('communautaire', 'groupes', 'dsl', 'collectives'))
"""

from .api import classify, evaluate, train
from .labels import FRAMES, MODES, read_labels
from .model import Classifier

__all__ = ["FRAMES", "MODES", "Classifier", "classify", "evaluate", "read_labels", "train"]
