"""The one table of what a failure means: pinned row by row."""

from __future__ import annotations

import pytest

from cajad.accounts.errors import (
    DuplicateAccountError,
    LockedOutError,
    NotAllowedError,
    NotSignedInError,
    UnknownAccountError,
)
from cajad.corridor.errors import NoRouteError, UnknownPlaceError
from cajad.errors import (
    CajadError,
    ConflictError,
    ErrorKind,
    ForbiddenError,
    PreconditionFailedError,
    PreconditionRequiredError,
    RateLimitedError,
    UnauthenticatedError,
    kind_of,
)
from cajad.register.errors import (
    BusyStoreError,
    ConversionError,
    InputError,
    NotFoundError,
    StoreError,
)
from cajad.screening.errors import NotScreenedError


class _BothError(CajadError, LookupError, ValueError):
    pass


class _StaleAndMissingError(ConflictError, LookupError):
    pass


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (NotFoundError("x"), ErrorKind.NOT_FOUND),
        (NotScreenedError("x"), ErrorKind.NOT_FOUND),
        (UnknownPlaceError("Nowhere", []), ErrorKind.NOT_FOUND),
        (InputError("x"), ErrorKind.INVALID),
        (ConversionError("x"), ErrorKind.INVALID),
        (NoRouteError("x"), ErrorKind.INVALID),
        (ConflictError("x"), ErrorKind.CONFLICT),
        (_StaleAndMissingError("x"), ErrorKind.CONFLICT),  # conflict is asked first
        (_BothError("x"), ErrorKind.NOT_FOUND),  # then not-found, before invalid
        (PreconditionFailedError("x"), ErrorKind.STALE),  # a stale version before conflict
        (PreconditionRequiredError("x"), ErrorKind.UNVERSIONED),
        (UnauthenticatedError("x"), ErrorKind.UNSIGNED),
        (NotSignedInError("x"), ErrorKind.UNSIGNED),
        (ForbiddenError("x"), ErrorKind.FORBIDDEN),
        (NotAllowedError("x"), ErrorKind.FORBIDDEN),
        (RateLimitedError("x"), ErrorKind.THROTTLED),
        (LockedOutError("x"), ErrorKind.THROTTLED),
        (BusyStoreError("x"), ErrorKind.BUSY),
        (DuplicateAccountError("x"), ErrorKind.CONFLICT),
        (UnknownAccountError("x"), ErrorKind.NOT_FOUND),
        (StoreError("x"), ErrorKind.FAILED),
        (CajadError("x"), ErrorKind.FAILED),
        (ValueError("x"), ErrorKind.UNEXPECTED),  # a bug, not bad input
        (LookupError("x"), ErrorKind.UNEXPECTED),
        (RuntimeError("x"), ErrorKind.UNEXPECTED),
    ],
)
def test_kind_of(exc: BaseException, kind: ErrorKind) -> None:
    assert kind_of(exc) is kind


def test_refused_kinds() -> None:
    assert {k for k in ErrorKind if not k.refused} == {ErrorKind.FAILED, ErrorKind.UNEXPECTED}
