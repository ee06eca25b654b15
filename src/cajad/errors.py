"""The root of every cajad exception, and what each kind of failure means at the edges.

Each package draws its own tree under :class:`CajadError`; errors also inherit the built-in a
caller would naturally catch, and that built-in is what decides how the CLI and the web answer:

=====================================  ==============  ========  ==========================
error                                  kind            exit      HTTP
=====================================  ==============  ========  ==========================
``CajadError`` and ``LookupError``     ``not_found``   2         404 Not Found
``CajadError`` and ``ValueError``      ``invalid``     2         422 Unprocessable Content
:class:`ConflictError`                 ``conflict``    2         409 Conflict
:class:`PreconditionFailedError`       ``stale``       2         412 Precondition Failed
:class:`PreconditionRequiredError`     ``unversioned`` 2         428 Precondition Required
:class:`UnauthenticatedError`          ``unsigned``    2         401 Unauthorized
``CajadError`` and ``PermissionError`` ``forbidden``   2         403 Forbidden
:class:`RateLimitedError`              ``throttled``   2         429 Too Many Requests
:class:`BusyError`                     ``busy``        2         503 Service Unavailable
any other ``CajadError``               ``failed``      1         500 (the store, a worker)
anything else                          ``unexpected``  1         500, logged with its trace
=====================================  ==============  ========  ==========================

A ``ValueError`` or ``LookupError`` that is not a ``CajadError`` is a bug, not bad input: it is
``unexpected``. The CLI's toolkit (``cajad._cli``) and the web's error handler
(``cajad.web.errors``) both ask :func:`kind_of`, so the two edges cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CajadError(Exception):
    """Base class of all errors raised by cajad."""


class ConflictError(CajadError):
    """The request conflicts with the stored state (a stale version, a duplicate)."""


class PreconditionFailedError(ConflictError):
    """The version the request was based on is no longer the stored one (a stale ETag)."""


class PreconditionRequiredError(CajadError):
    """A change was asked without the version it is based on (no ``If-Match``)."""


class UnauthenticatedError(CajadError):
    """The request needs a signed-in account and has none (or a wrong or revoked one)."""


class ForbiddenError(CajadError, PermissionError):
    """The signed-in account may not do this (its role, or another organisation's project)."""


class RateLimitedError(CajadError):
    """Too many attempts (sign-ins); ``retry_after`` says in how many seconds to try again."""

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BusyError(CajadError):
    """The store stayed busy (another writer held its write lock) longer than cajad waits;
    nothing was written. ``retry_after`` says in how many seconds to try again."""

    def __init__(self, message: str, *, retry_after: int = 30) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ErrorKind(StrEnum):
    """What a failure means to the person or program that asked."""

    NOT_FOUND = "not_found"
    INVALID = "invalid"
    CONFLICT = "conflict"
    STALE = "stale"
    UNVERSIONED = "unversioned"
    UNSIGNED = "unsigned"
    FORBIDDEN = "forbidden"
    THROTTLED = "throttled"
    BUSY = "busy"
    FAILED = "failed"
    UNEXPECTED = "unexpected"

    @property
    def refused(self) -> bool:
        """Whether the input was refused (nothing written), as opposed to cajad failing."""
        return self not in (ErrorKind.FAILED, ErrorKind.UNEXPECTED)


def kind_of(exc: BaseException) -> ErrorKind:
    """The kind of ``exc`` under the table in this module's docstring."""
    if not isinstance(exc, CajadError):
        return ErrorKind.UNEXPECTED
    for cls, kind in _KINDS:
        if isinstance(exc, cls):
            return kind
    if isinstance(exc, LookupError):
        return ErrorKind.NOT_FOUND
    if isinstance(exc, ValueError):
        return ErrorKind.INVALID
    return ErrorKind.FAILED


#: The classes :func:`kind_of` asks about first, in order (a stale version is a conflict too).
_KINDS: tuple[tuple[type[BaseException], ErrorKind], ...] = (
    (PreconditionFailedError, ErrorKind.STALE),
    (ConflictError, ErrorKind.CONFLICT),
    (PreconditionRequiredError, ErrorKind.UNVERSIONED),
    (UnauthenticatedError, ErrorKind.UNSIGNED),
    (RateLimitedError, ErrorKind.THROTTLED),
    (BusyError, ErrorKind.BUSY),
    (PermissionError, ErrorKind.FORBIDDEN),
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an input: where (file, line, field) and why.

    ``field`` names the place within the line: a CSV column, a dotted JSON path, an XML element
    path. ``level`` is ``"error"`` (the record is refused) or ``"warning"`` (it is kept). Every
    package reports input problems with this record, printed ``file:line: field: reason``.
    """

    file: str
    line: int
    field: str
    reason: str
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"
