"""XML inputs: one ``.xml`` file (TEI or DILA), or a DILA ``.tar.gz`` archive streamed member by member.

:func:`read_xml` reads one file: its root element says which reader
(:mod:`isic_nlp.corpus.tei` for ``<TEI>``/``<teiCorpus>``,
:mod:`isic_nlp.corpus.dila` for the DILA roots); an XML file of another kind is
E221, a DILA structure file (``SECTION_TA``, ``TEXTELR``, a code's
``TEXTE_VERSION``) a W215 warning.

:func:`read_archive` reads a ``.tar.gz``, ``.tgz`` or ``.tar`` (the DILA
archives: ``Freemium_legi_global_….tar.gz``, the daily ``LEGI_….tar.gz``)
as a stream (``tarfile`` mode ``r|``): members are read one at a time, never
extracted to disk and never all in memory. Each ``.xml`` member is read as
:func:`read_xml` reads a file; its problems name it as
``<archive>!<member>``. A member over the record bound is skipped (E216) and
the archive stops past the file bound of decompressed bytes (E217), the records
before it kept. Members that are not XML (``liste_suppression_legi.dat``…) and
the structure files are counted in one W215 warning at the end. A damaged
archive is E210 at the member where reading stopped.

Example:
    >>> import io, pathlib, tarfile, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "legi.tar.gz"
    >>> article = (b"<ARTICLE><META><META_COMMUN><ID>LEGIARTI000006796411</ID></META_COMMUN></META>"
    ...            b"<BLOC_TEXTUEL><CONTENU><p>L'action sociale...</p></CONTENU></BLOC_TEXTUEL></ARTICLE>")
    >>> with tarfile.open(path, "w:gz") as tar:
    ...     for name, data in (("legi/LEGIARTI000006796411.xml", article), ("liste_suppression_legi.dat", b"x")):
    ...         info = tarfile.TarInfo(name); info.size = len(data); tar.addfile(info, io.BytesIO(data))
    >>> [(type(i).__name__, i.id, i.code if isinstance(i, InputProblem) else i.text) for i in read_archive(path)]
    [('Record', 'LEGIARTI000006796411', "L'action sociale..."), ('InputProblem', None, 'W215')]
"""

from __future__ import annotations

import collections
import tarfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from .decoding import READ_ERRORS, FileTooLarge, describe_error, file_problem, limits, open_binary, read_problem, too_large
from .dila import RECORD_ROOTS, dila_records
from .records import InputProblem, Record
from .tei import tei_records
from .xmlsafe import kind_of_root, local, parse_xml, read_xml_bytes

__all__ = ["ARCHIVE_SUFFIXES", "is_archive", "read_archive", "read_xml"]

#: Names of the archives read by :func:`read_archive`.
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")


def is_archive(path: Path) -> bool:
    """Whether ``path`` is named as a tar archive (``.tar.gz``, ``.tgz``, ``.tar``)."""
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def read_xml(path: str | Path) -> Iterator[Record | InputProblem]:
    """The records of one XML file (TEI or DILA), after their problems."""
    path = Path(path)
    file = str(path)
    stem = _stem(path.name)
    data = read_xml_bytes(path, None)
    if isinstance(data, InputProblem):
        yield data
        return
    skipped: collections.Counter[str] = collections.Counter()
    yield from _document(data, file, stem, path.name, skipped)
    for what, count in skipped.items():
        yield InputProblem.from_code(file, None, None, "W215", count=count, what=what)


def _document(
    data: bytes, file: str, stem: str, filename: str, skipped: collections.Counter[str]
) -> Iterator[Record | InputProblem]:
    root = parse_xml(data, file)
    if isinstance(root, InputProblem):
        yield root
        return
    kind = kind_of_root(local(root.tag))
    if kind == "tei":
        yield from tei_records(root, file, stem, filename)
    elif kind == "dila":
        found = False
        for item in dila_records(root, file):
            found = True
            yield item
        if not found:
            skipped[_structure(root)] += 1
    else:
        yield InputProblem.from_code(file, None, None, "E221", root=local(root.tag))


def _structure(root: Element) -> str:
    name = local(root.tag)
    if name in RECORD_ROOTS:  # a TEXTE_VERSION without text of its own (a code's)
        return f"DILA {name} files without text of their own (their articles are their own files)"
    return f"DILA {name} files (structure: their titles are in each article's CONTEXTE)"


def read_archive(path: str | Path) -> Iterator[Record | InputProblem]:
    """The records of the XML members of a tar archive, streamed (see the module documentation)."""
    path = Path(path)
    file = str(path)
    refused = file_problem(path)
    if refused is not None:
        yield refused
        return
    skipped: collections.Counter[str] = collections.Counter()
    member_name: str | None = None
    cap = limits().max_record_bytes
    try:
        with open(path, "rb") as raw:
            gz = raw.read(2) == b"\x1f\x8b"
        with open_binary(path, gz) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                tar.members = []  # tarfile keeps every member read: memory would grow with the archive
                member_name = member.name
                where = f"{file}!{member.name}"
                if member.isdir():
                    continue
                if not member.isfile():
                    skipped["links and special files"] += 1
                    continue
                name = member.name.rsplit("/", 1)[-1]
                if not name.lower().endswith(".xml") or name.startswith("."):
                    skipped[f"not XML ({_extension(name)})"] += 1
                    continue
                if member.size > cap:
                    yield too_large(where, None, None)
                    continue
                handle = tar.extractfile(member)
                data = handle.read() if handle is not None else b""
                if not data.strip():
                    yield InputProblem.from_code(where, None, None, "W206")
                    continue
                yield from _document(data, where, _stem(name), name, skipped)
    except FileTooLarge as err:
        yield read_problem(f"{file}!{member_name}" if member_name else file, None, None, err)
    except (tarfile.TarError, *READ_ERRORS) as err:
        where = f"{file}!{member_name}" if member_name else file
        reason = describe_error(err) if not isinstance(err, tarfile.TarError) else f"damaged tar archive ({err})"
        yield InputProblem.from_code(where, None, None, "E210", reason=reason)
    for what, count in skipped.items():
        yield InputProblem.from_code(file, None, None, "W215", count=count, what=what)


def _stem(name: str) -> str:
    lower = name.lower()
    for suffix in (".xml.gz", ".xml"):  # a member is never .xml.gz; a file may be
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else "no extension"
