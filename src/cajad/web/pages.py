"""The portal's HTML pages: dashboard, project list, project page, data quality.

Each route gathers what the services answer and hands it to a template; forms submit with
GET so every view has an address that can be shared and bookmarked.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from cajad.iati.results import project_results
from cajad.register import (
    MATERIALISED,
    ConversionError,
    PriorityArea,
    ProjectFilter,
    RateBook,
    Stage,
    facets,
    get_project,
    list_projects,
)
from cajad.tracker import (
    BreakdownRow,
    CountingRule,
    Dimension,
    Measure,
    findings,
    progress,
)
from cajad.tracker.quality import left_out
from cajad.web.deps import BookDep, SessionDep
from cajad.web.labels import breakdown_key
from cajad.web.params import (
    CountryCode,
    CurrencyCode,
    ProjectSort,
    SearchText,
    Severity,
    checked_currency,
    counting_rule,
)
from cajad.web.schemas import project_detail, project_summary
from cajad.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
BREAKDOWNS = (Dimension.PILLAR, Dimension.COUNTRY, Dimension.INSTRUMENT, Dimension.YEAR)
#: Central Asian currencies, offered right after the headline ones.
REGIONAL = ("KZT", "KGS", "TJS", "TMT", "UZS")


def currency_choices(book: RateBook, rule: CountingRule) -> list[str]:
    """Currencies the goal converts into at the start of the period: JPY, USD, EUR first,
    then Central Asia's, then the rest."""
    available = [c for c in book.currencies if _converts(book, rule, c)]
    first = [c for c in (*MATERIALISED, *REGIONAL) if c in available]
    return first + [c for c in available if c not in first]


def _converts(book: RateBook, rule: CountingRule, currency: str) -> bool:
    try:
        book.rate(rule.goal_currency, currency, rule.period_start)
    except ConversionError:
        return False
    return True


@router.get("/")
def dashboard(
    request: Request,
    session: SessionDep,
    book: BookDep,
    currency: CurrencyCode = "JPY",
    measure: Measure = Measure.ANNOUNCED,
) -> Response:
    """Progress toward 3 trillion yen: the total, the measures, pace, breakdowns, exclusions."""
    code = checked_currency(book, currency)
    rule = counting_rule(measure, None, None, None, False)
    results = {
        by.value: progress(session, rule, currency=code, by=by, book=book) for by in BREAKDOWNS
    }
    context = {
        "progress": results[Dimension.PILLAR.value],
        "breakdowns": results,
        "charts": {key: _chart(key, p.breakdown or []) for key, p in results.items()},
        "currencies": currency_choices(book, rule),
        "measures": [m.value for m in Measure],
        "excluded": left_out(findings(session, rule, book=book)),
    }
    return render(request, "dashboard.html", context)


def _chart(dimension: str, rows: list[BreakdownRow]) -> dict[str, Any]:
    """What dashboard.js draws: keys, labels and totals (as strings; exact in the table)."""
    return {
        "dimension": dimension,
        "keys": [r.key for r in rows],
        "labels": [breakdown_key(r.key, dimension) for r in rows],
        "totals": [str(r.total) for r in rows],
        "shares": [str(r.share) for r in rows],
    }


@router.get("/projects")
def projects(
    request: Request,
    session: SessionDep,
    q: SearchText = None,
    country: CountryCode = None,
    stage: Stage | None = None,
    instrument: Annotated[str | None, Query(max_length=40)] = None,
    area: PriorityArea | None = None,
    counts: bool | None = None,
    sort: ProjectSort = ProjectSort.IDENTIFIER,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The project list with search, filters, sorting and pagination."""
    where = ProjectFilter(
        q=q,
        country=country.upper() if country else None,
        stage=stage.value if stage else None,
        instrument=instrument,
        area=area.value if area else None,
        counts=counts,
    )
    offset = (page - 1) * PAGE_SIZE
    rows, total = list_projects(session, where, sort=sort.value, limit=PAGE_SIZE, offset=offset)
    context = {
        "items": [project_summary(p) for p in rows],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "first": offset + 1 if rows else 0,
        "last": offset + len(rows),
        # The form's state, as the person typed it: kept across pages.
        "params": {k: v for k, v in request.query_params.items() if k != "page"},
        "facets": facets(session),
        "sorts": [s.value for s in ProjectSort],
    }
    return render(request, "projects.html", context)


@router.get("/projects/{identifier:path}")
def project(request: Request, session: SessionDep, book: BookDep, identifier: str) -> Response:
    """One project: every field, its money with conversions and rates, its sources."""
    detail = project_detail(get_project(session, identifier), book)
    sources = {s for tx in detail.transactions for c in tx.conversions.values() for s in c.sources}
    context = {
        "p": detail,
        "targets": MATERIALISED,
        "rate_sources": sorted(sources),
        "results": project_results(session, identifier),
    }
    return render(request, "project.html", context)


@router.get("/quality")
def quality(
    request: Request,
    session: SessionDep,
    book: BookDep,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    severity: Severity = None,
) -> Response:
    """Every data-quality finding, most severe first, filterable by kind and severity."""
    everything = findings(session, book=book)
    shown = [
        f
        for f in everything
        if (not kind or f.kind == kind) and (not severity or f.severity == severity)
    ]
    counts: dict[str, int] = defaultdict(int)
    for f in everything:
        counts[f.kind] += 1
    context = {
        "findings": shown,
        "counts": dict(sorted(counts.items())),
        "kind": kind or "",
        "severity": severity or "",
        "total": len(everything),
    }
    return render(request, "quality.html", context)
