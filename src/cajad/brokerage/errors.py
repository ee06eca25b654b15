"""Errors of the broker.

::

    CajadError
    └── BrokerageError
        ├── InvestorsError (ValueError)       an investors file refused; ``problems`` names
        │                                     each file, line, field and why
        ├── NeedError (ValueError)            no financing need: the project has no money and
        │                                     no ``--need`` was given, or the need is not > 0
        └── UnknownError (LookupError)        no such project or investor

A project no investor fits is not an error: the match lists no investors and no consortia.
"""

from __future__ import annotations

from collections.abc import Sequence

from cajad.errors import CajadError, Problem

__all__ = ["BrokerageError", "InvestorsError", "NeedError", "Problem", "UnknownError"]


class BrokerageError(CajadError):
    """Base class of the broker's errors."""


class InvestorsError(BrokerageError, ValueError):
    """An investors file was refused; nothing was written. ``problems`` lists every place."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems = list(problems)
        detail = "".join(f"\n  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        super().__init__(message + detail + (f"\n  … and {more} more" if more > 0 else ""))


class NeedError(BrokerageError, ValueError):
    """The project's financing need is unknown or not positive."""


class UnknownError(BrokerageError, LookupError):
    """No project or investor by that identifier."""
