"""Reading the register back as specs: the form imports compare with and audits record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from cajad.register.models import IatiActivity, Organisation, Project, Transaction
from cajad.register.specs import (
    BudgetSpec,
    CountrySpec,
    DocumentSpec,
    IatiSourceSpec,
    LocationSpec,
    OrganisationSpec,
    ParticipationSpec,
    ProjectSpec,
    SectorSpec,
    TextSpec,
    TransactionSpec,
)


def organisation_spec(org: Organisation) -> OrganisationSpec:
    return OrganisationSpec(name=org.name, ref=org.ref, type=org.type, country=org.country)


def project_spec(project: Project) -> ProjectSpec:
    """The spec that, imported, would leave ``project`` exactly as it is."""
    return ProjectSpec(
        identifier=project.identifier,
        title=project.title,
        description=project.description,
        stage=project.stage,
        instrument=project.instrument,
        default_currency=project.default_currency,
        agreement_date=project.agreement_date,
        agreement_date_precision=project.agreement_date_precision,
        package=project.package.identifier if project.package is not None else None,
        priority_area_override=project.priority_area_override,
        counts_toward_goal=project.counts_toward_goal,
        count_decision=project.count_decision,
        basis=project.basis,
        evidence=project.evidence,
        counting_date=project.counting_date,
        owner=project.owner,
        language=project.language,
        planned_start=project.planned_start,
        planned_end=project.planned_end,
        actual_start=project.actual_start,
        actual_end=project.actual_end,
        countries=tuple(
            CountrySpec(
                code=c.code, percentage=c.percentage, is_region=c.is_region, vocabulary=c.vocabulary
            )
            for c in project.countries
        ),
        sectors=tuple(
            SectorSpec(code=s.code, percentage=s.percentage, vocabulary=s.vocabulary)
            for s in project.sectors
        ),
        participants=tuple(
            ParticipationSpec(
                organisation=organisation_spec(p.organisation), role=p.role, note=p.note
            )
            for p in project.participants
        ),
        documents=tuple(
            DocumentSpec(url=d.url, title=d.title, category=d.category, published=d.published)
            for d in project.documents
        ),
        transactions=tuple(
            TransactionSpec(
                ref=t.ref,
                type=t.type,
                value=t.value,
                currency=t.currency,
                value_date=t.value_date,
                transaction_date=t.transaction_date,
                qualifier=t.qualifier,
                instrument=t.instrument,
                finance_type=t.finance_type,
                description=t.description,
                provider=organisation_spec(t.provider) if t.provider else None,
                provider_activity=t.provider_activity,
                receiver=organisation_spec(t.receiver) if t.receiver else None,
                receiver_activity=t.receiver_activity,
            )
            for t in project.transactions
        ),
        budgets=tuple(
            BudgetSpec(
                type=b.type,
                status=b.status,
                period_start=b.period_start,
                period_end=b.period_end,
                value=b.value,
                currency=b.currency,
                value_date=b.value_date,
            )
            for b in project.budgets
        ),
        locations=tuple(
            LocationSpec(name=loc.name, latitude=loc.latitude, longitude=loc.longitude)
            for loc in project.locations
        ),
        texts=tuple(
            TextSpec(kind=t.kind, seq=t.seq, lang=t.lang, text=t.text) for t in project.texts
        ),
        iati=_iati_spec(project.iati_source),
    )


def _iati_spec(row: IatiActivity | None) -> IatiSourceSpec | None:
    if row is None:
        return None
    return IatiSourceSpec(version=row.version, last_updated=row.last_updated, xml=row.xml)


#: Everything :func:`project_spec` (and the rollup) reads of a project: load it per batch, with
#: ``select(Project).options(*WHOLE_PROJECT)``, not one lazy query per relation and project.
WHOLE_PROJECT = (
    selectinload(Project.countries),
    selectinload(Project.sectors),
    selectinload(Project.participants),
    selectinload(Project.locations),
    selectinload(Project.documents),
    selectinload(Project.transactions).joinedload(Transaction.provider),
    selectinload(Project.transactions).joinedload(Transaction.receiver),
    selectinload(Project.budgets),
    selectinload(Project.texts),
    selectinload(Project.iati_source),
    joinedload(Project.package),
)


def stored_projects(session: Session, identifiers: list[str]) -> dict[str, Project]:
    """The stored projects among ``identifiers``, whole, fetched in a few queries."""
    found: dict[str, Project] = {}
    for start in range(0, len(identifiers), 500):
        chunk = identifiers[start : start + 500]
        query = select(Project).where(Project.identifier.in_(chunk)).options(*WHOLE_PROJECT)
        found.update((p.identifier, p) for p in session.scalars(query))
    return found
