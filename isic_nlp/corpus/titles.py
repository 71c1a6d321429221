"""French legal titles and references: nature, number, date; the ``doc_type`` vocabulary.

:func:`parse_title` reads the head of a title or citation such as
*LOI n° 2002-2 du 2 janvier 2002 rénovant l'action sociale et médico-sociale*,
*Décret n°2008-244 du 7 mars 2008*, *Circulaire DGAS/2C/2005/111 du 1er mars
2005*, *Ordonnance 2007-329 2007-03-12 JORF 13 mars 2007* (LEGI's form) or
*Arrêté du 5 mai 2010 …*: case, accents (``Decret``/``Décret``), ``1er`` /
``premier``, ``n°`` / ``nº`` / ``no`` / ``n °`` and spacing variants are
accepted. The date is the first complete date of the title (French
``2 janvier 2002``, ``02/01/2002`` or ISO ``2002-01-02``), checked to exist.

``doc_type`` vocabulary (:data:`DOC_TYPES`):

========================= ====================================================
``LOI``                   loi (including *loi de finances*, *loi constitutionnelle*)
``LOI_ORGANIQUE``         loi organique
``ORDONNANCE``            ordonnance
``DECRET``                décret (simple or *en Conseil d'État*)
``ARRETE``                arrêté
``CIRCULAIRE``            circulaire
``INSTRUCTION``           instruction (incl. *instruction interministérielle*)
``CODE_ARTICLE``          an article of a code (LEGI)
``FICHE``                 a practical sheet (service-public.fr, travail-emploi.gouv.fr)
``CONVENTION_COLLECTIVE`` a collective agreement or one of its texts (KALI)
``OTHER``                 anything else (*note*, *avis*, *délibération*…)
========================= ====================================================

:func:`fill_from_title` completes a record's metadata from its ``title``
without overwriting what is given, and records what it derived.

Example:
    >>> parse_title("Circulaire DGAS/2C/2005/111 du 1er mars 2005 relative à l'accueil")
    LegalTitle(doc_type='CIRCULAIRE', number='DGAS/2C/2005/111', date='2005-03-01', year=2005)
    >>> normalise_doc_type("Décret en Conseil d'Etat")
    'DECRET'
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

__all__ = ["DOC_TYPES", "LegalTitle", "parse_title", "find_date", "normalise_doc_type", "fill_from_title"]

DOC_TYPES = (
    "LOI",
    "LOI_ORGANIQUE",
    "ORDONNANCE",
    "DECRET",
    "ARRETE",
    "CIRCULAIRE",
    "INSTRUCTION",
    "CODE_ARTICLE",
    "FICHE",
    "CONVENTION_COLLECTIVE",
    "OTHER",
)

_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}  # fmt: skip

# Titles are matched on a folded copy (lower case, no accents, one space); folding
# keeps one character per character, so positions are the same in both.
_NATURES = (
    ("LOI_ORGANIQUE", r"loi\s+organique"),
    ("LOI", r"loi"),
    ("ORDONNANCE", r"ordonnance"),
    ("DECRET", r"decret"),
    ("ARRETE", r"arrete"),
    ("CIRCULAIRE", r"circulaire"),
    ("INSTRUCTION", r"instruction"),
)
_NATURE = re.compile(
    r"^\W*(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _NATURES) + r")\b"
)
_NUMERO = r"(?:n\s*[°ºo˚]\s*\.?|num(?:ero)?\.?)"
# Qualifiers between the nature and the number ("Instruction interministérielle n° …").
_QUALIFIER = r"(?:(?:interministerielle?|ministerielle?|fiscale|conjointe|commune|organique)\s+)*"
# An optional issuer of one or two words ("Cnav 2014-28", "CNAMTS n°41/2006",
# "Pôle emploi n°2011-144"), then "n°", then the number.
_WORD = r"(?!du\b|de\b|des\b|relative\b|relatif\b|n\b|no\b)[a-z][\w-]*"
_NUMBER = re.compile(
    r"^\s*" + _QUALIFIER + r"(?:(?P<issuer>" + _WORD + r"(?:\s+" + _WORD + r")?)\s+)??"
    r"(?:(?P<numero>" + _NUMERO + r")\s*)?"
    r"(?P<bare>[a-z0-9][\w./-]*\d[\w./-]*|\d+)(?=[\s,;:]|$)"
)
_DAY = r"(?P<day>1\s*er|1er|premier|[0-3]?\d)"
_FRENCH_DATE = re.compile(
    _DAY + r"\s+(?P<month>" + "|".join(_MONTHS) + r")\.?\s+(?P<year>\d{4})\b"
)
_NUMERIC_DATE = re.compile(r"\b(?P<day>[0-3]?\d)[/.](?P<month>[01]?\d)[/.](?P<year>\d{4})\b")
_ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")


@dataclass(frozen=True)
class LegalTitle:
    """What a title says about its text.

    Attributes:
        doc_type: One of :data:`DOC_TYPES` but ``CODE_ARTICLE``/``FICHE``/
            ``CONVENTION_COLLECTIVE``, or ``None`` if the title does not start
            with a nature.
        number: The text's number or reference as written (``2002-2``,
            ``DGAS/2C/2005/111``), or ``None``.
        date: ISO date (the first date of the title), or ``None``.
        year: ``int(date[:4])``, or ``None``.
    """

    doc_type: str | None
    number: str | None
    date: str | None
    year: int | None


def _fold(text: str) -> str:
    """Lower case without accents, same length as ``text``."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base.lower() if len(base.lower()) == 1 else char)
    return "".join(out)


