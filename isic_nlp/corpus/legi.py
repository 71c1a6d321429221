"""Read the LEGI code trees of the npm package ``@socialgouv/legi-data``: one record per article.

A code file (``data/LEGITEXT….json``) is one JSON object, a unist tree: the
``code`` node holds ``section`` nodes, which hold sections and ``article``
nodes. Every article becomes one :class:`~isic_nlp.corpus.records.Record`:

* ``id`` = the article's LEGIARTI id (its current version), ``text`` = its
  ``texteHtml`` turned into plain text by :func:`html_to_text` (block elements
  become line breaks, entities are decoded, table cells are separated by
  `` ; ``), or ``texte`` when there is no HTML;
* ``meta``: ``doc_type`` (``CODE_ARTICLE``), ``title`` (``<code>, article
  <num>``), ``date``, ``year``, ``date_source``, ``article_num``, ``cid`` (the
  id shared by all versions: deduplicate on it), ``code_id``, ``code_title``,
  ``section_path`` (titles of the enclosing sections), ``etat``,
  ``creating_text`` (``title``, ``nature``, ``text_cid`` = JORFTEXT id,
  ``link_type``, ``date_signature``, ``date_publication``),
  ``creating_text_nature``, ``date_signature``, ``date_publication``,
  ``date_in_force``, ``first_version_date``, ``current_version_date``,
  ``n_versions``, ``last_modified_by``, ``nota``.

The creation ``date`` is chosen in this order (``date_source`` says which):

1. ``creating_text``: the signature date of the text of a ``CREE`` (orientation
   ``cible``) or ``CREATION`` (orientation ``source``) link, the earliest if
   there are several;
2. ``codification_text``: the signature date of a ``CODIFICATION`` (``source``)
   link, only when the article's first version came into force between one
   year before and two years after it (the same links are attached to articles
   added to the code decades later);
3. ``first_version_in_force``: the earliest ``dateDebut`` of ``articleVersions``.

Each definition is also kept as its own field, whatever ``date`` chose
(:data:`DATE_FIELDS`): ``date_signature`` (signature of the creating or
codification text, null when neither is known), ``date_publication`` (its
publication in the Journal officiel) and ``date_in_force`` (entry into force of
the first version, = ``first_version_date``), so that a trend can be
recomputed under each definition (:func:`isic_nlp.reports.dates.date_sensitivity`).

Dates in year 2900 or later (LEGI's ``2999-01-01`` "no date") are ignored
everywhere. These are the rules of the prepared corpora (see the README of the
shared corpora); ``benchmarks/legi_dates.py`` checks that both agree.

Memory: the file is parsed once with the standard-library JSON scanner; each
article node is turned into its record as soon as it is parsed and dropped, so
the whole tree never exists in memory (a 55 MB code needs about the size of
its texts, not ten times the file).

Example:
    >>> import pathlib
    >>> path = pathlib.Path(__file__).parents[2] / "tests/fixtures/legi/LEGITEXT000006073189-extrait.json"
    >>> items = list(read_legi(path))
    >>> art = next(i for i in items if getattr(i, "meta", {}).get("article_num") == "L111-2-1")
    >>> art.meta["date"], art.meta["date_source"]
    ('2004-08-17', 'first_version_in_force')
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .decoding import READ_ERRORS, is_regular, open_binary, probe_file, read_problem
from .hygiene import NO_DATE_YEAR
from .records import InputProblem, Record

__all__ = ["read_legi", "is_legi_tree", "html_to_text", "creation_date", "article_meta", "legi_day", "DATE_SOURCES", "DATE_FIELDS"]

DATE_SOURCES = ("creating_text", "codification_text", "first_version_in_force")
#: The date definitions every article record carries, with what each means.
DATE_FIELDS = {
    "date_signature": "signature of the text that created (or codified) the article",
    "date_publication": "publication of the text that created (or codified) the article",
    "date_in_force": "entry into force of the article's first version",
}
_DETECT_BYTES = 1 << 16
_CODE_NODE = re.compile(rb'"type"\s*:\s*"code"')


# --------------------------------------------------------------------------- #
# Detection
# --------------------------------------------------------------------------- #


def is_legi_tree(path: str | Path) -> bool:
    """Whether a ``.json`` file is a LEGI code tree (not JSON Lines).

    True when the file is one JSON object whose first 64 KiB contain a node of
    ``"type": "code"`` and whose first line is not a whole JSON object (a JSON
    Lines record is). The check never raises: an unreadable file is left to
    the JSON Lines reader, which reports it.
    """
    path = Path(path)
    if not is_regular(path):  # a FIFO would block: the reader reports it (E213)
        return False
    try:
        gz = path.name.lower().endswith(".gz")
        with open(path, "rb") as raw:
            gz = gz or raw.read(2) == b"\x1f\x8b"
        with open_binary(path, gz) as stream:
            head = stream.read(_DETECT_BYTES)
    except (*READ_ERRORS, ValueError):
        return False
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") or not _CODE_NODE.search(head):
        return False
    first_line = head.split(b"\n", 1)[0]
    try:
        json.loads(first_line)
    except ValueError:
        return True  # the object spans several lines, or the first 64 KiB
    return False if b"\n" in head.rstrip() else True


# --------------------------------------------------------------------------- #
# HTML to text
# --------------------------------------------------------------------------- #

_BLOCK_TAGS = frozenset(
    "p br div li ul ol tr table thead tbody tfoot h1 h2 h3 h4 h5 h6 blockquote pre hr dl dt dd "
    "section article header footer caption center".split()
)
_CELL_TAGS = frozenset({"td", "th"})
_BLANKS = re.compile(r"[^\S\n]+")
_LEADING_SEPARATORS = re.compile(r"^(; )+")
_SEPARATORS_ONLY = re.compile(r"^;( ;)*$")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.cells_in_row = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self.cells_in_row = 0
        if tag in _CELL_TAGS:
            if self.cells_in_row:
                self.parts.append(" ; ")
            self.cells_in_row += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, as in the prepared corpora.

    Block elements (``p``, ``br``, ``div``, ``li``, ``tr``, headings…) become
    line breaks, table cells of a row are separated by `` ; ``, entities are
    decoded, zero-width spaces removed, runs of blanks become one space, lines
    are stripped and empty lines dropped. Unlike the prepared corpora, a ``;``
    ending a line (the end of an item of an enumeration) is kept.

    Example:
        >>> html_to_text("<p>I.-La Nation&nbsp;affirme</p><p><br/>1° les droits ;</p>")
        'I.-La Nation affirme\\n1° les droits ;'
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = _ZERO_WIDTH.sub("", "".join(parser.parts))
    lines = (_LEADING_SEPARATORS.sub("", _BLANKS.sub(" ", line).strip()) for line in text.split("\n"))
    # A line of cell separators only (empty cells, or cells holding paragraphs) is dropped.
    return "\n".join(line for line in lines if line and not _SEPARATORS_ONLY.match(line))


# --------------------------------------------------------------------------- #
# Dates
# --------------------------------------------------------------------------- #


def _day(value: Any) -> str | None:
    """An ISO day from LEGI's ``yyyy-mm-dd`` strings or epoch milliseconds; None for "no date"."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            day = _dt.datetime.fromtimestamp(value / 1000, tz=_dt.timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        day = value[:10]
    else:
        return None
    return None if int(day[:4]) >= NO_DATE_YEAR else day


