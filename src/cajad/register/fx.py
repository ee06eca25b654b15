"""Exchange rates as data, and the one conversion policy of cajad.

Rates are rows of ``fx_rate``: units of a currency per one unit of a source's base currency
over a day, a month or a year. cajad bundles the European Central Bank's euro reference rates
(daily, monthly and annual averages), the World Bank's WDI official annual rates (per USD) and
the official Turkmen manat peg; see ``cajad/data/fx/SOURCE.md``.

Conversion policy (for an amount in currency A on value date d, into currency B):

1. the **daily** rate on d, else the nearest earlier daily rate at most 7 days before d
   (weekends and holidays);
2. else the **monthly average** of d's month;
3. else the **annual average** of d's year;
4. else the **latest earlier annual average** (a stale rate, said so in the method).

At each step sources are tried in order of preference (ECB, then WDI, then the peg), and a
rate is a cross rate within *one* source and period: ``amount × B_per_base / A_per_base``.
When no source quotes both currencies, the amount is converted to USD and on to B, each leg
by the same policy. The result is rounded to two decimals (half to even) only at the end.
Every :class:`Conversion` carries the quotes it used, so any figure can show its rate and source.
Amounts and dates outside the register's bounds (:mod:`cajad.register.bounds`) are refused.

A rate book keeps the rates it found for the latest :data:`CACHED_RATES` (currency, target,
day) triples: a web app shares one book, and a caller asking for every day of a century must
not make it grow without bound.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from cajad.data import data_path
from cajad.register.bounds import amount_error, date_error
from cajad.register.errors import ConversionError
from cajad.register.models import FxRate
from cajad.register.types import quantize_money

SOURCES: dict[str, str] = {
    "ECB": "European Central Bank euro foreign exchange reference rates",
    "WDI": "World Bank, World Development Indicators PA.NUS.FCRF (CC BY 4.0)",
    "PEG": "Official Turkmen manat peg, 3.50 TMT per USD since 2015-01-01",
}
PREFERENCE = ("ECB", "WDI", "PEG")
GRANULARITIES = ("day", "month", "year")
MAX_DAYS_EARLIER = 7
BRIDGE = "USD"
#: How many (currency, target, day) rates a book keeps found (least recently used go first).
CACHED_RATES = 32_768


class Quote(NamedTuple):
    """One rate: ``rate`` units of ``currency`` per unit of ``base``, for a period."""

    source: str
    granularity: str
    period_start: dt.date
    base: str
    currency: str
    rate: Decimal


@dataclass(frozen=True)
class Conversion:
    """An amount converted at a dated rate, with the quotes and the step of the policy used."""

    amount: Decimal
    currency: str
    value_date: dt.date
    target: str
    converted: Decimal
    rate: Decimal
    method: str
    quotes: tuple[Quote, ...] = field(default=())

    @property
    def sources(self) -> list[str]:
        return sorted({SOURCES[q.source] for q in self.quotes})

    def explain(self) -> str:
        """One line: the rate, the step of the policy, the source and period of each quote."""
        parts = [
            f"{q.source} {q.granularity} {_period_label(q)}: {q.rate} {q.currency}/{q.base}"
            for q in self.quotes
        ]
        if not parts:
            return f"1 {self.currency} = 1 {self.target} (same currency)"
        basis = "; ".join(parts)
        return f"1 {self.currency} = {self.rate:.8g} {self.target} ({self.method}; {basis})"


def _period_label(quote: Quote) -> str:
    if quote.granularity == "year":
        return str(quote.period_start.year)
    if quote.granularity == "month":
        return quote.period_start.strftime("%Y-%m")
    return quote.period_start.isoformat()


class _Series:
    """Rates of one currency in one source at one granularity, sorted by period start."""

    def __init__(self) -> None:
        self.starts: list[dt.date] = []
        self.rates: list[Decimal] = []

    def add(self, start: dt.date, rate: Decimal) -> None:
        self.starts.append(start)
        self.rates.append(rate)

    def sort(self) -> None:
        # Not mutated: add() appends to both lists, so zip's strict flag cannot change a thing.
        pairs = sorted(zip(self.starts, self.rates, strict=True))  # pragma: no mutate
        self.starts = [p[0] for p in pairs]
        self.rates = [p[1] for p in pairs]

    def at_or_before(self, day: dt.date) -> tuple[dt.date, Decimal] | None:
        i = bisect.bisect_right(self.starts, day)
        return (self.starts[i - 1], self.rates[i - 1]) if i else None


class RateBook:
    """All rates in memory with the conversion policy; build it once, convert many times."""

    def __init__(self, quotes: Iterable[Quote]) -> None:
        self._series: dict[tuple[str, str, str], _Series] = defaultdict(_Series)
        self._base: dict[str, str] = {}
        for q in quotes:
            self._base[q.source] = q.base
            self._series[(q.source, q.granularity, q.currency)].add(q.period_start, q.rate)
        for series in self._series.values():
            series.sort()
        self._cached = functools.lru_cache(maxsize=CACHED_RATES)(self._find)

    @classmethod
    def from_session(cls, session: Session) -> RateBook:
        """The register's rates, read as plain rows (tens of thousands: no ORM objects)."""
        query = select(
            FxRate.source,
            FxRate.granularity,
            FxRate.period_start,
            FxRate.base,
            FxRate.currency,
            FxRate.rate,
        )
        return cls(Quote(*row) for row in session.execute(query))

    @property
    def currencies(self) -> list[str]:
        found = {key[2] for key in self._series} | set(self._base.values())
        return sorted(found)

    def convert(
        self, amount: Decimal, currency: str, target: str, value_date: dt.date
    ) -> Conversion:
        """Convert ``amount`` of ``currency`` into ``target`` at ``value_date`` (see module doc)."""
        reason = amount_error(amount)
        if reason is not None:
            raise ConversionError(f"the amount {reason}")
        rate, method, quotes = self.rate(currency, target, value_date)
        converted = quantize_money(amount * rate)
        return Conversion(amount, currency, value_date, target, converted, rate, method, quotes)

    def rate(
        self, currency: str, target: str, value_date: dt.date
    ) -> tuple[Decimal, str, tuple[Quote, ...]]:
        """The rate (target per currency), the policy step and the quotes, cached by day."""
        reason = date_error(value_date)
        if reason is not None:
            raise ConversionError(f"the value date {reason}")
        return self._cached(currency, target, value_date)

    def _find(
        self, currency: str, target: str, day: dt.date
    ) -> tuple[Decimal, str, tuple[Quote, ...]]:
        if currency == target:
            return Decimal(1), "same currency", ()
        for step, granularity, lookup in _steps(day):
            for source in PREFERENCE:
                pair = self._pair(source, granularity, currency, target, lookup)
                if pair is not None:
                    q_from, q_to = pair
                    quotes = tuple(q for q in (q_from, q_to) if q.currency != q.base)
                    return q_to.rate / q_from.rate, step, quotes
        if BRIDGE not in (currency, target):
            try:
                first = self._find(currency, BRIDGE, day)
                second = self._find(BRIDGE, target, day)
            except ConversionError:
                pass
            else:
                method = f"{first[1]} to {BRIDGE}, {second[1]} from {BRIDGE}"
                return first[0] * second[0], method, first[2] + second[2]
        raise ConversionError(
            f"no exchange rate from {currency} to {target} on or before {day.isoformat()}; "
            f"rates exist for {', '.join(self.currencies)}"
        )

    def _pair(
        self, source: str, granularity: str, currency: str, target: str, lookup: _Lookup
    ) -> tuple[Quote, Quote] | None:
        base = self._base.get(source)
        if base is None:
            return None
        if currency == base or target == base:
            other = self._quote(
                source, granularity, target if currency == base else currency, lookup
            )
            if other is None:
                return None
            # Not mutated: only this quote's rate is read (the base's own quote is never shown).
            # pragma: no mutate start
            one = Quote(source, granularity, other.period_start, base, base, Decimal(1))
            # pragma: no mutate end
            return (one, other) if currency == base else (other, one)
        first = self._quote(source, granularity, currency, lookup)
        second = self._quote(source, granularity, target, lookup)
        if first is None or second is None or first.period_start != second.period_start:
            return None
        return first, second

    def _quote(self, source: str, granularity: str, currency: str, lookup: _Lookup) -> Quote | None:
        series = self._series.get((source, granularity, currency))
        found = series.at_or_before(lookup.day) if series is not None else None
        if found is None or found[0] < lookup.earliest:
            return None
        return Quote(source, granularity, found[0], self._base[source], currency, found[1])


