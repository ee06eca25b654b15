"""The JSON API under ``/api``: a thin translation of query parameters into service calls.

Parameters are validated declaratively where they enter (``params``); a refused one answers
422 in the shape of :class:`cajad.web.errors.ErrorResponse`, naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.responses import StreamingResponse

from cajad.accounts import Action, acting, authorize, authorize_project
from cajad.errors import PreconditionRequiredError
from cajad.iati import stream_activities
from cajad.iati.results import Result, project_results
from cajad.register import (
    ConversionError,
    PriorityArea,
    Project,
    ProjectFilter,
    RateBook,
    Stage,
    TransactionFilter,
    TransactionType,
    bounds,
    edit_project,
    get_project,
    list_organisations,
    list_projects,
    list_transactions,
    project_version,
    session_scope,
    transactions_csv_chunks,
)
from cajad.tracker import (
    CountingRule,
    Dimension,
    Measure,
    Progress,
    counted,
    reported_amount,
)
from cajad.web.auth import PrincipalDep
from cajad.web.deps import BookDep, SessionDep
from cajad.web.errors import ParameterError, error_responses
from cajad.web.figures import cached_finding_rows, cached_progress
from cajad.web.params import (
    MAX_LIMIT,
    AgreedFrom,
    AgreedTo,
    CountryCode,
    CurrencyCode,
    Day,
    Limit,
    Offset,
    ProjectSort,
    SearchText,
    Severity,
    SinceSummit,
    agreement_range,
    check_order,
    checked_currency,
    counting_rule,
)
from cajad.web.schemas import (
    ConversionOut,
    OrganisationRow,
    Page,
    ProjectDetail,
    ProjectSummary,
    QualityReport,
    TransactionOut,
    conversion_out,
    organisation_out,
    project_detail,
    project_summary,
    transaction_out,
)

router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses=error_responses(),
)


def project_filter(
    q: SearchText = None,
    country: CountryCode = None,
    stage: Stage | None = None,
    instrument: Annotated[str | None, Query(max_length=40)] = None,
    area: Annotated[PriorityArea | None, Query(description="Priority area.")] = None,
    counts: Annotated[bool | None, Query(description="Counted toward the goal.")] = None,
    agreed_from: AgreedFrom = None,
    agreed_to: AgreedTo = None,
    since_summit: SinceSummit = False,
) -> ProjectFilter:
    """The project filters shared by the list (API and page) and its downloads."""
    first, last = agreement_range(agreed_from, agreed_to)
    return ProjectFilter(
        q=q,
        country=country.upper() if country else None,
        stage=stage.value if stage else None,
        instrument=instrument,
        area=area.value if area else None,
        counts=counts,
        agreed_from=first,
        agreed_to=last,
        new_since=CountingRule().period_start if since_summit else None,
    )


ProjectFilterDep = Annotated[ProjectFilter, Depends(project_filter)]


@router.get("/projects", response_model=Page[ProjectSummary], summary="List projects")
def projects(
    session: SessionDep,
    book: BookDep,
    where: ProjectFilterDep,
    sort: ProjectSort = ProjectSort.IDENTIFIER,
    currency: CurrencyCode = "JPY",
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ProjectSummary]:
    """Projects matching every filter given, sorted and paged; ``total`` counts all matches.

    Each names its reported amount (its largest pledge or commitment, the value ``amount``
    sorts by, in yen) and what of it counts under the default rule, in ``currency``.
    """
    code = checked_currency(book, currency)
    rows, total = list_projects(session, where, sort=sort.value, limit=limit, offset=offset)
    items = summaries(session, book, rows, code)
    return Page(total=total, limit=limit, offset=offset, items=items)


def summaries(
    session: Session, book: RateBook, rows: list[Project], currency: str
) -> list[ProjectSummary]:
    """The list's rows: each project with its reported amount and what of it counts."""
    counts = counted(session, CountingRule(), projects=rows, currency=currency, book=book)
    return [
        project_summary(p, counted=counts[p.identifier], amount=reported_amount(p, currency, book))
        for p in rows
    ]


