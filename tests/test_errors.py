"""The one table of what a failure means: pinned row by row."""

from __future__ import annotations

import pytest

from cajad.corridor.errors import NoRouteError, UnknownPlaceError
from cajad.errors import CajadError, ConflictError, ErrorKind, kind_of
from cajad.register.errors import ConversionError, InputError, NotFoundError, StoreError
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
    assert {k for k in ErrorKind if k.refused} == {
        ErrorKind.NOT_FOUND,
        ErrorKind.INVALID,
        ErrorKind.CONFLICT,
    }
