"""Legal units: a text cut into the articles and alinéas that lawyers cite.

A law, decree, ordinance, circular or collective agreement is cut into
**articles** at every line that starts with an article heading (*Article 1er*,
*Art. L. 115-2.*, *Article 3 bis*, *Article unique*, *Article 4.2.1 Titre*),
and each article into **alinéas**: its non-blank lines (the texts of
``../shared/corpora`` have one paragraph per line). A line opening with a
numbered part (*I. –*, *II.-*), an item (*1°*, *2°*) or a sub-item (*a)*) is an
alinéa too; its marker is its ``label`` and the roman part it falls in is its
``part``. Alinéas are numbered 1, 2, ... through the whole article, as in the
citation *article L. 115-2, alinéa 3*.

Rules, so that every character of a text is in exactly one article:

* Text before the first heading (title, visas, *Décrète :*) is the article-level
  unit ``<doc id>/preamble``; a text with no heading at all is one article-level
  unit ``<doc id>/text``.
* A code article record (``doc_type`` ``CODE_ARTICLE``) is one article, with the
  id ``<doc id>/art-<article_num>``: its units are its alinéas. An information
  sheet (``FICHE``) has no articles: it is one ``<doc id>/text`` unit, whose
  alinéas are its lines.
* A heading alone on its line (``Article 5``) belongs to its article but to no
  alinéa; a heading followed by text (``Article 1er - Le code...``) starts
  alinéa 1.
* A heading is only recognised at the start of a line and when the number is
  followed by the end of the line, a separator (``.``, ``-``, ``–``, ``:``) or
  a capitalised title: ``Article L. 115-2 du code...`` at the start of a line
  is a reference, not a heading. Quoted articles (``« Art. L. 116-1. -``) stay
  in the amending article.

Ids are stable for a given text: ``<doc id>/art-<slug>`` and
``<doc id>/art-<slug>/al-<n>``; the slug is the number without dots and blanks
after its letter prefix (``L. 115-2`` → ``L115-2``, ``3 bis`` → ``3-bis``,
``1er`` → ``1``); a number seen again in the same text gets ``-n2``, ``-n3``.

Example:
    >>> text = "Décrète :\\nArticle 1er\\nI. – Le conseil est consulté.\\n1° Sur le projet ;\\nArticle 2\\nLe ministre est chargé..."
    >>> for unit in legal_units("D1", text):
    ...     print(unit.id, unit.type, unit.number, unit.label, repr(text[unit.start:unit.end][:20]))
    D1/preamble article None None 'Décrète :'
    D1/preamble/al-1 alinea 1 None 'Décrète :'
    D1/art-1 article 1er Article 1er 'Article 1er\\nI. – Le '
    D1/art-1/al-1 alinea 1 I 'I. – Le conseil est '
    D1/art-1/al-2 alinea 2 1° '1° Sur le projet ;'
    D1/art-2 article 2 Article 2 'Article 2\\nLe ministr'
    D1/art-2/al-1 alinea 1 None 'Le ministre est char'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from isic_nlp.errors import Errors, IsicError

__all__ = ["UNIT_TYPES", "Unit", "article_slug", "check_unit", "legal_units", "units_at"]

#: Document types never cut into articles: information sheets cite articles
#: ("Article L. 3121-50 (ordre public)" on a line of references) but have none.
NO_ARTICLES = frozenset({"FICHE"})
#: Levels of output rows, coarsest first.
UNIT_TYPES = ("document", "article", "alinea")

_SUFFIXES = "bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies"
_NUMBER = (  # blanks inside a number never include a line break
    r"(?:premier|1er|unique|liminaire|préliminaire"
    r"|(?:[A-Z]{1,3}\.?[ \u00a0]?\*?[ \u00a0]?)?\d+(?:er)?(?:[.\-][ \u00a0]?\d+)*"
    rf"(?:[ \u00a0](?:{_SUFFIXES})\b(?:[ \u00a0]\d+\b)?)?(?:[ \u00a0][A-Z]\b)?)"
)
# A heading: at the start of a line, "Article" or "Art." then the number, then
# the end of the line, a separator, or a capitalised title ("Article 4.2 Congés").
_HEADING = re.compile(
    rf"^[ \t]*(?P<head>(?:ARTICLE|Article|Art\.)[ \t\u00a0]*(?P<num>{_NUMBER}))"
    r"(?!\w|[.\-][ \u00a0]?\d)(?=[ \t\u2002\u00a0]*(?:$|[.:\-–—)(]|[ \t\u2002\u00a0]+[A-ZÀÂÉÈÊÎÔÙÛÇ«\"“(]))",
    re.MULTILINE,
)
_REST = re.compile(r"[ \t\u2002\u00a0]*[.:\-–—]*[ \t\u2002\u00a0]*")
_MARKER = re.compile(
    r"(?P<roman>[IVXL]+)\s?\.?\s?[-–—]|(?P<item>\d+)\s?°|(?P<sub>[a-z]{1,2})\)|(?P<num>\d+)\)"
)
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Unit:
    """One legal unit of a document.

    Attributes:
        id: ``<doc id>``, ``<doc id>/art-<slug>`` or ``<doc id>/art-<slug>/al-<n>``.
        type: ``"document"``, ``"article"`` or ``"alinea"``.
        start: offset of the first character in the document's text.
        end: offset after the last character (trailing blanks excluded).
        number: the article number as written (``"L. 115-2"``, ``"1er"``) or the
            alinéa's rank in its article (``"2"``); ``None`` for a preamble.
        label: the article heading (``"Article 3 bis"``) or the alinéa's marker
            (``"I"``, ``"1°"``, ``"a)"``), else ``None``.
        article_id: the id of the enclosing article (its own id for an article).
        part: for an alinéa, the roman-numbered part it is in (``"II"``), else ``None``.
    """

    id: str
    type: str
    start: int
    end: int
    number: str | None = None
    label: str | None = None
    article_id: str | None = None
    part: str | None = None


def check_unit(unit: str) -> str:
    """``unit`` if it is a known level, else an :class:`IsicError` (E401)."""
    if unit not in UNIT_TYPES:
        raise IsicError(Errors.E401.format(unit=unit, known=", ".join(UNIT_TYPES)))
    return unit


def article_slug(number: str) -> str:
    """The id form of an article number.

    Example:
        >>> [article_slug(n) for n in ("L. 115-2", "1er", "3 bis", "A9. 9", "premier", "R*114-1")]
        ['L115-2', '1', '3-bis', 'A9.9', '1', 'R114-1']
    """
    slug = number.strip()
    if slug.lower() == "premier":
        return "1"
    slug = re.sub(r"^([A-Z]{1,3})\.?\s*\*?\s*", r"\1", slug)
    slug = re.sub(r"(\d)er\b", r"\1", slug)
    slug = re.sub(r"([.\-])\s+", r"\1", slug)
    slug = re.sub(r"\s+", "-", slug)
    return re.sub(r"[^\w.\-]", "", slug)


def legal_units(
    doc_id: str, text: str, *, doc_type: str | None = None, article_num: str | None = None
) -> list[Unit]:
    """Every article and alinéa of a text, in text order (each article before its alinéas).

    Args:
        doc_id: the document's id, prefix of every unit id.
        text: the document's text (offsets refer to it).
        doc_type: ``"CODE_ARTICLE"`` makes the whole text one article.
        article_num: that article's number (e.g. ``"L115-2"``), for its id.

    Returns:
        Article units (``type == "article"``) partitioning the non-blank text,
        each followed by its alinéa units.
    """
    if doc_type in NO_ARTICLES:
        articles = [(0, len(text), "text", None, None, 0)]
    elif doc_type == "CODE_ARTICLE":
        number = str(article_num) if article_num not in (None, "") else None
        slug = f"art-{article_slug(number)}" if number else "art"
        articles = [(0, len(text), slug, number, f"Article {number}" if number else None, 0)]
    else:
        articles = _articles(text)
    units: list[Unit] = []
    for start, end, slug, number, label, body in articles:
        start, end = _strip(text, start, end)
        if start >= end:
            continue
        article_id = f"{doc_id}/{slug}"
        units.append(Unit(article_id, "article", start, end, number, label, article_id))
        units.extend(_alineas(text, article_id, max(start, body), end))
    return units


def units_at(units: list[Unit], unit: str, doc_id: str, text: str) -> list[Unit]:
    """The units of one level, in text order: the whole document, its articles, or its alinéas.

    At the alinéa level, an article with no alinéa (a heading alone) stands for
    itself, so that no document is left without a row.
    """
    check_unit(unit)
    if unit == "document":
        return [Unit(doc_id, "document", 0, len(text))]
    if unit == "article":
        return [u for u in units if u.type == "article"]
    chosen: list[Unit] = []
    for index, u in enumerate(units):
        if u.type == "alinea" or (index + 1 == len(units) or units[index + 1].type != "alinea"):
            chosen.append(u)
    return chosen


# --- Internals ----------------------------------------------------------------------


def _articles(text: str) -> list[tuple[int, int, str, str | None, str | None, int]]:
    """``(start, end, slug, number, heading, body start)`` of every article, preamble first."""
    headings = list(_HEADING.finditer(text))
    if not headings:
        return [(0, len(text), "text", None, None, 0)]
    found = []
    first = headings[0].start("head")
    if text[:first].strip():
        found.append((0, first, "preamble", None, None, 0))
    seen: dict[str, int] = {}
    for index, match in enumerate(headings):
        end = headings[index + 1].start("head") if index + 1 < len(headings) else len(text)
        number = match.group("num")
        slug = "art-" + article_slug(number)
        seen[slug] = seen.get(slug, 0) + 1
        if seen[slug] > 1:
            slug = f"{slug}-n{seen[slug]}"
        # The body starts after the heading; a heading alone on its line is no alinéa.
        after = _REST.match(text, match.end("head")).end()
        line_end = text.find("\n", match.end("head"))
        line_end = len(text) if line_end < 0 else line_end
        body = match.start("head") if after < line_end else line_end
        found.append(
            (match.start("head"), end, slug, number, " ".join(match.group("head").split()), body)
        )
    return found


def _alineas(text: str, article_id: str, start: int, end: int) -> list[Unit]:
    units = []
    part = None
    for line in _LINE.finditer(text, start, end):
        a, b = _strip(text, line.start(), line.end())
        if a >= b:
            continue
        marker = _MARKER.match(text, a, b)
        label = None
        if marker is not None:
            label = (
                marker.group("roman")
                or (marker.group("item") and marker.group("item") + "°")
                or (marker.group("sub") and marker.group("sub") + ")")
                or marker.group("num") + ")"
            )
            if marker.group("roman"):
                part = marker.group("roman")
        rank = len(units) + 1
        units.append(
            Unit(f"{article_id}/al-{rank}", "alinea", a, b, str(rank), label, article_id, part)
        )
    return units


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
