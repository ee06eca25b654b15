"""Investor profiles: the mandate an investor publishes, read from a CSV file.

Columns (``REQUIRED_COLUMNS``; ``OPTIONAL_COLUMNS`` may be left out):

=================  ==========================================================================
``id``             a short identifier: letters, digits, ``-`` and ``_``
``name``           the investor's name
``origin``         JP, ASEAN, EU, MDB, CA or other
``countries``      ISO 3166 codes separated by ``;``, or ``*`` for anywhere
``sectors``        priority areas (green, connectivity, hrd) or DAC code prefixes, ``;``
``instruments``    loan, equity, guarantee, grant, ``;``
``min_ticket``     the smallest ticket (empty: not published)
``max_ticket``     the largest ticket (empty: not published)
``currency``       the tickets' ISO 4217 currency
``min_grade``      the worst screening grade it finances, A-F (empty: not published)
``max_category``   the most demanding E&S category it finances, A, B or C (empty: any)
``sources``        URLs separated by ``;`` (at least one)
``as_of``          the date the profile holds as of, YYYY-MM-DD
``organisation``   optional: the register organisation (name or ref) for the track record
``notes``          optional: what is not published, caveats
``min_tenor_years`` optional: the shortest tenor it typically lends for, in whole years
``max_tenor_years`` optional: the longest (both empty: not published; one alone: open range)
=================  ==========================================================================

Every problem is reported at once, as ``file:line: field: reason``; a file with any problem is
refused whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from cajad.brokerage.errors import InvestorsError, Problem

__all__ = [
    "AREAS",
    "CATEGORIES",
    "GRADES",
    "INSTRUMENTS",
    "OPTIONAL_COLUMNS",
    "ORIGINS",
    "REQUIRED_COLUMNS",
    "Investor",
    "parse_rows",
    "parse_text",
    "read_investors",
]

ORIGINS: Final = ("JP", "ASEAN", "EU", "MDB", "CA", "other")
INSTRUMENTS: Final = ("loan", "equity", "guarantee", "grant")
GRADES: Final = ("A", "B", "C", "D", "E", "F")
#: E&S categories from the least to the most demanding.
CATEGORIES: Final = ("C", "B", "A")
AREAS: Final = ("green", "connectivity", "hrd")
REQUIRED_COLUMNS: Final = (
    "id",
    "name",
    "origin",
    "countries",
    "sectors",
    "instruments",
    "min_ticket",
    "max_ticket",
    "currency",
    "min_grade",
    "max_category",
    "sources",
    "as_of",
)
OPTIONAL_COLUMNS: Final = ("organisation", "notes", "min_tenor_years", "max_tenor_years")
#: The longest tenor a profile may state (years): beyond any published loan.
MAX_TENOR_YEARS: Final = 100

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DAC = re.compile(r"^[0-9]{2,5}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Investor:
    """One investor's mandate. ``countries`` empty means anywhere (``*``); a ticket or limit of
    None is not published."""

    id: str
    name: str
    origin: str
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    instruments: tuple[str, ...]
    min_ticket: Decimal | None
    max_ticket: Decimal | None
    currency: str
    min_grade: str | None
    max_category: str | None
    sources: tuple[str, ...]
    as_of: dt.date
    organisation: str | None = None
    notes: str = ""
    min_tenor_years: int | None = None
    max_tenor_years: int | None = None

    @property
    def anywhere(self) -> bool:
        return not self.countries

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("countries", "sectors", "instruments", "sources"):
            data[key] = list(data[key])
        for key in ("min_ticket", "max_ticket"):
            data[key] = None if data[key] is None else str(data[key])
        data["as_of"] = self.as_of.isoformat()
        return data


def read_investors(path: Path) -> list[Investor]:
    """The investors of a CSV file; :class:`InvestorsError` names every problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvestorsError(f"{path}: cannot read investors: {exc}") from exc
    return parse_text(text, source=str(path))


def parse_text(text: str, *, source: str) -> list[Investor]:
    """The investors of CSV text (an upload, a file's contents); :class:`InvestorsError` names
    every problem by ``source``, line and field."""
    try:
        reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
        header = list(reader.fieldnames or [])
        rows = list(reader)
    except csv.Error as exc:
        raise InvestorsError(f"{source}: cannot read investors: {exc}") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvestorsError(
            f"{source}: investors refused",
            [Problem(source, 1, c, "column missing") for c in missing],
        )
    return parse_rows(rows, source=source)


def parse_rows(
    rows: Iterable[Mapping[str, str | None]], *, source: str = "<rows>"
) -> list[Investor]:
    """Investors from CSV-like rows (line numbers from 2, after a header)."""
    problems: list[Problem] = []
    found: list[Investor] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        before = len(problems)
        investor = _investor(row, _Place(source, line, problems))
        if investor is None or len(problems) > before:
            continue
        if investor.id in seen:
            problems.append(
                Problem(source, line, "id", f"{investor.id!r} repeats line {seen[investor.id]}")
            )
            continue
        seen[investor.id] = line
        found.append(investor)
    if problems:
        raise InvestorsError(f"{source}: investors refused", problems)
    return found