legi_day = _day  # public name, for the DILA XML reader


def _shift_years(day: str, years: int) -> str:
    d = _dt.date.fromisoformat(day)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).isoformat()


def _one_line(value: Any) -> Any:
    """A title on one line: runs of white space (LEGI titles hold CRLFs) become one space."""
    return " ".join(value.split()) if isinstance(value, str) else value


def _link(link: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": _one_line(link.get("textTitle")),
        "nature": link.get("natureText"),
        "text_cid": link.get("textCid"),
        "link_type": link.get("linkType"),
        "date_signature": _day(link.get("dateSignaTexte")),
        "date_publication": _day(link.get("datePubliTexte")),
    }


def _first_version_date(data: dict[str, Any]) -> str | None:
    days = [_day(v.get("dateDebut")) for v in data.get("articleVersions") or [] if isinstance(v, dict)]
    days = [d for d in days if d]
    if days:
        return min(days)
    return _day(data.get("dateDebut"))


def creation_date(data: dict[str, Any]) -> tuple[str | None, str | None, dict[str, Any] | None]:
    """``(date, date_source, creating_text)`` of one article's ``data``, by the rules above.

    Example:
        >>> data = {"articleVersions": [{"dateDebut": 1451606400000}],
        ...         "lienModifications": [{"linkType": "CODIFICATION", "linkOrientation": "source",
        ...             "dateSignaTexte": "2015-10-23", "textTitle": "ORDONNANCE n°2015-1341 du 23 octobre 2015"}]}
        >>> creation_date(data)[:2]
        ('2015-10-23', 'codification_text')
    """
    links = [link for link in data.get("lienModifications") or [] if isinstance(link, dict)]
    creating = [
        link
        for link in links
        if (link.get("linkType"), link.get("linkOrientation")) in {("CREE", "cible"), ("CREATION", "source")}
        and _day(link.get("dateSignaTexte"))
    ]
    if creating:
        link = min(creating, key=lambda k: _day(k.get("dateSignaTexte")))
        return _day(link.get("dateSignaTexte")), "creating_text", _link(link)
    first = _first_version_date(data)
    if first:
        codifying = []
        for link in links:
            signed = _day(link.get("dateSignaTexte"))
            if link.get("linkType") == "CODIFICATION" and link.get("linkOrientation") == "source" and signed:
                if _shift_years(signed, -1) <= first <= _shift_years(signed, 2):
                    codifying.append((signed, link))
        if codifying:
            signed, link = min(codifying, key=lambda pair: pair[0])
            return signed, "codification_text", _link(link)
        return first, "first_version_in_force", None
    return None, None, None


