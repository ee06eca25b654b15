"""Which projects a list, a download or an export is about: one filter for every edge.

The portal's list, the API's downloads, the IATI export and the transactions CSV all select
projects the same way, so they share :class:`ProjectFilter` and :func:`filter_projects`; a
criterion left ``None`` does not narrow the selection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, not_, or_

from cajad.register.csvio import parse_partial_date, period_end
from cajad.register.errors import InputError
from cajad.register.models import Project, ProjectCountry, ProjectSector, Transaction
from cajad.register.reference import area_map
from cajad.register.search import matches
from cajad.register.vocab import PriorityArea, Stage

__all__ = ["ProjectFilter", "agreement_bound", "filter_projects", "project_conditions"]

_Columns = TypeVarTuple("_Columns")


@dataclass(frozen=True)
class ProjectFilter:
    """Which projects to select; ``None`` leaves a criterion out.

    ``q`` is found in identifiers (case-insensitive) or, word by word, in titles of every
    language, descriptions, participants and sector names (see :mod:`cajad.register.search`);
    ``country`` is an ISO code the project is in; ``stage``, ``instrument`` and ``area`` are
    the register's values; ``counts`` keeps the projects that do (or do not) count toward the
    goal; ``identifier_prefix`` keeps identifiers that start with it (a publisher's);
    ``project_ids`` keeps only these projects (a list the caller has already narrowed).

    ``agreed_from`` and ``agreed_to`` bound the agreement date, both days included, at its
    precision: a date known to the month (or year) is the whole month (or year), kept when it
    overlaps the range ("Dec 2025" is kept by a range from 2025-12-20). ``new_since`` keeps
    the projects new since that day: their money (any transaction's value date) or, without
    money, the day the curation places them (``counting_date``, the summit window's
    2025-12-20) or else their agreement period, falls on or after it.
    """

    q: str | None = None
    country: str | None = None
    stage: str | None = None
    instrument: str | None = None
    area: str | None = None
    counts: bool | None = None
    identifier_prefix: str | None = None
    project_ids: frozenset[int] | None = None
    agreed_from: dt.date | None = None
    agreed_to: dt.date | None = None
    new_since: dt.date | None = None

    def __post_init__(self) -> None:
        _check_choice("stage", self.stage, [s.value for s in Stage])
        _check_choice("area", self.area, [a.value for a in PriorityArea])
        if self.agreed_from and self.agreed_to and self.agreed_to < self.agreed_from:
            raise InputError(
                f"agreed_to must not be before agreed_from; got {self.agreed_from}.."
                f"{self.agreed_to}"
            )


def agreement_bound(text: str | None, *, last: bool) -> dt.date | None:
    """The day a date bound (a day ``YYYY-MM-DD``, a month ``YYYY-MM`` or a year ``YYYY``)
    stands for: its period's first day, or with ``last`` its last day; ValueError if not a date.
    """
    if not text:
        return None
    start, precision = parse_partial_date(text.strip())
    return period_end(start, precision) if last else start


def _check_choice(name: str, value: str | None, choices: list[str]) -> None:
    """Refuse a value outside its vocabulary: it would silently select nothing."""
    if value is not None and value not in choices:
        raise InputError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def filter_projects(query: Select[*_Columns], where: ProjectFilter) -> Select[*_Columns]:
    """``query``, a select from :class:`Project`, narrowed to the projects ``where`` selects."""
    return query.where(*project_conditions(where))


def project_conditions(where: ProjectFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions on :class:`Project` that ``where`` stands for (all must hold)."""
    conditions: list[ColumnElement[bool]] = []
    if where.project_ids is not None:
        conditions.append(Project.id.in_(sorted(where.project_ids)))
    if where.q:
        pattern = "%" + where.q.strip().lower().replace("%", r"\%").replace("_", r"\_") + "%"
        conditions.append(
            or_(func.lower(Project.identifier).like(pattern, escape="\\"), matches(where.q))
        )
    if where.country:
        conditions.append(Project.countries.any(ProjectCountry.code == where.country.upper()))
    if where.stage:
        conditions.append(Project.stage == where.stage)
    if where.instrument:
        conditions.append(Project.instrument == where.instrument)
    if where.area:
        conditions.append(_in_area(PriorityArea(where.area)))
    if where.counts is not None:
        conditions.append(Project.counts_toward_goal.is_(where.counts))
    if where.identifier_prefix:
        conditions.append(Project.identifier.startswith(where.identifier_prefix, autoescape=True))
    if where.agreed_from:
        conditions.append(_agreed_on_or_after(where.agreed_from))
    if where.agreed_to:
        conditions.append(_agreed_on_or_before(where.agreed_to))
    if where.new_since:
        conditions.append(_new_since(where.new_since))
    return conditions


#: How an agreement date is known; a date of a coarser precision stands for the whole period
#: from its first day (a missing precision is a day).
_MONTH, _YEAR = "month", "year"


def _agreed_on_or_after(day: dt.date) -> ColumnElement[bool]:
    """Projects whose agreement period ends on or after ``day``.

    A period ends on or after ``day`` exactly when it starts on or after the first day of the
    period of that precision holding ``day``: comparisons of stored dates, alike in every SQL.
    """
    return _by_precision(
        day=Project.agreement_date >= day,
        month=Project.agreement_date >= day.replace(day=1),
        year=Project.agreement_date >= dt.date(day.year, 1, 1),
    )


def _agreed_on_or_before(day: dt.date) -> ColumnElement[bool]:
    """Projects whose agreement period starts on or before ``day`` (it is before the next
    period of its precision)."""
    next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return _by_precision(
        day=Project.agreement_date <= day,
        month=Project.agreement_date < next_month,
        year=Project.agreement_date < dt.date(day.year + 1, 1, 1),
    )


def _by_precision(
    *, day: ColumnElement[bool], month: ColumnElement[bool], year: ColumnElement[bool]
) -> ColumnElement[bool]:
    precision = Project.agreement_date_precision
    return or_(
        and_(precision == _MONTH, month),
        and_(precision == _YEAR, year),
        and_(or_(precision.is_(None), precision.not_in([_MONTH, _YEAR])), day),
    )


def _new_since(day: dt.date) -> ColumnElement[bool]:
    """Projects whose money, or without money whose curated day or agreement period, falls
    on or after ``day``."""
    dated = and_(Transaction.project_id == Project.id, Transaction.value_date.is_not(None))
    has_money = exists().where(dated)
    money_since = exists().where(dated, Transaction.value_date >= day)
    placed = or_(
        Project.counting_date >= day,
        and_(Project.counting_date.is_(None), _agreed_on_or_after(day)),
    )
    return or_(money_since, and_(not_(has_money), placed))


def _in_area(area: PriorityArea) -> ColumnElement[bool]:
    """Projects with a share in ``area``: by override, else by a DAC sector mapped to it.

    Mirrors :func:`cajad.register.rollup.area_shares` in SQL: a 5-digit line of the mapping
    wins over its 3-digit category; a sector in neither is unassigned.
    """
    mapping = area_map()
    code = ProjectSector.code
    category = func.substr(code, 1, 3)
    mine = [c for c, a in mapping.by_code.items() if a is area]
    others = [c for c, a in mapping.by_code.items() if a is not area]
    categories = [c for c, a in mapping.by_category.items() if a is area]
    maps_to = or_(
        code.in_(mine) if mine else false(),
        and_(category.in_(categories), code.not_in(others)) if categories else false(),
    )
    dac = ProjectSector.vocabulary == "1"
    derived = Project.sectors.any(and_(dac, maps_to))
    if area is PriorityArea.UNASSIGNED:
        unmapped = and_(
            code.not_in(list(mapping.by_code)), category.not_in(list(mapping.by_category))
        )
        derived = or_(
            Project.sectors.any(and_(dac, or_(maps_to, unmapped))),
            not_(Project.sectors.any(dac)),
        )
    return or_(
        Project.priority_area_override == area.value,
        and_(Project.priority_area_override.is_(None), derived),
    )
