"""Counted money rolled up per breakdown key and day, kept in step with every write.

The tracker's dashboard sums this table instead of every transaction. A project's rows are
its *contribution*: computed from the project as stored, subtracted before a change and added
after it, in the same database transaction (:func:`apply`). Only money that can count is
rolled up: projects marked to count toward the goal, not cancelled, outgoing transaction types
with a value date. Shares (countries, sectors, areas) are allocated to the cent with the
largest-remainder method, so every breakdown adds up exactly to the total.

Every row is also kept split by *composition* (dimension ``c:<dimension>``, key
``<basis code><evidence code>:<key>``): the basis of the counted amount (an itemised project or
an aggregate package total) and the tier of its evidence, as the curation records it in the
project's decision (:func:`composition_of`). The split uses the same allocation, so the
composition of every breakdown key adds up to that key to the cent.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cajad.register.models import (
    Organisation,
    Participation,
    Project,
    ProjectCountry,
    ProjectSector,
    Rollup,
    Transaction,
)
from cajad.register.reference import area_map
from cajad.register.vocab import (
    INCOMING_TYPES,
    PRIVATE_INSTRUMENTS,
    OrganisationRole,
    PriorityArea,
    Stage,
)

DIMENSIONS = ("total", "area", "country", "instrument", "sector", "finance", "origin")
UNKNOWN = "unknown"
_CENT = Decimal("0.01")

#: Bases of a counted amount, with their one-letter codes in the rollup key.
BASES = {"itemised": "i", "aggregate": "a"}
#: Evidence tiers, strongest first, with their codes: the financier's own record (signed
#: agreement, JICA/JBIC/NEXI release, IATI), a company's disclosure, a government's statement,
#: a press report; ``unknown`` where no curation says.
EVIDENCE = {"financier": "f", "company": "c", "government": "g", "press": "p", "unknown": "u"}
COMPOSITION_PREFIX = "c:"

Key = tuple[str, str, int, dt.date]
Shares = tuple[tuple[str, Decimal], ...]


@dataclass
class Sums:
    """Rolled-up amounts in the materialised currencies, and how many transactions."""

    jpy: Decimal = Decimal(0)
    usd: Decimal = Decimal(0)
    eur: Decimal = Decimal(0)
    n: int = 0

    def add(self, other: Sums, sign: int = 1) -> None:
        self.jpy += sign * other.jpy
        self.usd += sign * other.usd
        self.eur += sign * other.eur
        self.n += sign * other.n


@dataclass(frozen=True)
class Facts:
    """What the rollup needs to know of a project, independent of how it was loaded."""

    eligible: bool
    areas: Shares
    countries: Shares
    sectors: Shares
    instrument: str
    japanese_funder: bool
    composition: str = "iu"


@dataclass(frozen=True)
class Money:
    """One transaction as the rollup sees it."""

    type: int
    value_date: dt.date | None
    instrument: str | None
    jpy: Decimal | None
    usd: Decimal | None
    eur: Decimal | None
    provider_country: str | None


def allocate(amount: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """Split ``amount`` in proportion to ``shares`` to the cent, conserving the total exactly."""
    if len(shares) == 1 and shares[0] != 0:
        # The general case below for one share, without its sums and sort (most splits).
        part = (amount * shares[0] / shares[0]).quantize(_CENT, rounding=ROUND_DOWN)
        left = int((amount - part) / _CENT)
        return [part + (_CENT if left > 0 else -_CENT) if left else part]
    total = sum(shares, Decimal(0))
    if not shares or total == 0:
        return [amount] if shares else []
    raw = [amount * s / total for s in shares]
    parts = [r.quantize(_CENT, rounding=ROUND_DOWN) for r in raw]
    left = int((amount - sum(parts, Decimal(0))) / _CENT)
    step = _CENT if left >= 0 else -_CENT
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=left >= 0)
    for i in order[: abs(left)]:
        parts[i] += step
    return parts


def composition_code(basis: str, evidence: str) -> str:
    """The two-letter code of a project's composition (``"ap"``: aggregate, press report)."""
    return BASES[basis] + EVIDENCE[evidence]


def decode_composition(code: str) -> tuple[str, str]:
    """(basis, evidence) of a two-letter composition code."""
    bases = {v: k for k, v in BASES.items()}
    tiers = {v: k for k, v in EVIDENCE.items()}
    return bases[code[0]], tiers[code[1]]


def project_facts(project: Project) -> Facts:
    """The rollup facts of a stored project."""
    sectors = tuple((s.code, s.percentage) for s in project.sectors if s.vocabulary == "1")
    japanese = any(
        p.role == OrganisationRole.FUNDING and p.organisation.country == "JP"
        for p in project.participants
    )
    return Facts(
        eligible=project.counts_toward_goal and project.stage != Stage.CANCELLED,
        areas=area_shares(project.priority_area_override, sectors),
        countries=tuple((c.code, c.percentage) for c in project.countries)
        or ((UNKNOWN, Decimal(100)),),
        sectors=sectors or ((UNKNOWN, Decimal(100)),),
        instrument=project.instrument or UNKNOWN,
        japanese_funder=japanese,
        composition=composition_code(project.basis, project.evidence),
    )


