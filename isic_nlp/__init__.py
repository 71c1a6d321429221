"""isic_nlp: individual-rights and collective-action (ISIC) framing in French legal texts.

Example:
    >>> import isic_nlp
    >>> nlp = isic_nlp.load("fast")
    >>> doc = nlp("Le projet personnalisé respecte le libre choix de la personne.")
    >>> sorted({span.label_ for span in doc.spans["isic"]})
    ['individual_support', 'rights']
"""

from ._version import __version__
from .pipeline import load, pipeline_info
from .analysis import AnalysisResult, analyse, kwic


def __getattr__(name: str):
    # The classifier pulls in scikit-learn (about 0.7 s): imported on first use
    # only, because spaCy imports this package whenever it builds a pipeline.
    if name == "Classifier":
        from .classify import Classifier

        return Classifier
    raise AttributeError(f"module 'isic_nlp' has no attribute {name!r}")


__all__ = ["AnalysisResult", "Classifier", "__version__", "analyse", "kwic", "load", "pipeline_info"]
