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
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sklearn
import spacy

from .._version import __version__
from ..errors import Errors, IsicError
from ..output import sha256_file, write_atomic
from ..shipped import data_folder

if TYPE_CHECKING:
    from .model import Classifier

MODEL_FILE = "model.skops"
SIDECAR_FILE = "model.json"
FORMAT = "isic_nlp-classifier"
FORMAT_VERSION = 1
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


def training_meta(clf: Classifier, **fields: Any) -> dict[str, Any]:
    """What the sidecar says about a freshly trained model (versions, pipeline, lexicons, training)."""
    from ..pipeline import pipeline_info

    info = pipeline_info(clf.nlp)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": _versions(),
        "pipeline": clf.pipeline,
        "pipe_names": info["pipe_names"],
        "lexicons": [
            {k: lex.get(k) for k in ("name", "version", "sha256")} for lex in info["lexicons"]
        ],
        "frames": list(clf.frames_),
        "modes": list(clf.modes_),
        "feature_columns": list(clf.columns_),
        "threshold": clf.threshold,
        "random_state": clf.random_state,
        "training": {k: fields[k] for k in ("n_units", "frame_counts", "mode_counts")},
        "params": {"frame": fields["frame_params"], "modes": fields["mode_params"]},
        "tuning_cv": fields.get("tuning") or None,
        "cv_scores": None,
    }


def _versions() -> dict[str, str]:
    import skops

    return {
        "isic_nlp": __version__,
        "scikit-learn": sklearn.__version__,
        "spacy": spacy.__version__,
        "skops": skops.__version__,
    }


def save_model(clf: Classifier, path: str | Path) -> Path:
    """Write the model and its sidecar (each atomically, the sidecar last)."""
    import skops.io as sio

    from .model import _slim

    folder = Path(path)
    # Predicting puts back a run-dependent cache key in the vectorizers: drop it again.
    payload = {
        "frame": _slim(clf.frame_model_),
        "modes": _slim(clf.mode_model_) if clf.mode_model_ is not None else None,
    }
    model_path = write_atomic(folder / MODEL_FILE, _deterministic_zip(sio.dumps(payload)))
    meta = dict(clf.meta_)
    meta["model_sha256"] = sha256_file(model_path)
    write_atomic(
        folder / SIDECAR_FILE,
        json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=False) + "\n",
    )
    clf.meta_ = meta
    return folder


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


def load_model(path: str | Path | None = None, *, nlp=None) -> Classifier:
    """Load a model folder written by :func:`save_model` (default: the shipped model)."""
    import skops.io as sio

    from .model import Classifier

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

    for package, current in _versions().items():
        saved = meta.get("versions", {}).get(package)
        if package != "skops" and saved != current:
            warnings.warn(
                Errors.W501.format(path=folder, package=package, saved=saved, current=current),
                UserWarning,
                stacklevel=3,
            )
    clf = Classifier(
        pipeline=meta.get("pipeline", "fast"),
        threshold=meta.get("threshold", 0.5),
        random_state=meta.get("random_state", 0),
        nlp=nlp,
    )
    clf.frame_model_ = payload["frame"]
    clf.mode_model_ = payload.get("modes")
    clf.frames_ = list(meta["frames"])
    clf.modes_ = list(meta["modes"])
    clf.columns_ = list(meta["feature_columns"])
    clf.meta_ = meta
    return clf


def check_features(clf: Classifier, path: Any = None) -> None:
    """Warn when the pipeline's lexicons differ from those the model was trained with (W502, W504)."""
    from ..pipeline import pipeline_info

    nlp = clf.nlp
    built = nlp.meta.get("isic_nlp", {}).get("pipeline")
    if built is not None and str(built) != str(clf.meta_.get("pipeline")):
        warnings.warn(
            Errors.W504.format(saved=clf.meta_.get("pipeline"), current=built),
            UserWarning,
            stacklevel=3,
        )
    saved = {lex["name"]: lex for lex in clf.meta_.get("lexicons", [])}
    for lex in pipeline_info(nlp)["lexicons"]:
        old = saved.get(lex["name"])
        if old is not None and old.get("sha256") != lex.get("sha256"):
            warnings.warn(
                Errors.W502.format(
                    path=path or "the model",
                    name=lex["name"],
                    saved_version=old.get("version"),
                    saved=str(old.get("sha256"))[:12],
                    current_version=lex.get("version"),
                    current=str(lex.get("sha256"))[:12],
                ),
                UserWarning,
                stacklevel=3,
            )
