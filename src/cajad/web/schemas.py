"""What the JSON API answers, and how a stored record becomes it.

Money and rates are :class:`~decimal.Decimal`, which JSON carries as strings (``"1234.50"``):
exact, never a binary float. Moments are :data:`UtcDateTime`: the register keeps them in UTC
without a zone, and an answer says so (``2025-12-20T09:30:00Z``), as OpenAPI's ``date-time``
(RFC 3339) requires.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field

from cajad.register import (
    MATERIALISED,
    Conversion,
    ConversionError,
    Organisation,
    Project,
    RateBook,
    Transaction,
    project_areas,
    sector_area,
)
from cajad.tracker import (
    CountingRule,
    ProjectCount,
    QualityFinding,
    ReportedAmount,
    count_project,
    reported_amount,
)
from cajad.web import labels
from cajad.web.templating import at_precision

T = TypeVar("T")


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment (UTC, without a zone) with its zone; an aware one in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


#: A moment in UTC with its zone: what every ``date-time`` of the API answers.
UtcDateTime = Annotated[dt.datetime, AfterValidator(_utc)]


class Page(BaseModel, Generic[T]):
    """One page of a list: ``total`` matches in all, ``items`` from ``offset``."""

    total: int
    limit: int
    offset: int
    items: list[T]


class OrganisationOut(BaseModel):
    name: str
    ref: str | None
    type: str | None
    type_name: str
    country: str | None


class OrganisationRow(OrganisationOut):
    projects: int


class ProjectRef(BaseModel):
    """A project by its identifier and title; ``titles`` are its titles in other languages
    (IATI title narratives with an ``xml:lang``, the deals' Japanese and Russian names), by
    language code."""

    identifier: str
    title: str
    titles: dict[str, str] = Field(default_factory=dict)


class ProjectSummary(ProjectRef):
    """A row of the project list. ``agreement_date`` is the first day of its period when it
    is known only to the month or year; ``agreement_date_display`` says it at its precision
    ("19 Dec 2025", "Dec 2025", "2025"). ``amount`` is the reported amount (the largest
    outgoing pledge or commitment), ``counted`` what of the project counts under the default
    rule, both in the list's currency."""

    stage: str
    instrument: str | None
    agreement_date: dt.date | None
    agreement_date_precision: str | None
    agreement_date_display: str
    countries: list[str]
    areas: list[str]
    basis: str
    counts_toward_goal: bool
    package: str | None
    amount: ReportedAmount | None
    counted: ProjectCount


class QuoteOut(BaseModel):
    source: str
    granularity: str
    period_start: dt.date
    base: str
    currency: str
    rate: Decimal


class ConversionOut(BaseModel):
    """An amount converted at a dated rate: the rate, the step of the policy, the sources."""

    amount: Decimal
    currency: str
    target: str
    value_date: dt.date
    converted: Decimal
    rate: Decimal
    method: str
    quotes: list[QuoteOut]
    sources: list[str]
    explanation: str


class TransactionOut(BaseModel):
    project: str
    ref: str
    type: int
    type_name: str
    value: Decimal
    currency: str
    value_date: dt.date | None
    transaction_date: dt.date | None
    qualifier: str | None
    instrument: str | None
    finance_type: str | None
    description: str | None
    provider: str | None
    provider_activity: str | None
    receiver: str | None
    receiver_activity: str | None
    conversions: dict[str, ConversionOut]


class CountryShare(BaseModel):
    code: str
    name: str
    percentage: Decimal
    is_region: bool


class SectorShare(BaseModel):
    vocabulary: str
    code: str
    name: str
    percentage: Decimal
    area: str


class AreaShare(BaseModel):
    area: str
    label: str
    percentage: Decimal


class ParticipantOut(BaseModel):
    organisation: OrganisationOut
    role: int
    role_name: str
    note: str | None


class DocumentOut(BaseModel):
    url: str
    title: str | None
    category: str | None
    published: dt.date | None


class LocationOut(BaseModel):
    name: str
    latitude: Decimal | None
    longitude: Decimal | None


class BudgetOut(BaseModel):
    type: int
    status: int
    period_start: dt.date
    period_end: dt.date
    value: Decimal
    currency: str
    value_date: dt.date | None


class CountDecision(BaseModel):
    counts_toward_goal: bool
    decision: str | None
    basis: str
    evidence: str


class ProjectDetail(ProjectRef):
    description: str | None
    language: str
    stage: str
    instrument: str | None
    default_currency: str | None
    agreement_date: dt.date | None
    agreement_date_precision: str | None
    agreement_date_display: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    updated_at: UtcDateTime
    owner: str | None = Field(
        description="The owning organisation (IATI identifier, else name): its editors change it."
    )
    package: ProjectRef | None
    parts: list[ProjectRef]
    count: CountDecision
    amount: ReportedAmount | None
    counted: ProjectCount
    priority_area_override: str | None
    countries: list[CountryShare]
    sectors: list[SectorShare]
    areas: list[AreaShare]
    participants: list[ParticipantOut]
    locations: list[LocationOut]
    documents: list[DocumentOut]
    transactions: list[TransactionOut]
    budgets: list[BudgetOut]


class QualityReport(BaseModel):
    """Findings matching the filters: how many in all and by kind, and one page of them."""

    total: int
    by_kind: dict[str, int]
    limit: int
    offset: int
    findings: list[QualityFinding]


# --- builders ------------------------------------------------------------------------------


def organisation_out(org: Organisation) -> OrganisationOut:
    return OrganisationOut(
        name=org.name,
        ref=org.ref,
        type=org.type,
        type_name=labels.organisation_type(org.type),
        country=org.country,
    )


def project_summary(
    project: Project, *, counted: ProjectCount, amount: ReportedAmount | None
) -> ProjectSummary:
    return ProjectSummary(
        identifier=project.identifier,
        title=project.title,
        titles=titles_of(project),
        stage=project.stage,
        instrument=project.instrument,
        agreement_date=project.agreement_date,
        agreement_date_precision=project.agreement_date_precision,
        agreement_date_display=at_precision(
            project.agreement_date, project.agreement_date_precision
        ),
        countries=[c.code for c in project.countries],
        areas=[key for key, _pct in project_areas(project)],
        basis=project.basis,
        counts_toward_goal=project.counts_toward_goal,
        package=project.package.identifier if project.package is not None else None,
        amount=amount,
        counted=counted,
    )


def conversion_out(conversion: Conversion) -> ConversionOut:
    return ConversionOut(
        amount=conversion.amount,
        currency=conversion.currency,
        target=conversion.target,
        value_date=conversion.value_date,
        converted=conversion.converted,
        rate=conversion.rate,
        method=conversion.method,
        quotes=[QuoteOut(**q._asdict()) for q in conversion.quotes],
        sources=conversion.sources,
        explanation=conversion.explain(),
    )


def conversions(
    tx: Transaction, book: RateBook, targets: tuple[str, ...] = MATERIALISED
) -> dict[str, ConversionOut]:
    """The transaction in each target currency at its value date (none without a date)."""
    if tx.value_date is None:
        return {}
    found: dict[str, ConversionOut] = {}
    for target in targets:
        try:
            found[target] = conversion_out(
                book.convert(tx.value, tx.currency, target, tx.value_date)
            )
        except ConversionError:
            continue
    return found


def transaction_out(tx: Transaction, book: RateBook, project: str) -> TransactionOut:
    return TransactionOut(
        project=project,
        ref=tx.ref,
        type=tx.type,
        type_name=labels.transaction_type(tx.type),
        value=tx.value,
        currency=tx.currency,
        value_date=tx.value_date,
        transaction_date=tx.transaction_date,
        qualifier=tx.qualifier,
        instrument=tx.instrument,
        finance_type=tx.finance_type,
        description=tx.description,
        provider=tx.provider.name if tx.provider is not None else None,
        provider_activity=tx.provider_activity,
        receiver=tx.receiver.name if tx.receiver is not None else None,
        receiver_activity=tx.receiver_activity,
        conversions=conversions(tx, book),
    )


def project_detail(project: Project, book: RateBook, currency: str = "JPY") -> ProjectDetail:
    """Everything about ``project``; its amount and what of it counts (under the default
    rule) in ``currency``."""
    return ProjectDetail(
        identifier=project.identifier,
        title=project.title,
        titles=titles_of(project),
        description=project.description,
        language=project.language,
        stage=project.stage,
        instrument=project.instrument,
        default_currency=project.default_currency,
        agreement_date=project.agreement_date,
        agreement_date_precision=project.agreement_date_precision,
        agreement_date_display=at_precision(
            project.agreement_date, project.agreement_date_precision
        ),
        planned_start=project.planned_start,
        planned_end=project.planned_end,
        actual_start=project.actual_start,
        actual_end=project.actual_end,
        updated_at=project.updated_at,
        owner=project.owner,
        package=_ref(project.package) if project.package is not None else None,
        parts=[_ref(p) for p in sorted(project.parts, key=lambda p: p.identifier)],
        count=CountDecision(
            counts_toward_goal=project.counts_toward_goal,
            decision=project.count_decision,
            basis=project.basis,
            evidence=project.evidence,
        ),
        amount=reported_amount(project, currency, book),
        counted=count_project(project, CountingRule(), currency=currency, book=book),
        priority_area_override=project.priority_area_override,
        countries=[
            CountryShare(
                code=c.code,
                name=labels.country(c.code),
                percentage=c.percentage,
                is_region=c.is_region,
            )
            for c in project.countries
        ],
        sectors=[
            SectorShare(
                vocabulary=s.vocabulary,
                code=s.code,
                name=labels.sector(s.code) if s.vocabulary == "1" else s.code,
                percentage=s.percentage,
                area=sector_area(s.code) if s.vocabulary == "1" else "unassigned",
            )
            for s in project.sectors
        ],
        areas=[
            AreaShare(area=key, label=labels.area(key), percentage=pct)
            for key, pct in project_areas(project)
        ],
        participants=[
            ParticipantOut(
                organisation=organisation_out(p.organisation),
                role=p.role,
                role_name=labels.role(p.role),
                note=p.note,
            )
            for p in sorted(project.participants, key=lambda p: (p.role, p.organisation.name))
        ],
        locations=[
            LocationOut(name=loc.name, latitude=loc.latitude, longitude=loc.longitude)
            for loc in project.locations
        ],
        documents=[
            DocumentOut(url=d.url, title=d.title, category=d.category, published=d.published)
            for d in project.documents
        ],
        transactions=[transaction_out(t, book, project.identifier) for t in project.transactions],
        budgets=[
            BudgetOut(
                type=b.type,
                status=b.status,
                period_start=b.period_start,
                period_end=b.period_end,
                value=b.value,
                currency=b.currency,
                value_date=b.value_date,
            )
            for b in project.budgets
        ],
    )


def _ref(project: Project) -> ProjectRef:
    return ProjectRef(identifier=project.identifier, title=project.title, titles=titles_of(project))


def titles_of(project: Project) -> dict[str, str]:
    """The project's titles in languages other than its own, by language (the first of each)."""
    found: dict[str, str] = {}
    for text in project.texts:
        lang = text.lang.split("-")[0].lower()
        if text.kind == "title" and lang and lang != project.language:
            found.setdefault(lang, text.text)
    return found
