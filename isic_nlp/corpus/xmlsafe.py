"""XML read safely: ``defusedxml`` parsing, the kind of a file from its root element, element helpers.

Every XML input (TEI, DILA) is parsed here, with :mod:`defusedxml.ElementTree`:
entity declarations (the "billion laughs" bomb) and external entities or DTDs
(file disclosure) are refused, never expanded; the file is then reported
(E220) and the other files are read. Malformed XML is E219 with the line and
column the parser gives. One XML file is one record (a TEI text, a LEGI
article), so it is read whole, within the record bound (E216,
:func:`isic_nlp.corpus.decoding.limits`).

The kind of a file is decided from its root element (:func:`root_name`, from
the first 64 KiB, without parsing): ``TEI`` / ``teiCorpus`` (TEI, TXM) and the
roots of the DILA open-data files (``ARTICLE``, ``TEXTE_VERSION``,
``SECTION_TA``, ``TEXTELR``...).

Example:
    >>> parse_xml(b"<ARTICLE><NUM>L116-1</NUM></ARTICLE>", "a.xml").find("NUM").text
    'L116-1'
    >>> bomb = b'<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><r>&b;</r>'
    >>> parse_xml(bomb, "bomb.xml").code
    'E220'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from .decoding import READ_ERRORS, Unreadable, open_binary, read_all_bytes, read_problem
from .records import InputProblem

__all__ = ["TEI_ROOTS", "DILA_ROOTS", "child", "children", "local", "parse_xml", "read_xml_bytes", "root_name", "text_of", "xml_kind"]

#: Root elements of TEI files (TXM's XML-TEI and XML-TXM imports and exports).
TEI_ROOTS = frozenset({"TEI", "TEI.2", "teiCorpus"})
#: Root elements of the DILA open-data files (LEGI, JORF, KALI): articles and texts give records,
#: the others are structure (their titles are repeated in each article's CONTEXTE).
DILA_ROOTS = frozenset({"ARTICLE", "TEXTE_VERSION", "SECTION_TA", "TEXTELR", "IDCC", "TEXTEKALI"})
_HEAD = 1 << 16
# The first element name after the prolog: XML declaration, comments, processing
# instructions and a DOCTYPE (with an internal subset) are skipped.
_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<([A-Za-z_][\w.:-]*)",
    re.S,
)


def local(tag: Any) -> str:
    """An element's name without its namespace: ``{http://www.tei-c.org/ns/1.0}w`` → ``w``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: Element, name: str) -> Iterator[Element]:
    """The children of ``element`` named ``name``, whatever their namespace."""
    return (c for c in element if local(c.tag) == name)


def child(element: Element | None, *path: str) -> Element | None:
    """The first element down ``path`` (local names), or ``None``."""
    for name in path:
        if element is None:
            return None
        element = next(children(element, name), None)
    return element


def text_of(element: Element | None) -> str | None:
    """All the text inside ``element`` on one line, or ``None`` when there is none."""
    if element is None:
        return None
    text = " ".join("".join(element.itertext()).split())
    return text or None


def root_name(head: bytes) -> str | None:
    """The local name of the root element from the start of an XML file, or ``None``.

    Example:
        >>> root_name(b'<?xml version="1.0"?>\\n<!-- x --><tei:TEI xmlns:tei="...">')
        'TEI'
    """
    match = _PROLOG.match(head)
    if match is None:
        return None
    return match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1]


def xml_kind(path: Path) -> str | None:
    """``"tei"``, ``"dila"`` or ``"other"`` for a readable XML file, ``None`` when it cannot be opened."""
    try:
        gz = path.name.lower().endswith(".gz")
        with open_binary(path, gz) as stream:
            head = stream.read(_HEAD)
    except (*READ_ERRORS, ValueError):
        return None
    return kind_of_root(root_name(head))


def kind_of_root(name: str | None) -> str:
    """``"tei"``, ``"dila"`` or ``"other"`` for a root element name."""
    if name in TEI_ROOTS:
        return "tei"
    if name in DILA_ROOTS:
        return "dila"
    return "other"


def parse_xml(data: bytes, file: str, rid: str | None = None) -> Element | InputProblem:
    """The root element of ``data``, or the problem: E220 (entities, external references), E219 (malformed).

    DTDs without entities are accepted (some exports declare one), but nothing is
    fetched: an external DTD or entity is refused.
    """
    try:
        return SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as err:
        return InputProblem.from_code(file, None, rid, "E220", reason=f"it declares the entity '{err.name}'")
    except defusedxml.ExternalReferenceForbidden as err:
        return InputProblem.from_code(
            file, None, rid, "E220", reason=f"it refers to the external resource '{err.sysid or err.pubid}'"
        )
    except defusedxml.DefusedXmlException as err:  # DTDForbidden, NotSupportedError
        return InputProblem.from_code(file, None, rid, "E220", reason=str(err))
    except ParseError as err:
        line, column = getattr(err, "position", (None, None))
        reason = str(err).split(":", 1)[0]
        if line is not None:
            reason += f" at line {line}, column {column + 1}"
        return InputProblem.from_code(file, line, rid, "E219", reason=reason)
    except (ValueError, RecursionError) as err:
        return InputProblem.from_code(file, None, rid, "E219", reason=str(err) or type(err).__name__)


def read_xml_bytes(path: Path, rid: str | None = None) -> bytes | InputProblem:
    """The bytes of one XML file (gzip allowed), within the record bound, or the problem (E210, E213-E217)."""
    try:
        data = read_all_bytes(path)
    except Unreadable as err:
        return read_problem(str(path), None, rid, err)
    if isinstance(data, InputProblem):
        return InputProblem(data.file, data.line, rid or data.id, data.code, data.reason, data.severity)
    if not data.strip():
        return InputProblem.from_code(str(path), None, rid, "W206")
    return data
