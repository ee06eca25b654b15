"""Progress toward the goal: totals, breakdowns, pace and projection, in any currency.

Two paths give the same figures. The fast path sums the rollup table, which holds money in
JPY, USD and EUR converted at each transaction's own value date; it serves the default stages
in those currencies. Any other rule or currency takes the direct path, which recomputes each
project's contribution from the register (the same code the rollup is built with).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from cajad.register import (
    MATERIALISED,
    Participation,
    Project,
    RateBook,
    Rollup,
    Transaction,
    quantize_money,
    rollup,
)
from cajad.tracker.rule import CountingRule, Measure


class Dimension(StrEnum):
    """What a breakdown groups by; ``pillar`` is the priority area."""

    PILLAR = "pillar"
    COUNTRY = "country"
    INSTRUMENT = "instrument"
    SECTOR = "sector"
    YEAR = "year"
    FINANCE = "finance"
    ORIGIN = "origin"


_ROLLUP_DIMENSION = {
    Dimension.PILLAR: "area",
    Dimension.COUNTRY: "country",
    Dimension.INSTRUMENT: "instrument",
    Dimension.SECTOR: "sector",
    Dimension.YEAR: "total",
    Dimension.FINANCE: "finance",
    Dimension.ORIGIN: "origin",
}


class BreakdownRow(BaseModel):
    key: str
    total: Decimal
    share: Decimal
    transactions: int


class Pace(BaseModel):
    as_of: dt.date
    elapsed_share: Decimal
    to_date: Decimal
    per_year: Decimal
    projection: Decimal
    needed_per_year: Decimal
    verdict: str


class Progress(BaseModel):
    currency: str
    goal: Decimal
    goal_conversion: str
    total: Decimal
    share_of_goal: Decimal
    transactions: int
    period: dict[str, dt.date]
    rule: CountingRule
    rule_text: str
    path: str
    measures: dict[str, Decimal]
    pace: Pace
    by: Dimension | None = None
    breakdown: list[BreakdownRow] | None = None


Aggregate = dict[tuple[str, str], tuple[Decimal, int]]


def progress(
    session: Session,
    rule: CountingRule | None = None,
    *,
    currency: str = "JPY",
    by: Dimension | None = None,
    as_of: dt.date | None = None,
    book: RateBook | None = None,
    direct: bool = False,
) -> Progress:
    """Progress toward the goal under ``rule`` in ``currency``, broken down ``by`` a dimension.

    ``direct=True`` recomputes from the register instead of the rollup (to verify it).
    """
    rule = rule or CountingRule()
    book = book or RateBook.from_session(session)
    goal = book.convert(rule.goal, rule.goal_currency, currency, rule.period_start)
    dims = ["total"] + ([_ROLLUP_DIMENSION[by]] if by else [])
    measures: dict[str, Decimal] = {}
    fast = rule.uses_rollup and currency in MATERIALISED and not direct
    for measure in Measure:
        variant = rule.model_copy(update={"measure": measure})
        agg = _rollup(session, variant, currency, ["total"]) if fast else None
        if agg is None:
            agg = _direct(session, variant, currency, ["total"], book)
        measures[measure.value] = agg.get(("total", ""), (Decimal(0), 0))[0]
    by_date = by is Dimension.YEAR
    agg = (
        _rollup(session, rule, currency, dims, by_date=by_date)
        if fast
        else _direct(session, rule, currency, dims, book, by_date=by_date)
    )
    total, count = _total(agg, by_date)
    return Progress(
        currency=currency,
        goal=goal.converted,
        goal_conversion=goal.explain(),
        total=total,
        share_of_goal=_percent(total, goal.converted),
        transactions=count,
        period={"start": rule.period_start, "end": rule.period_end},
        rule=rule,
        rule_text=rule.describe(),
        path="rollup" if fast else "direct",
        measures=measures,
        pace=_pace(session, rule, currency, goal.converted, as_of, fast, book),
        by=by,
        breakdown=_breakdown(agg, by, total) if by else None,
    )


def _total(agg: Aggregate, by_date: bool) -> tuple[Decimal, int]:
    if not by_date:
        return agg.get(("total", ""), (Decimal(0), 0))
    amount = sum((v[0] for v in agg.values()), Decimal(0))
    return amount, sum(v[1] for v in agg.values())


def _breakdown(agg: Aggregate, by: Dimension, total: Decimal) -> list[BreakdownRow]:
    wanted = _ROLLUP_DIMENSION[by]
    grouped: dict[str, list[Decimal | int]] = defaultdict(lambda: [Decimal(0), 0])
    for (dimension, key), (amount, n) in agg.items():
        if by is Dimension.YEAR:
            key = key[:4]
        elif dimension != wanted:
            continue
        grouped[key][0] += amount
        grouped[key][1] += n
    rows = [
        BreakdownRow(
            key=k, total=Decimal(v[0]), share=_percent(Decimal(v[0]), total), transactions=int(v[1])
        )
        for k, v in grouped.items()
    ]
    order = (lambda r: r.key) if by is Dimension.YEAR else (lambda r: (-r.total, r.key))
    return sorted(rows, key=order)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if whole == 0:
        return Decimal(0)
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def _rollup(
    session: Session,
    rule: CountingRule,
    currency: str,
    dims: list[str],
    *,
    by_date: bool = False,
    until: dt.date | None = None,
) -> Aggregate:
    column = getattr(Rollup, currency.lower())
    group = Rollup.value_date if by_date else Rollup.key
    query = (
        select(Rollup.dimension, group, func.sum(column), func.sum(Rollup.n))
        .where(
            Rollup.dimension.in_(dims if not by_date else ["total"]),
            Rollup.type.in_(sorted(rule.types)),
            Rollup.value_date.between(rule.period_start, until or rule.period_end),
        )
        .group_by(Rollup.dimension, group)
    )
    result: Aggregate = {}
    for dimension, key, amount, n in session.execute(query):
        label = key.isoformat() if by_date else key
        result[(dimension, label)] = (quantize_money(Decimal(amount)), int(n))
    return result


def _direct(
    session: Session,
    rule: CountingRule,
    currency: str,
    dims: list[str],
    book: RateBook,
    *,
    by_date: bool = False,
    until: dt.date | None = None,
) -> Aggregate:
    """Recompute every project's contribution under ``rule`` in ``currency``."""
    stages = set(rule.stages)
    end = until or rule.period_end
    result: dict[tuple[str, str], list[Decimal | int]] = defaultdict(lambda: [Decimal(0), 0])
    projects = session.scalars(
        select(Project).options(
            selectinload(Project.transactions).joinedload(Transaction.provider),
            selectinload(Project.participants).joinedload(Participation.organisation),
        )
    )
    for project in projects:
        eligible = project.counts_toward_goal and project.stage in stages
        facts = replace(rollup.project_facts(project), eligible=eligible)
        money = [_in_currency(t, currency, book) for t in project.transactions]
        for (dimension, key, tx_type, day), sums in rollup.contribution(facts, money).items():
            if dimension not in dims or tx_type not in rule.types:
                continue
            if not rule.period_start <= day <= end:
                continue
            label = day.isoformat() if by_date else key
            if by_date and dimension != "total":
                continue
            slot = result[(dimension, label)]
            slot[0] += sums.jpy
            slot[1] += sums.n
    return {k: (Decimal(v[0]), int(v[1])) for k, v in result.items()}


