"""Model files: ``model.skops`` (no pickle) and the JSON sidecar ``model.json``.

The sidecar records the versions of isic_nlp, scikit-learn, spaCy and skops,
the spaCy pipeline and lexicon hashes that made the features, the training
data's size and hash, the parameters, the cross-validated scores and the
SHA-256 of ``model.skops``. Loading checks, in order: both files are there
(E501), the sidecar is ours (E503), the model file's hash matches (E502,
tampering), the file is a skops file with trusted types only (E503, E504);
then it warns when a version or a lexicon differs (W501, W502).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import spacy

from .. import __version__
from ..errors import Errors, IsicError
from ..output import sha256_file, write_atomic
from ..shipped import data_folder

MODEL_FILE = "model.skops"
SIDECAR_FILE = "model.json"
FORMAT = "isic_nlp-classifier"
# 2: the TF-IDF vocabularies are stored as one array of terms each (see _pack_vocabularies).
FORMAT_VERSION = 2
# The only types a model file may hold beyond skops' defaults (checked before loading).
TRUSTED_TYPES = frozenset(
    {
        "isic_nlp.classify.features.ProfileFeatures",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.calibration.CalibratedClassifierCV",
        "sklearn.compose._column_transformer.ColumnTransformer",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.multiclass.OneVsRestClassifier",
        "sklearn.pipeline.Pipeline",
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.preprocessing._label.LabelBinarizer",
        "sklearn.svm._classes.LinearSVC",
        "builtins.slice",
        "numpy.dtype",
        "numpy.float64",
        "numpy.int64",
        "numpy.str_",
        "builtins.float",
        "builtins.int",
        "numpy.ndarray",
        "scipy.sparse._csr.csr_matrix",
        "sklearn.utils._bunch.Bunch",
    }
)


def default_model_dir() -> Path:
    """The folder of the model shipped inside the package."""
    return data_folder("models") / "default"


def versions() -> dict[str, str]:
    """The versions of the packages a model file depends on."""
    import skops

    return {
        "isic_nlp": __version__,
        "scikit-learn": sklearn.__version__,
        "spacy": spacy.__version__,
        "skops": skops.__version__,
    }


def slim(model):
    """Drop what makes the same training give different bytes (returns ``model``).

    ``stop_words_`` is only for introspection (scikit-learn says it can go), it is
    most of the file's size, and it is a set, whose order changes between runs.
    """
    for _, transformer, _ in model.named_steps["features"].transformers_:
        if hasattr(transformer, "stop_words_"):
            del transformer.stop_words_
        # A memory address (a cache key for a consistency check): differs in every run.
        if hasattr(transformer, "_stop_words_id"):
            del transformer._stop_words_id
    return model


def save_model(payload: dict[str, Any], meta: dict[str, Any], path: str | Path) -> dict[str, Any]:
    """Write the models of ``payload`` and the sidecar ``meta`` (each atomically, the sidecar last).

    Returns the sidecar as written, with the model file's ``model_sha256``.
    """
    import skops.io as sio

    folder = Path(path)
    # Predicting puts back a run-dependent cache key in the vectorizers: drop it again.
    payload = {name: slim(model) if model is not None else None for name, model in payload.items()}
    with _packed_vocabularies(payload) as vocabularies:
        data = sio.dumps({**payload, VOCABULARIES: vocabularies})
    model_path = write_atomic(folder / MODEL_FILE, _deterministic_zip(data))
    meta = dict(meta)
    meta["format_version"] = FORMAT_VERSION
    meta["model_sha256"] = sha256_file(model_path)
    write_atomic(
        folder / SIDECAR_FILE,
        json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=False) + "\n",
    )
    return meta


VOCABULARIES = "vocabularies"


def _vectorizers(payload: dict[str, Any]):
    """``(key, vectorizer)`` of every fitted TF-IDF vectorizer of the payload's models."""
    for name, model in payload.items():
        if model is None or name == VOCABULARIES:
            continue
        for step, transformer, _ in model.named_steps["features"].transformers_:
            if hasattr(transformer, "vocabulary_"):
                yield f"{name}/{step}", transformer


@contextmanager
def _packed_vocabularies(payload: dict[str, Any]):
    """Each vectorizer's ``vocabulary_`` (term -> column) as one array of terms, column order.

    skops writes a dict of tens of thousands of terms as as many objects, and
    loading them took most of a report's start-up (14 s for the shipped model);
    one array of terms loads at once. The vectorizers get their dict back on
    leaving, and :func:`load_model` rebuilds it.
    """
    saved: dict[str, dict] = {}
    packed: dict[str, np.ndarray] = {}
    try:
        for key, vectorizer in _vectorizers(payload):
            vocabulary = vectorizer.vocabulary_
            terms = [""] * len(vocabulary)
            for term, column in vocabulary.items():
                terms[int(column)] = term
            saved[key] = vocabulary
            packed[key] = np.array(terms, dtype=str)
            vectorizer.vocabulary_ = None
        yield packed
    finally:
        for key, vectorizer in _vectorizers(payload):
            if key in saved:
                vectorizer.vocabulary_ = saved[key]


