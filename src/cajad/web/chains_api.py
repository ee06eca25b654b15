"""Funding chains on the web: ``GET /api/projects/{id}/chain`` and the project page's section.

The API answers the :class:`~cajad.tracker.chains.FundingChain` of a project as JSON. The
project page shows a short "Funding chain" section (who funds the project, whom it funds, and
where the tracker counts the money) through :func:`funding_chain_for_project`, one of the
template globals :func:`template_globals` gives ``create_app``, so the page handler itself is
unchanged. ``create_app`` includes the router before the API's catch-all
``/projects/{identifier:path}`` route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import Engine

from cajad.register import session_scope
from cajad.tracker.chains import MAX_DEPTH, FundingChain, funding_chain
from cajad.web.deps import BookCache, BookDep, SessionDep
from cajad.web.errors import error_responses
from cajad.web.params import CurrencyCode, checked_currency

router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses=error_responses(),
)

Depth = Annotated[int, Query(ge=1, le=MAX_DEPTH, description="Links to follow each way.")]


@router.get(
    "/projects/{identifier:path}/chain",
    response_model=FundingChain,
    summary="Funding chain of a project",
)
def chain(
    session: SessionDep,
    book: BookDep,
    identifier: Annotated[str, Path()],
    currency: CurrencyCode = "JPY",
    depth: Depth = 3,
) -> FundingChain:
    """Who funds the project and whom it funds, across publishers (IATI provider and receiver
    activity ids), each link with the transactions both sides report, converted into
    ``currency`` at their value dates, and where the tracker counts the money (once)."""
    code = checked_currency(book, currency)
    return funding_chain(session, identifier, currency=code, depth=depth, book=book)


@jinja2.pass_context
def funding_chain_for_project(context: Any, identifier: str) -> FundingChain | None:
    """The funding chain of project ``identifier`` in JPY, two links each way; None when the
    project has no link to another activity (the page then shows no section)."""
    request: Request = context["request"]
    engine: Engine = request.app.state.engine
    cache: BookCache = request.app.state.books
    with session_scope(engine, actor="cajad web") as session:
        found = funding_chain(session, identifier, depth=2, book=cache.get(session))
    return found if found.links else None


def template_globals() -> dict[str, Callable[..., Any]]:
    """What funding chains contribute to every template (the project page's section)."""
    return {"funding_chain_for": funding_chain_for_project}
