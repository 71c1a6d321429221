"""Read TEI files (XML-TEI, as TXM imports and exports them): one document per ``<TEI>``.

A TEI file's text is the content of its ``<text>`` element (the ``<teiHeader>``
is metadata, not text). Words may be plain text or tokenised as TXM writes
them: ``<w>`` elements holding the word (XML-TEI) or a ``<txm:form>`` and
``<txm:ana>`` annotations (XML-TXM, the ``txm`` namespace
``http://textometrie.org/1.0``), and ``<pc>`` for punctuation. The white space
of the original is rebuilt:

* ``<p>``, ``<div>``, ``<head>``, ``<ab>``, ``<lg>``, ``<sp>``, ``<list>``,
  ``<item>``, ``<table>``/``<row>``, ``<quote>`` blocks… start a new line
  (lines are what :func:`isic_nlp.corpus.units.legal_units` cuts alineas on);
  ``<lb/>`` and ``<l>`` (a verse line) break the line;
* tokens are joined by one space, except before ``, . ) ] … °`` and a
  hyphenated clitic (``-t-il``), and after an apostrophe (``l'``, ``d’``) or
  an opening bracket; the French spaces before ``; : ! ?`` are kept, and a
  lone dash gets a space on each side (``I.-Le`` and ``. - Le`` are both
  written, and the tokens do not say which);
* ``<txm:ana>`` annotations (part of speech, lemma) are not text; of a
  ``<choice>``, only the ``<expan>``, ``<reg>`` or ``<corr>`` reading is kept.

Metadata (``meta``): ``title`` (the first ``titleStmt/title`` of the header),
``date`` and ``year`` (``profileDesc/creation/date``, else the first date of
``sourceDesc``: the date of the document, not of its electronic edition;
its ``@when`` attribute when there is one), the attributes of ``<text>``
(XML-TXM keeps a text's metadata there), and ``filename``. The row of a TXM
``metadata.csv``, when there is one, is added over these
(:mod:`isic_nlp.corpus.textometry`).

A ``<teiCorpus>`` file gives one document per ``<TEI>`` inside it, with id
``<file stem>:<n>`` (or the TEI's ``xml:id``).

Problems: E219 (malformed XML), E220 (entity declarations, external
references: refused, never expanded), E203 (a TEI without text), and the file
problems of the other readers (E210, E213–E216).

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "L116-1.xml"
    >>> _ = path.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:txm="http://textometrie.org/1.0">'
    ...     '<teiHeader><fileDesc><titleStmt><title>CASF, article L116-1</title></titleStmt></fileDesc></teiHeader>'
    ...     '<text><body><p><w><txm:form>L\\'</txm:form></w><w><txm:form>action</txm:form>'
    ...     '<txm:ana type="#frpos">NOM</txm:ana></w><w><txm:form>sociale</txm:form></w>'
    ...     '<pc>.</pc></p></body></text></TEI>', encoding="utf-8")
    >>> [(r.id, r.text, r.meta["title"]) for r in read_tei(path)]
    [('L116-1', "L'action sociale.", 'CASF, article L116-1')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from .hygiene import clean_dates
from .records import InputProblem, Record
from .xmlsafe import child, children, local, parse_xml, read_xml_bytes, text_of

__all__ = ["read_tei", "tei_document", "tei_records"]

_BLOCKS = frozenset(
    "p div div1 div2 div3 div4 div5 head ab lg sp speaker list item table row cell quote "
    "castList castItem stage trailer byline dateline opener closer salute signed argument epigraph "
    "docTitle titlePage front back figure note".split()
)
_LINE_BREAKS = frozenset({"lb", "l"})
_TOKENS = frozenset({"w", "pc"})
_PREFERRED = frozenset({"expan", "reg", "corr"})
_SKIPPED = frozenset({"teiHeader", "ana", "interp", "interpGrp", "fs", "f", "pb", "cb", "milestone"})
_NO_SPACE_BEFORE = re.compile(r"^(?:[,.)\]}…°]|\.\.\.|-(?!-)\w)")
_NO_SPACE_AFTER = re.compile(r"['’(\[{]$")
_ID = "{http://www.w3.org/XML/1998/namespace}id"


def read_tei(path: str | Path, rid: str | None = None) -> Iterator[Record | InputProblem]:
    """Records of one TEI file (one, or one per ``<TEI>`` of a ``<teiCorpus>``), after their problems.

    ``rid`` is the id of the document (default: the file name without ``.xml``).
    """
    path = Path(path)
    file = str(path)
    stem = rid or _stem(path)
    data = read_xml_bytes(path, stem)
    if isinstance(data, InputProblem):
        yield data
        return
    root = parse_xml(data, file, stem)
    del data
    if isinstance(root, InputProblem):
        yield root
        return
    yield from tei_records(root, file, stem, path.name)


def tei_records(root: Element, file: str, stem: str, filename: str) -> Iterator[Record | InputProblem]:
    """The records of a parsed TEI file: its ``<TEI>``, or each ``<TEI>`` of a ``<teiCorpus>``."""
    if local(root.tag) == "teiCorpus":
        tei = [e for e in root.iter() if local(e.tag) in ("TEI", "TEI.2")]
        for number, element in enumerate(tei, start=1):
            yield from _record(element, element.get(_ID) or f"{stem}:{number}", file, filename, None)
        if not tei:
            yield InputProblem.from_code(file, None, stem, "E203")
        return
    yield from _record(root, stem, file, filename, None)


def _record(element: Element, rid: str, file: str, filename: str, line: int | None) -> Iterator[Record | InputProblem]:
    text, meta = tei_document(element)
    if not text:
        yield InputProblem.from_code(file, line, rid, "E203")
        return
    meta, problems = clean_dates({**meta, "filename": filename})
    for code, fields in problems:
        yield InputProblem.from_code(file, line, rid, code, **fields)
    yield Record(rid, text, meta, file, line)


def tei_document(tei: Element) -> tuple[str, dict[str, Any]]:
    """The text and header metadata of one ``<TEI>`` element (see the module documentation).

    Example:
        >>> import xml.etree.ElementTree as ET
        >>> tei = ET.fromstring("<TEI><text><body><p><w>Vu</w> <w>le</w> <w>code</w> <pc>;</pc></p>"
        ...                     "<p><w>Décrète</w> <pc>:</pc></p></body></text></TEI>")
        >>> tei_document(tei)[0]
        'Vu le code ;\\nDécrète :'
    """
    meta: dict[str, Any] = {}
    header = child(tei, "teiHeader")
    title = text_of(child(header, "fileDesc", "titleStmt", "title"))
    if title:
        meta["title"] = title
    date = _header_date(header)
    if date:
        meta["date"] = date
        if re.match(r"^\d{4}", date):
            meta["year"] = int(date[:4])
    text = child(tei, "text")
    if text is None:
        return "", meta
    for name, value in text.attrib.items():
        name = local(name)
        if name not in ("id", "n") and value.strip():
            meta[name] = value.strip()
    builder = _TextBuilder()
    builder.walk(text)
    return builder.text(), meta


def _header_date(header: Element | None) -> str | None:
    if header is None:
        return None
    creation = child(header, "profileDesc", "creation")
    dates = list(creation.iter()) if creation is not None else []
    source = child(header, "fileDesc", "sourceDesc")
    dates += list(source.iter()) if source is not None else []
    for element in dates:
        if local(element.tag) == "date":
            value = element.get("when") or element.get("notBefore") or text_of(element)
            if value:
                return value
    return None


class _TextBuilder:
    """Collects the text of ``<text>``: lines of tokens and plain text."""

    def __init__(self) -> None:
        self.lines: list[list[str]] = [[]]
        self.glue = False  # the last piece forbids a space after it (l', an opening bracket)

    def walk(self, element: Element) -> None:
        name = local(element.tag)
        if name in _SKIPPED or not isinstance(element.tag, str):
            self.plain(element.tail)
            return
        if name in _TOKENS:
            self.token(_token_form(element))
            self.plain(element.tail)
            return
        if name == "choice":  # one reading of <choice>: the expanded, regularised or corrected one
            options = [sub for sub in element if isinstance(sub.tag, str)]
            chosen = next((o for o in options if local(o.tag) in _PREFERRED), options[0] if options else None)
            if chosen is not None:
                self.walk_inside(chosen)
            self.plain(element.tail)
            return
        block = name in _BLOCKS
        if block or name in _LINE_BREAKS:
            self.new_line()
        self.plain(element.text)
        for sub in element:
            self.walk(sub)
        if block or name == "l":
            self.new_line()
        self.plain(element.tail)

    def walk_inside(self, element: Element) -> None:
        """The content of ``element`` (not its tail)."""
        self.plain(element.text)
        for sub in element:
            self.walk(sub)

    def new_line(self) -> None:
        if self.lines[-1]:
            self.lines.append([])
        self.glue = False

    def token(self, form: str) -> None:
        form = " ".join(form.split())
        if not form:
            return
        line = self.lines[-1]
        if line and not self.glue and not _NO_SPACE_BEFORE.match(form):
            line.append(" ")
        line.append(form)
        self.glue = bool(_NO_SPACE_AFTER.search(form))

    def plain(self, text: str | None) -> None:
        if not text or text.isspace():
            return  # white space between elements: the tokens' rules decide
        line = self.lines[-1]
        if line and text[0].isspace() and not self.glue:
            line.append(" ")
        words = " ".join(text.split())
        line.append(words)
        if text[-1].isspace():
            line.append(" ")
        self.glue = bool(_NO_SPACE_AFTER.search(words))

    def text(self) -> str:
        lines = (re.sub(r" {2,}", " ", "".join(line)).strip() for line in self.lines)
        return "\n".join(line for line in lines if line)


def _token_form(element: Element) -> str:
    """The word of a ``<w>``/``<pc>``: its ``<txm:form>`` (XML-TXM), else its text without annotations."""
    form = next(children(element, "form"), None)
    if form is not None:
        return "".join(form.itertext())
    parts = [element.text or ""]
    for sub in element:
        if local(sub.tag) not in _SKIPPED:
            parts.append("".join(sub.itertext()))
        parts.append(sub.tail or "")
    return "".join(parts)


def _stem(path: Path) -> str:
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return name[:-4] if name.lower().endswith(".xml") else Path(name).stem
