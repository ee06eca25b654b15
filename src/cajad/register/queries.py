"""Read-only queries of the register for the portal and the API: lists, filters, one project.

Every list is filtered and sorted in SQL and paged with ``limit``/``offset``; each returns the
rows of the page and the total count of matches, so a caller can draw pagination.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from cajad.register.errors import InputError, NotFoundError
from cajad.register.filters import ProjectFilter, project_conditions
from cajad.register.models import (
    FxRate,
    Organisation,
    Participation,
    Project,
    ProjectCountry,
    Transaction,
)
from cajad.register.reference import area_map
from cajad.register.rollup import area_shares
from cajad.register.vocab import PIPELINE, PriorityArea, Stage, TransactionType

#: Keys a project list can be sorted by; a leading ``-`` sorts descending. ``amount`` is the
#: project's reported amount: its largest outgoing pledge or commitment by its yen value.
PROJECT_SORTS = ("identifier", "title", "agreement_date", "stage", "amount")

#: Transaction types a project's reported amount is taken from.
REPORTED_TYPES = (TransactionType.OUTGOING_COMMITMENT, TransactionType.OUTGOING_PLEDGE)

_STAGE_ORDER = {stage.value: i for i, stage in enumerate((*PIPELINE, Stage.CANCELLED))}


@dataclass(frozen=True)
class TransactionFilter:
    """Which transactions a list shows; dates bound the value date, both ends included."""

    project: str | None = None
    type: int | None = None
    currency: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class Facets:
    """The values present in the register, for the filters of a project list."""

    countries: list[str]
    stages: list[str]
    instruments: list[str]
    areas: list[str]


def list_projects(
    session: Session,
    where: ProjectFilter,
    *,
    sort: str = "identifier",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Project], int]:
    """A page of the projects matching ``where``, sorted by ``sort``, and the match count."""
    conditions = project_conditions(where)
    total = session.scalar(select(func.count()).select_from(Project).where(*conditions)) or 0
    query = select(Project).where(*conditions).order_by(*_project_order(sort))
    page = session.scalars(
        query.options(selectinload(Project.package)).limit(limit).offset(offset)
    ).all()
    return list(page), total


def matching_ids(session: Session, where: ProjectFilter) -> frozenset[int]:
    """Ids of every project matching ``where`` (for downloads of a filtered list)."""
    query = select(Project.id).where(*project_conditions(where))
    return frozenset(session.scalars(query))


def _project_order(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in PROJECT_SORTS:
        raise InputError(
            f"sort must be one of {', '.join(PROJECT_SORTS)} (prefix - for descending); "
            f"got {sort!r}"
        )
    column: Any
    if key == "stage":
        column = case(_STAGE_ORDER, value=Project.stage, else_=len(_STAGE_ORDER))
    elif key == "amount":
        column = _reported_jpy()
    else:
        column = getattr(Project, key)
    first = column.desc() if descending else column.asc()
    # Unknown dates and amounts go last whichever way the list is sorted; the identifier
    # breaks ties.
    nulls = [column.is_(None)] if key in ("agreement_date", "amount") else []
    return [*nulls, first, Project.identifier]


def _reported_jpy() -> Any:
    """The project's reported amount in yen (at each value date), for sorting; NULL without."""
    return (
        select(func.max(Transaction.value_jpy))
        .where(Transaction.project_id == Project.id, Transaction.type.in_(REPORTED_TYPES))
        .correlate(Project)
        .scalar_subquery()
    )


def get_project(session: Session, identifier: str) -> Project:
    """The project with ``identifier``, its money, parts and documents loaded."""
    project = session.scalar(
        select(Project)
        .where(Project.identifier == identifier)
        .options(
            selectinload(Project.transactions).joinedload(Transaction.provider),
            selectinload(Project.transactions).joinedload(Transaction.receiver),
            selectinload(Project.documents),
            selectinload(Project.locations),
            selectinload(Project.budgets),
            selectinload(Project.parts),
            joinedload(Project.package),
        )
    )
    if project is None:
        raise NotFoundError(f"no project {identifier!r}")
    return project


def project_areas(project: Project) -> tuple[tuple[str, Decimal], ...]:
    """The project's priority areas with their percentages (override, else from sectors)."""
    sectors = tuple((s.code, s.percentage) for s in project.sectors if s.vocabulary == "1")
    return area_shares(project.priority_area_override, sectors)


def sector_area(code: str) -> str:
    """The priority area a DAC 5-digit sector code maps to."""
    return area_map().area(code).value


def list_organisations(
    session: Session, *, q: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[tuple[Organisation, int]], int]:
    """A page of organisations by name, each with how many projects it takes part in."""
    conditions: list[ColumnElement[bool]] = []
    if q:
        pattern = "%" + q.strip().lower() + "%"
        conditions.append(
            or_(
                func.lower(Organisation.name).like(pattern),
                func.lower(func.coalesce(Organisation.ref, "")).like(pattern),
            )
        )
    total = session.scalar(select(func.count()).select_from(Organisation).where(*conditions))
    projects = (
        select(func.count(func.distinct(Participation.project_id)))
        .where(Participation.organisation_id == Organisation.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Organisation, projects)
        .where(*conditions)
        .order_by(Organisation.name)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(org, int(n)) for org, n in rows], total or 0


def list_transactions(
    session: Session, where: TransactionFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[Transaction], int]:
    """A page of transactions by value date (unknown dates last), and the match count."""
    query = select(Transaction)
    if where.project:
        query = query.join(Project, Transaction.project_id == Project.id).where(
            Project.identifier == where.project
        )
    if where.type is not None:
        query = query.where(Transaction.type == where.type)
    if where.currency:
        query = query.where(Transaction.currency == where.currency.upper())
    if where.date_from:
        query = query.where(Transaction.value_date >= where.date_from)
    if where.date_to:
        query = query.where(Transaction.value_date <= where.date_to)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = session.scalars(
        query.options(
            joinedload(Transaction.project),
            joinedload(Transaction.provider),
            joinedload(Transaction.receiver),
        )
        .order_by(Transaction.value_date.is_(None), Transaction.value_date, Transaction.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return list(page), total


def facets(session: Session) -> Facets:
    """Countries, stages, instruments and areas to offer as filters of a project list."""
    countries = session.scalars(select(ProjectCountry.code).distinct().order_by("code")).all()
    present = set(session.scalars(select(Project.stage).distinct()).all())
    instruments = session.scalars(
        select(Project.instrument)
        .where(Project.instrument.is_not(None))
        .distinct()
        .order_by(Project.instrument)
    ).all()
    return Facets(
        countries=list(countries),
        stages=[s.value for s in (*PIPELINE, Stage.CANCELLED) if s.value in present],
        instruments=[i for i in instruments if i is not None],
        areas=[a.value for a in PriorityArea],
    )


def titles(session: Session, identifiers: Sequence[str]) -> dict[str, str]:
    """Identifier → title of those of ``identifiers`` that the register holds."""
    if not identifiers:
        return {}
    rows = session.execute(
        select(Project.identifier, Project.title).where(Project.identifier.in_(identifiers))
    )
    return {row.identifier: row.title for row in rows}


def title_of(session: Session, identifier: str) -> str | None:
    """The title of project ``identifier``; None when the register does not hold it."""
    return session.scalar(select(Project.title).where(Project.identifier == identifier))


def rates_version(session: Session) -> tuple[int, int]:
    """(row count, last id) of the exchange-rate table: changes whenever a rate is added or
    removed, so a rate book built from the table can be kept until it does."""
    count, last = session.execute(select(func.count(), func.max(FxRate.id))).one()
    return int(count), int(last or 0)
