"""Setting a project's benefit from the portal: the plan page's form and the project page's.

``POST /projects/{id}/benefit`` and ``POST /plan/benefits`` (the project chosen in the form)
take a form with the session's CSRF token (checked for every write by :mod:`cajad.web.auth`)
and set the benefit the planner uses for the project, or clear it (``clear``) so the register
default applies again. Who may: analysts and admins, who plan, and editors of the
organisation that owns the project (:func:`cajad.portfolio.benefits.authorize_benefit`); the
change is audit-logged under the account. The answer goes back to the page the form was on.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Form, Path, Request
from sqlalchemy import Engine, select
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cajad.accounts import Action, Principal, acting, can, project_owner
from cajad.portfolio.benefits import authorize_benefit, clear_benefit, set_benefit
from cajad.portfolio.errors import CandidatesError
from cajad.portfolio.tables import KINDS, ProjectBenefit
from cajad.register import Project, session_scope
from cajad.web.auth import PrincipalDep

__all__ = ["router", "template_globals"]

router = APIRouter(include_in_schema=False)

Identifier = Annotated[str, Path(max_length=200)]


@router.post("/projects/{identifier:path}/benefit")
async def save_benefit(
    request: Request,
    who: PrincipalDep,
    identifier: Identifier,
    value: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    kind: Annotated[str, Form(max_length=8)] = "user",
    basis: Annotated[str, Form(max_length=2000)] = "",
    clear: Annotated[str, Form(max_length=8)] = "",
    back: Annotated[str, Form(max_length=20)] = "project",
) -> Response:
    """Set (or clear) the project's benefit, then back to the plan or the project page."""
    engine: Engine = request.app.state.engine
    amount = None if clear else _amount(value)
    await run_in_threadpool(_save, engine, who, identifier, amount, note, kind, basis)
    if back == "plan":
        return RedirectResponse("/plan#benefits", status_code=303)
    return RedirectResponse(f"/projects/{quote(identifier, safe='/:')}#benefit", status_code=303)


@router.post("/plan/benefits")
async def save_plan_benefit(
    request: Request,
    who: PrincipalDep,
    project: Annotated[str, Form(max_length=200)],
    value: Annotated[str, Form(max_length=40)],
    note: Annotated[str, Form(max_length=2000)] = "",
    kind: Annotated[str, Form(max_length=8)] = "user",
    basis: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The plan page's form: set the benefit of the project chosen, then back to the plan."""
    engine: Engine = request.app.state.engine
    await run_in_threadpool(_save, engine, who, project, _amount(value), note, kind, basis)
    return RedirectResponse("/plan#benefits", status_code=303)


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        return Decimal("NaN")


def _save(
    engine: Engine,
    who: Principal | None,
    identifier: str,
    amount: Decimal | None,
    note: str,
    kind: str,
    basis: str,
) -> None:
    with session_scope(engine) as session:
        allowed = authorize_benefit(session, who, identifier)
    with session_scope(engine, actor=acting(allowed)) as session:
        if amount is None:
            clear_benefit(session, identifier)
            return
        if not amount.is_finite():
            raise CandidatesError("the benefit must be a number like 1200 or 12.5")
        set_benefit(session, identifier, amount, note=note, kind=kind, basis=basis)


@jinja2.pass_context
def benefit_for_project(context: Any, identifier: str) -> dict[str, Any]:
    """The project page's benefit section: the value set (None: the register default applies)
    and whether the visitor may set it."""
    request: Request = context["request"]
    engine: Engine = request.app.state.engine
    visitor = context.get("visitor")
    who = None if visitor is None else visitor.principal
    with session_scope(engine, actor="cajad web") as session:
        row = session.scalar(
            select(ProjectBenefit).join(Project).where(Project.identifier == identifier)
        )
        may = who is not None and (
            can(who, Action.RUN) or can(who, Action.EDIT, project_owner(session, identifier))
        )
        found = None
        if row is not None:
            found = {
                "value": row.value,
                "kind": row.kind,
                "basis": row.basis,
                "note": row.note,
                "by": row.updated_by,
                "at": row.updated_at,
            }
    return {"set": found, "may_set": may, "kinds": KINDS}


def template_globals() -> dict[str, Callable[..., Any]]:
    """What the benefits contribute to every template (the project page's section)."""
    return {"benefit_for": benefit_for_project}
