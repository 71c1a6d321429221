"""Hygiene of texts and metadata: HTML remnants, NUL characters, LEGI's "no date".

Each function returns what it changed as ``(code, fields)`` warnings (W208,
W209, W210, W216, W217) for the reader to turn into :class:`~isic_nlp.corpus.records.InputProblem`
items; nothing here reads a file (the French date patterns come from :mod:`.titles`).
"""

from __future__ import annotations

import html
import re
from typing import Any

from .titles import read_date

__all__ = ["NO_DATE_YEAR", "clean_dates", "clean_text", "normalise_newlines"]

# Only tags of HTML's usual vocabulary: "R < 6,5" or "<nom du demandeur>" are text.
_TAG_NAMES = (
    "p|br|div|span|b|i|u|s|em|strong|li|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption|"
    "h[1-6]|sup|sub|font|a|blockquote|pre|hr|center|small|big|img|abbr|cite|code|section|article|"
    "header|footer|nav|html|head|body|title|meta|link|style|script"
)
_HTML_TAG = re.compile(r"</?(?:" + _TAG_NAMES + r")\b[^<>]*?/?>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|dt|dd|tr|table|h[1-6]|blockquote|pre|hr|center|section|article)\b", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DATE_VALUE = re.compile(r"^\s*(\d{4})-\d{2}-\d{2}")
NO_DATE_YEAR = 2900  # LEGI writes "no date" as 2999-01-01 (and 32472144000000 ms): any year from 2900


def clean_text(text: str, *, nuls: int = 0) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """Remove NUL characters and HTML remnants from a text; say what was done.

    NUL characters are removed (W209, with ``nuls`` already removed upstream
    added to the count). Tags of HTML's usual vocabulary are removed, block
    tags (``p``, ``br``, ``div``, ``li``, ``tr``…) becoming a line break, then
    character references (``&amp;``, ``&nbsp;``, ``&#233;``, only with their
    ``;``) are decoded (W208, with both counts). Anything else is left as it is.

    Returns:
        The cleaned text and a list of ``(code, fields)`` warnings.

    Example:
        >>> clean_text("Les droits<br/>des usagers &amp; des familles")
        ('Les droits\\ndes usagers & des familles', [('W208', {'n_tags': 1, 'n_entities': 1})])
    """
    problems: list[tuple[str, dict[str, Any]]] = []
    count = text.count("\x00")
    if count:
        text = text.replace("\x00", "")
    if count + nuls:
        problems.append(("W209", {"count": count + nuls}))
    n_tags = n_entities = 0
    if "<" in text:

        def tag(match: re.Match[str]) -> str:
            nonlocal n_tags
            n_tags += 1
            return "\n" if _BLOCK_TAG.match(match.group()) else ""

        text = _HTML_TAG.sub(tag, text)
        if n_tags:
            text = text.strip("\n")  # the line breaks of an opening or closing <p>
    if "&" in text:

        def entity(match: re.Match[str]) -> str:
            nonlocal n_entities
            decoded = html.unescape(match.group())
            if decoded != match.group():
                n_entities += 1
            return decoded

        text = _ENTITY.sub(entity, text)
    if n_tags or n_entities:
        problems.append(("W208", {"n_tags": n_tags, "n_entities": n_entities}))
    return text, problems


def clean_dates(meta: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """The one place where the ``date`` of an input record is read.

    A ``date`` written the French way (``12/03/2002``, ``12.03.2002``, ``12 mars 2002``)
    becomes ISO ``2002-03-12``, with a W216 that gives the value as written; a
    ``date`` that cannot be read (``03/25/2002``, ``s.d.``) is left as it is, with
    a W217 (the reports find no year in it). A ``date`` in year 2900 or later
    (LEGI's ``2999-01-01`` "no date") is set to null, with a W210; a ``year``
    equal to that date's year is set to null too (said in the same warning).

    Example:
        >>> clean_dates({"date": "2999-01-01", "year": 2999})
        ({'date': None, 'year': None}, [('W210', {'field': 'date', 'value': '2999-01-01', 'also': "; 'year' 2999 set to null too"})])
        >>> clean_dates({"date": "12/03/2002"})
        ({'date': '2002-03-12'}, [('W216', {'field': 'date', 'value': '12/03/2002', 'iso': '2002-03-12'})])
    """
    value = meta.get("date")
    if not isinstance(value, str):
        return meta, []
    iso, why = read_date(value)
    if iso is not None:
        return {**meta, "date": iso}, [("W216", {"field": "date", "value": value, "iso": iso})]
    if why is not None:
        return meta, [("W217", {"field": "date", "value": value, "why": why})]
    match = _DATE_VALUE.match(value)
    if not match or int(match.group(1)) < NO_DATE_YEAR:
        return meta, []
    out = dict(meta)
    out["date"] = None
    also = ""
    year = meta.get("year")
    if year is not None and str(year).strip() == match.group(1):
        out["year"] = None
        also = f"; 'year' {year} set to null too"
    return out, [("W210", {"field": "date", "value": value, "also": also})]


def normalise_newlines(text: str) -> str:
    """CRLF and CR line breaks become ``\\n``."""
    if "\r" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text
