"""The broker's API and pages: investors whose mandates fit a project, with reasons in words.

A thin edge over :mod:`cajad.brokerage`: ``GET /api/match/{project}`` answers the object
``cajad match PROJECT --json`` prints (``need`` and ``currency`` give the need, else the
project's committed money); ``GET /api/investors`` lists the profiles. The pages:
``/investors``, ``/investors/{id}`` (a profile, its sources and its track record) and
``/projects/{id}/match`` (ranked investors, each score in its reasons, and the consortia).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from cajad.brokerage.errors import NeedError
from cajad.brokerage.service import match_project
from cajad.brokerage.store import get_investor, list_investors, track_record
from cajad.web.deps import SessionDep
from cajad.web.errors import error_responses
from cajad.web.templating import render

router = APIRouter(
    tags=["broker"],
    responses=error_responses(
        not_found="No such project or investor", invalid="A need refused, or none known"
    ),
)

Amount = Annotated[
    Decimal | None, Query(gt=0, description="The financing need; default: committed money.")
]
Currency = Annotated[
    str | None, Query(pattern=r"^[A-Za-z]{3}$", description="The need's currency (with need).")
]
Excluded = Annotated[bool, Query(description="Also list the excluded investors and why.")]


Tenor = Annotated[
    int | None, Query(ge=1, le=100, description="The tenor the project asks for, in years.")
]


def _need(need: Decimal | None, currency: str | None) -> tuple[Decimal, str] | None:
    if need is None:
        return None
    if currency is None:
        raise NeedError("give the need's currency with the need")
    return need, currency.upper()


@router.get("/api/match/{identifier:path}", summary="Investors and consortia for a project")
def match_api(
    identifier: str,
    session: SessionDep,
    need: Amount = None,
    currency: Currency = None,
    show_excluded: Excluded = False,
    tenor: Tenor = None,
) -> dict[str, Any]:
    """``investors`` (id, score, reasons; best first; none failing a hard requirement) and
    ``consortia`` (members with role and ticket, what they cover)."""
    found = match_project(session, identifier, need=_need(need, currency), tenor=tenor)
    return found.as_dict(excluded=show_excluded)


@router.get("/api/investors", summary="The investor profiles")
def investors_api(session: SessionDep) -> list[dict[str, Any]]:
    """Every investor profile with its sources."""
    return [i.as_dict() for i in list_investors(session)]


@router.get("/investors", include_in_schema=False)
def investors_page(request: Request, session: SessionDep) -> Response:
    """The investor profiles in a table."""
    return render(
        request,
        "brokerage/investors.html",
        {"section": "investors", "investors": list_investors(session)},
    )


@router.get("/investors/{identifier}", include_in_schema=False)
def investor_page(identifier: str, request: Request, session: SessionDep) -> Response:
    """One profile: its mandate, sources and track record."""
    investor = get_investor(session, identifier)
    record = track_record(session, investor)
    return render(
        request,
        "brokerage/investor.html",
        {"section": "investors", "i": investor, "record": record},
    )


@router.get("/projects/{identifier:path}/match", include_in_schema=False)
def match_page(
    identifier: str,
    request: Request,
    session: SessionDep,
    need: Amount = None,
    currency: Currency = None,
    tenor: Tenor = None,
) -> Response:
    """The project's investors with their reasons in words, the excluded ones and why, and the
    consortia; a form for the need when the register knows none."""
    context: dict[str, Any] = {
        "section": "projects",
        "identifier": identifier,
        "need": need,
        "currency": (currency or "").upper(),
        "tenor": tenor,
    }
    try:
        found = match_project(session, identifier, need=_need(need, currency), tenor=tenor)
    except NeedError as exc:
        context.update(result=None, problem=str(exc))
        return render(request, "brokerage/match.html", context)
    context.update(result=found, problem=None)
    return render(request, "brokerage/match.html", context)