def find_date(text: str) -> str | None:
    """The first existing date of ``text`` as ISO ``yyyy-mm-dd`` (French, ``dd/mm/yyyy`` or ISO).

    Example:
        >>> find_date("Instruction n° DGCS/SD2/2013/85 du 1 er mars 2013")
        '2013-03-01'
        >>> find_date("Circulaire du 31 février 2005") is None
        True
    """
    folded = _fold(text)
    found: list[tuple[int, str]] = []
    for pattern in (_FRENCH_DATE, _NUMERIC_DATE, _ISO_DATE):
        for match in pattern.finditer(folded):
            day_text = match["day"].replace(" ", "")
            day = 1 if day_text in ("1er", "premier") else int(day_text)
            month = match["month"]
            month_number = _MONTHS[month] if month in _MONTHS else int(month)
            try:
                iso = _dt.date(int(match["year"]), month_number, day).isoformat()
            except ValueError:
                continue
            found.append((match.start(), iso))
            break  # the first valid match of this pattern
    return min(found)[1] if found else None


_WHOLE_NUMERIC = re.compile(r"^\s*(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})\s*$")
_WEEKDAY = r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
_WHOLE_FRENCH = re.compile(
    r"^\s*" + _WEEKDAY + _DAY + r"\s+(?P<month>" + "|".join(_MONTHS) + r")\.?\s+(?P<year>\d{4})\s*$"
)


def read_date(value: str) -> tuple[str | None, str | None]:
    """A date value written the French way, as ISO: ``(iso, None)``, or ``(None, why it is not read)``.

    Reads a whole value ``dd/mm/yyyy`` (also ``dd.mm.yyyy``, ``dd-mm-yyyy``) and
    ``12 mars 2002`` (``1er``, a weekday and accents allowed). Values that start with a year
    (``2002``, ``2002-03-12``) are not for this function: ``(None, None)``.

    Example:
        >>> read_date("12/03/2002"), read_date("1er février 2005"), read_date("2002-03-12")
        (('2002-03-12', None), ('2005-02-01', None), (None, None))
        >>> read_date("03/25/2002")[1]
        'there is no month 25 in day/month/year: month/day/year is not read'
    """
    if re.match(r"^\s*\d{4}(?!\d)", value) or not value.strip():
        return None, None
    match = _WHOLE_NUMERIC.match(value) or _WHOLE_FRENCH.match(_fold(value))
    if match is None:
        return None, "not yyyy-mm-dd, a year, dd/mm/yyyy or '12 mars 2002'"
    day_text = match["day"].replace(" ", "")
    day = 1 if day_text in ("1er", "premier") else int(day_text)
    month = match["month"]
    month_number = _MONTHS[month] if month in _MONTHS else int(month)
    if month_number > 12 and day <= 12:
        return None, f"there is no month {month_number} in day/month/year: month/day/year is not read"
    try:
        return _dt.date(int(match["year"]), month_number, day).isoformat(), None
    except ValueError:
        return None, "this day does not exist"


