"""Small parsers for IATI attribute values: decimals, dates, date-times, narratives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_QUANTUM = Decimal(1).scaleb(-12)  # the register keeps 12 decimal places (NUMERIC(38, 12))
_MAX = Decimal(10) ** 25


def decimal(text: str | None) -> Decimal | None:
    """A finite decimal the register can keep exactly, or None."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= _MAX:
        return None
    if value.as_tuple().exponent < -12:  # type: ignore[operator]
        value = value.quantize(_QUANTUM)
    return value


def date(text: str | None) -> dt.date | None:
    """An ``xsd:date`` (a time zone suffix is ignored), or None."""
    if not text:
        return None
    text = text.strip()[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def datetime(text: str | None) -> dt.datetime | None:
    """An ``xsd:dateTime`` as naive UTC (no zone: taken as UTC), or None."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def narratives(element: etree._Element | None) -> list[tuple[str, str]]:
    """``(lang, text)`` of every narrative child, ``lang`` empty when not given."""
    if element is None:
        return []
    return [
        (str(n.get(XML_LANG) or "").strip(), n.text or "") for n in element.iterfind("narrative")
    ]


def pick(element: etree._Element | None, default_lang: str) -> str | None:
    """The narrative in the activity's language (or with none), else the first; stripped."""
    found = narratives(element)
    if not found:
        return None
    wanted = default_lang.lower()
    for lang, text in found:
        if not lang or lang.lower() == wanted:
            return text.strip() or None
    return found[0][1].strip() or None


def line_of(element: etree._Element | None) -> int:
    """The element's line in its file (0 when unknown)."""
    line = element.sourceline if element is not None else None
    return line if isinstance(line, int) else 0
