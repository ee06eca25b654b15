"""Errors of the web layer and the one handler that turns every error into a response.

CajadError
└── WebError
    └── ParameterError (ValueError)      a query or path parameter the API refuses

Every failure, whatever raised it (a refused parameter, a missing project, an unknown route,
an unexpected exception), goes through :func:`handle_exception`. Under ``/api`` it answers
JSON of one shape, :class:`ErrorResponse`::

    {"error": {"status": 422, "title": "Invalid parameters",
               "detail": "limit: must be at most 500; got '1000'",
               "errors": [{"field": "limit", "message": "must be at most 500; got '1000'"}]}}

Everywhere else it renders ``error.html`` with the same fields and status.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from cajad.errors import CajadError
from cajad.register.errors import ConversionError, InputError, NotFoundError
from cajad.web.templating import render

log = logging.getLogger(__name__)


class WebError(CajadError):
    """Base class of errors raised by the web layer."""


class ParameterError(WebError, ValueError):
    """A request parameter was refused: ``field`` names it, ``message`` says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    status: int
    title: str
    detail: str
    errors: list[FieldError] = []


class ErrorResponse(BaseModel):
    """The body of every error the JSON API answers."""

    error: ErrorBody


def error_responses(
    not_found: str = "Not found", invalid: str = "Invalid parameters"
) -> dict[int | str, dict[str, Any]]:
    """The 404 and 422 answers of an API router as OpenAPI documents them (``responses=``)."""
    return {
        404: {"model": ErrorResponse, "description": not_found},
        422: {"model": ErrorResponse, "description": invalid},
    }


def describe(exc: Exception) -> ErrorBody:
    """The status, title, detail and field errors that ``exc`` is reported as."""
    if isinstance(exc, RequestValidationError):
        fields = [_field_error(e) for e in exc.errors()]
        return _body(422, "Invalid parameters", fields)
    if isinstance(exc, ParameterError):
        return _body(422, "Invalid parameters", [FieldError(field=exc.field, message=exc.message)])
    if isinstance(exc, NotFoundError):
        return ErrorBody(status=404, title="Not found", detail=str(exc))
    if isinstance(exc, ConversionError):
        return ErrorBody(status=422, title="Cannot convert", detail=str(exc))
    if isinstance(exc, InputError):
        return ErrorBody(status=400, title="Input refused", detail=str(exc))
    if isinstance(exc, HTTPException):
        title = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 404 and detail == title:
            detail = "there is no page at this address"
        return ErrorBody(status=exc.status_code, title=title, detail=detail)
    log.error("unexpected error", exc_info=exc)
    return ErrorBody(
        status=500, title="Internal error", detail="cajad failed to answer; the error is logged"
    )


def _body(status: int, title: str, fields: Sequence[FieldError]) -> ErrorBody:
    detail = "; ".join(f"{f.field}: {f.message}" for f in fields) or title
    return ErrorBody(status=status, title=title, detail=detail, errors=list(fields))


def _field_error(error: Any) -> FieldError:
    location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
    field = ".".join(location) or "request"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    message = message[0].lower() + message[1:] if message else "invalid"
    if "input" in error and error.get("type") != "missing":
        message += f"; got {error['input']!r}"
    return FieldError(field=field, message=message)


def wants_json(request: Request) -> bool:
    """API paths answer JSON; pages answer HTML."""
    return request.url.path == "/api" or request.url.path.startswith("/api/")


async def handle_exception(request: Request, exc: Exception) -> Response:
    """The one error handler: JSON of :class:`ErrorResponse` under /api, else the error page."""
    body = describe(exc)
    headers = getattr(exc, "headers", None) if isinstance(exc, HTTPException) else None
    if wants_json(request):
        payload = ErrorResponse(error=body).model_dump(mode="json")
        return JSONResponse(payload, status_code=body.status, headers=headers)
    return render(request, "error.html", {"error": body}, status_code=body.status)
