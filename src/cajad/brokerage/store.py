"""Investor profiles in the register: import (all or nothing), list, read, track record.

The track record of an investor is what the register knows of it: the projects in which an
organisation matching the profile takes part (a participation) or provides or receives money
(a transaction). An organisation matches when its name or ref equals, ignoring case, the
profile's ``organisation`` or its ``name``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from cajad.brokerage.errors import UnknownError
from cajad.brokerage.models import InvestorProfile
from cajad.brokerage.profiles import Investor, read_investors
from cajad.register import (
    Actor,
    Organisation,
    Participation,
    Project,
    Transaction,
    audit,
    project_areas,
    session_scope,
)

__all__ = [
    "BUNDLED",
    "Deal",
    "ImportResult",
    "TrackRecord",
    "get_investor",
    "import_investors",
    "import_profiles",
    "list_investors",
    "load_bundled",
    "preview_import",
    "track_record",
    "track_records",
]

#: The bundled profiles (see ``data/brokerage/SOURCE.md``).
BUNDLED = Path(str(resources.files("cajad.data").joinpath("brokerage/investors.csv")))


@dataclass(frozen=True)
class ImportResult:
    """What an import did, by investor id."""

    source: str
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "created": list(self.created),
            "updated": list(self.updated),
            "unchanged": list(self.unchanged),
        }


def _state(investor: Investor) -> dict[str, Any]:
    return investor.as_dict()


def _investor(row: InvestorProfile) -> Investor:
    return Investor(
        id=row.id,
        name=row.name,
        origin=row.origin,
        countries=tuple(row.countries),
        sectors=tuple(row.sectors),
        instruments=tuple(row.instruments),
        min_ticket=row.min_ticket,
        max_ticket=row.max_ticket,
        currency=row.currency,
        min_grade=row.min_grade,
        max_category=row.max_category,
        sources=tuple(row.sources),
        as_of=row.as_of,
        organisation=row.organisation,
        notes=row.notes,
        min_tenor_years=row.min_tenor_years,
        max_tenor_years=row.max_tenor_years,
    )


def import_investors(
    engine: Engine, path: Path, *, actor: str | Actor = "cajad investors import"
) -> ImportResult:
    """Import the profiles of ``path`` in one transaction: a file with any problem is refused
    whole (:class:`~cajad.brokerage.errors.InvestorsError`) and nothing is written."""
    return import_profiles(engine, read_investors(path), source=str(path), actor=actor)


def preview_import(session: Session, investors: list[Investor]) -> ImportResult:
    """What importing ``investors`` would do, by id, without writing anything."""
    existing = {
        r.id: _state(_investor(r))
        for r in session.scalars(
            select(InvestorProfile).where(InvestorProfile.id.in_([i.id for i in investors]))
        )
    }
    created = [i.id for i in investors if i.id not in existing]
    same = [i.id for i in investors if existing.get(i.id) == _state(i)]
    updated = [i.id for i in investors if i.id in existing and i.id not in same]
    return ImportResult("preview", tuple(created), tuple(updated), tuple(same))


def import_profiles(
    engine: Engine, investors: list[Investor], *, source: str, actor: str | Actor
) -> ImportResult:
    """Import parsed profiles in one transaction, each change audited under ``actor``."""
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    with session_scope(engine, actor=actor) as session:
        existing = {
            r.id: r
            for r in session.scalars(
                select(InvestorProfile).where(InvestorProfile.id.in_([i.id for i in investors]))
            )
        }
        for investor in investors:
            row = existing.get(investor.id)
            before = None if row is None else _state(_investor(row))
            after = _state(investor)
            if before == after:
                unchanged.append(investor.id)
                continue
            if row is None:
                row = InvestorProfile(id=investor.id)
                session.add(row)
                created.append(investor.id)
            else:
                updated.append(investor.id)
            _fill(row, investor)
            audit.record(
                session,
                action="insert" if before is None else "update",
                entity="investor_profile",
                key=investor.id,
                before=before,
                after=after,
            )
    return ImportResult(source, tuple(created), tuple(updated), tuple(unchanged))


def _fill(row: InvestorProfile, investor: Investor) -> None:
    row.name = investor.name
    row.origin = investor.origin
    row.countries = list(investor.countries)
    row.sectors = list(investor.sectors)
    row.instruments = list(investor.instruments)
    row.min_ticket = investor.min_ticket
    row.max_ticket = investor.max_ticket
    row.currency = investor.currency
    row.min_grade = investor.min_grade
    row.max_category = investor.max_category
    row.sources = list(investor.sources)
    row.as_of = investor.as_of
    row.organisation = investor.organisation
    row.notes = investor.notes
    row.min_tenor_years = investor.min_tenor_years
    row.max_tenor_years = investor.max_tenor_years
    row.imported_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)


def load_bundled(engine: Engine, *, actor: str | Actor = "cajad load-demo") -> ImportResult:
    """Import the bundled profiles (idempotent)."""
    return import_investors(engine, BUNDLED, actor=actor)


def list_investors(session: Session) -> list[Investor]:
    """Every profile, by id."""
    return [
        _investor(r) for r in session.scalars(select(InvestorProfile).order_by(InvestorProfile.id))
    ]


def get_investor(session: Session, identifier: str) -> Investor:
    """The profile ``identifier``; :class:`UnknownError` if there is none."""
    row = session.get(InvestorProfile, identifier)
    if row is None:
        raise UnknownError(f"no investor {identifier!r}")
    return _investor(row)


@dataclass(frozen=True)
class Deal:
    """A register project an investor takes part in."""

    project: str
    title: str
    countries: tuple[str, ...]
    areas: tuple[str, ...]
    roles: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "title": self.title,
            "countries": list(self.countries),
            "areas": list(self.areas),
            "roles": list(self.roles),
        }


@dataclass(frozen=True)
class TrackRecord:
    """An investor's deals in the register, and how many by country and area."""

    investor: str
    organisations: tuple[str, ...]
    deals: tuple[Deal, ...]
    by_country: dict[str, int] = field(default_factory=dict)
    by_area: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "investor": self.investor,
            "organisations": list(self.organisations),
            "deals": [d.as_dict() for d in self.deals],
            "by_country": dict(self.by_country),
            "by_area": dict(self.by_area),
        }


