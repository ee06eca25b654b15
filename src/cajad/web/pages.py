"""The portal's HTML pages: dashboard, project list, project page, data quality.

Each route gathers what the services answer and hands it to a template; forms submit with
GET so every view has an address that can be shared and bookmarked.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from cajad.accounts import Action, can, public_authors
from cajad.iati.results import project_results
from cajad.register import (
    MATERIALISED,
    ConversionError,
    RateBook,
    audit,
    entry_summary,
    facets,
    get_project,
    list_projects,
)
from cajad.tracker import (
    BreakdownRow,
    CountingRule,
    Dimension,
    Measure,
    Progress,
)
from cajad.tracker import pace as pace_rule
from cajad.tracker.progress import AGGREGATE_AREA_UNKNOWN, SIGNED_TYPES
from cajad.tracker.quality import NOT_COUNTED, left_out
from cajad.web.api import ProjectFilterDep, summaries
from cajad.web.auth import current_principal
from cajad.web.country_map import country_map
from cajad.web.dashboard_figures import (
    Timeline,
    empty_state,
    headline,
    pace_note,
    pace_words,
    rule_words,
    timeline,
)
from cajad.web.deps import BookDep, SessionDep
from cajad.web.figures import cached_finding_rows, cached_findings, cached_progress
from cajad.web.i18n import N_
from cajad.web.i18n import gettext as _
from cajad.web.labels import Words, breakdown_key
from cajad.web.params import (
    CurrencyCode,
    ProjectSort,
    Severity,
    checked_currency,
    counting_rule,
)
from cajad.web.schemas import project_detail
from cajad.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
#: Findings on one page of ``/quality``.
FINDINGS_PAGE = 200
BREAKDOWNS = (Dimension.PILLAR, Dimension.COUNTRY, Dimension.INSTRUMENT, Dimension.YEAR)
#: Words for the parts of a total, and the colour of each in the stacked bar.
BASES = Words({"itemised": N_("Itemised"), "aggregate": N_("Aggregate package total")})
EVIDENCE = Words(
    {
        "financier": N_("financier's own record"),
        "company": N_("company disclosure"),
        "government": N_("government statement"),
        "press": N_("press report"),
        "unknown": N_("evidence not curated"),
    }
)
STATUSES = Words({"signed": N_("signed"), "announced": N_("announced")})
_COLOURS = {
    ("itemised", "signed"): "#2e7d4f",
    ("itemised", "announced"): "#8cc5a0",
    ("aggregate", "signed"): "#b7791f",
    ("aggregate", "announced"): "#e0b36a",
}
AGGREGATE_AREA_LABEL = N_("Aggregate, area unknown")
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
        by.value: cached_progress(request, session, rule, currency=code, by=by, book=book)
        for by in BREAKDOWNS
    }
    result = results[Dimension.PILLAR.value]
    months = timeline(
        cached_progress(request, session, rule, currency=code, by=Dimension.MONTH, book=book)
    )
    charts = {key: _chart(key, p.breakdown or []) for key, p in results.items()}
    context = {
        "progress": result,
        "headline": headline(result),
        "rule_words": rule_words(rule),
        "pace_note": pace_note(result.pace, rule),
        "composition": composition_bar(result),
        "row_label": row_label,
        "aggregate_of": aggregate_of,
        "breakdowns": results,
        "empty": empty_state(result),
        "pace_words": pace_words(result.pace, rule),
        "map": country_map(results[Dimension.COUNTRY.value].breakdown or [], code),
        "timeline": months,
        "charts": {**charts, "month": _timeline_chart(months)},
        "currencies": currency_choices(book, rule),
        "measures": [m.value for m in Measure],
        "excluded": left_out(cached_findings(request, session, book, rule, kinds=NOT_COUNTED)),
    }
    return render(request, "dashboard.html", context)


def composition_bar(result: Progress) -> list[dict[str, Any]]:
    """The segments of the stacked bar against the goal: one per composition row, its width
    the part's share of the goal (scaled down together when the total passes the goal)."""
    scale = max(Decimal(100), result.share_of_goal)
    segments = []
    for part in result.composition:
        of_goal = part.total * 100 / result.goal if result.goal else Decimal(0)
        label = _("%(basis)s, %(status)s (%(evidence)s)") % {
            "basis": BASES[part.basis],
            "status": STATUSES[part.status],
            "evidence": EVIDENCE[part.evidence],
        }
        segments.append(
            {
                "key": f"{part.basis}-{part.evidence}-{part.status}",
                "label": label,
                "total": part.total,
                "share": part.share,
                "of_goal": of_goal.quantize(Decimal("0.01")),
                "width": float(of_goal * 100 / scale),
                "colour": _COLOURS[(part.basis, part.status)],
                "hatched": part.evidence in {"press", "unknown"},
            }
        )
    return segments