@dataclass
class _Place:
    file: str
    line: int
    problems: list[Problem]

    def bad(self, field: str, reason: str) -> None:
        self.problems.append(Problem(self.file, self.line, field, reason))


def _text(row: Mapping[str, str | None], key: str) -> str:
    value = row.get(key)
    return value.strip() if isinstance(value, str) else ""


def _investor(row: Mapping[str, str | None], at: _Place) -> Investor | None:
    ident = _text(row, "id")
    if not _ID.match(ident):
        at.bad("id", f"must be letters, digits, '-' or '_' (at most 60); got {ident!r}")
    name = _text(row, "name")
    if not name:
        at.bad("name", "must not be empty")
    origin = _text(row, "origin")
    if origin not in ORIGINS:
        at.bad("origin", f"must be one of {', '.join(ORIGINS)}; got {origin!r}")
    min_ticket = _money(row, "min_ticket", at)
    max_ticket = _money(row, "max_ticket", at)
    if min_ticket is not None and max_ticket is not None and min_ticket > max_ticket:
        at.bad("max_ticket", f"must be >= min_ticket ({min_ticket}); got {max_ticket}")
    currency = _text(row, "currency").upper()
    if not _CURRENCY.match(currency):
        at.bad("currency", f"must be an ISO 4217 code; got {currency!r}")
    grade = _text(row, "min_grade").upper() or None
    if grade is not None and grade not in GRADES:
        at.bad("min_grade", f"must be one of A-F or empty; got {grade!r}")
    low_tenor = _years(row, "min_tenor_years", at)
    high_tenor = _years(row, "max_tenor_years", at)
    if low_tenor is not None and high_tenor is not None and low_tenor > high_tenor:
        at.bad("max_tenor_years", f"must be >= min_tenor_years ({low_tenor}); got {high_tenor}")
    category = _text(row, "max_category").upper() or None
    if category is not None and category not in CATEGORIES:
        at.bad("max_category", f"must be A, B, C or empty; got {category!r}")
    return Investor(
        id=ident,
        name=name,
        origin=origin,
        countries=_countries(row, at),
        sectors=_sectors(row, at),
        instruments=_instruments(row, at),
        min_ticket=min_ticket,
        max_ticket=max_ticket,
        currency=currency,
        min_grade=grade,
        max_category=category,
        sources=_sources(row, at),
        as_of=_date(row, at),
        organisation=_text(row, "organisation") or None,
        notes=_text(row, "notes"),
        min_tenor_years=low_tenor,
        max_tenor_years=high_tenor,
    )


def _parts(row: Mapping[str, str | None], key: str) -> list[str]:
    return [p.strip() for p in _text(row, key).split(";") if p.strip()]


def _countries(row: Mapping[str, str | None], at: _Place) -> tuple[str, ...]:
    parts = [p.upper() for p in _parts(row, "countries")]
    if parts == ["*"]:
        return ()
    if not parts:
        at.bad("countries", "must name ISO codes separated by ';', or '*'")
    for p in parts:
        if not _COUNTRY.match(p):
            at.bad("countries", f"must be 2-letter ISO codes or '*'; got {p!r}")
    return tuple(dict.fromkeys(parts))


def _sectors(row: Mapping[str, str | None], at: _Place) -> tuple[str, ...]:
    parts = [p.lower() for p in _parts(row, "sectors")]
    if not parts:
        at.bad("sectors", "must name priority areas or DAC codes separated by ';'")
    for p in parts:
        if p not in AREAS and not _DAC.match(p):
            at.bad("sectors", f"must be {', '.join(AREAS)} or a DAC code (2-5 digits); got {p!r}")
    return tuple(dict.fromkeys(parts))


def _instruments(row: Mapping[str, str | None], at: _Place) -> tuple[str, ...]:
    parts = [p.lower() for p in _parts(row, "instruments")]
    if not parts:
        at.bad("instruments", f"must name one or more of {', '.join(INSTRUMENTS)}")
    for p in parts:
        if p not in INSTRUMENTS:
            at.bad("instruments", f"must be one of {', '.join(INSTRUMENTS)}; got {p!r}")
    return tuple(dict.fromkeys(parts))


def _sources(row: Mapping[str, str | None], at: _Place) -> tuple[str, ...]:
    parts = _parts(row, "sources")
    if not parts:
        at.bad("sources", "must give at least one URL")
    for p in parts:
        if not re.match(r"^https?://\S+$", p):
            at.bad("sources", f"must be http(s) URLs separated by ';'; got {p!r}")
    return tuple(parts)


def _money(row: Mapping[str, str | None], key: str, at: _Place) -> Decimal | None:
    text = _text(row, key).replace(",", "").replace("_", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        at.bad(key, f"must be an amount > 0 or empty; got {_text(row, key)!r}")
        return None
    return value


def _years(row: Mapping[str, str | None], key: str, at: _Place) -> int | None:
    text = _text(row, key)
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_TENOR_YEARS:
        at.bad(key, f"must be whole years from 1 to {MAX_TENOR_YEARS} or empty; got {text!r}")
        return None
    return int(text)


def _date(row: Mapping[str, str | None], at: _Place) -> dt.date:
    text = _text(row, "as_of")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        at.bad("as_of", f"must be a date YYYY-MM-DD; got {text!r}")
        return dt.date.min