_ROLES = {1: "funding", 2: "accountable", 3: "extending", 4: "implementing"}


def _organisations(session: Session, investor: Investor) -> list[Organisation]:
    keys = {k.lower() for k in (investor.organisation, investor.name) if k}
    return list(
        session.scalars(
            select(Organisation).where(
                or_(
                    func.lower(Organisation.name).in_(keys),
                    func.lower(func.coalesce(Organisation.ref, "")).in_(keys),
                )
            )
        )
    )


def track_record(session: Session, investor: Investor) -> TrackRecord:
    """The register's projects in which ``investor`` takes part (see the module's docstring)."""
    orgs = _organisations(session, investor)
    ids = [o.id for o in orgs]
    roles: dict[int, set[str]] = {}
    if ids:
        for pid, role in session.execute(
            select(Participation.project_id, Participation.role).where(
                Participation.organisation_id.in_(ids)
            )
        ):
            roles.setdefault(pid, set()).add(_ROLES.get(role, f"role {role}"))
        for pid, provider in session.execute(
            select(Transaction.project_id, Transaction.provider_org_id).where(
                or_(Transaction.provider_org_id.in_(ids), Transaction.receiver_org_id.in_(ids))
            )
        ):
            roles.setdefault(pid, set()).add("provider" if provider in ids else "receiver")
    projects = session.scalars(
        select(Project)
        .where(Project.id.in_(list(roles)))
        .options(selectinload(Project.countries), selectinload(Project.sectors))
        .order_by(Project.identifier)
    )
    deals = []
    for p in projects:
        countries = tuple(sorted(c.code for c in p.countries if not c.is_region))
        areas = tuple(sorted(a for a, share in project_areas(p) if share > 0))
        deals.append(Deal(p.identifier, p.title, countries, areas, tuple(sorted(roles[p.id]))))
    return TrackRecord(
        investor.id,
        tuple(sorted(o.name for o in orgs)),
        tuple(deals),
        dict(Counter(c for d in deals for c in d.countries)),
        dict(Counter(a for d in deals for a in d.areas)),
    )


def track_records(session: Session, investors: list[Investor]) -> dict[str, TrackRecord]:
    """The track record of each investor, by id."""
    return {i.id: track_record(session, i) for i in investors}
