"""Funding chains: follow the same money across publishers, upstream and downstream.

IATI links activities through transactions: a funder reports an outgoing commitment or
disbursement whose ``receiver-org/@receiver-activity-id`` is the implementer's activity, and
the implementer reports incoming funds whose ``provider-org/@provider-activity-id`` is the
funder's. :func:`funding_chain` walks these links from one project, breadth first to a depth
limit, one query per direction and level (never one per transaction); an activity already
reached is not walked again, so cycles end. An activity id not in the register is kept as an
external node with the organisation name the transactions report for it.

Each link lists the transactions behind it from both publishers, converted into one currency
at each value date (with the rate and its source), and says under which measures the tracker
counts each one: only the provider's outgoing money of a counted project does, incoming money
never (see :mod:`cajad.tracker.rule`), so the same money reported twice is counted once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload

from cajad.register import (
    INCOMING_TYPES,
    ConversionError,
    InputError,
    NotFoundError,
    Project,
    RateBook,
    Transaction,
    codelists,
)
from cajad.tracker.rule import CountingRule, Measure

MAX_DEPTH = 10


class Side(StrEnum):
    ROOT = "root"
    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"


class ChainNode(BaseModel):
    """An activity of the chain: in the register (a project) or external (only its id)."""

    activity: str
    in_register: bool
    title: str | None = None
    organisation: str | None = None
    counts_toward_goal: bool | None = None
    side: Side
    distance: int


class ChainMoney(BaseModel):
    """One transaction behind a link, as its publisher reported it and in the chosen currency."""

    reported_by: str
    ref: str
    type: int
    type_name: str
    direction: str
    value: Decimal
    currency: str
    value_date: dt.date | None
    converted: Decimal | None
    target: str
    rate: Decimal | None
    conversion: str
    sources: list[str]
    counts_under: list[Measure]


class ChainLink(BaseModel):
    """Money from ``provider`` to ``receiver``, with every transaction either side reports."""

    provider: str
    receiver: str
    reported_by: list[str]
    counted_at: list[str]
    counted_total: Decimal
    transactions: list[ChainMoney]


class FundingChain(BaseModel):
    """The funding chain of ``project``: its nodes and the links between them."""

    project: str
    currency: str
    depth: int
    measure: Measure
    nodes: list[ChainNode]
    links: list[ChainLink]

    def node(self, activity: str) -> ChainNode | None:
        return next((n for n in self.nodes if n.activity == activity), None)

    def funders(self, activity: str) -> list[ChainLink]:
        """Links whose money goes into ``activity``."""
        return [link for link in self.links if link.receiver == activity]

    def funded(self, activity: str) -> list[ChainLink]:
        """Links whose money comes out of ``activity``."""
        return [link for link in self.links if link.provider == activity]

    @property
    def upstream(self) -> list[ChainNode]:
        return [n for n in self.nodes if n.side is Side.UPSTREAM]

    @property
    def downstream(self) -> list[ChainNode]:
        return [n for n in self.nodes if n.side is Side.DOWNSTREAM]


#: A transaction found on a link, with the facts of the project that reports it.
_Row = tuple[Transaction, str, bool, str]
#: A transaction on one link: its id, the provider and the receiver activity.
_Key = tuple[int, str, str]


def funding_chain(
    session: Session,
    identifier: str,
    *,
    currency: str = "JPY",
    depth: int = 3,
    rule: CountingRule | None = None,
    book: RateBook | None = None,
) -> FundingChain:
    """The funding chain of project ``identifier``, ``depth`` links up and down at most."""
    if not 1 <= depth <= MAX_DEPTH:
        raise InputError(f"depth must be from 1 to {MAX_DEPTH}; got {depth}")
    rule = rule or CountingRule()
    book = book or RateBook.from_session(session)
    code = currency.upper()
    if code not in book.currencies:
        raise InputError(
            f"currency must be one with exchange rates ({', '.join(book.currencies)}); "
            f"got {currency!r}"
        )
    if session.scalar(select(Project.id).where(Project.identifier == identifier)) is None:
        raise NotFoundError(f"no project with identifier {identifier!r}")
    found: dict[_Key, tuple[str, str, _Row]] = {}
    distance: dict[str, tuple[Side, int]] = {identifier: (Side.ROOT, 0)}
    for side in (Side.UPSTREAM, Side.DOWNSTREAM):
        _walk(session, identifier, side, depth, distance, found)
    return FundingChain(
        project=identifier,
        currency=code,
        depth=depth,
        measure=rule.measure,
        nodes=_nodes(session, distance, found.values()),
        links=_links(found.values(), code, rule, book),
    )


def _walk(
    session: Session,
    root: str,
    side: Side,
    depth: int,
    distance: dict[str, tuple[Side, int]],
    found: dict[_Key, tuple[str, str, _Row]],
) -> None:
    """Breadth first from ``root`` toward the funders (upstream) or the funded (downstream).

    Each side keeps its own visited set (an activity can be both, in a cycle); a node is
    placed on the side that reaches it in fewer links, upstream on a tie.
    """
    seen = {root}
    frontier = {root}
    for level in range(1, depth + 1):
        reached: set[str] = set()
        for provider, receiver, row in _step(session, frontier, side):
            found.setdefault((row[0].id, provider, receiver), (provider, receiver, row))
            reached.add(provider if side is Side.UPSTREAM else receiver)
        frontier = reached - seen
        seen |= frontier
        for activity in frontier:
            if activity not in distance or distance[activity][1] > level:
                distance[activity] = (side, level)
        if not frontier:
            return


def _step(session: Session, frontier: set[str], side: Side) -> Iterable[tuple[str, str, _Row]]:
    """The links one step from ``frontier``: (provider, receiver, transaction row) each.

    Upstream: the frontier's transactions naming a provider activity, and other activities'
    transactions naming a frontier activity as receiver. Downstream: the mirror image.
    """
    ids = sorted(frontier)
    own, other = (
        (Transaction.provider_activity, Transaction.receiver_activity)
        if side is Side.UPSTREAM
        else (Transaction.receiver_activity, Transaction.provider_activity)
    )
    for row in _rows(session, Project.identifier.in_(ids), own.is_not(None)):
        far = _far(row[0], side)
        if far is not None and far != row[1]:
            yield (far, row[1], row) if side is Side.UPSTREAM else (row[1], far, row)
    for row in _rows(session, other.in_(ids)):
        near = _near(row[0], side)
        if near is not None and near != row[1]:
            yield (row[1], near, row) if side is Side.UPSTREAM else (near, row[1], row)


def _far(tx: Transaction, side: Side) -> str | None:
    """The other end a frontier project's transaction names, in the walk's direction."""
    return tx.provider_activity if side is Side.UPSTREAM else tx.receiver_activity


def _near(tx: Transaction, side: Side) -> str | None:
    """The frontier activity another project's transaction names."""
    return tx.receiver_activity if side is Side.UPSTREAM else tx.provider_activity