def area_shares(override: str | None, sectors: Shares) -> Shares:
    """Priority-area shares: the override whole, else the sectors' shares mapped to areas."""
    if override:
        return ((override, Decimal(100)),)
    mapping = area_map()
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for code, pct in sectors:
        totals[mapping.area(code).value] += pct
    return tuple(sorted(totals.items())) or ((PriorityArea.UNASSIGNED.value, Decimal(100)),)


def transaction_money(tx: Transaction) -> Money:
    provider = tx.provider.country if tx.provider is not None else None
    return Money(
        tx.type, tx.value_date, tx.instrument, tx.value_jpy, tx.value_usd, tx.value_eur, provider
    )


def contribution(
    facts: Facts, money: Iterable[Money], only: Collection[str] | None = None
) -> dict[Key, Sums]:
    """The rollup rows one project adds: per dimension, key, transaction type and day.

    ``only`` limits it to those dimensions (and their composition rows): the progress of a
    currency outside the rollup asks for one or two, not all seven."""
    rows: dict[Key, Sums] = defaultdict(Sums)
    if not facts.eligible:
        return rows
    for m in money:
        if m.type in INCOMING_TYPES or m.value_date is None or m.jpy is None:
            continue
        assert m.usd is not None and m.eur is not None
        instrument = m.instrument or facts.instrument
        private = instrument in {i.value for i in PRIVATE_INSTRUMENTS}
        japanese = m.provider_country == "JP" if m.provider_country else facts.japanese_funder
        split: list[tuple[str, Shares]] = [
            ("total", (("", Decimal(100)),)),
            ("area", facts.areas),
            ("country", facts.countries),
            ("sector", facts.sectors),
            ("instrument", ((instrument, Decimal(100)),)),
            ("finance", (("private" if private else "public", Decimal(100)),)),
            ("origin", (("japan" if japanese else "other", Decimal(100)),)),
        ]
        for dimension, shares in split:
            if only is not None and dimension not in only:
                continue
            weights = [pct for _key, pct in shares]
            if m.usd is m.jpy and m.eur is m.jpy:  # one amount in every slot: split it once
                columns = [allocate(m.jpy, weights)] * 3
            else:
                columns = [allocate(value, weights) for value in (m.jpy, m.usd, m.eur)]
            split_dimension = COMPOSITION_PREFIX + dimension
            for i, (key, _pct) in enumerate(shares):
                sums = Sums(columns[0][i], columns[1][i], columns[2][i], 1)
                rows[(dimension, key, m.type, m.value_date)].add(sums)
                split_key = f"{facts.composition}:{key}"
                rows[(split_dimension, split_key, m.type, m.value_date)].add(sums)
    return rows


def of_project(project: Project) -> dict[Key, Sums]:
    """The current contribution of a stored project."""
    return contribution(
        project_facts(project), (transaction_money(t) for t in project.transactions)
    )


def merge(into: dict[Key, Sums], rows: dict[Key, Sums], sign: int) -> None:
    for key, sums in rows.items():
        into.setdefault(key, Sums()).add(sums, sign)


def apply(session: Session, delta: dict[Key, Sums]) -> None:
    """Add ``delta`` to the rollup table (upsert), then drop rows left with no transactions."""
    params = [
        {
            "dimension": k[0],
            "key": k[1],
            "type": k[2],
            "value_date": k[3],
            "jpy": s.jpy,
            "usd": s.usd,
            "eur": s.eur,
            "n": s.n,
        }
        for k, s in delta.items()
        if s.n or s.jpy or s.usd or s.eur
    ]
    if not params:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Rollup.metadata.tables[Rollup.__tablename__]  # Core: no ORM work per row
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["dimension", "key", "type", "value_date"],
        set_={
            "jpy": table.c.jpy + stmt.excluded.jpy,
            "usd": table.c.usd + stmt.excluded.usd,
            "eur": table.c.eur + stmt.excluded.eur,
            "n": table.c.n + stmt.excluded.n,
        },
    )
    session.connection().execute(stmt, params)
    session.execute(delete(Rollup).where(Rollup.n <= 0))


_ELIGIBLE = (Project.counts_toward_goal.is_(True), Project.stage != Stage.CANCELLED.value)
_CHUNK = 500


def rebuild(session: Session, *, batch: int = 10_000) -> int:
    """Recompute the whole rollup table from the register; return how many rows it holds.

    The same :func:`contribution` as every write, fed by bulk selects streamed ``batch`` rows
    at a time instead of ORM objects, so the rows equal those the writes kept in step.
    """
    totals = _stored_sums(session, None, batch)
    session.execute(delete(Rollup))
    columns = ("dimension", "key", "type", "value_date", "jpy", "usd", "eur", "n")
    # Written in key order: a dimension's rows then lie together (PostgreSQL's heap, SQLite's
    # key-ordered table), which the dashboard's sums over one dimension read in sequence.
    params = [
        dict(zip(columns, (*k, s.jpy, s.usd, s.eur, s.n), strict=True))
        for k, s in sorted(totals.items())
        if s.n > 0
    ]
    for start in range(0, len(params), batch):
        session.connection().execute(insert(Rollup), params[start : start + batch])
    return len(params)


