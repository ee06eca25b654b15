"""What the register accepts: the bounds every import, command and API parameter share.

One definition, so that an amount, a date, a text or a link refused by ``cajad import`` is also
refused by ``cajad convert``, ``cajad answer --link`` and the API:

* **Amounts** at most :data:`MAX_AMOUNT` (10¹⁵) in size, in the currency reported and in each
  currency the register converts it into (JPY, USD, EUR). The initiative's goal is 3×10¹² JPY,
  so the bound is over 300 times the whole goal in the smallest unit the register sums, and
  far above any single deal in any currency it has rates for; yet as integer hundredths
  (SQLite) it is 10¹⁷, 92 times below the 64-bit limit, and it fits PostgreSQL's
  ``NUMERIC(24, 2)`` with seven digits to spare. Sums are exact whatever their size
  (:func:`cajad.register.types.exact_sum`).
* **Dates** from :data:`EARLIEST` (1900-01-01) to :data:`LATEST` (2199-12-31): wide enough for
  any rate, deal or plan, narrow enough for date arithmetic and for every database.
* **Text** without the control characters and code points XML cannot carry (C0 but tab, line
  feed and carriage return; surrogates; U+FFFE, U+FFFF): invisible, and the IATI export and
  the XML lists could not write them. Tab and line breaks only in free text (titles,
  descriptions, names), never in identifiers and codes. C1 characters (U+0080–U+009F) stay:
  real publishers' files carry them (Windows-1252 quotes and dashes read as Latin-1), XML
  carries them, and an export gives them back as they came.
* **Ids and offsets** at most :data:`MAX_ID` (2⁶³ − 1), the largest integer both databases
  hold: a larger one asked for is a record that cannot exist, not a driver's overflow.
* **Links** only ``http`` or ``https`` with a host: ``javascript:``, ``data:`` or ``file:``
  links are never stored or rendered.

Each check returns the reason in the one message form ("must be …; got …"), or None.
:func:`spec_problems` applies all of them to an import's project spec.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Final
from urllib.parse import urlsplit

from pydantic import BaseModel

from cajad.register.errors import Problem
from cajad.register.specs import ProjectSpec, TransactionSpec

MAX_AMOUNT: Final = Decimal(10) ** 15
#: The largest row id (and offset) either database holds: a signed 64-bit integer.
MAX_ID: Final = 2**63 - 1
EARLIEST: Final = dt.date(1900, 1, 1)
LATEST: Final = dt.date(2199, 12, 31)

_XML_UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_CONTROL_MULTILINE = re.compile(f"[{_XML_UNSAFE}]")
_CONTROL_ONE_LINE = re.compile(f"[{_XML_UNSAFE}\t\n\r]")

#: Spec fields of free text, which may run over several lines (tab and line breaks allowed);
#: the others are identifiers and codes, on one line.
FREE_TEXT_FIELDS: Final = frozenset(
    {"title", "description", "text", "count_decision", "note", "name"}
)
#: Spec fields kept as they came, never shown as text: the IATI source, written by lxml.
_UNCHECKED: Final = frozenset({"xml"})
#: Spec fields holding an amount of money (the other decimals are shares and coordinates).
_AMOUNTS: Final = frozenset({"value"})


def amount_error(value: Decimal) -> str | None:
    """Why ``value`` cannot be an amount of the register, or None."""
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        return f"must be at most 10^15 in size; got {value}"
    return None


def date_error(day: dt.date) -> str | None:
    """Why ``day`` (a date or the day of a date-time) is out of the register's range, or None."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if not EARLIEST <= day <= LATEST:
        return f"must be a date from {EARLIEST} to {LATEST}; got {day}"
    return None


def text_error(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` cannot be stored (a control character, named by its code point), or None."""
    found = (_CONTROL_MULTILINE if multiline else _CONTROL_ONE_LINE).search(text)
    if found is None:
        return None
    allowed = " (tab and line breaks are allowed)" if multiline else ""
    code = f"U+{ord(found.group()):04X}"
    return f"must not contain control characters{allowed}; got {code} at {found.start() + 1}"


def link_error(url: str) -> str | None:
    """Why ``url`` is not a link the register stores or renders (http(s) with a host), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return f"must be an http(s) URL; got {url[:200]!r}"
    return text_error(url)


def xml_safe(text: str) -> str:
    """``text`` with what XML cannot carry replaced by U+FFFD (rows stored before the bounds)."""
    return _CONTROL_MULTILINE.sub("\ufffd", text)


def spec_problems(spec: ProjectSpec, file: str) -> list[Problem]:
    """Every value of ``spec`` outside the bounds, each at its line and named by its path
    (``title``, ``transactions[T1].value``, ``documents[0].url``)."""
    line = spec.line or 0
    problems: list[Problem] = []
    for where, name, value in _values(spec, "", line):
        reason = _error(name, value)
        if reason is not None:
            problems.append(Problem(file, where, name, reason))
    return problems


def transaction_problems(tx: TransactionSpec, file: str, line: int) -> list[Problem]:
    """Every value of one transaction outside the bounds, at ``line``, named as
    :func:`spec_problems` names it in its project (``transactions[T1].value``)."""
    problems: list[Problem] = []
    for _where, name, value in _values(tx, f"transactions[{tx.ref}].", line):
        reason = _error(name, value)
        if reason is not None:
            problems.append(Problem(file, line, name, reason))
    return problems


def _last(path: str) -> str:
    return path.rpartition(".")[2]


def _error(path: str, value: object) -> str | None:
    name = _last(path)
    if isinstance(value, str):
        if path.startswith("documents[") and name == "url":
            return link_error(value)
        return text_error(value, multiline=name in FREE_TEXT_FIELDS)
    if isinstance(value, Decimal) and name in _AMOUNTS:
        return amount_error(value)
    if isinstance(value, dt.date):
        return date_error(value)
    return None


def _values(model: BaseModel, prefix: str, line: int) -> Iterator[tuple[int, str, object]]:
    """``(line, path, value)`` of every leaf of ``model``; a transaction at its own line."""
    for name in type(model).model_fields:
        if name in _UNCHECKED:
            continue
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            yield from _values(value, f"{path}.", line)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                label = getattr(item, "ref", None) if name == "transactions" else i
                where = getattr(item, "line", None) or line
                yield from _values(item, f"{path}[{label}].", where)
        elif value is not None:
            yield line, path, value
