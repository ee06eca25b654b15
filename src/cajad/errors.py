"""The root of every cajad exception, and what each kind of failure means at the edges.

Each package draws its own tree under :class:`CajadError`; errors also inherit the built-in a
caller would naturally catch, and that built-in is what decides how the CLI and the web answer:

=====================================  ==============  ========  ==========================
error                                  kind            exit      HTTP
=====================================  ==============  ========  ==========================
``CajadError`` and ``LookupError``     ``not_found``   2         404 Not Found
``CajadError`` and ``ValueError``      ``invalid``     2         422 Unprocessable Content
:class:`ConflictError`                 ``conflict``    2         409 Conflict
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


class ErrorKind(StrEnum):
    """What a failure means to the person or program that asked."""

    NOT_FOUND = "not_found"
    INVALID = "invalid"
    CONFLICT = "conflict"
    FAILED = "failed"
    UNEXPECTED = "unexpected"

    @property
    def refused(self) -> bool:
        """Whether the input was refused (nothing written), as opposed to cajad failing."""
        return self in (ErrorKind.NOT_FOUND, ErrorKind.INVALID, ErrorKind.CONFLICT)


def kind_of(exc: BaseException) -> ErrorKind:
    """The kind of ``exc`` under the table in this module's docstring."""
    if not isinstance(exc, CajadError):
        return ErrorKind.UNEXPECTED
    if isinstance(exc, ConflictError):
        return ErrorKind.CONFLICT
    if isinstance(exc, LookupError):
        return ErrorKind.NOT_FOUND
    if isinstance(exc, ValueError):
        return ErrorKind.INVALID
    return ErrorKind.FAILED


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