def of_stored(session: Session, project_ids: Iterable[int]) -> dict[Key, Sums]:
    """The current contribution of the stored projects ``project_ids``, read in bulk.

    The very selects :func:`rebuild` makes, limited to these projects, so what a write adds
    is what a rebuild would count (writes must be flushed first).
    """
    ids = sorted(set(project_ids))
    totals: dict[Key, Sums] = {}
    for start in range(0, len(ids), _CHUNK):
        merge(totals, _stored_sums(session, ids[start : start + _CHUNK], _CHUNK), +1)
    return totals


def _stored_sums(session: Session, ids: list[int] | None, batch: int) -> dict[Key, Sums]:
    """The contributions of the projects ``ids`` (None: every project), summed."""
    facts = _stored_facts(session, ids)
    eligible = select(Project.id).where(*_ELIGIBLE)
    if ids is not None:
        eligible = eligible.where(Project.id.in_(ids))
    money = (
        select(
            Transaction.project_id,
            Transaction.type,
            Transaction.value_date,
            Transaction.instrument,
            Transaction.value_jpy,
            Transaction.value_usd,
            Transaction.value_eur,
            Organisation.country,
        )
        .outerjoin(Organisation, Transaction.provider_org_id == Organisation.id)
        .where(
            Transaction.project_id.in_(eligible),
            Transaction.type.not_in(sorted(INCOMING_TYPES)),
            Transaction.value_date.is_not(None),
        )
        .order_by(Transaction.project_id)
        .execution_options(yield_per=batch)
    )
    totals: dict[Key, Sums] = {}
    for project_id, rows in itertools.groupby(session.execute(money), key=lambda r: r[0]):
        merge(totals, contribution(facts[project_id], (Money(*r[1:]) for r in rows)), +1)
    return totals


def stored_facts(
    session: Session, ids: list[int] | None = None, *, eligible: Sequence[Any] = _ELIGIBLE
) -> dict[int, Facts]:
    """The rollup facts of those of the stored projects ``ids`` (or all) that count by
    ``eligible`` (ineligible ones are left out: they contribute nothing), read in bulk, ``ids``
    a chunk at a time; also for the progress of currencies outside the rollup."""
    if ids is None:
        return _stored_facts(session, eligible=eligible)
    facts: dict[int, Facts] = {}
    for start in range(0, len(ids), _CHUNK):
        facts.update(_stored_facts(session, ids[start : start + _CHUNK], eligible=eligible))
    return facts


def _stored_facts(
    session: Session, ids: list[int] | None = None, *, eligible: Sequence[Any] = _ELIGIBLE
) -> dict[int, Facts]:
    """The rollup facts of eligible projects (``ids``, or all), read in bulk (as
    :func:`project_facts`); ``eligible`` says which count (the rollup's: counted and not
    cancelled; a counting rule's: counted and in its stages)."""
    countries: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    by_code = select(ProjectCountry.project_id, ProjectCountry.code, ProjectCountry.percentage)
    if ids is not None:
        by_code = by_code.where(ProjectCountry.project_id.in_(ids))
    for pid, code, pct in session.execute(by_code.order_by(ProjectCountry.code)):
        countries[pid].append((code, pct))
    sectors: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    dac = select(ProjectSector.project_id, ProjectSector.code, ProjectSector.percentage).where(
        ProjectSector.vocabulary == "1"
    )
    if ids is not None:
        dac = dac.where(ProjectSector.project_id.in_(ids))
    for pid, code, pct in session.execute(dac.order_by(ProjectSector.code)):
        sectors[pid].append((code, pct))
    funders = (
        select(Participation.project_id)
        .join(Organisation, Participation.organisation_id == Organisation.id)
        .where(Participation.role == OrganisationRole.FUNDING, Organisation.country == "JP")
    )
    if ids is not None:
        funders = funders.where(Participation.project_id.in_(ids))
    japanese = set(session.scalars(funders))
    projects = select(
        Project.id,
        Project.priority_area_override,
        Project.instrument,
        Project.basis,
        Project.evidence,
    )
    if ids is not None:
        projects = projects.where(Project.id.in_(ids))
    facts: dict[int, Facts] = {}
    for pid, override, instrument, basis, evidence in session.execute(projects.where(*eligible)):
        shares = tuple(sectors.get(pid, ()))
        facts[pid] = Facts(
            eligible=True,
            areas=area_shares(override, shares),
            countries=tuple(countries.get(pid, ())) or ((UNKNOWN, Decimal(100)),),
            sectors=shares or ((UNKNOWN, Decimal(100)),),
            instrument=instrument or UNKNOWN,
            japanese_funder=pid in japanese,
            composition=composition_code(basis, evidence),
        )
    return facts
