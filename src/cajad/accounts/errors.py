"""Errors of the accounts package.

CajadError
└── AccountError
    ├── AccountInputError (ValueError)                 a bad e-mail, role, organisation, password
    ├── UnknownAccountError (LookupError)              no such account (or token)
    ├── DuplicateAccountError (ConflictError)          the e-mail already has an account
    ├── NotSignedInError (UnauthenticatedError)        no account, or a wrong password or token
    ├── LockedOutError (RateLimitedError)              too many failed sign-ins: wait
    └── NotAllowedError (ForbiddenError)               the account's role or organisations refuse
"""

from __future__ import annotations

from cajad.errors import (
    CajadError,
    ConflictError,
    ForbiddenError,
    RateLimitedError,
    UnauthenticatedError,
)

__all__ = [
    "AccountError",
    "AccountInputError",
    "DuplicateAccountError",
    "LockedOutError",
    "NotAllowedError",
    "NotSignedInError",
    "UnknownAccountError",
]


class AccountError(CajadError):
    """Base class of account errors."""


class AccountInputError(AccountError, ValueError):
    """An e-mail, role, organisation or password was refused."""


class UnknownAccountError(AccountError, LookupError):
    """No account (or API token) is known by what was given."""


class DuplicateAccountError(AccountError, ConflictError):
    """An account with this e-mail exists already."""


class NotSignedInError(AccountError, UnauthenticatedError):
    """Signing in failed (one message for a wrong e-mail or password), or a write came with
    no account."""


class LockedOutError(AccountError, RateLimitedError):
    """Too many failed sign-ins for the account or from the address; ``retry_after`` seconds."""


class NotAllowedError(AccountError, ForbiddenError):
    """The account may not do this: its role, or the project is another organisation's."""
