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
from cajad.tracker.pace import MIN_DAYS, MOST, Pace
from cajad.tracker.rule import CountingRule
from cajad.web import i18n
from cajad.web.i18n import gettext as _
from cajad.web.i18n import ngettext
from cajad.web.labels import EMPTY_MEASURES, MEASURES, STAGES, compact, transaction_type

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
        return _("the period starts on %(start)s; no pace yet") % {
            "start": i18n.date(rule.period_start)
        }
    return ngettext(
        "counted so far over %(num)s day; a yearly pace needs %(min)s days (from %(first)s)",
        "counted so far over %(num)s days; a yearly pace needs %(min)s days (from %(first)s)",
        pace.days_of_data,
    ) % {"num": pace.days_of_data, "min": MIN_DAYS, "first": i18n.date(first)}


def headline(result: Progress) -> str:
    """The share of the goal, naming how much of it is itemised and signed (the tracker's
    headline, in the request's language)."""
    if i18n.current() == i18n.DEFAULT:
        return result.headline
    goal = result.goal
    firm = sum(
        (c.total for c in result.composition if (c.basis, c.status) == ("itemised", "signed")),
        Decimal(0),
    )
    aggregate = sum((c.total for c in result.composition if c.basis == "aggregate"), Decimal(0))
    return _(
        "%(share)s %% of the goal, of which %(firm)s %% itemised and signed and "
        "%(aggregate)s %% unitemised aggregate totals"
    ) % {
        "share": i18n.decimal(result.share_of_goal, 2),
        "firm": i18n.decimal(_share(firm, goal), 2),
        "aggregate": i18n.decimal(_share(aggregate, goal), 2),
    }


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return part * 100 / whole if whole else Decimal(0)


def rule_words(rule: CountingRule) -> str:
    """What the rule counts (the tracker's ``rule_text``), in the request's language."""
    if i18n.current() == i18n.DEFAULT:
        return rule.describe()
    return _(
        "%(measure)s: %(kinds)s dated %(start)s to %(end)s, of projects counted toward the "
        "goal at stages %(stages)s"
    ) % {
        "measure": MEASURES[rule.measure.value],
        "kinds": i18n.join(transaction_type(t) for t in sorted(rule.types)),
        "start": i18n.date(rule.period_start),
        "end": i18n.date(rule.period_end),
        "stages": i18n.join(STAGES[s] for s in rule.stages),
    }


def pace_note(pace: Pace, rule: CountingRule) -> str:
    """Why no projection or no verdict is given yet (the tracker's ``pace.note``)."""
    if i18n.current() == i18n.DEFAULT:
        return pace.note
    parts = []
    if pace.days_of_data < MIN_DAYS:
        first = rule.period_start + dt.timedelta(days=MIN_DAYS - 1)
        parts.append(
            _(
                "Too early to project: a projection needs %(min)s days of the period, "
                "%(days)s so far; the first one can be made on %(first)s."
            )
            % {"min": MIN_DAYS, "days": pace.days_of_data, "first": i18n.date(first)}
        )
    if pace.aggregate_share > MOST:
        parts.append(
            _(
                "%(share)s %% of the money counted so far is unitemised aggregate totals "
                "(more than %(most)s %%): no verdict until itemised money is most of it."
            )
            % {"share": i18n.decimal(pace.aggregate_share, 2), "most": MOST}
        )
    return " ".join(parts)