def aggregate_of(row: BreakdownRow) -> Decimal:
    """How much of a breakdown row is aggregate package totals."""
    return sum((c.total for c in row.composition if c.basis == "aggregate"), Decimal(0))


def row_label(key: str, dimension: str) -> str:
    """A breakdown row's label; aggregates of unknown area are named as such."""
    if key == AGGREGATE_AREA_UNKNOWN:
        return _(AGGREGATE_AREA_LABEL)
    return breakdown_key(key, dimension)


@router.get("/method")
def method(request: Request) -> Response:
    """How the tracker counts, splits and judges progress: the rules behind every figure."""
    context = {
        "min_days": pace_rule.MIN_DAYS,
        "most": pace_rule.MOST,
        "bases": BASES,
        "evidence": EVIDENCE,
        "signed_types": sorted(int(t) for t in SIGNED_TYPES),
    }
    return render(request, "method.html", context)


def _chart(dimension: str, rows: list[BreakdownRow]) -> dict[str, Any]:
    """What dashboard.js draws: keys, labels and totals (as strings; exact in the table)."""
    return {
        "dimension": dimension,
        "keys": [r.key for r in rows],
        "labels": [row_label(r.key, dimension) for r in rows],
        "totals": [str(r.total) for r in rows],
        "shares": [str(r.share) for r in rows],
    }


def _timeline_chart(months: Timeline) -> dict[str, Any]:
    """What dashboard.js stacks by month: one series per basis and status, coloured as the
    composition bar (amounts as strings; exact in the table under the chart)."""
    return {
        "dimension": "month",
        "keys": months.months,
        "totals": [str(t) for t in months.totals],
        "series": [
            {
                "name": _("%(basis)s, %(status)s")
                % {
                    "basis": BASES[s.basis],
                    "status": STATUSES[s.status],
                },
                "colour": _COLOURS[(s.basis, s.status)],
                "values": [str(v) for v in s.values],
            }
            for s in months.series
        ],
    }


@router.get("/projects")
def projects(
    request: Request,
    session: SessionDep,
    book: BookDep,
    where: ProjectFilterDep,
    sort: ProjectSort = ProjectSort.IDENTIFIER,
    currency: CurrencyCode = "JPY",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The project list with search, filters (those of ``/api/projects``), sorting and
    pagination; each row's amount and what of it counts, in ``currency``."""
    code = checked_currency(book, currency)
    offset = (page - 1) * PAGE_SIZE
    rows, total = list_projects(session, where, sort=sort.value, limit=PAGE_SIZE, offset=offset)
    context = {
        "items": summaries(session, book, rows, code),
        "currency": code,
        "currencies": currency_choices(book, CountingRule()),
        "period_start": CountingRule().period_start,
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
    entries = audit.entries(session, project=identifier)
    who = current_principal(request)
    sources = {s for tx in detail.transactions for c in tx.conversions.values() for s in c.sources}
    context = {
        "p": detail,
        "targets": MATERIALISED,
        "rate_sources": sorted(sources),
        "results": project_results(session, identifier),
        "history": [(e, entry_summary(e)) for e in entries],
        # The public reads a role, never an e-mail address; an admin reads the account.
        "authors": public_authors(session, {e.actor for e in entries}),
        "show_accounts": can(who, Action.MANAGE),
        "may_edit": can(who, Action.EDIT, detail.owner),
        "BASES": BASES,
        "EVIDENCE": EVIDENCE,
    }
    return render(request, "project.html", context)


@router.get("/quality")
def quality(
    request: Request,
    session: SessionDep,
    book: BookDep,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    severity: Severity = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Every data-quality finding, most severe first, filterable by kind and severity, a page
    of :data:`FINDINGS_PAGE` at a time."""
    everything = cached_finding_rows(request, session, book)
    shown = [
        f
        for f in everything
        if (not kind or f.kind == kind) and (not severity or f.severity == severity)
    ]
    counts: dict[str, int] = defaultdict(int)
    for f in everything:
        counts[f.kind] += 1
    offset = (page - 1) * FINDINGS_PAGE
    context = {
        "findings": [f.finding() for f in shown[offset : offset + FINDINGS_PAGE]],
        "shown": len(shown),
        "counts": dict(sorted(counts.items())),
        "kind": kind or "",
        "severity": severity or "",
        "total": len(everything),
        "page": page,
        "pages": max(1, -(-len(shown) // FINDINGS_PAGE)),
        "params": {k: v for k, v in request.query_params.items() if k != "page"},
    }
    return render(request, "quality.html", context)
