"""Errors of the register.

CajadError
└── RegisterError
    ├── NotFoundError (LookupError)      a project, organisation or rate that is not there
    ├── InputError (ValueError)          input refused; ``problems`` lists every place and reason
    ├── ConversionError (ValueError)     no exchange rate under the conversion policy
    ├── StaleVersionError (PreconditionFailedError)  an edit based on a version since changed
    └── StoreError                       the database refused or failed (driver error chained)
        └── BusyStoreError (BusyError)   another writer held the write lock past the wait

:class:`~cajad.errors.Problem` (one place in an input and why) is cajad's, re-exported here.
"""

from __future__ import annotations

from cajad.errors import BusyError, CajadError, PreconditionFailedError, Problem

__all__ = [
    "BusyStoreError",
    "ConversionError",
    "InputError",
    "NotFoundError",
    "Problem",
    "RegisterError",
    "StaleVersionError",
    "StoreError",
]


class RegisterError(CajadError):
    """Base class of register errors."""


class NotFoundError(RegisterError, LookupError):
    """A record that was asked for does not exist."""


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


class StaleVersionError(RegisterError, PreconditionFailedError):
    """An edit was based on a version of the project that is no longer the stored one: someone
    else changed it meanwhile. ``current`` is the stored version, ``changes`` what they
    changed (field: before → after, from the audit log); nothing was written."""

    def __init__(self, message: str, *, current: str, changes: list[str] | None = None) -> None:
        self.current = current
        self.changes = changes or []
        detail = "; ".join(self.changes[:20])
        super().__init__(message + (f": {detail}" if detail else ""))


class StoreError(RegisterError):
    """The database refused an operation or failed; the driver's error is chained."""


class BusyStoreError(StoreError, BusyError):
    """Another writer held the register's write lock longer than a writer waits for it
    (:data:`cajad.register.store.BUSY_TIMEOUT_S`); nothing was written, and trying again
    later will do: 503 with ``Retry-After`` on the web, one line and exit 2 in the CLI."""