def _last_modified_by(data: dict[str, Any]) -> dict[str, Any] | None:
    mods = [
        link
        for link in data.get("lienModifications") or []
        if isinstance(link, dict) and link.get("linkType") == "MODIFIE" and _day(link.get("dateSignaTexte"))
    ]
    if not mods:
        return None
    return _link(max(mods, key=lambda k: _day(k.get("dateSignaTexte"))))


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #


def article_meta(data: dict[str, Any], code: dict[str, Any], sections: list[str]) -> dict[str, Any]:
    """The ``meta`` of an article from its ``data`` (legi-data's field names), its code and section titles.

    Also used for the DILA XML articles (:mod:`isic_nlp.corpus.dila`), whose
    fields are put under the same names first.
    """
    date, source, creating = creation_date(data)
    versions = [v for v in data.get("articleVersions") or [] if isinstance(v, dict)]
    nota = data.get("notaHtml")
    nota = html_to_text(nota) if isinstance(nota, str) and nota.strip() else data.get("nota")
    num = data.get("num")
    code_title = code.get("title")
    return {
        "doc_type": "CODE_ARTICLE",
        "title": f"{code_title}, article {num}" if code_title else f"article {num}",
        "date": date,
        "year": int(date[:4]) if date else None,
        "date_source": source,
        "article_num": num,
        "cid": data.get("cid"),
        "code_id": code.get("id"),
        "code_title": code_title,
        "section_path": list(sections),
        "etat": data.get("etat"),
        "creating_text": creating,
        "creating_text_nature": creating["nature"] if creating else None,
        # Each date definition on its own, so a trend can be recomputed under each (DATE_FIELDS).
        "date_signature": creating["date_signature"] if creating else None,
        "date_publication": creating["date_publication"] if creating else None,
        "date_in_force": _first_version_date(data),
        "first_version_date": _first_version_date(data),
        "current_version_date": _day(data.get("dateDebut")),
        "n_versions": len(versions),
        "last_modified_by": _last_modified_by(data),
        "nota": nota or None,
    }


def _article_text(data: dict[str, Any]) -> str:
    html = data.get("texteHtml")
    text = html_to_text(html) if isinstance(html, str) and html.strip() else ""
    if not text:
        plain = data.get("texte")
        text = plain.strip() if isinstance(plain, str) else ""
    return text


def read_legi(path: str | Path) -> Iterator[Record | InputProblem]:
    """Yield one record per article of a LEGI code tree, in the order of the code.

    Problems: E201 (malformed JSON, the file is skipped), E211 (an article
    without id), E203 (an article without text), E210 (unreadable file), and the
    encoding warnings of the other readers (W201, W204).
    """
    path = Path(path)
    file = str(path)
    probe = probe_file(path)
    if isinstance(probe, InputProblem):
        yield probe
        return
    yield from probe.warnings
    try:
        with open_binary(path, probe.gz) as stream:
            raw = stream.read()
    except READ_ERRORS as err:
        yield read_problem(file, None, None, err)
        return
    if probe.bom:
        raw = raw[3:]
    content = raw.decode(probe.encoding, "replace")
    del raw

    code: dict[str, Any] = {}
    sections: list[dict[str, Any]] = []  # data of the sections enclosing the current node
    out: list[Record | InputProblem] = []

    def hook(obj: dict[str, Any]) -> Any:
        # Called for each object when it closes: a node's "data" closes before its
        # children (package key order: data, type, children), the node itself after.
        kind = obj.get("type")
        data = obj.get("data")
        if kind == "article" and isinstance(data, dict):
            out.extend(_article(data, code, [_one_line(s.get("title")) or "" for s in sections], file))
            return None  # the article node is done: drop it
        if kind == "section":
            if sections and data is sections[-1]:
                sections.pop()
            return None
        if kind == "code" and isinstance(data, dict):
            return {"type": "code", "data": data}
        rid = obj.get("id")
        if isinstance(rid, str):
            if rid.startswith("LEGISCTA"):
                sections.append(obj)
            elif rid.startswith("LEGITEXT") and not code:
                code.update(id=rid, title=_one_line(obj.get("title")))
        return obj

    try:
        root = json.JSONDecoder(object_hook=hook).decode(content)
    except (ValueError, RecursionError) as err:
        out.clear()
        if isinstance(err, json.JSONDecodeError):
            yield InputProblem.from_code(file, err.lineno, None, "E201", reason=f"{err.msg} at column {err.colno}")
        else:
            yield InputProblem.from_code(file, None, None, "E201", reason=str(err))
        return
    if not (isinstance(root, dict) and root.get("type") == "code"):
        yield InputProblem.from_code(file, None, None, "E201", reason="the top level is not a LEGI code node")
        return
    yield from out


def _article(data: dict[str, Any], code: dict[str, Any], sections: list[str], file: str) -> list[Record | InputProblem]:
    rid = data.get("id")
    if not isinstance(rid, str) or not rid:
        return [InputProblem.from_code(file, None, None, "E211", num=data.get("num"), cid=data.get("cid"))]
    text = _article_text(data)
    if not text:
        return [InputProblem.from_code(file, None, rid, "E203")]
    return [Record(rid, text, article_meta(data, code, sections), file, None)]
