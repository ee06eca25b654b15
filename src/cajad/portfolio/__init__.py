"""The portfolio planner: which projects to back within yearly budgets, and why.

A plain library: candidates (a CSV file or the register, see :mod:`cajad.portfolio.register`)
and a :class:`Policy` make a :class:`Problem`; :func:`plan` solves its mixed-integer model
exactly with HiGHS and returns the best portfolio, near-optimal alternatives, the reason each
project is in or out, the binding constraints and what relaxing each is worth, or, when no
portfolio meets the policy, the conflicting constraints::

    >>> from decimal import Decimal
    >>> from cajad.portfolio import Candidate, Cost, Policy, make_problem, plan
    >>> def c(name, cost, benefit):
    ...     costs = (Cost(year=2026, amount=Decimal(cost), currency="JPY"),)
    ...     return Candidate(project=name, costs=costs, benefit=Decimal(benefit),
    ...                      area="green", country="KZ", grade="B")
    >>> policy = Policy(currency="JPY", budgets={2026: Decimal(100)})
    >>> result = plan(make_problem([c("a", 60, 5), c("b", 50, 4), c("c", 40, 3)], policy))
    >>> result.status, result.selected, result.objective
    ('optimal', ('a', 'c'), Decimal('8'))
"""

from cajad.portfolio.candidates import (
    GRADES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Candidate,
    Cost,
    parse_rows,
    read_candidates,
)
from cajad.portfolio.errors import CandidatesError, PlanningError, PolicyError, SolverError
from cajad.portfolio.model import Constraint, Model, Row, build_model, violations
from cajad.portfolio.planner import (
    Binding,
    FrontierPoint,
    Plan,
    Portfolio,
    best,
    conflict,
    feasible,
    frontier,
    plan,
)
from cajad.portfolio.policy import (
    CountLimit,
    Policy,
    ShareLimit,
    Weights,
    parse_budget,
    parse_count,
    parse_share,
)
from cajad.portfolio.problem import Converter, Option, Problem, make_problem
from cajad.portfolio.solvers import Arrays, HighsSolver, Solution, Solver, arrays

__all__ = [
    "GRADES",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "Arrays",
    "Binding",
    "Candidate",
    "CandidatesError",
    "Constraint",
    "Converter",
    "Cost",
    "CountLimit",
    "FrontierPoint",
    "HighsSolver",
    "Model",
    "Option",
    "Plan",
    "PlanningError",
    "Policy",
    "PolicyError",
    "Portfolio",
    "Problem",
    "Row",
    "ShareLimit",
    "Solution",
    "Solver",
    "SolverError",
    "Weights",
    "arrays",
    "best",
    "build_model",
    "conflict",
    "feasible",
    "frontier",
    "make_problem",
    "parse_budget",
    "parse_count",
    "parse_rows",
    "parse_share",
    "plan",
    "read_candidates",
    "violations",
]
