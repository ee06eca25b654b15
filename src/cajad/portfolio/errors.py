"""Errors of the portfolio planner.

::

    CajadError
    └── PlanningError
        ├── CandidatesError (ValueError)   a candidates file or list refused; ``problems``
        │                                  names each file, line, field and why
        ├── PolicyError (ValueError)       a budget, share, quota or weight out of its domain
        └── SolverError                    the solver failed (not: the plan is infeasible)

An infeasible plan is not an error: :func:`cajad.portfolio.plan` returns it with
``status == "infeasible"`` and the conflicting constraints named; the CLI exits 2 on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from cajad.errors import CajadError, Problem

__all__ = ["CandidatesError", "PlanningError", "PolicyError", "Problem", "SolverError"]


class PlanningError(CajadError):
    """Base class of the planner's errors."""


class CandidatesError(PlanningError, ValueError):
    """Candidates were refused; ``problems`` lists every place (file, line, field) and why."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems = list(problems)
        detail = "".join(f"\n  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        super().__init__(message + detail + (f"\n  … and {more} more" if more > 0 else ""))


class PolicyError(PlanningError, ValueError):
    """A planning policy (budgets, shares, quotas, weights) was refused."""


class SolverError(PlanningError):
    """The solver failed or stopped without an answer (a time limit, a numerical failure)."""
