"""The broker over the register: a project's facts and financing need, its matches and
consortia, as the CLI, the API and the pages show them.

The financing need is, unless given, the project's reported money (commitments and pledges,
:data:`~cajad.register.REPORTED_TYPES`), each amount converted at the register's rate for its
value date into the project's currency (its default currency, else the currency of most of its
money). Investors' tickets are converted into the need's currency at the rate for the need's
date (the latest value date, or today for a given need).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from cajad.brokerage.consortia import Consortium, consortia, needs_guarantor
from cajad.brokerage.errors import NeedError, UnknownError
from cajad.brokerage.matching import Matches, Need, ProjectFacts, match
from cajad.brokerage.profiles import MAX_TENOR_YEARS
from cajad.brokerage.store import list_investors, track_records
from cajad.register import (
    CENTRAL_ASIAN_COUNTRIES,
    REPORTED_TYPES,
    NotFoundError,
    Project,
    RateBook,
    get_project,
    project_areas,
)
from cajad.screening import quality

__all__ = ["MatchResult", "financing_need", "match_project", "project_facts"]


@dataclass(frozen=True)
class MatchResult:
    """A project's matches and consortia."""

    project: ProjectFacts
    need: Need
    matches: Matches
    consortia: tuple[Consortium, ...]
    guarantor: bool

    def as_dict(self, *, excluded: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "project": self.project.identifier,
            "title": self.project.title,
            "need": self.need.as_dict(),
            "guarantor_required": self.guarantor,
            "investors": [c.as_dict() for c in self.matches.investors],
            "consortia": [c.as_dict() for c in self.consortia],
        }
        if excluded:
            data["excluded"] = [c.excluded_dict() for c in self.matches.excluded]
        return data


def project_facts(session: Session, project: Project) -> ProjectFacts:
    """What matching needs of a register project."""
    countries = tuple(sorted(c.code for c in project.countries if not c.is_region))
    screened = quality(session, [project.identifier]).get(project.identifier)
    return ProjectFacts(
        identifier=project.identifier,
        title=project.title,
        countries=countries or tuple(CENTRAL_ASIAN_COUNTRIES),
        areas=tuple(project_areas(project)),
        sectors=tuple((s.code, s.percentage) for s in project.sectors if s.vocabulary == "1"),
        instrument=project.instrument,
        grade=None if screened is None else screened.grade,
        category=None if screened is None else screened.category,
    )


def financing_need(project: Project, rates: RateBook) -> Need:
    """The project's reported money in its currency (see the module's docstring)."""
    money = [
        t for t in project.transactions if t.type in REPORTED_TYPES and t.value > 0 and t.value_date
    ]
    if not money:
        raise NeedError(
            f"project {project.identifier!r} reports no committed money: give the need "
            "(--need AMOUNT CURRENCY)"
        )
    counts = Counter(t.currency for t in money)
    currency = project.default_currency or counts.most_common(1)[0][0]
    total = Decimal(0)
    for t in money:
        assert t.value_date is not None
        total += (
            t.value
            if t.currency == currency
            else rates.convert(t.value, t.currency, currency, t.value_date).converted
        )
    on = max(t.value_date for t in money if t.value_date is not None)
    return Need(total, currency, on, "the project's committed money in the register")


def match_project(
    session: Session,
    identifier: str,
    *,
    need: tuple[Decimal, str] | None = None,
    count: int = 3,
    tenor: int | None = None,
) -> MatchResult:
    """Rank the register's investors for the project and find its consortia."""
    try:
        project = get_project(session, identifier)
    except NotFoundError as exc:
        raise UnknownError(f"no project {identifier!r}") from exc
    rates = RateBook.from_session(session)
    if need is None:
        found = financing_need(project, rates)
    else:
        amount, currency = need
        if not amount.is_finite() or amount <= 0:
            raise NeedError(f"the need must be an amount > 0; got {amount}")
        found = Need(amount, currency.upper(), dt.date.today(), "given")
    if tenor is not None:
        if not 1 <= tenor <= MAX_TENOR_YEARS:
            raise NeedError(
                f"the tenor must be whole years from 1 to {MAX_TENOR_YEARS}; got {tenor}"
            )
        found = replace(found, tenor_years=tenor)
    facts = project_facts(session, project)
    investors = list_investors(session)
    matches = match(facts, found, investors, records=track_records(session, investors), rates=rates)
    guarantor = needs_guarantor(facts)
    solved = consortia(list(matches.investors), found, guarantor=guarantor, count=count)
    return MatchResult(facts, found, matches, tuple(solved), guarantor)
