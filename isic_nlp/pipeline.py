"""Build the shipped pipelines (``accurate``, ``fast``) or load a saved one.

Example:
    >>> import isic_nlp
    >>> nlp = isic_nlp.load("fast")
    >>> nlp.pipe_names
    ['normalizer', 'lemmatizer', 'sentencizer', 'isic_matcher', 'isic_context', 'isic_profile']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy import util
from spacy.language import Language

from ._version import __version__
from .components.base import LexiconComponent
from .components.profile import DocumentProfile
from .components.tokenizer import create_legal_tokenizer  # noqa: F401  (registers the configs' tokenizer)
from .errors import Errors, IsicError
from .shipped import data_folder

def shipped_pipelines() -> dict[str, Path]:
    """The shipped pipeline configs, by name."""
    return {path.stem: path for path in sorted(data_folder("pipelines").glob("*.cfg"))}


def load(
    pipeline: str | Path = "accurate",
    *,
    lexicons: list[str] | None = None,
    context_lexicons: list[str] | None = None,
) -> Language:
    """Build a shipped pipeline by name, or load one saved with ``nlp.to_disk``.

    Args:
        pipeline: ``"accurate"``, ``"fast"``, the path of a ``.cfg`` file, or the
            folder of a saved pipeline.
        lexicons: framing / mode lexicons to use instead of the config's
            (shipped names or ``.yaml`` paths).
        context_lexicons: context lexicons to use instead of the config's.

    Raises:
        IsicError: unknown pipeline, missing model, or problems in a lexicon file.
    """
    shipped = shipped_pipelines()
    path = Path(pipeline)
    if isinstance(pipeline, str) and pipeline in shipped:
        config_path = shipped[pipeline]
    elif path.is_dir() and (path / "config.cfg").exists():
        if lexicons or context_lexicons:
            raise IsicError(
                Errors.E006.format(
                    option="--lexicon",
                    expected="used with a shipped pipeline or a .cfg file",
                    value=str(path),
                )
            )
        _check_sourced_models(util.load_config(path / "config.cfg"))
        return spacy.load(path)
    elif path.suffix == ".cfg" and path.exists():
        config_path = path
    else:
        raise IsicError(Errors.E002.format(name=pipeline, known=", ".join(shipped)))

    config = util.load_config(config_path)
    if lexicons is not None:
        config["components"]["isic_matcher"]["lexicons"] = list(lexicons)
    if context_lexicons is not None:
        config["components"]["isic_context"]["lexicons"] = list(context_lexicons)
    _check_sourced_models(config)
    nlp = util.load_model_from_config(config, auto_fill=True, validate=True)
    # Sourced components come trained from their model; only ours (and the
    # lookup lemmatizer) need initializing, as `spacy train` does for frozen ones.
    sourced = util.get_sourced_components(config)
    with nlp.select_pipes(disable=list(sourced)):
        nlp.initialize()
    models = {
        source: util.get_package_version(source) or "unknown"
        for source in sorted({c["source"] for c in config["components"].values() if "source" in c})
    }
    nlp.meta["isic_nlp"] = {"pipeline": str(pipeline), "models": models}
    # Saved in meta.json by nlp.to_disk (each component's folder has the lexicons themselves).
    nlp.meta["isic_nlp"]["lexicons"] = pipeline_info(nlp)["lexicons"]
    return nlp


def pipeline_info(nlp: Language) -> dict[str, Any]:
    """What produced a result: package, spaCy, model, tokenizer and lexicon versions and hashes.

    Saved with the pipeline (``nlp.meta["isic_nlp"]``) and written in every manifest.
    """
    built = nlp.meta.get("isic_nlp", {})
    return {
        "isic_nlp_version": __version__,
        "spacy_version": spacy.__version__,
        "pipeline": built.get("pipeline") or nlp.meta.get("name"),
        "pipe_names": nlp.pipe_names,
        "models": built.get("models", {}),
        # The tokenizer makes the tokens every feature counts (a config's [nlp.tokenizer] block).
        "tokenizer": dict(nlp.config["nlp"]["tokenizer"]),
        "lexicons": [
            info for component in lexicon_components(nlp) for info in component.lexicon_info()
        ],
    }


def linguistic_pipes(nlp: Language) -> list[str]:
    """Names of the components that are not isic_nlp's own (tokens, lemmas, sentences)."""
    ours = (LexiconComponent, DocumentProfile)
    return [name for name, component in nlp.pipeline if not isinstance(component, ours)]


def lexicon_components(nlp: Language) -> list[LexiconComponent]:
    return [component for _, component in nlp.pipeline if isinstance(component, LexiconComponent)]


def _check_sourced_models(config: Any) -> None:
    """E302 for a model that the config's components are sourced from and that is not installed.

    Checked before spaCy builds anything, rather than recognised in spaCy's error afterwards.
    """
    sources = {c["source"] for c in config.get("components", {}).values() if isinstance(c, dict) and "source" in c}
    for source in sorted(sources):
        if not util.is_package(source) and not Path(source).exists():
            raise IsicError(Errors.E302.format(model=source, package=source.replace("_", "-")))
