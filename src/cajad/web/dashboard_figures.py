"""What the dashboard's pictures show, computed from a :class:`~cajad.tracker.Progress` result:
the months of the timeline, the explanation when a measure counts nothing, and the pace line
that does not read as a forecast before a year of data.

Nothing here queries the register; each function reads a result the route already has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from cajad.tracker import Progress
from cajad.tracker.pace import MIN_DAYS, Pace
from cajad.tracker.rule import CountingRule
from cajad.web.labels import EMPTY_MEASURES, MEASURES, _, compact

#: The order the timeline stacks its parts in, bottom first (as the composition bar).
STACK = (
    ("itemised", "signed"),
    ("itemised", "announced"),
    ("aggregate", "signed"),
    ("aggregate", "announced"),
)


@dataclass(frozen=True)
class Series:
    basis: str
    status: str
    values: list[Decimal]


@dataclass(frozen=True)
class Timeline:
    """Counted money by month, every month from the period's first to the last shown."""

    months: list[str]
    totals: list[Decimal]
    series: list[Series]


@dataclass(frozen=True)
class OtherMeasure:
    measure: str
    label: str
    total: Decimal
    amount: str


@dataclass(frozen=True)
class EmptyState:
    """Why a measure draws nothing, and what the other measures count meanwhile."""

    measure: str
    reason: str
    others: list[OtherMeasure]


def timeline(result: Progress) -> Timeline:
    """The months of a ``month`` breakdown, from the period's first month to the latest of the
    last month with money and the pace's day (today, within the period); months without money
    at zero, each split into the :data:`STACK` parts it has."""
    rows = {r.key: r for r in result.breakdown or []}
    last = max([result.pace.as_of.isoformat()[:7], *rows])
    months = month_keys(result.period["start"], last)
    present = {(c.basis, c.status) for r in rows.values() for c in r.composition}
    series = []
    for basis, status in (part for part in STACK if part in present):
        values = []
        for month in months:
            row = rows.get(month)
            parts = row.composition if row else []
            values.append(
                sum(
                    (c.total for c in parts if (c.basis, c.status) == (basis, status)),
                    Decimal(0),
                )
            )
        series.append(Series(basis, status, values))
    totals = [rows[m].total if m in rows else Decimal(0) for m in months]
    return Timeline(months=months, totals=totals, series=series)


def month_keys(start: dt.date, last: str) -> list[str]:
    """``"2025-12"``, ``"2026-01"``, … from the month of ``start`` to ``last`` inclusive."""
    year, month = start.year, start.month
    keys = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        keys.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def empty_state(result: Progress) -> EmptyState | None:
    """``None`` when the measure counts money; else why it counts none, with the other
    measures' totals from the same result (so the words follow the register)."""
    if result.total != 0:
        return None
    measure = result.rule.measure.value
    others = [
        OtherMeasure(m, MEASURES.get(m, m), amount, compact(amount))
        for m, amount in result.measures.items()
        if m != measure and amount != 0
    ]
    return EmptyState(measure=measure, reason=EMPTY_MEASURES.get(measure, ""), others=others)


def pace_words(pace: Pace, rule: CountingRule) -> str | None:
    """What stands in for the yearly pace before a year of data (``None`` from then on): a
    per-year figure from a few months reads as a forecast, which the rule refuses."""
    if pace.projection_low is not None:
        return None
    first = rule.period_start + dt.timedelta(days=MIN_DAYS - 1)
    if pace.days_of_data == 0:
        return f"{_('the period starts on')} {rule.period_start}; {_('no pace yet')}"
    days = _("day") if pace.days_of_data == 1 else _("days")
    return (
        f"{_('counted so far over')} {pace.days_of_data} {days}; "
        f"{_('a yearly pace needs')} {MIN_DAYS} {_('days')} ({_('from')} {first})"
    )
