"""Errors of the web layer and the one handler that turns every failure into a response.

::

    CajadError
    └── WebError
        ├── ParameterError (ValueError)          a query or path parameter refused; names it
        └── ResourceNotFoundError (LookupError)  nothing at what the request names (a route)

What a failure means is decided once, for the CLI and the web alike, by
:func:`cajad.errors.kind_of`: not found → 404, refused input → 422, conflict → 409, the
register's write lock held too long by another writer → 503 with ``Retry-After``, a failure
of cajad (the store, a worker) or anything unexpected → 500, logged with its trace. Every
package's errors reach HTTP by this one map; services raise their own errors, never HTTP ones.

Under ``/api`` the answer is a problem details object (RFC 9457), :class:`ProblemDetails`,
served as ``application/problem+json``::

    {"type": "/api/problems/invalid-parameters", "title": "Invalid parameters",
     "status": 422, "detail": "limit: must be at most 500; got '1000'",
     "instance": "/api/projects",
     "errors": [{"field": "limit", "message": "must be at most 500; got '1000'"}]}

``type`` names one of :data:`PROBLEM_TYPES`, each described at its own address. Everywhere
else ``error.html`` renders the same fields with the same status.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from cajad.errors import CajadError, ErrorKind, kind_of
from cajad.web.templating import render

log = logging.getLogger(__name__)

#: The media type of every error answer of the JSON API (RFC 9457).
PROBLEM_JSON = "application/problem+json"


class WebError(CajadError):
    """Base class of errors raised by the web layer."""


class ParameterError(WebError, ValueError):
    """A request parameter was refused: ``field`` names it, ``message`` says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class ResourceNotFoundError(WebError, LookupError):
    """Nothing exists at what the request names: a route between two places, a scenario."""


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One kind of error answer: its ``type`` URI, title and status are the same every time."""

    slug: str
    title: str
    status: int
    description: str

    @property
    def uri(self) -> str:
        return f"/api/problems/{self.slug}"


NOT_FOUND = ProblemType(
    "not-found", "Not found", 404, "What the request names does not exist (a project, a run)."
)
INVALID_PARAMETERS = ProblemType(
    "invalid-parameters",
    "Invalid parameters",
    422,
    "A query or path parameter was refused; `errors` names each field and why.",
)
REFUSED = ProblemType(
    "refused", "Input refused", 422, "The request was understood but cannot be answered as asked."
)
CONFLICT = ProblemType(
    "conflict", "Conflict", 409, "The request conflicts with the stored state; nothing changed."
)
STALE = ProblemType(
    "stale",
    "Precondition failed",
    412,
    "The `If-Match` version is no longer the stored one: someone changed it meanwhile; nothing "
    "changed. Read it again (its `ETag`) and reapply the change.",
)
UNVERSIONED = ProblemType(
    "precondition-required",
    "Precondition required",
    428,
    "A change must say which version it is based on: send the `ETag` you read as `If-Match`.",
)
UNSIGNED = ProblemType(
    "sign-in-required",
    "Sign-in required",
    401,
    "Writing needs an account: sign in, or send `Authorization: Bearer <token>`.",
)
FORBIDDEN = ProblemType(
    "forbidden",
    "Forbidden",
    403,
    "The signed-in account's role does not allow this, or the project is another organisation's.",
)
THROTTLED = ProblemType(
    "too-many-attempts",
    "Too many attempts",
    429,
    "Too many failed sign-ins from this address or for this account; wait `Retry-After` seconds.",
)
BUSY = ProblemType(
    "busy",
    "Busy",
    503,
    "Another writer held the register's write lock for longer than a write waits; nothing "
    "changed. Try again after `Retry-After` seconds.",
)
INTERNAL = ProblemType(
    "internal-error", "Internal error", 500, "cajad failed to answer; the error is logged."
)
#: Every problem type the API answers, by slug.
PROBLEM_TYPES = {
    t.slug: t
    for t in (
        NOT_FOUND,
        INVALID_PARAMETERS,
        REFUSED,
        CONFLICT,
        STALE,
        UNVERSIONED,
        UNSIGNED,
        FORBIDDEN,
        THROTTLED,
        BUSY,
        INTERNAL,
    )
}
_BY_KIND = {
    ErrorKind.NOT_FOUND: NOT_FOUND,
    ErrorKind.INVALID: REFUSED,
    ErrorKind.CONFLICT: CONFLICT,
    ErrorKind.STALE: STALE,
    ErrorKind.UNVERSIONED: UNVERSIONED,
    ErrorKind.UNSIGNED: UNSIGNED,
    ErrorKind.FORBIDDEN: FORBIDDEN,
    ErrorKind.THROTTLED: THROTTLED,
    ErrorKind.BUSY: BUSY,
    ErrorKind.FAILED: INTERNAL,
    ErrorKind.UNEXPECTED: INTERNAL,
}


class FieldError(BaseModel):
    """One refused field: its name (dotted for nested ones) and why."""

    field: str
    message: str


class ProblemDetails(BaseModel):
    """The body of every error the JSON API answers (RFC 9457 problem details)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] = []