@router.get(
    "/projects.xml",
    summary="Projects as IATI 2.03 XML",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
def projects_iati(request: Request, where: ProjectFilterDep) -> Response:
    """The projects matching every filter, as one schema-valid IATI 2.03 activity file,
    streamed a batch of activities at a time (constant memory, the first bytes at once)."""
    chunks = stream_activities(request.app.state.engine, where=where)
    return StreamingResponse(
        chunks,
        media_type="application/xml",
        headers={"Content-Disposition": 'attachment; filename="cajad-iati-activities.xml"'},
    )


@router.get(
    "/projects/{identifier:path}/results", response_model=list[Result], summary="IATI results"
)
def results(session: SessionDep, identifier: Annotated[str, Path()]) -> list[Result]:
    """The project's IATI results (indicators, baselines, targets, actuals), read from the
    activity it was imported from; empty when it reports none."""
    return project_results(session, identifier)


@router.get(
    "/transactions.csv",
    summary="Transactions as CSV in one currency",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def transactions_csv(
    request: Request, book: BookDep, where: ProjectFilterDep, currency: CurrencyCode = "JPY"
) -> Response:
    """One row per transaction of the projects matching every filter, its value also converted
    into ``currency`` with the rate, the rate's date, the policy step and the source; streamed
    a thousand rows at a time through a server-side cursor (constant memory)."""
    code = checked_currency(book, currency)
    engine: Engine = request.app.state.engine

    def chunks() -> Iterator[bytes]:
        # Its own session: the response is written after the request's session has closed.
        with session_scope(engine, actor="cajad web") as session:
            for chunk in transactions_csv_chunks(session, where, currency=code, book=book):
                yield chunk.encode("utf-8")

    return StreamingResponse(
        chunks(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="cajad-transactions-{code}.csv"'},
    )


@router.get("/projects/{identifier:path}", response_model=ProjectDetail, summary="One project")
def project(
    session: SessionDep, book: BookDep, response: Response, identifier: Annotated[str, Path()]
) -> ProjectDetail:
    """Everything about one project, its money converted to JPY, USD and EUR with the rates.
    The ``ETag`` header is its version: send it as ``If-Match`` to change it (``PATCH``)."""
    detail = project_detail(get_project(session, identifier), book)
    response.headers["ETag"] = etag(project_version(session, identifier))
    return detail


class ProjectPatch(BaseModel):
    """The fields of a project an edit may change; those left out stay as they are."""

    model_config = {"extra": "forbid"}

    title: str | None = Field(None, min_length=1, max_length=2000)
    description: str | None = Field(None, max_length=20000)
    stage: Stage | None = None
    instrument: str | None = Field(None, max_length=40)
    agreement_date: Day | None = None
    agreement_date_precision: Literal["day", "month", "year"] | None = None
    planned_start: Day | None = None
    planned_end: Day | None = None
    actual_start: Day | None = None
    actual_end: Day | None = None
    priority_area_override: PriorityArea | None = None
    owner: str | None = Field(
        None, max_length=300, description="The owning organisation; only an admin changes it."
    )


def etag(version: str) -> str:
    """A version as a strong entity tag (RFC 9110)."""
    return f'"{version}"'


def _if_match(header: str | None) -> str:
    if header is None:
        raise PreconditionRequiredError(
            "send the project's ETag (from GET) as If-Match: a change must say which version "
            "it is based on"
        )
    return header.strip().removeprefix("W/").strip('"')


@router.patch(
    "/projects/{identifier:path}",
    response_model=ProjectDetail,
    summary="Change a project",
    responses=error_responses(writes=True, versioned=True, body=True),
)
def edit(
    request: Request,
    session: SessionDep,
    book: BookDep,
    who: PrincipalDep,
    response: Response,
    identifier: Annotated[str, Path()],
    patch: ProjectPatch,
    if_match: Annotated[str | None, Header()] = None,
) -> ProjectDetail:
    """Change the given fields of a project, if it is still at the version ``If-Match`` names
    (else 412, nothing changed; without ``If-Match``, 428). An editor of the owning
    organisation or an admin; changing the owner needs an admin. Audited under the account."""
    allowed = authorize_project(session, who, Action.EDIT, identifier)
    changes = patch.model_dump(exclude_unset=True, mode="json")
    if "owner" in changes:
        authorize(allowed, Action.MANAGE)
    _spec, version = edit_project(
        request.app.state.engine,
        identifier,
        changes,
        based_on=_if_match(if_match),
        actor=acting(allowed),
        book=book,
    )
    session.expire_all()
    response.headers["ETag"] = etag(version)
    return project_detail(get_project(session, identifier), book)


@router.get("/organisations", response_model=Page[OrganisationRow], summary="List organisations")
def organisations(
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Words of the name or ref.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[OrganisationRow]:
    """Organisations by name, with how many projects each takes part in."""
    rows, total = list_organisations(session, q=q, limit=limit, offset=offset)
    items = [OrganisationRow(**organisation_out(o).model_dump(), projects=n) for o, n in rows]
    return Page(total=total, limit=limit, offset=offset, items=items)


@router.get("/transactions", response_model=Page[TransactionOut], summary="List transactions")
def transactions(
    session: SessionDep,
    book: BookDep,
    project: Annotated[str | None, Query(description="Project identifier.")] = None,
    type: Annotated[TransactionType | None, Query(description="IATI TransactionType.")] = None,
    currency: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    date_from: Annotated[Day | None, Query(alias="from", description="Value date ≥.")] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="Value date ≤.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[TransactionOut]:
    """Transactions by value date, each converted to JPY, USD and EUR with its rate."""
    check_order(date_from, date_to)
    where = TransactionFilter(
        project=project,
        type=int(type) if type is not None else None,
        currency=currency,
        date_from=date_from,
        date_to=date_to,
    )
    rows, total = list_transactions(session, where, limit=limit, offset=offset)
    items = [transaction_out(t, book, t.project.identifier) for t in rows]
    return Page(total=total, limit=limit, offset=offset, items=items)


@router.get("/currencies", response_model=list[str], summary="Currencies with rates")
def currencies(book: BookDep) -> list[str]:
    """Currencies with exchange rates: every figure can be shown in any of them."""
    return book.currencies


@router.get("/progress", response_model=Progress, summary="Progress toward the goal")
def progress_view(
    request: Request,
    session: SessionDep,
    book: BookDep,
    currency: CurrencyCode = "JPY",
    by: Annotated[Dimension | None, Query(description="Break the total down.")] = None,
    measure: Measure = Measure.ANNOUNCED,
    date_from: Annotated[Day | None, Query(alias="from", description="Period start.")] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="Period end.")] = None,
    as_of: Annotated[Day | None, Query(description="Date of the pace figures.")] = None,
    stage: Annotated[list[Stage] | None, Query(description="Count only these stages.")] = None,
    include_guarantees: bool = False,
) -> Progress:
    """Progress toward the goal under the counting rule, in any currency with rates."""
    rule = counting_rule(measure, date_from, date_to, stage, include_guarantees)
    code = checked_currency(book, currency)
    try:
        return cached_progress(request, session, rule, currency=code, by=by, as_of=as_of, book=book)
    except ConversionError as exc:
        raise ParameterError("from" if date_from else "currency", str(exc)) from exc


@router.get("/quality", response_model=QualityReport, summary="Data-quality findings")
def quality(
    request: Request,
    session: SessionDep,
    book: BookDep,
    kind: Annotated[str | None, Query(max_length=40, description="Only this kind.")] = None,
    severity: Severity = None,
    limit: Limit = MAX_LIMIT,
    offset: Offset = 0,
) -> QualityReport:
    """Data-quality findings: what is not counted and why, and what looks wrong; most severe
    first, a page at a time (``total`` and ``by_kind`` count every match)."""
    found = [
        f
        for f in cached_finding_rows(request, session, book)
        if (kind is None or f.kind == kind) and (severity is None or f.severity == severity)
    ]
    by_kind: dict[str, int] = {}
    for f in found:
        by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
    return QualityReport(
        total=len(found),
        by_kind=by_kind,
        limit=limit,
        offset=offset,
        findings=[f.finding() for f in found[offset : offset + limit]],
    )


@router.get("/convert", response_model=ConversionOut, summary="Convert an amount")
def convert(
    book: BookDep,
    amount: Annotated[
        Decimal,
        Query(
            ge=-bounds.MAX_AMOUNT,
            le=bounds.MAX_AMOUNT,
            max_digits=24,
            description="Amount to convert (a decimal), at most 10^15 in size.",
        ),
    ],
    currency: CurrencyCode,
    target: CurrencyCode,
    date: Annotated[Day, Query(description="Value date (YYYY-MM-DD).")],
) -> ConversionOut:
    """Convert an amount at the dated rate the policy picks, with the rate, method and sources."""
    source = checked_currency(book, currency)
    into = checked_currency(book, target, "target")
    try:
        return conversion_out(book.convert(amount, source, into, date))
    except ConversionError as exc:
        raise ParameterError("date", str(exc)) from exc
