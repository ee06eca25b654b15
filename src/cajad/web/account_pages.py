"""Signing in and out of the portal, and the admin's pages: accounts and the whole audit log.

``POST /login`` checks the sign-in form's own CSRF token, then the password
(:func:`cajad.accounts.sign_in`: rate-limited, locked out after repeated failures), and sets
the session cookie. ``POST /logout`` ends the session. ``/admin/…`` needs an admin: every
change of the log with its author, before and after; the accounts, with a password reset (a
new one-time password shown once) and disabling.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cajad.accounts import (
    Action,
    authorize,
    disable_account,
    list_accounts,
    reset_password,
    sign_in,
    sign_out,
)
from cajad.accounts import acting as actor_of
from cajad.accounts.errors import LockedOutError, NotSignedInError
from cajad.accounts.signin import MAX_FAILURES
from cajad.accounts.tokens import same
from cajad.errors import ErrorKind, kind_of
from cajad.register import audit, entry_summary
from cajad.web.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SIGNIN_CSRF_COOKIE,
    CsrfError,
    PrincipalDep,
    set_session_cookie,
    signin_csrf,
)
from cajad.web.deps import SessionDep
from cajad.web.i18n import gettext as _
from cajad.web.i18n import ngettext
from cajad.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Email = Annotated[str, Form(max_length=254)]
Password = Annotated[str, Form(max_length=1024)]
Token = Annotated[str, Form(alias=CSRF_FIELD, max_length=100)]
Next = Annotated[str, Form(alias="next", max_length=500)]


def _local(target: str | None) -> str:
    """``target`` if it is a path on this site, else ``/`` (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, who: PrincipalDep, next: str | None = Query(None)) -> Response:
    """The sign-in form (or who is signed in already)."""
    return _login_form(request, next_url=_local(next), signed_in=who is not None)


def _login_form(
    request: Request,
    *,
    next_url: str,
    signed_in: bool = False,
    error: str | None = None,
    email: str = "",
    status_code: int = 200,
) -> Response:
    response = Response()
    token = signin_csrf(request, response)
    context = {
        "section": "login",
        "signin_csrf": token,
        "next_url": next_url,
        "error": error,
        "email": email,
        "signed_in": signed_in,
    }
    page = render(request, "login.html", context, status_code=status_code)
    page.headers.append("set-cookie", response.headers["set-cookie"])
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/login")
async def login(
    request: Request, email: Email, password: Password, csrf: Token, next_url: Next = "/"
) -> Response:
    """Check the password and sign in; the form again, with why, when refused."""
    if not same(csrf, request.cookies.get(SIGNIN_CSRF_COOKIE) or "\0"):
        raise CsrfError("the sign-in form's CSRF token is missing or wrong: reload the page")
    engine: Engine = request.app.state.engine
    address = request.client.host if request.client else "unknown"
    try:
        signed = await run_in_threadpool(sign_in, engine, email, password, address=address)
    except Exception as exc:
        kind = kind_of(exc)
        if kind not in (ErrorKind.UNSIGNED, ErrorKind.THROTTLED):
            raise
        status = 429 if kind is ErrorKind.THROTTLED else 401
        page = _login_form(
            request, next_url=_local(next_url), error=_refusal(exc), email=email, status_code=status
        )
        if kind is ErrorKind.THROTTLED:
            page.headers["Retry-After"] = str(getattr(exc, "retry_after", 60))
        return page
    response = RedirectResponse(_local(next_url), status_code=303)
    set_session_cookie(request, response, signed.secret)
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path="/")
    return response


def _refusal(exc: Exception) -> str:
    """Why a sign-in was refused, in the request's language (the accounts package says it in
    English, for logs and the API)."""
    if isinstance(exc, NotSignedInError):
        return _("wrong e-mail or password")
    if isinstance(exc, LockedOutError):
        if str(exc).startswith("too many failed sign-ins from this address"):
            return _("too many failed sign-ins from this address; try again later")
        minutes = (int(getattr(exc, "retry_after", 60)) + 59) // 60
        return ngettext(
            "this account is locked after %(failures)s failed sign-ins; try again in "
            "%(num)s minute, or ask an admin to reset the password",
            "this account is locked after %(failures)s failed sign-ins; try again in "
            "%(num)s minutes, or ask an admin to reset the password",
            minutes,
        ) % {"failures": MAX_FAILURES, "num": minutes}
    return str(exc)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End this browser's session (the CSRF token was checked with the session)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        await run_in_threadpool(sign_out, request.app.state.engine, secret)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/admin/changes")
def admin_changes(
    request: Request,
    session: SessionDep,
    who: PrincipalDep,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Every entry of the audit log, newest first: who, when, what, before and after."""
    authorize(who, Action.MANAGE)
    rows = audit.entries(session, before_id=before, limit=100)
    context = {
        "section": "admin",
        "entries": [(e, entry_summary(e)) for e in rows],
        "next_before": rows[-1].id if len(rows) == 100 else None,
    }
    return render(request, "admin_changes.html", context)


@router.get("/admin/accounts")
def admin_accounts(request: Request, session: SessionDep, who: PrincipalDep) -> Response:
    """The accounts, with a password reset and a disable button each."""
    authorize(who, Action.MANAGE)
    context = {"section": "admin", "accounts": list_accounts(session), "made": None}
    return render(request, "admin_accounts.html", context)


AccountEmail = Annotated[str, Path(max_length=254)]


@router.post("/admin/accounts/{email}/reset")
def admin_reset(
    request: Request, session: SessionDep, who: PrincipalDep, email: AccountEmail
) -> Response:
    """Reset a password: the new one-time password is shown once, on this page."""
    admin = authorize(who, Action.MANAGE)
    made = reset_password(request.app.state.engine, email, actor=actor_of(admin))
    context = {
        "section": "admin",
        "accounts": list_accounts(session),
        "made": (email, made),
    }
    response = render(request, "admin_accounts.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/admin/accounts/{email}/disable")
def admin_disable(request: Request, who: PrincipalDep, email: AccountEmail) -> Response:
    """Disable an account: its sessions end, its tokens stop working."""
    admin = authorize(who, Action.MANAGE)
    disable_account(request.app.state.engine, email, actor=actor_of(admin))
    return RedirectResponse("/admin/accounts", status_code=303)


def login_link(path: str) -> str:
    """The sign-in page's address, coming back to ``path`` after."""
    return f"/login?next={quote(path, safe='/')}"
