"""The project edit form: a signed-in editor of the owning organisation (or an admin) changes a
project's title, description and stage.

The form carries the version it was read at; saving a version that someone else changed since
is refused (412) and the form comes back with their change shown, nothing overwritten. Who may
edit is :func:`cajad.accounts.authorize_project`, as for ``PATCH /api/projects/{id}``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cajad.accounts import Action, Principal, acting, authorize_project
from cajad.register import (
    Stage,
    StaleVersionError,
    edit_project,
    get_project,
    project_version,
    session_scope,
)
from cajad.web.auth import PrincipalDep
from cajad.web.deps import BookCache, SessionDep
from cajad.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Identifier = Annotated[str, Path(max_length=200)]


@router.get("/projects/{identifier:path}/edit")
def edit_form(
    request: Request, session: SessionDep, who: PrincipalDep, identifier: Identifier
) -> Response:
    """The form, filled with the project as it is now (anonymous: to the sign-in page)."""
    if who is None:
        back = quote(f"/projects/{identifier}/edit", safe="")
        return RedirectResponse(f"/login?next={back}", status_code=303)
    authorize_project(session, who, Action.EDIT, identifier)
    project = get_project(session, identifier)
    values = {"title": project.title, "description": project.description or ""}
    values["stage"] = project.stage
    return _form(request, identifier, values, project_version(session, identifier))


def _form(
    request: Request,
    identifier: str,
    values: dict[str, Any],
    version: str,
    *,
    stale: StaleVersionError | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "section": "projects",
        "identifier": identifier,
        "values": values,
        "version": version,
        "stale": stale,
        "stages": [s.value for s in Stage],
    }
    return render(request, "project_edit.html", context, status_code=status_code)


@router.post("/projects/{identifier:path}/edit")
async def save(
    request: Request,
    who: PrincipalDep,
    identifier: Identifier,
    title: Annotated[str, Form(max_length=2000)],
    stage: Annotated[str, Form(max_length=20)],
    version: Annotated[str, Form(max_length=64)],
    description: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    """Save the form if the project is still at its version; else show the other change."""
    engine = request.app.state.engine
    changes = {"title": title.strip(), "stage": stage, "description": description.strip() or None}
    try:
        await run_in_threadpool(
            _save, engine, request.app.state.books, who, identifier, changes, version
        )
    except StaleVersionError as stale:
        values = {**changes, "description": description}
        return _form(request, identifier, values, stale.current, stale=stale, status_code=412)
    return RedirectResponse(f"/projects/{quote(identifier, safe='/:')}", status_code=303)


def _save(
    engine: Engine,
    books: BookCache,
    who: Principal | None,
    identifier: str,
    changes: dict[str, Any],
    version: str,
) -> None:
    with session_scope(engine) as session:
        allowed = authorize_project(session, who, Action.EDIT, identifier)
        book = books.get(session)
    edit_project(engine, identifier, changes, based_on=version, actor=acting(allowed), book=book)
