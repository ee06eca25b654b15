"""The direct progress path as it was before issue 16 item 8 (every project loaded as objects,
the register read and split six times): kept only to check that the column version gives the
same figures (``test_progress_columns.py``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cajad.register import Participation, Project, RateBook, Transaction, rollup
from cajad.tracker.progress import (
    _BY_DATE,
    _C,
    _ROLLUP_DIMENSION,
    Aggregate,
    Dimension,
    _composition,
    _Counted,
    _label,
    _pace_days,
    in_currency,
)
from cajad.tracker.rule import CountingRule, Measure


def _direct(
    session: Session,
    rule: CountingRule,
    currency: str,
    dims: list[str],
    book: RateBook,
    *,
    by_date: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Aggregate:
    """Recompute every project's contribution under ``rule`` in ``currency``."""
    stages = set(rule.stages)
    start, end = since or rule.period_start, until or rule.period_end
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
        money = [in_currency(t, currency, book) for t in project.transactions]
        for (dimension, key, tx_type, day), sums in rollup.contribution(facts, money).items():
            if dimension not in dims or tx_type not in rule.types:
                continue
            if not start <= day <= end:
                continue
            if by_date and dimension not in ("total", _C + "total"):
                continue
            slot = result[(dimension, _label(dimension, key, tx_type, day, by_date))]
            slot[0] += sums.jpy
            slot[1] += sums.n
    return {k: (Decimal(v[0]), int(v[1])) for k, v in result.items()}


def from_register(
    session: Session,
    rule: CountingRule,
    currency: str,
    by: Dimension | None,
    today: dt.date,
    book: RateBook,
) -> _Counted:
    """Everything recomputed from the register (the direct path)."""
    measures: dict[str, Decimal] = {}
    for measure in Measure:
        variant = rule.model_copy(update={"measure": measure})
        agg = _direct(session, variant, currency, ["total"], book)
        measures[measure.value] = agg.get(("total", ""), (Decimal(0), 0))[0]
    plain = ["total"] + ([_ROLLUP_DIMENSION[by]] if by else [])
    dims = plain + [_C + d for d in plain]
    agg = _direct(session, rule, currency, dims, book, by_date=by in _BY_DATE)
    day, last_year = _pace_days(rule, today)

    def counted(since: dt.date | None = None) -> Aggregate:
        return _direct(
            session, rule, currency, ["total", _C + "total"], book, since=since, until=day
        )

    so_far = counted()
    to_date = so_far.get(("total", ""), (Decimal(0), 0))[0]
    aggregate = sum(
        (c.total for c in _composition(so_far, None, to_date) if c.basis == "aggregate"),
        Decimal(0),
    )
    recent = to_date
    if last_year > rule.period_start:  # a year of data: the latest year's pace is needed
        recent = counted(last_year).get(("total", ""), (Decimal(0), 0))[0]
    return _Counted(agg, measures, to_date, aggregate, recent)
