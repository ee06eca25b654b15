"""Who is asking: the signed-in account of a request, and the CSRF check of every form.

:func:`load_visitor` runs before every route (an app-wide dependency). It reads
``Authorization: Bearer TOKEN`` (scripts) or the session cookie (browsers) through
:mod:`cajad.accounts` and leaves a :class:`Visitor` on ``request.state``. A request that writes
with the session cookie must carry the session's CSRF token, in the ``X-CSRF-Token`` header or
the form's ``csrf_token`` field, or it is refused (403): another site can make a browser send
the cookie, never the token. A bearer token is not sent by browsers on their own, so it needs
none. The sign-in form, before any session, carries the token of a cookie of its own
(:data:`SIGNIN_CSRF_COOKIE`, double submit).

Routes then ask :func:`cajad.accounts.authorize` (or ``authorize_project``) with the
:data:`PrincipalDep` they are given: the one rule, for pages and API alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cajad.accounts import NotSignedInError, Principal, session_principal, token_principal
from cajad.accounts.tokens import new_secret, same
from cajad.register import session_scope
from cajad.web.errors import WebError

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "OPEN_WRITES",
    "SESSION_COOKIE",
    "SIGNIN_CSRF_COOKIE",
    "CsrfError",
    "PrincipalDep",
    "Visitor",
    "load_visitor",
    "set_session_cookie",
    "signin_csrf",
    "visitor_of",
]

SESSION_COOKIE = "cajad_session"
SIGNIN_CSRF_COOKIE = "cajad_signin_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
#: Methods that change something: they need an account, and with a cookie, the CSRF token.
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The only writes open to the public: signing in, and out of one's own session.
OPEN_WRITES = frozenset({"/login", "/logout"})


class CsrfError(WebError, PermissionError):
    """A write signed in by cookie came without its session's CSRF token (403)."""


@dataclass(frozen=True)
class Visitor:
    """Who a request is from: an account (by ``session`` cookie or API ``token``) or nobody;
    ``csrf`` is the session's token, which its forms carry."""

    principal: Principal | None = None
    via: str | None = None
    csrf: str | None = None


ANONYMOUS = Visitor()


async def load_visitor(request: Request) -> None:
    """Find the request's account (app-wide dependency); check the CSRF token of a write."""
    engine: Engine = request.app.state.engine
    authorization = request.headers.get("authorization")
    cookie = request.cookies.get(SESSION_COOKIE)
    visitor = ANONYMOUS
    if authorization is not None or cookie:
        visitor = await run_in_threadpool(_resolve, engine, authorization, cookie)
    request.state.visitor = visitor
    if request.method not in UNSAFE:
        return
    if visitor.principal is None and request.url.path not in OPEN_WRITES:
        # Before the body is read or anything looked up: an anonymous write is 401, whatever
        # the route (a new one too), and its answer says nothing about what exists.
        raise NotSignedInError("writing needs a signed-in account (or an API token)")
    if visitor.via == "session":
        await _check_csrf(request, visitor.csrf or "")


def _resolve(engine: Engine, authorization: str | None, cookie: str | None) -> Visitor:
    if authorization is not None:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotSignedInError("`Authorization` must be `Bearer <token>`")
        with session_scope(engine, actor="api token") as session:
            who = token_principal(session, secret.strip())
        if who is None:
            raise NotSignedInError("the API token is unknown, revoked or its account disabled")
        return Visitor(who, "token")
    assert cookie is not None
    with session_scope(engine, actor="session") as session:
        found = session_principal(session, cookie)
    return ANONYMOUS if found is None else Visitor(found[0], "session", found[1])


async def _check_csrf(request: Request, expected: str) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None and _is_form(request):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not same(given, expected):
        raise CsrfError(
            "the form or request lacks this session's CSRF token: reload the page and try again"
        )


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def visitor_of(request: Request) -> Visitor:
    """The request's visitor (anonymous if :func:`load_visitor` did not run)."""
    found = getattr(request.state, "visitor", None)
    return found if isinstance(found, Visitor) else ANONYMOUS


def current_principal(request: Request) -> Principal | None:
    """The signed-in account, or None for the public."""
    return visitor_of(request).principal


#: The signed-in account of the request (None: the public), for routes to authorize.
PrincipalDep = Annotated[Principal | None, Depends(current_principal)]


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def signin_csrf(request: Request, response: Response) -> str:
    """The sign-in form's CSRF token: the value of its own cookie, made if missing."""
    token = request.cookies.get(SIGNIN_CSRF_COOKIE) or new_secret()
    response.set_cookie(
        SIGNIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return token