def _rows(session: Session, *where: ColumnElement[bool]) -> list[_Row]:
    query = (
        select(Transaction, Project.identifier, Project.counts_toward_goal, Project.stage)
        .join(Project, Project.id == Transaction.project_id)
        .where(*where)
        .options(joinedload(Transaction.provider), joinedload(Transaction.receiver))
        .order_by(Project.identifier, Transaction.value_date, Transaction.ref)
    )
    return [(t, ident, bool(counts), stage) for t, ident, counts, stage in session.execute(query)]


def _nodes(
    session: Session,
    distance: dict[str, tuple[Side, int]],
    found: Iterable[tuple[str, str, _Row]],
) -> list[ChainNode]:
    """Every activity reached, with its title when registered, else the organisation named."""
    ids = sorted(distance)
    known = {
        ident: (title, counts)
        for ident, title, counts in session.execute(
            select(Project.identifier, Project.title, Project.counts_toward_goal).where(
                Project.identifier.in_(ids)
            )
        )
    }
    names: dict[str, str] = {}
    for provider, receiver, (tx, _, _, _) in found:
        if tx.provider is not None:
            names.setdefault(provider, tx.provider.name)
        if tx.receiver is not None:
            names.setdefault(receiver, tx.receiver.name)
    nodes = []
    for activity in ids:
        side, steps = distance[activity]
        title, counts = known.get(activity, (None, None))
        nodes.append(
            ChainNode(
                activity=activity,
                in_register=activity in known,
                title=title,
                organisation=names.get(activity),
                counts_toward_goal=counts,
                side=side,
                distance=steps,
            )
        )
    return sorted(nodes, key=lambda n: (list(Side).index(n.side), n.distance, n.activity))


def _links(
    found: Iterable[tuple[str, str, _Row]], currency: str, rule: CountingRule, book: RateBook
) -> list[ChainLink]:
    grouped: dict[tuple[str, str], list[ChainMoney]] = {}
    for provider, receiver, row in found:
        grouped.setdefault((provider, receiver), []).append(_money(row, currency, rule, book))
    links = []
    for (provider, receiver), money in sorted(grouped.items()):
        money.sort(key=lambda m: (m.value_date or dt.date.min, m.reported_by, m.ref))
        counted = [m for m in money if rule.measure in m.counts_under]
        links.append(
            ChainLink(
                provider=provider,
                receiver=receiver,
                reported_by=sorted({m.reported_by for m in money}),
                counted_at=sorted({m.reported_by for m in money if m.counts_under}),
                counted_total=sum((m.converted or Decimal(0) for m in counted), Decimal(0)),
                transactions=money,
            )
        )
    return links


def _money(row: _Row, currency: str, rule: CountingRule, book: RateBook) -> ChainMoney:
    tx, reporter, counts, stage = row
    converted = rate = None
    sources: list[str] = []
    if tx.value_date is None:
        note = "no value date: not converted"
    else:
        try:
            conversion = book.convert(tx.value, tx.currency, currency, tx.value_date)
        except ConversionError as exc:
            note = str(exc)
        else:
            converted, rate = conversion.converted, conversion.rate
            note, sources = conversion.explain(), conversion.sources
    return ChainMoney(
        reported_by=reporter,
        ref=tx.ref,
        type=tx.type,
        type_name=codelists.codelist("TransactionType").get(str(tx.type), str(tx.type)),
        direction="incoming" if tx.type in INCOMING_TYPES else "outgoing",
        value=tx.value,
        currency=tx.currency,
        value_date=tx.value_date,
        converted=converted,
        target=currency,
        rate=rate,
        conversion=note,
        sources=sources,
        counts_under=counts_under(rule, tx.type, tx.value_date, counts and stage in rule.stages),
    )


def counts_under(
    rule: CountingRule, tx_type: int, value_date: dt.date | None, eligible: bool
) -> list[Measure]:
    """The measures under which the tracker counts a transaction (``rule``'s period and
    guarantees); none for incoming money, undated money or a project that does not count."""
    if not eligible:
        return []
    return [
        m for m in Measure if rule.model_copy(update={"measure": m}).counts(tx_type, value_date)
    ]