def _unpack_vocabularies(payload: dict[str, Any], path: Path) -> None:
    packed = payload.pop(VOCABULARIES, None) or {}
    for key, vectorizer in _vectorizers(payload):
        if vectorizer.vocabulary_ is None:
            if key not in packed or len(packed[key]) != len(vectorizer.idf_):
                raise IsicError(Errors.E503.format(path=path, reason=f"the vocabulary of '{key}' is missing or damaged"))
            vectorizer.vocabulary_ = {str(term): column for column, term in enumerate(packed[key].tolist())}


def _deterministic_zip(data: bytes) -> bytes:
    """The same skops file with renumbered object ids and fixed timestamps: the same model gives the same bytes.

    skops names objects (``__id__``) and array files (``<id>.npy``) after their
    memory address; numbering them in order of appearance keeps every
    reference and makes the file, and its SHA-256, reproducible.
    """
    import io
    import zipfile

    ids: dict = {}
    files: dict[str, str] = {}

    def renumber(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "__id__":
                    out[key] = ids.setdefault(value, len(ids) + 1)
                elif key == "file" and isinstance(value, str):
                    out[key] = files.setdefault(value, f"{len(files) + 1:06d}{Path(value).suffix}")
                else:
                    out[key] = renumber(value)
            return out
        if isinstance(node, list):
            return [renumber(value) for value in node]
        return node

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        schema = json.dumps(renumber(json.loads(source.read("schema.json")))).encode("utf-8")
        entries = [("schema.json", schema)]
        names = set(source.namelist()) - {"schema.json"}
        unknown = names - set(files)
        if unknown:  # a file the schema does not name: keep the original bytes rather than guess
            return data
        entries += sorted((new, source.read(old)) for old, new in files.items() if old in names)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()


def read_sidecar(folder: Path) -> dict[str, Any]:
    model_path, sidecar_path = folder / MODEL_FILE, folder / SIDECAR_FILE
    if not model_path.is_file() or not sidecar_path.is_file():
        raise IsicError(Errors.E501.format(path=folder))
    try:
        meta = json.loads(sidecar_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise IsicError(
            Errors.E503.format(path=sidecar_path, reason=f"the sidecar is not JSON ({err})")
        ) from err
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise IsicError(
            Errors.E503.format(path=sidecar_path, reason=f"its 'format' is not '{FORMAT}'")
        )
    return meta


def load_model(path: str | Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The models and the sidecar of a folder written by :func:`save_model` (default: the shipped model)."""
    import skops.io as sio

    folder = Path(path) if path is not None else default_model_dir()
    meta = read_sidecar(folder)
    model_path = folder / MODEL_FILE
    data = model_path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != meta.get("model_sha256"):
        raise IsicError(
            Errors.E502.format(
                path=model_path,
                actual=actual[:12] + "…",
                expected=str(meta.get("model_sha256"))[:12] + "…",
            )
        )
    try:
        untrusted = set(sio.get_untrusted_types(data=data))
    except Exception as err:  # a zip that is not a skops file, or no zip at all
        raise IsicError(
            Errors.E503.format(
                path=model_path, reason=f"not a skops file ({type(err).__name__}: {err})"
            )
        ) from err
    unknown = sorted(untrusted - TRUSTED_TYPES)
    if unknown:
        raise IsicError(Errors.E504.format(path=model_path, types=", ".join(unknown)))
    try:
        payload = sio.loads(data, trusted=sorted(untrusted))
    except Exception as err:
        raise IsicError(
            Errors.E503.format(
                path=model_path, reason=f"it could not be read ({type(err).__name__}: {err})"
            )
        ) from err
    if not isinstance(payload, dict) or "frame" not in payload:
        raise IsicError(Errors.E503.format(path=model_path, reason="it holds no frame model"))
    _unpack_vocabularies(payload, model_path)

    for package, current in versions().items():
        saved = meta.get("versions", {}).get(package)
        if package != "skops" and saved != current:
            warnings.warn(
                Errors.W501.format(path=folder, package=package, saved=saved, current=current),
                UserWarning,
                stacklevel=3,
            )
    return payload, meta
