"""Find the data shipped with isic_nlp: one function, the same in a checkout and an install.

The design card keeps the shipped data in top-level folders of the repository
(``lexicons/``, ``pipelines/``, ``corpora/``, ``reports/``). The package
reaches them through ``isic_nlp/data/<kind>``: in a checkout (and an editable
install) these are relative symbolic links to the top-level folders; in a wheel
they are real folders, copied there by the build. So the code sees one layout,
``isic_nlp/data/<kind>/<file>``, wherever it runs, and no module exists only in
an installed tree (spacy-lookups-data's ``get_file`` is the model). The
classifier's model files live in the package itself (``isic_nlp/models``).

Example:
    >>> from isic_nlp.shipped import data_file, data_folder
    >>> data_file("lexicons", "framing.yaml").name
    'framing.yaml'
    >>> sorted(p.name for p in data_folder("pipelines").glob("*.cfg"))
    ['accurate.cfg', 'fast.cfg']
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import Errors, IsicError

#: Each kind of shipped data and its folder inside the package.
KINDS = {
    "lexicons": "data/lexicons",
    "pipelines": "data/pipelines",
    "corpora": "data/corpora",
    "reports": "data/reports",
    "models": "models",
}


def data_folder(kind: str) -> Path:
    """The folder of one kind of shipped data (see :data:`KINDS`)."""
    if kind not in KINDS:
        raise IsicError(Errors.E030.format(kind=kind, known=", ".join(KINDS)))
    return Path(str(resources.files("isic_nlp").joinpath(KINDS[kind])))


def data_file(kind: str, name: str) -> Path:
    """The path of one shipped file; a coded error when it is not there (a broken install)."""
    path = data_folder(kind) / name
    if not path.exists():
        raise IsicError(Errors.E031.format(kind=kind, name=name, folder=data_folder(kind)))
    return path