def _in_currency(tx: Transaction, currency: str, book: RateBook) -> rollup.Money:
    """The transaction with ``currency`` in the first value slot (the one _direct reads)."""
    money = rollup.transaction_money(tx)
    if currency in MATERIALISED:
        value = getattr(tx, f"value_{currency.lower()}")
    elif tx.value_date is None:
        value = None
    else:
        value = book.convert(tx.value, tx.currency, currency, tx.value_date).converted
    return rollup.Money(
        money.type, money.value_date, money.instrument, value, value, value, money.provider_country
    )


def _pace(
    session: Session,
    rule: CountingRule,
    currency: str,
    goal: Decimal,
    as_of: dt.date | None,
    fast: bool,
    book: RateBook,
) -> Pace:
    today = as_of or dt.date.today()
    day = min(max(today, rule.period_start), rule.period_end)
    agg = (
        _rollup(session, rule, currency, ["total"], until=day)
        if fast
        else _direct(session, rule, currency, ["total"], book, until=day)
    )
    to_date = agg.get(("total", ""), (Decimal(0), 0))[0]
    total_days = Decimal((rule.period_end - rule.period_start).days + 1)
    elapsed = Decimal((day - rule.period_start).days + 1)
    remaining = total_days - elapsed
    per_day = to_date / elapsed
    projection = quantize_money(per_day * total_days)
    if today < rule.period_start:
        verdict = "period not started"
    elif today > rule.period_end:
        verdict = "goal reached" if to_date >= goal else "goal missed"
    else:
        verdict = "on track" if projection >= goal else "behind"
    needed = (goal - to_date) / remaining * Decimal("365.25") if remaining > 0 else Decimal(0)
    return Pace(
        as_of=day,
        elapsed_share=_percent(elapsed, total_days),
        to_date=to_date,
        per_year=quantize_money(per_day * Decimal("365.25")),
        projection=projection,
        needed_per_year=quantize_money(max(needed, Decimal(0))),
        verdict=verdict,
    )
