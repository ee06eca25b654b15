"""Investor profiles uploaded from the portal by an admin or an analyst: preview, then commit.

``GET /investors/upload`` shows the form. ``POST /investors/upload`` takes a CSV file (the
columns of ``cajad investors import``) and the session's CSRF token (checked for every write by
:mod:`cajad.web.auth`):

- ``action=preview`` (the default) reads it and writes nothing: every problem by line and
  field, or which profiles it would create, update or leave unchanged, with a button that
  commits exactly the text previewed (carried in the form, so nothing is read twice);
- ``action=commit`` imports it in one transaction (a file with any problem is refused whole),
  each change audit-logged under the account, as the CLI does.

Who may: :data:`~cajad.accounts.Action.IMPORT` (admins and analysts).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cajad.accounts import Action, Principal, acting, authorize
from cajad.brokerage.errors import InvestorsError
from cajad.brokerage.profiles import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, parse_text
from cajad.brokerage.store import ImportResult, import_profiles, preview_import
from cajad.register import session_scope
from cajad.web.auth import PrincipalDep
from cajad.web.errors import ParameterError
from cajad.web.templating import render

__all__ = ["MAX_UPLOAD_BYTES", "router"]

router = APIRouter(include_in_schema=False)

#: The largest upload read (1 MiB: the 33 bundled profiles take 15 KiB).
MAX_UPLOAD_BYTES = 1 << 20


@router.get("/investors/upload")
def upload_form(request: Request, who: PrincipalDep) -> Response:
    """The upload form (admins and analysts; anonymous: to the sign-in page; anyone else is
    refused as for the import)."""
    if who is None:
        return RedirectResponse("/login?next=%2Finvestors%2Fupload", status_code=303)
    authorize(who, Action.IMPORT)
    return _page(request, {})


@router.post("/investors/upload")
async def upload(
    request: Request,
    who: PrincipalDep,
    file: Annotated[UploadFile | None, File()] = None,
    content: Annotated[str, Form(max_length=MAX_UPLOAD_BYTES)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    action: Annotated[str, Form(max_length=10)] = "preview",
) -> Response:
    """Preview the file (problems by line and field, or what it would change), or commit it."""
    allowed = authorize(who, Action.IMPORT)
    if file is not None and file.filename:
        raw = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise ParameterError("file", f"must be at most {MAX_UPLOAD_BYTES // 1024} KiB")
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParameterError("file", "must be UTF-8 text (CSV)") from exc
        name = file.filename
    if not content.strip():
        raise ParameterError("file", "choose a CSV file of investor profiles")
    name = name or "upload.csv"
    engine: Engine = request.app.state.engine
    try:
        investors = parse_text(content, source=name)
    except InvestorsError as exc:
        return _page(request, {"name": name, "problems": exc.problems}, status_code=422)
    if action == "commit":
        done = await run_in_threadpool(_commit, engine, allowed, investors, name)
        return _page(request, {"name": name, "done": done})
    with session_scope(engine, actor="cajad web") as session:
        preview = preview_import(session, investors)
    return _page(request, {"name": name, "preview": preview, "content": content})


def _commit(engine: Engine, who: Principal, investors: Any, name: str) -> ImportResult:
    return import_profiles(engine, investors, source=f"upload {name}", actor=acting(who))


def _page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    base = {
        "section": "investors",
        "columns": (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS),
        "problems": None,
        "preview": None,
        "done": None,
        "name": "",
        "content": "",
    }
    return render(request, "brokerage/upload.html", base | context, status_code=status_code)
