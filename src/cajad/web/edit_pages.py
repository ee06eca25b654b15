"""The workspace's project forms: a signed-in editor of the owning organisation (or an admin)
creates a project, changes its title, description and stage, and its parts (participants,
sectors, countries and regions, documents, transactions).

Each form carries the version it was read at; saving a version that someone else changed since
is refused (412) and the form comes back with their change shown, nothing overwritten. Who may
edit is :func:`cajad.accounts.authorize_project`, as for ``PATCH /api/projects/{id}``; what is
valid is the register's (:mod:`cajad.register.parts`): this module only turns forms into calls
and problems into messages beside their fields.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cajad.accounts import Action, Principal, Role, acting, authorize, authorize_project
from cajad.register import (
    PARTICIPANT_ROLES,
    PARTS,
    InputError,
    Problem,
    Stage,
    StaleVersionError,
    codelist,
    create_project,
    edit_part,
    edit_project,
    get_project,
    known_owners,
    part_rows,
    project_spec,
    project_version,
    session_scope,
)
from cajad.web.auth import PrincipalDep
from cajad.web.deps import BookCache, SessionDep
from cajad.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Identifier = Annotated[str, Path(max_length=200)]
#: Blank rows each part's form offers for adding.
BLANK_ROWS = 2
#: Currencies offered first in a transaction's currency field (any ISO 4217 code is accepted).
CURRENCIES = ("JPY", "USD", "EUR", "KZT", "UZS", "KGS", "TJS", "TMT")


def _to_sign_in(target: str) -> Response:
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _project_url(identifier: str, suffix: str = "") -> str:
    return f"/projects/{quote(identifier, safe='/:')}{suffix}"


# --- creating a project --------------------------------------------------------------------


@router.get("/projects/new")
def new_form(request: Request, session: SessionDep, who: PrincipalDep) -> Response:
    """The form of a new project (anonymous: to the sign-in page)."""
    if who is None:
        return _to_sign_in("/projects/new")
    owners = _owners(session, who)
    values = {"stage": Stage.IDEA.value, "owner": owners[0] if owners else ""}
    return _new_page(request, who, owners, values)


def _owners(session: Session, who: Principal) -> list[str]:
    """The owners ``who`` may create a project for (refused if none)."""
    if who.role is Role.ADMIN:
        return sorted(set(known_owners(session)) | who.organisations)
    authorize(who, Action.EDIT, next(iter(sorted(who.organisations)), None))
    return sorted(who.organisations)


def _new_page(
    request: Request,
    who: Principal,
    owners: list[str],
    values: dict[str, str],
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "section": "projects",
        "owners": owners,
        "values": values,
        "stages": [s.value for s in Stage],
        "problems": _by_field(problems or []),
    }
    return render(request, "project_new.html", context, status_code=status_code)


@router.post("/projects/new")
async def create(
    request: Request,
    who: PrincipalDep,
    stage: Annotated[str, Form(max_length=20)],
    owner: Annotated[str, Form(max_length=300)],
    identifier: Annotated[str, Form(max_length=400)] = "",
    title: Annotated[str, Form(max_length=4000)] = "",
    description: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    """Create the project for ``owner`` (one of the editor's organisations), then go to its
    parts; a refused field comes back beside the form's field."""
    engine: Engine = request.app.state.engine
    allowed = authorize(who, Action.EDIT, owner)
    values = {"identifier": identifier.strip(), "title": title.strip(), "stage": stage}
    values |= {"owner": owner, "description": description.strip()}
    try:
        await run_in_threadpool(_create, engine, allowed, values)
    except InputError as refused:
        with session_scope(engine) as session:
            owners = _owners(session, allowed)
        return _new_page(request, allowed, owners, values, refused.problems, 422)
    return RedirectResponse(_project_url(values["identifier"], "/edit"), status_code=303)


def _create(engine: Engine, who: Principal, values: dict[str, str]) -> None:
    create_project(
        engine,
        identifier=values["identifier"],
        title=values["title"],
        stage=values["stage"],
        owner=values["owner"] or None,
        description=values["description"] or None,
        actor=acting(who),
    )


# --- editing ---------------------------------------------------------------------------------


@router.get("/projects/{identifier:path}/edit")
def edit_form(
    request: Request, session: SessionDep, who: PrincipalDep, identifier: Identifier
) -> Response:
    """The forms, filled with the project as it is now (anonymous: to the sign-in page)."""
    if who is None:
        return _to_sign_in(f"/projects/{identifier}/edit")
    authorize_project(session, who, Action.EDIT, identifier)
    return _edit_page(request, session, identifier)


def _edit_page(
    request: Request,
    session: Session,
    identifier: str,
    *,
    values: dict[str, Any] | None = None,
    part: str | None = None,
    rows: list[dict[str, str]] | None = None,
    problems: list[Problem] | None = None,
    stale: StaleVersionError | None = None,
    status_code: int = 200,
) -> Response:
    """The edit page at the stored version; the form that was sent (``values`` of the fields,
    or ``rows`` of ``part``) shown as sent, with its ``problems`` or the ``stale`` change."""
    project = get_project(session, identifier)
    spec = project_spec(project)
    fields = {"title": spec.title, "description": spec.description or "", "stage": spec.stage}
    parts = {name: part_rows(spec, name) for name in PARTS}
    if part is not None and rows is not None:
        parts[part] = rows
    blank = {name: dict.fromkeys(("index", *columns), "") for name, columns in PARTS.items()}
    context = {
        "section": "projects",
        "identifier": identifier,
        "values": values or fields,
        "version": project_version(session, identifier),
        "stale": stale,
        "stale_part": part if stale is not None else None,
        "stages": [s.value for s in Stage],
        "parts": {name: [*found, *[blank[name]] * BLANK_ROWS] for name, found in parts.items()},
        "failed_part": part,
        "problems": problems or [],
        "participant_roles": PARTICIPANT_ROLES,
        "transaction_types": list(codelist("TransactionType")),
        "currencies": CURRENCIES,
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
    """Save the fields if the project is still at its version; else show the other change."""
    engine = request.app.state.engine
    changes = {"title": title.strip(), "stage": stage, "description": description.strip() or None}
    values = {**changes, "description": description}
    try:
        await run_in_threadpool(
            _save, engine, request.app.state.books, who, identifier, changes, version
        )
    except StaleVersionError as stale:
        with session_scope(engine) as session:
            return _edit_page(
                request, session, identifier, values=values, stale=stale, status_code=412
            )
    except InputError as refused:
        with session_scope(engine) as session:
            return _edit_page(
                request,
                session,
                identifier,
                values=values,
                problems=refused.problems,
                status_code=422,
            )
    return RedirectResponse(_project_url(identifier), status_code=303)


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


@router.post("/projects/{identifier:path}/edit/{part}")
async def save_part(
    request: Request,
    who: PrincipalDep,
    identifier: Identifier,
    part: Annotated[str, Path(max_length=20, pattern="^[a-z]+$")],
) -> Response:
    """Save one part of the project (its rows, as the form sent them) if the project is still
    at the form's version; else the page again with the problems or the other change."""
    if part not in PARTS:
        raise InputError(f"`part` must be one of {', '.join(PARTS)}; got {part!r}")
    engine: Engine = request.app.state.engine
    form = await request.form()
    version = str(form.get("version") or "")
    columns = ("index", *PARTS[part])
    lists = [[str(v)[:4000] for v in form.getlist(name)] for name in columns]
    count = min(max((len(values) for values in lists), default=0), 2000)
    padded = [values[:count] + [""] * (count - len(values)) for values in lists]
    rows = [dict(zip(columns, cells, strict=True)) for cells in zip(*padded, strict=True)]
    try:
        await run_in_threadpool(_save_part, engine, who, identifier, part, rows, version)
    except (StaleVersionError, InputError) as failed:
        stale = failed if isinstance(failed, StaleVersionError) else None
        problems = failed.problems if isinstance(failed, InputError) else []
        with session_scope(engine) as session:
            return _edit_page(
                request,
                session,
                identifier,
                part=part,
                rows=rows,
                problems=problems,
                stale=stale,
                status_code=412 if stale else 422,
            )
    return RedirectResponse(_project_url(identifier, f"/edit#{part}"), status_code=303)


def _save_part(
    engine: Engine,
    who: Principal | None,
    identifier: str,
    part: str,
    rows: list[dict[str, str]],
    version: str,
) -> None:
    with session_scope(engine) as session:
        allowed = authorize_project(session, who, Action.EDIT, identifier)
    edit_part(engine, identifier, part, rows, based_on=version, actor=acting(allowed))


def _by_field(problems: list[Problem]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(problem.field, []).append(problem.reason)
    return found
