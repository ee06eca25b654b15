"""Progress toward the goal: totals, breakdowns, pace and projection, in any currency.

Every total comes with its *composition*: the counted money split by basis (an itemised
project or an aggregate package total), evidence tier (financier, company, government, press)
and status (signed: commitments, disbursements, equity, guarantees; else announced). The rows
add up to the total to the cent, in every currency and in every breakdown row.

Two paths give the same figures. The fast path sums the rollup table, which holds money in
JPY, USD and EUR converted at each transaction's own value date; it serves the default stages
in those currencies. Any other rule or currency takes the direct path, which recomputes each
project's contribution from the register (the same code the rollup is built with).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import String, case, func, null, select
from sqlalchemy.orm import Session

from cajad.register import (
    CENTRAL_ASIAN_COUNTRIES,
    INCOMING_TYPES,
    MATERIALISED,
    Document,
    Organisation,
    PriorityArea,
    Project,
    RateBook,
    Rollup,
    Transaction,
    TransactionType,
    exact_sum,
    rollup,
)
from cajad.tracker.pace import MIN_DAYS, Pace, pace_of
from cajad.tracker.rule import CountingRule, Measure


class Dimension(StrEnum):
    """What a breakdown groups by; ``pillar`` is the priority area."""

    PILLAR = "pillar"
    COUNTRY = "country"
    INSTRUMENT = "instrument"
    SECTOR = "sector"
    YEAR = "year"
    MONTH = "month"
    FINANCE = "finance"
    ORIGIN = "origin"


_ROLLUP_DIMENSION = {
    Dimension.PILLAR: "area",
    Dimension.COUNTRY: "country",
    Dimension.INSTRUMENT: "instrument",
    Dimension.SECTOR: "sector",
    Dimension.YEAR: "total",
    Dimension.MONTH: "total",
    Dimension.FINANCE: "finance",
    Dimension.ORIGIN: "origin",
}


#: Transaction types whose money is signed (or moved); the others counted are announcements.
SIGNED_TYPES = frozenset(
    {
        TransactionType.OUTGOING_COMMITMENT,
        TransactionType.DISBURSEMENT,
        TransactionType.PURCHASE_OF_EQUITY,
        TransactionType.CREDIT_GUARANTEE,
    }
)
#: The pillar breakdown's key for aggregates whose sectors give no priority area.
AGGREGATE_AREA_UNKNOWN = "aggregate_unknown"
_ZEROS = {
    Dimension.COUNTRY: CENTRAL_ASIAN_COUNTRIES,
    Dimension.PILLAR: tuple(a.value for a in PriorityArea if a is not PriorityArea.UNASSIGNED),
}
_TIERS = list(rollup.EVIDENCE)
#: Breakdowns by value date, and how much of the ISO date names their key ("2025", "2025-12").
_BY_DATE: dict[Dimension | None, int] = {Dimension.YEAR: 4, Dimension.MONTH: 7}


class CompositionRow(BaseModel):
    """A part of a total: what kind of money it is and how well it is evidenced."""

    basis: str
    evidence: str
    status: str
    total: Decimal
    share: Decimal
    transactions: int


class BreakdownRow(BaseModel):
    key: str
    total: Decimal
    share: Decimal
    transactions: int
    composition: list[CompositionRow] = []


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
    composition: list[CompositionRow]
    headline: str
    data_as_of: dt.date | None
    by: Dimension | None = None
    breakdown: list[BreakdownRow] | None = None


Aggregate = dict[tuple[str, str], tuple[Decimal, int]]
_C = rollup.COMPOSITION_PREFIX


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
    fast = rule.uses_rollup and currency in MATERIALISED and not direct
    today = as_of or dt.date.today()
    counted = (
        _from_rollup(session, rule, currency, by, today)
        if fast
        else _from_register(session, rule, currency, by, today, book)
    )
    agg = counted.agg
    total, count = _total(agg)
    composition = _composition(agg, None, total)
    share = _percent(total, goal.converted)
    return Progress(
        currency=currency,
        goal=goal.converted,
        goal_conversion=goal.explain(),
        total=total,
        share_of_goal=share,
        transactions=count,
        period={"start": rule.period_start, "end": rule.period_end},
        rule=rule,
        rule_text=rule.describe(),
        path="rollup" if fast else "direct",
        measures=counted.measures,
        pace=pace_of(
            rule,
            today,
            goal.converted,
            to_date=counted.to_date,
            aggregate=counted.aggregate,
            last_year=counted.last_year,
        ),
        composition=composition,
        headline=_headline(share, composition, goal.converted),
        data_as_of=session.scalar(select(func.max(Document.published))),
        by=by,
        breakdown=_breakdown(agg, by, total) if by else None,
    )


def _total(agg: Aggregate) -> tuple[Decimal, int]:
    """The amount and count of ``agg``'s total: its one ``total`` row, or its rows by date
    (zero when nothing is counted)."""
    rows = [v for (dimension, _key), v in agg.items() if dimension == "total"]
    return sum((v[0] for v in rows), Decimal(0)), sum(v[1] for v in rows)


def _breakdown(agg: Aggregate, by: Dimension, total: Decimal) -> list[BreakdownRow]:
    wanted = _ROLLUP_DIMENSION[by]
    grouped: dict[str, list[Decimal | int]] = defaultdict(lambda: [Decimal(0), 0])
    for key in _ZEROS.get(by, ()):
        grouped[key]
    for (dimension, key), (amount, n) in agg.items():
        if dimension != wanted:
            continue
        key = key[: _BY_DATE[by]] if by in _BY_DATE else key
        grouped[key][0] += amount
        grouped[key][1] += n
    year = by in _BY_DATE
    rows = []
    for key, (sum_, count) in grouped.items():
        amount, n = Decimal(sum_), int(count)
        parts = _composition(agg, key, amount, dimension=_C + wanted, by_date=year)
        rows.append(
            BreakdownRow(
                key=key,
                total=amount,
                share=_percent(amount, total),
                transactions=n,
                composition=parts,
            )
        )
    if by is Dimension.PILLAR:
        rows = _split_unknown_aggregates(rows, total)
    order = (lambda r: r.key) if year else (lambda r: (-r.total, r.key))
    return sorted(rows, key=order)


def _split_unknown_aggregates(rows: list[BreakdownRow], total: Decimal) -> list[BreakdownRow]:
    """Aggregates whose sectors give no area are shown apart, not folded into "unassigned"
    (each row's share is of ``total``)."""
    result = []
    for row in rows:
        if row.key != PriorityArea.UNASSIGNED.value:
            result.append(row)
            continue
        aggregate = [c for c in row.composition if c.basis == "aggregate"]
        itemised = [c for c in row.composition if c.basis != "aggregate"]
        for key, parts in ((row.key, itemised), (AGGREGATE_AREA_UNKNOWN, aggregate)):
            amount = sum((c.total for c in parts), Decimal(0))
            if parts or key == row.key:
                n = sum(c.transactions for c in parts)
                result.append(
                    BreakdownRow(
                        key=key,
                        total=amount,
                        share=_percent(amount, total),
                        transactions=n,
                        composition=_reshare(parts, amount),
                    )
                )
    return result


def _reshare(parts: list[CompositionRow], whole: Decimal) -> list[CompositionRow]:
    return [c.model_copy(update={"share": _percent(c.total, whole)}) for c in parts]


def _composition(
    agg: Aggregate,
    key: str | None,
    whole: Decimal,
    *,
    dimension: str = _C + "total",
    by_date: bool = False,
) -> list[CompositionRow]:
    """The composition rows of one breakdown key (``None``: every key, the whole total),
    itemised and signed first."""
    sums: dict[tuple[str, str, str], list[Decimal | int]] = defaultdict(lambda: [Decimal(0), 0])
    for (dim, label), (amount, n) in agg.items():
        if dim != dimension:
            continue
        code, inner, tx_type = _parse_label(label)
        if key is not None and (inner[: len(key)] if by_date else inner) != key:
            continue
        basis, evidence = rollup.decode_composition(code)
        status = "signed" if tx_type in SIGNED_TYPES else "announced"
        slot = sums[(basis, evidence, status)]
        slot[0] += amount
        slot[1] += n
    rows = [
        CompositionRow(
            basis=b,
            evidence=e,
            status=st,
            total=Decimal(v[0]),
            share=_percent(Decimal(v[0]), whole),
            transactions=int(v[1]),
        )
        for (b, e, st), v in sums.items()
    ]
    return sorted(
        rows, key=lambda r: (r.basis != "itemised", r.status != "signed", _TIERS.index(r.evidence))
    )


def _parse_label(label: str) -> tuple[str, str, int]:
    """``"ag:KZ#12"`` → (``"ag"``, ``"KZ"``, 12)."""
    code, rest = label.split(":", 1)
    inner, tx_type = rest.rsplit("#", 1)
    return code, inner, int(tx_type)


def _headline(share: Decimal, composition: list[CompositionRow], goal: Decimal) -> str:
    """The share of the goal, naming how much of it is itemised and signed."""
    firm = sum(
        (c.total for c in composition if c.basis == "itemised" and c.status == "signed"), Decimal(0)
    )
    aggregate = sum((c.total for c in composition if c.basis == "aggregate"), Decimal(0))
    return (
        f"{share} % of the goal, of which {_percent(firm, goal)} % itemised and signed "
        f"and {_percent(aggregate, goal)} % unitemised aggregate totals"
    )


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if whole == 0:
        return Decimal(0)
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


@dataclass
class _Counted:
    """What one progress() call counts: the aggregate of its dimensions, every measure's
    total, and the pace's inputs (counted to date, of it aggregates, in the latest year)."""

    agg: Aggregate
    measures: dict[str, Decimal]
    to_date: Decimal
    aggregate: Decimal
    last_year: Decimal


def _pace_days(rule: CountingRule, today: dt.date) -> tuple[dt.date, dt.date]:
    """The pace's day (``today`` within the period) and the first day of the year to it (the
    period's first day while less than a year of it has passed: then the latest year's pace
    is the whole period's)."""
    day = min(max(today, rule.period_start), rule.period_end)
    return day, max(day - dt.timedelta(days=MIN_DAYS - 1), rule.period_start)


def _from_rollup(
    session: Session, rule: CountingRule, currency: str, by: Dimension | None, today: dt.date
) -> _Counted:
    """Everything from the rollup in one or two queries: one pass over the ``c:total`` rows
    gives the measures, the total, its composition (by date if asked) and the pace; a
    breakdown by anything but the date reads its own composition rows."""
    variants = [rule.model_copy(update={"measure": measure}) for measure in Measure]
    every = frozenset().union(*(v.types for v in variants))
    day, last_year = _pace_days(rule, today)
    width = _BY_DATE.get(by)
    result: dict[tuple[str, str], list[Decimal | int]] = defaultdict(lambda: [Decimal(0), 0])
    by_type: dict[int, Decimal] = defaultdict(Decimal)
    to_date = aggregate = recent = Decimal(0)
    for key, tx_type, when, amount, n, upto, latest in _total_rows(
        session, rule, currency, every, (day, last_year), width
    ):
        by_type[tx_type] += amount
        if tx_type not in rule.types:
            continue
        code = key.split(":", 1)[0]  # pragma: no mutate  # one colon: every split is the same
        inner = when or ""
        for target in (("total", inner), (_C + "total", f"{code}:{inner}#{tx_type}")):
            result[target][0] += amount
            result[target][1] += n
        to_date += upto
        recent += latest
        if rollup.decode_composition(code)[0] == "aggregate":
            aggregate += upto
    agg = {k: (Decimal(v[0]), int(v[1])) for k, v in result.items()}
    if by is not None and width is None:
        agg.update(_breakdown_rows(session, rule, currency, _ROLLUP_DIMENSION[by]))
    measures = {
        v.measure.value: sum((by_type.get(t, Decimal(0)) for t in v.types), Decimal(0))
        for v in variants
    }
    return _Counted(agg, measures, to_date, aggregate, recent)


def _total_rows(
    session: Session,
    rule: CountingRule,
    currency: str,
    types: frozenset[int],
    days: tuple[dt.date, dt.date],
    width: int | None,
) -> Any:
    """The ``c:total`` rows of the period summed per composition code and type (and date
    prefix ``width`` long): amount, count, amount up to the pace's day, and in its last year."""
    column = getattr(Rollup, currency.lower())
    day, last_year = days

    def until_day(since: dt.date) -> Any:
        return exact_sum(case((Rollup.value_date.between(since, day), column), else_=0))

    when = _date_prefix(session, width) if width else null()
    query = (
        select(
            Rollup.key,
            Rollup.type,
            when,
            exact_sum(column),
            func.sum(Rollup.n),
            until_day(rule.period_start),
            until_day(last_year),
        )
        .where(
            Rollup.dimension == _C + "total",
            Rollup.type.in_(sorted(types)),
            _in_period(session, rule),
        )
        .group_by(Rollup.key, Rollup.type, *([when] if width else []))
    )
    return session.execute(query)


def _breakdown_rows(
    session: Session, rule: CountingRule, currency: str, dimension: str
) -> Aggregate:
    """The period's rows of one breakdown dimension summed per key and type in SQL, as the
    aggregate's plain rows and composition rows."""
    column = getattr(Rollup, currency.lower())
    query = (
        select(Rollup.key, Rollup.type, exact_sum(column), func.sum(Rollup.n))
        .where(
            Rollup.dimension == _C + dimension,
            Rollup.type.in_(sorted(rule.types)),
            _in_period(session, rule),
        )
        .group_by(Rollup.key, Rollup.type)
    )
    result: dict[tuple[str, str], list[Decimal | int]] = defaultdict(lambda: [Decimal(0), 0])
    for key, tx_type, amount, n in session.execute(query):
        code, inner = key.split(":", 1)
        for target in ((dimension, inner), (_C + dimension, f"{code}:{inner}#{tx_type}")):
            result[target][0] += amount
            result[target][1] += n
    return {k: (Decimal(v[0]), int(v[1])) for k, v in result.items()}


def _in_period(session: Session, rule: CountingRule) -> Any:
    """The rollup rows dated in the rule's period."""
    day: Any = Rollup.value_date
    if session.get_bind().dialect.name == "sqlite":
        # COALESCE keeps the date out of the index search: with it there, SQLite's planner
        # skip-scans every dimension for the date range instead of reading just the one asked.
        # PostgreSQL searches the date in its index well, and estimates the rows it reads.
        day = func.coalesce(day, day)
    return day.between(rule.period_start, rule.period_end)


_DATE_FORMAT = {4: "YYYY", 7: "YYYY-MM"}


def _date_prefix(session: Session, width: int) -> Any:
    """The first ``width`` characters of the ISO value date, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(Rollup.value_date, _DATE_FORMAT[width], type_=String)
    return func.substr(Rollup.value_date, 1, width, type_=String)  # SQLite: ISO text


def _label(dimension: str, key: str, tx_type: int, day: dt.date | None, by_date: bool) -> str:
    """The aggregate's key of a rollup row: the breakdown key (or day), and for composition
    rows its code and transaction type (``"ag:KZ#12"``)."""
    shown = day.isoformat() if by_date and day is not None else None
    if not dimension.startswith(_C):
        return shown or key
    code, inner = key.split(":", 1)
    return f"{code}:{shown or inner}#{tx_type}"


#: Every project a rule counts (its rollup facts) with its money in one currency.
_Loaded = list[tuple[rollup.Facts, list[rollup.Money]]]


def _load(session: Session, rule: CountingRule, currency: str, book: RateBook) -> _Loaded:
    """The projects ``rule`` counts (counted, in its stages) with their outgoing, dated money
    in ``currency``, read from columns in bulk (as the rollup's rebuild reads them), not as
    objects: the direct path reads a large register once per progress() call, not per sum."""
    eligible = (Project.counts_toward_goal.is_(True), Project.stage.in_(sorted(set(rule.stages))))
    facts = rollup.stored_facts(session, eligible=eligible)
    materialised = currency in MATERIALISED
    amount = (
        (getattr(Transaction, f"value_{currency.lower()}"),)
        if materialised
        else (Transaction.value, Transaction.currency)
    )
    query = (
        select(
            Transaction.project_id,
            Transaction.type,
            Transaction.value_date,
            Transaction.instrument,
            Organisation.country,
            *amount,
        )
        .outerjoin(Organisation, Transaction.provider_org_id == Organisation.id)
        .where(
            Transaction.project_id.in_(select(Project.id).where(*eligible)),
            Transaction.type.not_in(sorted(INCOMING_TYPES)),
            Transaction.value_date.is_not(None),
        )
        .order_by(Transaction.project_id)
        .execution_options(yield_per=10_000)
    )
    loaded: _Loaded = []
    for project_id, rows in itertools.groupby(session.execute(query), key=lambda r: r[0]):
        money = []
        for _pid, tx_type, day, instrument, provider, *value in rows:
            converted = (
                value[0]
                if materialised
                else book.convert(value[0], value[1], currency, day).converted
            )
            money.append(
                rollup.Money(tx_type, day, instrument, converted, converted, converted, provider)
            )
        loaded.append((facts[project_id], money))
    return loaded


def _contributions(loaded: _Loaded, dimensions: set[str]) -> dict[rollup.Key, rollup.Sums]:
    """The rollup rows of ``loaded`` in ``dimensions`` (and their composition rows), summed
    over its projects: an in-memory rollup of one currency, which every sum of a progress()
    call then filters (by type, date and dimension) instead of splitting the money again."""
    totals: dict[rollup.Key, rollup.Sums] = {}
    for facts, money in loaded:
        rollup.merge(totals, rollup.contribution(facts, money, dimensions), +1)
    return totals


def _direct(
    rows: dict[rollup.Key, rollup.Sums],
    rule: CountingRule,
    dims: list[str],
    *,
    by_date: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Aggregate:
    """Sum ``rows`` (what :func:`_contributions` made of the register) under ``rule``: its
    types, dated from ``since`` to ``until`` (its period by default), in ``dims``."""
    start, end = since or rule.period_start, until or rule.period_end
    result: dict[tuple[str, str], list[Decimal | int]] = defaultdict(lambda: [Decimal(0), 0])
    for (dimension, key, tx_type, day), sums in rows.items():
        if dimension not in dims or tx_type not in rule.types:
            continue
        if not start <= day <= end:
            continue
        slot = result[(dimension, _label(dimension, key, tx_type, day, by_date))]
        slot[0] += sums.jpy
        slot[1] += sums.n
    return {k: (Decimal(v[0]), int(v[1])) for k, v in result.items()}


def in_currency(tx: Transaction, currency: str, book: RateBook) -> rollup.Money:
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


def _from_register(
    session: Session,
    rule: CountingRule,
    currency: str,
    by: Dimension | None,
    today: dt.date,
    book: RateBook,
) -> _Counted:
    """Everything recomputed from the register (the direct path): read once, its money split
    once into the dimensions asked, then summed for each figure."""
    plain = ["total"] + ([_ROLLUP_DIMENSION[by]] if by else [])
    rows = _contributions(_load(session, rule, currency, book), set(plain))
    measures: dict[str, Decimal] = {}
    for measure in Measure:
        variant = rule.model_copy(update={"measure": measure})
        agg = _direct(rows, variant, ["total"])
        measures[measure.value] = _total(agg)[0]
    dims = plain + [_C + d for d in plain]
    agg = _direct(rows, rule, dims, by_date=by in _BY_DATE)
    day, last_year = _pace_days(rule, today)

    def counted(since: dt.date | None = None) -> Aggregate:
        return _direct(rows, rule, ["total", _C + "total"], since=since, until=day)

    so_far = counted()
    to_date = _total(so_far)[0]
    aggregate = sum(
        (c.total for c in _composition(so_far, None, to_date) if c.basis == "aggregate"),
        Decimal(0),
    )
    recent = _total(counted(last_year))[0]
    return _Counted(agg, measures, to_date, aggregate, recent)