def parse_title(title: str) -> LegalTitle:
    """Nature, number and date of a French legal title or reference.

    Example:
        >>> parse_title("LOI n° 2002-2 du 2 janvier 2002 rénovant l'action sociale et médico-sociale")
        LegalTitle(doc_type='LOI', number='2002-2', date='2002-01-02', year=2002)
        >>> parse_title("Décret n°2008-244 du 7 mars 2008 relatif au code du travail (partie réglementaire)")
        LegalTitle(doc_type='DECRET', number='2008-244', date='2008-03-07', year=2008)
        >>> parse_title("Arrêté du 5 mai 2010")
        LegalTitle(doc_type='ARRETE', number=None, date='2010-05-05', year=2010)
    """
    folded = " ".join(_fold(title).split())
    original = " ".join(title.split())
    doc_type = number = None
    match = _NATURE.match(folded)
    if match:
        doc_type = match.lastgroup
        rest_start = match.end()
        found = _NUMBER.match(folded[rest_start:])
        # A number needs "n°" or a digit-and-separator shape: "Circulaire du…" has none.
        if found and (found["numero"] or re.search(r"\d[-/.]|[/]", found["bare"])):
            bare = original[rest_start + found.start("bare") : rest_start + found.end("bare")]
            number = bare.rstrip(".,")
            if found["issuer"]:
                issuer = original[rest_start + found.start("issuer") : rest_start + found.end("issuer")]
                number = f"{issuer} {number}"
    date = find_date(original)
    return LegalTitle(doc_type, number, date, int(date[:4]) if date else None)


_DOC_TYPE_WORDS = (
    ("LOI_ORGANIQUE", r"^loi[\s_-]*organique"),
    ("LOI", r"^loi\b"),
    ("ORDONNANCE", r"^ordonnance"),
    ("DECRET", r"^decret"),
    ("ARRETE", r"^arrete"),
    ("CIRCULAIRE", r"^circulaire"),
    ("INSTRUCTION", r"^instruction"),
    ("CODE_ARTICLE", r"^(code[\s_-]*article|article[\s_-]*(de[\s_-]*)?code)"),
    ("FICHE", r"^fiche"),
    ("CONVENTION_COLLECTIVE", r"^(convention[\s_-]*collective|ccn\b|idcc\b|kali)"),
)


def normalise_doc_type(value: Any) -> str | None:
    """``value`` mapped to :data:`DOC_TYPES`; ``None`` for a missing value, ``OTHER`` if unknown.

    Example:
        >>> [normalise_doc_type(v) for v in ("LOI_ORGANIQUE", "loi", "Arrêté", "note de service", None)]
        ['LOI_ORGANIQUE', 'LOI', 'ARRETE', 'OTHER', None]
    """
    if value is None or not isinstance(value, str) or not value.strip():
        return None
    if value in DOC_TYPES:
        return value
    folded = " ".join(_fold(value).split())
    for name, pattern in _DOC_TYPE_WORDS:
        if re.search(pattern, folded):
            return name
    return "OTHER"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fill_from_title(meta: dict[str, Any], *, title_field: str = "title") -> dict[str, Any]:
    """``meta`` with a missing ``doc_type``, ``date`` or ``year`` filled from the title.

    Given values are never overwritten. Each filled field ``f`` gets a companion
    ``f_derived_from`` saying where it came from (``"title"``, or ``"date"``
    for a year taken from a given date). ``meta`` itself is not changed.

    Example:
        >>> fill_from_title({"title": "Circulaire DGAS/2C/2005/111 du 1er mars 2005", "doc_type": "CIRCULAIRE"})
        ... # doctest: +NORMALIZE_WHITESPACE
        {'title': 'Circulaire DGAS/2C/2005/111 du 1er mars 2005', 'doc_type': 'CIRCULAIRE',
         'date': '2005-03-01', 'date_derived_from': 'title', 'year': 2005, 'year_derived_from': 'date'}
    """
    needs = [field for field in ("doc_type", "date", "year") if _missing(meta.get(field))]
    if not needs:
        return meta
    out = dict(meta)
    title = meta.get(title_field)
    parsed = parse_title(title) if isinstance(title, str) and title.strip() else None
    if "doc_type" in needs and parsed and parsed.doc_type:
        out["doc_type"] = parsed.doc_type
        out["doc_type_derived_from"] = title_field
    if "date" in needs and parsed and parsed.date:
        out["date"] = parsed.date
        out["date_derived_from"] = title_field
    if "year" in needs:
        date = out.get("date")
        if isinstance(date, str) and re.match(r"^\d{4}-\d{2}-\d{2}", date):
            out["year"] = int(date[:4])
            out["year_derived_from"] = "date"
    return out
