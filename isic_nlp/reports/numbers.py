"""Numbers as a reader of a report expects them: one place, for HTML, Markdown and the charts.

Two locales (``--locale``): ``en`` (1,234.5; 12.3%) and ``fr`` (1 234,5 with a
narrow no-break space, U+202F, as the French typographic norm and CLDR have
it; 12,3 %; an interval's bounds separated by a semicolon, since the comma is
the decimal mark). Years, periods and ids are never grouped (2000, not 2,000 or
2 000). Babel would do this for any locale; two locales did not justify a new
dependency.

Example:
    >>> format_value(1234.5, locale="fr") == "1\u202f234,5"
    True
    >>> format_value(1234567, locale="en"), format_value(2000, "first_year", locale="en")
    ('1,234,567', '2000')
    >>> format_percent(0.123, locale="en", digits=1), format_percent(0.123, locale="fr", digits=1) == "12,3\u202f%"
    ('12.3%', True)
    >>> format_interval(0.0803, 0.0145, 0.1446, locale="en", digits=1, percent=False, signed=True, scale=100)
    '+8.0 [+1.5,\xa0+14.5]'
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from ..errors import Errors, IsicError

#: The locales a report can be written in; ``en`` is the default (the report's prose is English).
LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"
NNBSP = "\u202f"  # narrow no-break space: French thousands separator and space before %
_TO_FRENCH = str.maketrans({",": NNBSP, ".": ","})


def check_locale(locale: str) -> str:
    """``locale`` if known, else a coded error (E006) naming the choices."""
    if locale not in LOCALES:
        raise IsicError(Errors.E006.format(option="--locale", expected=" or ".join(LOCALES), value=locale))
    return locale


def _is_unseparated(column: Any) -> bool:
    """Columns of years, periods and ids: never written with a thousands separator."""
    name = str(column)
    return (name in ("year", "period", "period_start", "period_end", "seed", "id", "line")
            or name.endswith(("_year", "year_", "_id")) or name.startswith("year"))


def _localise(text: str, locale: str) -> str:
    return text.translate(_TO_FRENCH) if locale == "fr" else text


def _missing(value: Any) -> bool:
    """None, NaN, and pandas' ``NA`` and ``NaT`` (of nullable columns: ``Int64``, ``boolean``, ``string``)."""
    return (value is None or type(value).__name__ in ("NAType", "NaTType")
            or (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isnan(value)))


def format_value(value: Any, column: Any = "", *, locale: str = DEFAULT_LOCALE) -> str:
    """A table cell: integers grouped, other numbers to 4 significant digits, years and ids plain, missing empty.

    Example:
        >>> import pandas as pd
        >>> format_value(pd.NA), format_value(float("nan")), format_value(12345)
        ('', '', '12,345')
    """
    if _missing(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, numbers.Real):
        if isinstance(value, numbers.Integral) or float(value).is_integer() and abs(value) < 1e15:
            if _is_unseparated(column):
                return str(int(value))
            if isinstance(value, numbers.Integral) or abs(value) >= 1e4:
                return _localise(f"{int(value):,}", locale)
        if abs(value) >= 1e6:
            return _localise(f"{value:,.0f}", locale)
        if abs(value) >= 1000:
            return _localise(f"{value:,.1f}", locale)
        return _localise(f"{float(value):.4g}", locale)
    return str(value)


def format_number(value: float, *, locale: str = DEFAULT_LOCALE, digits: int = 1, signed: bool = False) -> str:
    """``value`` with ``digits`` decimals, grouped; ``+`` first when ``signed`` and positive; empty when missing."""
    if _missing(value):
        return ""
    text = f"{value:{'+' if signed else ''},.{digits}f}"
    if signed and text.startswith("-"):
        text = "\u2212" + text[1:]  # the minus sign, not a hyphen
    return _localise(text, locale)


def format_percent(share: float, *, locale: str = DEFAULT_LOCALE, digits: int = 0) -> str:
    """A share (0.123) as a percentage: ``12%`` (en), ``12 %`` (fr, narrow no-break space)."""
    if _missing(share):
        return ""
    text = format_number(share * 100, locale=locale, digits=digits)
    return text + (NNBSP + "%" if locale == "fr" else "%")


def format_interval(value: float, low: float, high: float, *, locale: str = DEFAULT_LOCALE, digits: int = 1,
                    percent: bool = False, signed: bool = False, scale: float = 1.0) -> str:
    """``value [low, high]`` (en) or ``value [low ; high]`` (fr); the bounds left out when missing."""
    if percent:
        parts = [format_percent(v, locale=locale, digits=digits) for v in (value, low, high)]
    else:
        parts = [format_number(None if v is None else v * scale, locale=locale, digits=digits, signed=signed)
                 for v in (value, low, high)]
    if not parts[0]:
        return ""
    if not parts[1] or not parts[2]:
        return parts[0]
    separator = f"{NNBSP};\u00a0" if locale == "fr" else ",\u00a0"  # no-break: a cell may wrap before "[" only
    if percent:
        separator = "–"
    return f"{parts[0]} [{parts[1]}{separator}{parts[2]}]"
