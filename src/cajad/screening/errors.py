"""Errors of the screening package.

CajadError
└── ScreeningError
    ├── CatalogueError (ValueError)     a catalogue refused: ``problems`` give file, rule, reason
    ├── LayerError (ValueError)         a sensitive-area layer refused
    ├── AnswerError (ValueError)        a reviewer's answer refused (unknown question, bad value)
    └── NotScreenedError (LookupError)  no such project, or no screening of it yet
"""

from __future__ import annotations

from dataclasses import dataclass

from cajad.errors import CajadError


class ScreeningError(CajadError):
    """Base class of screening errors."""


@dataclass(frozen=True)
class CatalogueProblem:
    """One reason a catalogue is refused: the file, the rule (or section) and why."""

    file: str
    rule: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: rule {self.rule}: {self.reason}"


class CatalogueError(ScreeningError, ValueError):
    """A catalogue was refused at load; ``problems`` names every file, rule and reason."""

    def __init__(self, message: str, problems: list[CatalogueProblem] | None = None) -> None:
        self.problems = problems or []
        detail = "".join(f"\n  {p}" for p in self.problems[:50])
        super().__init__(message + detail)


class LayerError(ScreeningError, ValueError):
    """A sensitive-area layer (GeoJSON) was refused."""


class AnswerError(ScreeningError, ValueError):
    """A reviewer's answer was refused; nothing was recorded."""


class NotScreenedError(ScreeningError, LookupError):
    """The project does not exist, or has not been screened yet."""