class _Lookup(NamedTuple):
    day: dt.date
    earliest: dt.date


def _days_before(day: dt.date, days: int) -> dt.date:
    """``day`` less ``days``, or the first representable date (no overflow near year 1)."""
    earliest = dt.date.min + dt.timedelta(days=days)
    # Not mutated: at day == earliest both branches give dt.date.min (">=" and ">" agree).
    return day - dt.timedelta(days=days) if day >= earliest else dt.date.min  # pragma: no mutate


def _steps(day: dt.date) -> Iterator[tuple[str, str, _Lookup]]:
    yield "daily rate", "day", _Lookup(day, day)
    yield (
        "nearest earlier daily rate",
        "day",
        _Lookup(day, _days_before(day, MAX_DAYS_EARLIER)),
    )
    month = day.replace(day=1)
    yield "monthly average", "month", _Lookup(month, month)
    year = dt.date(day.year, 1, 1)
    yield "annual average", "year", _Lookup(year, year)
    yield "latest earlier annual average (stale)", "year", _Lookup(year, dt.date.min)


# --- bundled rates -------------------------------------------------------------------------


def bundled_quotes() -> Iterator[Quote]:
    """Read the rates bundled in ``cajad/data/fx`` (ECB daily/monthly/annual, WDI, TMT peg)."""
    folder = data_path("fx")
    yield from _ecb(folder / "ecb_eurofxref_daily_2015_2026.csv", "day", "date")
    yield from _ecb(folder / "ecb_monthly_avg_2015_2026.csv", "month", "period")
    yield from _ecb(folder / "ecb_annual_avg_2015_2026.csv", "year", "period")
    with (folder / "wdi_pa_nus_fcrf_2010_2025.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["lcu_per_usd"] and row["currency"] != "USD":
                start = dt.date(int(row["year"]), 1, 1)
                yield Quote(
                    "WDI", "year", start, "USD", row["currency"], Decimal(row["lcu_per_usd"])
                )
    with (folder / "annual_units_per_usd_2015_2026.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["currency"] == "TMT" and row["units_per_usd"]:
                start = dt.date(int(row["year"]), 1, 1)
                yield Quote("PEG", "year", start, "USD", "TMT", Decimal(row["units_per_usd"]))


def _ecb(path: Path, granularity: str, key: str) -> Iterator[Quote]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            start = _period_start(row[key])
            for column, text in row.items():
                if text and column.endswith(("_per_EUR", "_per_EUR_avg")):
                    currency = column.split("_", 1)[0]
                    yield Quote("ECB", granularity, start, "EUR", currency, Decimal(text))


def _period_start(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def load_rates(session: Session, quotes: Iterable[Quote]) -> int:
    """Replace the rates of the quotes' sources with ``quotes``; return how many were stored."""
    rows = [q._asdict() for q in quotes]
    for source in {row["source"] for row in rows}:
        session.execute(delete(FxRate).where(FxRate.source == source))
    if rows:
        session.execute(insert(FxRate), rows)
    return len(rows)