def error_responses(
    not_found: str = "Not found",
    invalid: str = "Invalid parameters",
    conflict: str | None = None,
    *,
    writes: bool = False,
    versioned: bool = False,
    body: bool = False,
) -> dict[int | str, dict[str, Any]]:
    """The error answers of an API router as OpenAPI documents them (``responses=``);
    ``writes`` adds 401 and 403, ``versioned`` 412 and 428 (``If-Match``), ``body`` 400 (a
    request body that is not JSON at all, which FastAPI refuses before any validation)."""
    responses: dict[int | str, dict[str, Any]] = {
        404: {"model": ProblemDetails, "description": not_found},
        422: {"model": ProblemDetails, "description": invalid},
    }
    if body:
        responses[400] = {"model": ProblemDetails, "description": "Malformed request body"}
    if conflict is not None:
        responses[409] = {"model": ProblemDetails, "description": conflict}
    kinds = [UNSIGNED, FORBIDDEN] if writes else []
    kinds += [STALE, UNVERSIONED] if versioned else []
    for kind in kinds:
        responses[kind.status] = {"model": ProblemDetails, "description": kind.title}
    return responses


def problem_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (an OpenAPI document) with its error answers under ``application/problem+json``
    (FastAPI documents a response model under the route's own media type)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status)[0] in "45" and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return schema


def describe(exc: Exception, instance: str) -> ProblemDetails:
    """What ``exc``, raised answering the request for ``instance``, is reported as."""
    if isinstance(exc, RequestValidationError):
        return _invalid([_field_error(e) for e in exc.errors()], instance)
    if isinstance(exc, ParameterError):
        return _invalid([FieldError(field=exc.field, message=exc.message)], instance)
    if isinstance(exc, HTTPException):  # the router's own: no such address, method not allowed
        return _http(exc, instance)
    problem = _BY_KIND[kind_of(exc)]
    if problem is INTERNAL:
        log.error("%s failed", instance, exc_info=exc)
        return _answer(problem, problem.description, instance)
    return _answer(problem, str(exc), instance)


def _answer(
    problem: ProblemType, detail: str, instance: str, errors: Sequence[FieldError] = ()
) -> ProblemDetails:
    return ProblemDetails(
        type=problem.uri,
        title=problem.title,
        status=problem.status,
        detail=detail,
        instance=instance,
        errors=list(errors),
    )


def _invalid(fields: Sequence[FieldError], instance: str) -> ProblemDetails:
    detail = "; ".join(f"{f.field}: {f.message}" for f in fields) or INVALID_PARAMETERS.title
    return _answer(INVALID_PARAMETERS, detail, instance, fields)


def _http(exc: HTTPException, instance: str) -> ProblemDetails:
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    if exc.status_code == 404:
        detail = "there is no page at this address" if detail == phrase else detail
        return _answer(NOT_FOUND, detail, instance)
    return ProblemDetails(
        type="about:blank", title=phrase, status=exc.status_code, detail=detail, instance=instance
    )


def _field_error(error: Any) -> FieldError:
    location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
    field = ".".join(location) or "request"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    message = message[0].lower() + message[1:] if message else "invalid"
    if "input" in error and error.get("type") != "missing":
        message += f"; got {error['input']!r}"
    return FieldError(field=field, message=message)


#: Addresses outside /api that programs read, not people (the Atom feed of changes): their
#: errors are problem JSON too.
MACHINE_READ = frozenset({"/changes"})


def wants_json(request: Request) -> bool:
    """API paths and machine-read feeds answer JSON; pages answer HTML."""
    path = request.url.path
    return path == "/api" or path.startswith("/api/") or path in MACHINE_READ


async def handle_exception(request: Request, exc: Exception) -> Response:
    """The one error handler: :class:`ProblemDetails` under /api, else the error page."""
    problem = describe(exc, request.url.path)
    headers = _headers(exc)
    if wants_json(request):
        body = problem.model_dump(mode="json")
        return JSONResponse(body, problem.status, headers=headers, media_type=PROBLEM_JSON)
    page = render(request, "error.html", {"error": problem}, status_code=problem.status)
    page.headers.update(headers or {})
    return page


def _headers(exc: Exception) -> Mapping[str, str] | None:
    """The headers an error answer carries: the router's own, the scheme to sign in with
    (401, RFC 9110), when to try again (429; 503 when another writer held the lock)."""
    if isinstance(exc, HTTPException):
        return exc.headers
    kind = kind_of(exc)
    if kind is ErrorKind.UNSIGNED:
        return {"WWW-Authenticate": 'Bearer realm="cajad"'}
    if kind in (ErrorKind.THROTTLED, ErrorKind.BUSY):
        return {"Retry-After": str(getattr(exc, "retry_after", 60))}
    return None


class ProblemTypeOut(BaseModel):
    """What a problem ``type`` means."""

    type: str
    title: str
    status: int
    description: str


router = APIRouter(prefix="/api/problems", tags=["api"], responses=error_responses())


@router.get("/{slug}", response_model=ProblemTypeOut, summary="What an error type means")
def problem_type(slug: Annotated[str, Path(max_length=40)]) -> ProblemTypeOut:
    """The title, status and meaning of the error answers whose ``type`` is this address."""
    found = PROBLEM_TYPES.get(slug)
    if found is None:
        raise ResourceNotFoundError(
            f"no problem type {slug!r}; the types are: {', '.join(PROBLEM_TYPES)}"
        )
    return ProblemTypeOut(
        type=found.uri, title=found.title, status=found.status, description=found.description
    )
