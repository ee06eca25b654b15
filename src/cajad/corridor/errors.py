"""Errors of the corridor model.

::

    CajadError
    └── CorridorError (ValueError)
        ├── DataFileError               a data file was refused; ``problems`` names each place
        │   ├── NetworkDataError        nodes, links or parameters
        │   └── ScenarioError           a scenario file or a change that cannot be applied
        │       └── UnknownScenarioError (LookupError)   no bundled scenario of that name
        ├── PlaceError                  FROM/TO or a country that is not understood
        │   ├── UnknownPlaceError       nothing matches; ``suggestions`` lists close names
        │   └── AmbiguousPlaceError     several places match; ``candidates`` lists them
        ├── OptionError                 a routing or flow option out of its domain
        └── NoRouteError                no route satisfies the constraints

:class:`~cajad.errors.Problem` (one place in a data file and why) is cajad's, re-exported here.

Every error is also a ``ValueError``: each one means the input (a file, a place, an option)
cannot be used, which is what a caller catching ``ValueError`` expects.
"""

from __future__ import annotations

from collections.abc import Sequence

from cajad.errors import CajadError, Problem

__all__ = [
    "AmbiguousPlaceError",
    "CorridorError",
    "DataFileError",
    "NetworkDataError",
    "NoRouteError",
    "OptionError",
    "PlaceError",
    "Problem",
    "ScenarioError",
    "UnknownPlaceError",
    "UnknownScenarioError",
]

_MAX_LISTED = 40


class CorridorError(CajadError, ValueError):
    """Base class of corridor errors."""


class DataFileError(CorridorError):
    """A data file was refused; nothing was loaded. ``problems`` names every place and reason."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        detail = "".join(f"\n  {p}" for p in self.problems[:_MAX_LISTED])
        more = len(self.problems) - _MAX_LISTED
        if more > 0:
            detail += f"\n  … and {more} more"
        super().__init__(message + detail)


class NetworkDataError(DataFileError):
    """The network files (nodes, links, parameters) hold invalid data."""


class ScenarioError(DataFileError):
    """A scenario file is invalid or one of its changes cannot be applied."""


class UnknownScenarioError(ScenarioError, LookupError):
    """No scenario file or bundled scenario has that name; ``available`` lists the names."""

    def __init__(self, name: str, available: Sequence[str]) -> None:
        self.name = name
        self.available: tuple[str, ...] = tuple(available)
        super().__init__(
            f"unknown scenario {name!r}: not a file and not one of {', '.join(self.available)}"
        )


class PlaceError(CorridorError):
    """A place or country given by the user is not understood."""


class UnknownPlaceError(PlaceError, LookupError):
    """No node or country matches; ``suggestions`` lists the closest names."""

    def __init__(self, query: str, suggestions: Sequence[str], what: str = "place") -> None:
        self.query = query
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {what} {query!r}{hint}")


class AmbiguousPlaceError(PlaceError):
    """Several nodes match; ``candidates`` lists them as ``id (name)``."""

    def __init__(self, query: str, candidates: Sequence[str]) -> None:
        self.query = query
        self.candidates: tuple[str, ...] = tuple(candidates)
        super().__init__(f"place {query!r} is ambiguous; use one of: {', '.join(self.candidates)}")


class OptionError(CorridorError):
    """An option is outside its domain (``x`` must be … ; got …)."""


class NoRouteError(CorridorError):
    """No route joins the two places under the given constraints."""
