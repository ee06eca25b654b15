"""Errors of the register.

CajadError
└── RegisterError
    ├── NotFoundError (LookupError)      a project, organisation or rate that is not there
    ├── InputError (ValueError)          input refused; ``problems`` lists every place and reason
    ├── ConversionError (ValueError)     no exchange rate under the conversion policy
    └── StoreError                       the database refused or failed (driver error chained)
"""

from __future__ import annotations

from dataclasses import dataclass

from cajad.errors import CajadError


class RegisterError(CajadError):
    """Base class of register errors."""


class NotFoundError(RegisterError, LookupError):
    """A record that was asked for does not exist."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where (file, line, column) and why."""

    file: str
    line: int
    column: str
    reason: str
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.reason}"


class InputError(RegisterError, ValueError):
    """Input was refused; nothing was written. ``problems`` names every place and reason."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = problems or []
        detail = "".join(f"\n  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        if more > 0:
            detail += f"\n  … and {more} more"
        super().__init__(message + detail)


class ConversionError(RegisterError, ValueError):
    """An amount could not be converted: no rate under the documented policy."""


class StoreError(RegisterError):
    """The database refused an operation or failed; the driver's error is chained."""
