"""Datasets that do not ship with isic_nlp but can be fetched once, checked, and found again.

The LEGI code trees are 160 MB unpacked: too large to ship. ``isic-nlp corpus get
legi`` fetches the npm package ``@socialgouv/legi-data`` at a fixed version with
the ordinary npm client (``npm pack``), checks its SHA-512 against the value
recorded here, and keeps the code files under the user's data folder
(``$ISIC_NLP_DATA`` if set, else ``$XDG_DATA_HOME/isic_nlp`` or
``~/.local/share/isic_nlp``). A corpus manifest names a dataset with
``dataset: legi``; its sources are then looked up in that folder, and a
missing dataset is a coded error that says the command to run.

Example:
    >>> from isic_nlp.corpus.fetch import DATASETS
    >>> DATASETS["legi"].package
    '@socialgouv/legi-data@2.513.0'
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from isic_nlp.errors import Errors, IsicError

__all__ = ["DATASETS", "Dataset", "dataset_folder", "get_dataset"]


@dataclass(frozen=True)
class Dataset:
    """A dataset fetched from a package registry: what, which files, and its checksum."""

    name: str
    package: str
    integrity: str
    files: tuple[str, ...]
    size: str
    #: An environment variable that may point at a folder holding the files already.
    env: str


DATASETS = {
    "legi": Dataset(
        name="legi",
        package="@socialgouv/legi-data@2.513.0",
        # The npm registry's `integrity` of the tarball (SHA-512, base64), as `npm pack --json` prints it.
        integrity="sha512-YaBJPF39Ic/EKdBq+gCagjPJdHeqA1Fpa5lHKEn3G7za/j9ZENRqMKcenntnNBUXFvrVA+fSXVfpi4gQr228UA==",
        files=(
            "LEGITEXT000006072050.json",  # Code du travail
            "LEGITEXT000006073189.json",  # Code de la sécurité sociale
            "LEGITEXT000022197698.json",  # Code rural et de la pêche maritime
            "LEGITEXT000031366350.json",  # Code des relations entre le public et l'administration
        ),
        size="12.6 MB to fetch, 158 MB on disk",
        env="ISIC_LEGI_DATA",
    ),
}


def _data_home() -> Path:
    if os.environ.get("ISIC_NLP_DATA"):
        return Path(os.environ["ISIC_NLP_DATA"])
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "isic_nlp"


def _dataset(name: str) -> Dataset:
    if name not in DATASETS:
        raise IsicError(Errors.E032.format(name=name, known=", ".join(DATASETS)))
    return DATASETS[name]


def dataset_folder(name: str) -> Path:
    """Where the dataset's files are (or would be): ``$<env>`` if set, else the user data folder."""
    dataset = _dataset(name)
    if os.environ.get(dataset.env):
        return Path(os.environ[dataset.env])
    return _data_home() / f"{dataset.package.lstrip('@').replace('/', '-').replace('@', '-')}"


def is_present(name: str) -> bool:
    """Whether every file of the dataset is in :func:`dataset_folder`."""
    folder = dataset_folder(name)
    return all((folder / f).is_file() for f in _dataset(name).files)


def _integrity(path: Path) -> str:
    digest = hashlib.sha512()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def get_dataset(name: str, *, force: bool = False, npm: str = "npm") -> Path:
    """Fetch a dataset once (checked against its SHA-512) and return its folder.

    Nothing is kept unless the checksum matches; the files appear in the folder
    all at once (extracted beside it, then renamed).

    Raises:
        IsicError: E032 unknown dataset, E033 the fetch failed (no npm, offline),
            E034 checksum mismatch.
    """
    dataset = _dataset(name)
    folder = dataset_folder(name)
    if is_present(name) and not force:
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".fetch-") as tmp:
        work = Path(tmp)
        failed = Errors.E033.format(name=name, package=dataset.package, reason="{reason}", folder=folder, env=dataset.env)
        try:
            done = subprocess.run(
                [npm, "pack", dataset.package, "--silent"],
                cwd=work, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise IsicError(failed.replace("{reason}", f"`{npm}` is not installed")) from None
        except subprocess.TimeoutExpired:
            raise IsicError(failed.replace("{reason}", "no answer from the registry in 10 minutes")) from None
        tarballs = list(work.glob("*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            reason = (done.stderr.strip().splitlines() or ["npm pack failed"])[-1]
            raise IsicError(failed.replace("{reason}", reason))
        got = _integrity(tarballs[0])
        if got != dataset.integrity:
            raise IsicError(Errors.E034.format(name=name, package=dataset.package, expected=dataset.integrity, got=got))
        staged = work / "files"
        staged.mkdir()
        wanted = {f"package/data/{f}": f for f in dataset.files}
        with tarfile.open(tarballs[0], "r:gz") as archive:
            for member in archive:
                if member.name in wanted and member.isfile():
                    with archive.extractfile(member) as src, (staged / wanted[member.name]).open("wb") as dst:
                        shutil.copyfileobj(src, dst)
        missing = [f for f in dataset.files if not (staged / f).is_file()]
        if missing:
            raise IsicError(failed.replace("{reason}", f"the package lacks {', '.join(missing)}"))
        if folder.exists():
            shutil.rmtree(folder)
        staged.rename(folder)
    return folder
