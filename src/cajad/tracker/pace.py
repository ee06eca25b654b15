"""Pace toward the goal and the verdict, under a rule that refuses to overstate.

The verdict is the first of these that applies (the order is policy; tests pin it):

1. ``period not started``: the day is before the period;
2. ``mostly unitemised aggregates``: more than half (:data:`MOST`) of the money counted so
   far is aggregate package totals nobody has itemised; no pace can be read from them;
3. ``goal reached`` / ``goal missed``: the period is over;
4. ``too early to project``: less than :data:`MIN_DAYS` days of the period have passed;
5. ``on track`` when even the low end of the projected range reaches the goal, ``behind``
   when even its high end falls short, else ``uncertain``.

The range extends the money counted so far to the period's end at two paces: the average
over the whole period so far and over the latest 365 days; low and high are the two ends.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

from pydantic import BaseModel

from cajad.register import quantize_money
from cajad.tracker.rule import CountingRule

#: Days of the period that must have passed before any projection is made.
MIN_DAYS = 365
#: Share of the total (percent) above which aggregates are "most" of it: strictly more.
MOST = Decimal(50)
_YEAR = Decimal("365.25")


class Pace(BaseModel):
    as_of: dt.date
    elapsed_share: Decimal
    to_date: Decimal
    per_year: Decimal
    #: The low end of the range (``None`` while too early to project).
    projection: Decimal | None
    projection_low: Decimal | None
    projection_high: Decimal | None
    needed_per_year: Decimal
    aggregate_share: Decimal
    days_of_data: int
    note: str
    verdict: str


def pace_of(
    rule: CountingRule,
    today: dt.date,
    goal: Decimal,
    *,
    to_date: Decimal,
    aggregate: Decimal,
    last_year: Decimal,
) -> Pace:
    """The pace on ``today`` of ``to_date`` counted money, ``aggregate`` of it unitemised
    aggregates and ``last_year`` of it dated in the latest 365 days."""
    day = min(max(today, rule.period_start), rule.period_end)
    total_days = Decimal((rule.period_end - rule.period_start).days + 1)
    days = (day - rule.period_start).days + 1 if today >= rule.period_start else 0
    remaining = total_days - days
    per_day = to_date / days if days else Decimal(0)
    aggregate_share = _percent(aggregate, to_date)
    low = high = None
    if days >= MIN_DAYS:
        paces = sorted([per_day, last_year / MIN_DAYS])
        low = quantize_money(to_date + paces[0] * remaining)
        high = quantize_money(to_date + paces[1] * remaining)
    needed = (goal - to_date) / remaining * _YEAR if remaining > 0 else Decimal(0)
    verdict = _verdict(rule, today, goal, to_date, aggregate_share, low, high)
    return Pace(
        as_of=day,
        elapsed_share=_percent(Decimal(days), total_days),
        to_date=to_date,
        per_year=quantize_money(per_day * _YEAR),
        projection=low,
        projection_low=low,
        projection_high=high,
        needed_per_year=quantize_money(max(needed, Decimal(0))),
        aggregate_share=aggregate_share,
        days_of_data=days,
        note=_note(rule, days, aggregate_share),
        verdict=verdict,
    )


def _verdict(
    rule: CountingRule,
    today: dt.date,
    goal: Decimal,
    to_date: Decimal,
    aggregate_share: Decimal,
    low: Decimal | None,
    high: Decimal | None,
) -> str:
    if today < rule.period_start:
        return "period not started"
    if aggregate_share > MOST:
        return "mostly unitemised aggregates"
    if today > rule.period_end:
        return "goal reached" if to_date >= goal else "goal missed"
    if low is None or high is None:
        return "too early to project"
    if low >= goal:
        return "on track"
    return "behind" if high < goal else "uncertain"


def _note(rule: CountingRule, days: int, aggregate_share: Decimal) -> str:
    parts = []
    if days < MIN_DAYS:
        start = rule.period_start + dt.timedelta(days=MIN_DAYS - 1)
        parts.append(
            f"Too early to project: a projection needs {MIN_DAYS} days of the period, "
            f"{days} so far; the first one can be made on {start}."
        )
    if aggregate_share > MOST:
        parts.append(
            f"{aggregate_share} % of the money counted so far is unitemised aggregate totals "
            f"(more than {MOST} %): no verdict until itemised money is most of it."
        )
    return " ".join(parts)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if whole == 0:
        return Decimal(0)
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
