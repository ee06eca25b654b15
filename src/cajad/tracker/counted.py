"""What of each project counts toward the goal under a rule, or why nothing of it does.

One answer per project, the one the project list's badge gives: the amount of it counted in
the period (exact, in the chosen currency), or the first of these reasons, in this order, why
it counts nothing (:class:`Uncounted`):

1. ``cancelled``       its stage is cancelled (and the rule leaves cancelled projects out);
2. ``stage``           its stage is another the rule leaves out;
3. ``in-package``      it is marked not to count and its package counts, with an amount: its
                       money is inside the package's total;
4. ``decision``        it is marked not to count (the curated decision says why);
5. ``no-amount``       it reports no amount (no outgoing transaction);
6. ``undated``         its money has no value date;
7. ``outside-period``  its money is dated outside the period (the dates are named);
8. ``type``            its money in the period is of types the rule does not count (a credit
                       guarantee, or pledges under ``signed``);
9. ``no-rate``         its money in the period cannot be converted into the currency.

The amounts are the tracker's own: each project's money goes through
:func:`cajad.register.rollup.contribution`, as on the direct path of :func:`~cajad.tracker.
progress`, so the counted amounts of all projects add up to the progress total to the cent.

A project's *reported amount* (:func:`reported_amount`) is its largest outgoing pledge or
commitment by yen value (the value the project list sorts by), as reported and converted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from cajad.register import (
    INCOMING_TYPES,
    MATERIALISED,
    REPORTED_TYPES,
    ConversionError,
    Participation,
    Project,
    RateBook,
    Stage,
    Transaction,
    TransactionType,
    rollup,
)
from cajad.tracker.progress import in_currency
from cajad.tracker.rule import CountingRule


class Uncounted(StrEnum):
    """Why a project counts nothing, in first-match order (see the module docstring)."""

    CANCELLED = "cancelled"
    STAGE = "stage"
    IN_PACKAGE = "in-package"
    DECISION = "decision"
    NO_AMOUNT = "no-amount"
    UNDATED = "undated"
    OUTSIDE_PERIOD = "outside-period"
    TYPE = "type"
    NO_RATE = "no-rate"


class ReportedAmount(BaseModel):
    """A project's largest outgoing pledge or commitment: as reported, and in ``target``
    (at its value date; ``None`` where no rate converts it)."""

    value: Decimal
    currency: str
    value_date: dt.date | None
    type: int
    converted: Decimal | None
    target: str


class ProjectCount(BaseModel):
    """What of one project counts under the rule: ``amount`` in ``currency`` in the period
    (zero when nothing does), or the ``reason`` with a short ``label`` and the full ``detail``."""

    project: str
    counted: bool
    amount: Decimal
    currency: str
    transactions: int
    reason: Uncounted | None
    label: str
    detail: str


def counted(
    session: Session,
    rule: CountingRule | None = None,
    *,
    projects: Iterable[Project] | None = None,
    currency: str = "JPY",
    book: RateBook | None = None,
) -> dict[str, ProjectCount]:
    """What of each of ``projects`` (default: every project) counts under ``rule`` in
    ``currency``, by identifier, in the order given (by identifier when every project)."""
    rule = rule or CountingRule()
    book = book or RateBook.from_session(session)
    query = select(Project).options(
        selectinload(Project.transactions).joinedload(Transaction.provider),
        selectinload(Project.participants).joinedload(Participation.organisation),
        joinedload(Project.package).selectinload(Project.transactions),
    )
    if projects is None:
        loaded = list(session.scalars(query.order_by(Project.identifier)).unique())
    else:
        wanted = [p.id for p in projects]
        by_id = {p.id: p for p in session.scalars(query.where(Project.id.in_(wanted))).unique()}
        loaded = [by_id[i] for i in wanted]
    return {p.identifier: count_project(p, rule, currency=currency, book=book) for p in loaded}


def count_project(
    project: Project, rule: CountingRule, *, currency: str, book: RateBook
) -> ProjectCount:
    """What of ``project`` (its transactions, participants and package loaded) counts."""
    eligible = project.counts_toward_goal and project.stage in rule.stages
    facts = replace(rollup.project_facts(project), eligible=eligible)
    amount, n = Decimal(0), 0
    for (dimension, _key, tx_type, _day), sums in rollup.contribution(
        facts, (_money(t, currency, book) for t in _in_rule(project, rule))
    ).items():
        if dimension == "total" and tx_type in rule.types:
            amount += sums.jpy  # the first value slot holds ``currency`` (see _money)
            n += sums.n
    if n:
        label = f"counted: {currency} {short_amount(amount)} in the period"
        detail = (
            f"{currency} {amount:,} of {n} transaction(s) dated in the period "
            f"{rule.period_start} to {rule.period_end} counts ({rule.measure.value})."
        )
        return ProjectCount(
            project=project.identifier,
            counted=True,
            amount=amount,
            currency=currency,
            transactions=n,
            reason=None,
            label=label,
            detail=detail,
        )
    reason, short, detail = _why_not(project, rule, currency)
    return ProjectCount(
        project=project.identifier,
        counted=False,
        amount=Decimal(0),
        currency=currency,
        transactions=0,
        reason=reason,
        label=f"not counted: {short}",
        detail=detail,
    )


def _in_rule(project: Project, rule: CountingRule) -> list[Transaction]:
    """The transactions the rule can count: of its types and dated in its period (the others
    are never converted, so a missing old rate cannot fail the count)."""
    return [t for t in project.transactions if rule.counts(t.type, t.value_date)]


def _money(tx: Transaction, currency: str, book: RateBook) -> rollup.Money:
    """The transaction in ``currency`` as the direct path sees it; no value without a rate."""
    try:
        return in_currency(tx, currency, book)
    except ConversionError:
        money = rollup.transaction_money(tx)
        return replace(money, jpy=None, usd=None, eur=None)


def _why_not(project: Project, rule: CountingRule, currency: str) -> tuple[Uncounted, str, str]:
    """The first reason (in :class:`Uncounted` order) why ``project`` counts nothing."""
    stages = ", ".join(rule.stages)
    if project.stage not in rule.stages:
        if project.stage == Stage.CANCELLED:
            return Uncounted.CANCELLED, "cancelled", f"Cancelled; the rule counts {stages}."
        return (
            Uncounted.STAGE,
            f"stage {project.stage} left out",
            f"At stage {project.stage}; the rule counts only {stages}.",
        )
    decision = project.count_decision or "no reason recorded"
    if not project.counts_toward_goal:
        package = project.package
        if package is not None and _counts_with_amount(package, rule):
            return (
                Uncounted.IN_PACKAGE,
                f"inside {package.identifier}",
                f"Counted inside the total of its package {package.identifier}: {decision}",
            )
        return Uncounted.DECISION, "decided not to count", f"Marked not to count: {decision}"
    outgoing = [t for t in project.transactions if t.type not in INCOMING_TYPES]
    if not outgoing:
        return Uncounted.NO_AMOUNT, "no amount reported", "No amount reported; nothing counts."
    dates = sorted({t.value_date for t in outgoing if t.value_date is not None})
    if not dates:
        return Uncounted.UNDATED, "no value date", "Its money has no value date to count it at."
    start, end = rule.period_start, rule.period_end
    if not any(start <= d <= end for d in dates):
        when = "before" if dates[-1] < start else "after" if dates[0] > end else "outside"
        named = ", ".join(d.isoformat() for d in dates)
        return (
            Uncounted.OUTSIDE_PERIOD,
            f"dated {when} the period",
            f"Its money is dated {named}, outside the period {start} to {end}.",
        )
    inside = {t.type for t in outgoing if t.value_date and start <= t.value_date <= end}
    if not inside & rule.types:
        kinds = ", ".join(_type_name(t) for t in sorted(inside))
        return (
            Uncounted.TYPE,
            f"{kinds} not counted",
            f"Its money in the period is {kinds}, which the rule ({rule.measure.value}"
            f"{'' if rule.include_guarantees else ', without guarantees'}) does not count.",
        )
    return (
        Uncounted.NO_RATE,
        f"no {currency} rate",
        f"Its money in the period has no rate into {currency} at its value date.",
    )


def _counts_with_amount(package: Project, rule: CountingRule) -> bool:
    """Whether a package's own money can count: marked to count, at a counted stage, with an
    outgoing amount (wherever dated)."""
    return (
        package.counts_toward_goal
        and package.stage in rule.stages
        and any(t.type not in INCOMING_TYPES for t in package.transactions)
    )


def _type_name(tx_type: int) -> str:
    return TransactionType(tx_type).name.lower().replace("_", " ")


def reported_amount(project: Project, target: str, book: RateBook) -> ReportedAmount | None:
    """The project's largest outgoing pledge or commitment by yen value (those without one
    after, by value), as reported and in ``target``; ``None`` when it reports neither."""
    candidates = [t for t in project.transactions if t.type in REPORTED_TYPES]
    if not candidates:
        return None
    tx = max(candidates, key=lambda t: (t.value_jpy is not None, t.value_jpy or t.value))
    return ReportedAmount(
        value=tx.value,
        currency=tx.currency,
        value_date=tx.value_date,
        type=tx.type,
        converted=_converted(tx, target, book),
        target=target,
    )


def _converted(tx: Transaction, target: str, book: RateBook) -> Decimal | None:
    if target in MATERIALISED:
        value: Decimal | None = getattr(tx, f"value_{target.lower()}")
        return value
    if tx.value_date is None:
        return None
    try:
        return book.convert(tx.value, tx.currency, target, tx.value_date).converted
    except ConversionError:
        return None


_SCALES = ((Decimal(10) ** 12, "tn"), (Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m"))


def short_amount(value: Decimal) -> str:
    """``12345678901`` → ``12.3 bn``: an amount read at a glance (the exact one is beside)."""
    for scale, word in _SCALES:
        if abs(value) >= scale:
            return f"{(value / scale).quantize(Decimal('0.1'))} {word}"
    return f"{value.quantize(Decimal(1)):,}"
