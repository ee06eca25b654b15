"""Plan a portfolio: the optimum, near-optimal alternatives, conflicts and the frontier.

The solver works in floats; every selection it returns is checked against the model exactly
(Decimal). One that breaks a constraint by a rounding error is cut off (a no-good cut) and the
model solved again, so every portfolio returned meets every constraint exactly.

**Alternatives** are the next best distinct portfolios within ``gap`` of the optimum: each is
the optimum of the model with every portfolio found so far cut off (a no-good cut:
Σ_{i∈S} x_i − Σ_{i∉S} x_i ≤ |S| − 1) and the objective held at least (1 − gap) × optimum.

**Conflicts.** An infeasible model gets an irreducible infeasible subset of its named
constraints by a deletion filter: each constraint in turn is dropped for good if the rest
stays infeasible. What is left is infeasible, and dropping any one member makes it feasible.
(HiGHS computes such subsets for linear programs only, not for integer ones.)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from cajad.portfolio.errors import SolverError
from cajad.portfolio.model import Constraint, Model, Row, build_model, violations
from cajad.portfolio.problem import Problem
from cajad.portfolio.solvers import HighsSolver, Solver

__all__ = [
    "Binding",
    "FrontierPoint",
    "Plan",
    "Portfolio",
    "best",
    "conflict",
    "frontier",
    "plan",
]

ONE = Decimal(1)
_MAX_CUTS = 50  # selections refused by the exact check before giving up


@dataclass(frozen=True)
class Portfolio:
    """A selection: option keys, objective and money by year (plan currency)."""

    chosen: frozenset[int]
    selected: tuple[str, ...]
    objective: Decimal
    spend: dict[int, Decimal]

    @property
    def cost(self) -> Decimal:
        return sum(self.spend.values(), Decimal(0))

    def as_dict(self) -> dict[str, Any]:
        return {"selected": list(self.selected), "objective": str(self.objective)}


@dataclass(frozen=True)
class Binding:
    """A constraint that binds: what relaxing it by ``relaxed`` would add to the objective."""

    constraint: str
    relaxed: str
    gain: Decimal
    slack: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "constraint": self.constraint,
            "relaxed": self.relaxed,
            "gain": str(self.gain),
            "slack": self.slack,
        }


@dataclass(frozen=True)
class FrontierPoint:
    """The best objective when every yearly budget is scaled by ``factor``."""

    factor: Decimal
    budget: Decimal
    objective: Decimal | None
    cost: Decimal | None
    selected: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "factor": str(self.factor),
            "budget": str(self.budget),
            "objective": None if self.objective is None else str(self.objective),
            "cost": None if self.cost is None else str(self.cost),
            "selected": self.selected,
        }


@dataclass
class Plan:
    """What :func:`plan` found; :meth:`as_dict` is the ``cajad plan --json`` contract."""

    status: str  # optimal | infeasible
    currency: str
    best: Portfolio | None
    alternatives: list[Portfolio] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)
    binding: list[Binding] = field(default_factory=list)
    conflict: list[str] = field(default_factory=list)
    frontier: list[FrontierPoint] = field(default_factory=list)
    rates: tuple[str, ...] = ()
    benefits: dict[str, str] = field(default_factory=dict)
    gap: Decimal = Decimal(0)
    seconds: float = 0.0

    @property
    def objective(self) -> Decimal | None:
        return None if self.best is None else self.best.objective

    @property
    def selected(self) -> tuple[str, ...]:
        return () if self.best is None else self.best.selected

    def as_dict(self) -> dict[str, Any]:
        spend = {} if self.best is None else self.best.spend
        return {
            "status": self.status,
            "currency": self.currency,
            "objective": None if self.objective is None else str(self.objective),
            "selected": list(self.selected),
            "cost": None if self.best is None else str(self.best.cost),
            "spend": {str(y): str(v) for y, v in sorted(spend.items())},
            "alternatives": [a.as_dict() for a in self.alternatives],
            "gap": str(self.gap),
            "why": self.why,
            "binding": [b.as_dict() for b in self.binding],
            "conflict": self.conflict,
            "frontier": [p.as_dict() for p in self.frontier],
            "benefits": self.benefits,
            "rates": list(self.rates),
            "seconds": round(self.seconds, 3),
        }


def portfolio(problem: Problem, model: Model, chosen: frozenset[int]) -> Portfolio:
    """The portfolio of a selection: keys in candidate order, exact objective and spend."""
    spend: dict[int, Decimal] = {}
    for i in sorted(chosen):
        for year, cost in problem.options[i].costs.items():
            spend[year] = spend.get(year, Decimal(0)) + cost
    keys = tuple(problem.options[i].key for i in sorted(chosen))
    return Portfolio(chosen, keys, model.value(chosen), dict(sorted(spend.items())))


def no_good(model: Model, chosen: frozenset[int], name: str) -> Constraint:
    """A cut that every selection but ``chosen`` meets."""
    terms = tuple((i, ONE if i in chosen else -ONE) for i in range(model.n))
    return Constraint(name, "cut", (Row(terms, None, Decimal(len(chosen) - 1)),), True)


def best(
    model: Model,
    *,
    solver: Solver | None = None,
    mip_gap: float = 0.0,
    time_limit: float | None = None,
) -> frozenset[int] | None:
    """The best selection that meets ``model`` exactly, or None if none does."""
    solver = solver or HighsSolver()
    for attempt in range(_MAX_CUTS):
        solution = solver.solve(model, mip_gap=mip_gap, time_limit=time_limit)
        if solution.status == "infeasible":
            return None
        if not violations(model, solution.chosen):
            return solution.chosen
        model = model.plus(no_good(model, solution.chosen, f"rounding cut {attempt}"))
    raise SolverError(f"{_MAX_CUTS} selections in a row broke a constraint by rounding")


def feasible(model: Model, *, solver: Solver | None = None) -> bool:
    """Whether any selection meets ``model`` (its objective ignored)."""
    blank = replace(model, objective=(Decimal(0),) * model.n)
    return best(blank, solver=solver) is not None


def conflict(model: Model, *, solver: Solver | None = None) -> list[str]:
    """An irreducible infeasible subset of an infeasible model's constraints (by name)."""
    core = [c.name for c in model.constraints if not c.structural]
    for name in list(core):
        trial = [n for n in core if n != name]
        if not feasible(model.only(trial), solver=solver):
            core = trial
    return core


def alternatives(
    problem: Problem,
    model: Model,
    optimum: Portfolio,
    *,
    count: int,
    gap: Decimal,
    solver: Solver | None = None,
) -> list[Portfolio]:
    """Up to ``count`` next-best distinct portfolios within ``gap`` of ``optimum``."""
    floor = optimum.objective - gap * abs(optimum.objective)
    terms = tuple((i, w) for i, w in enumerate(model.objective) if w)
    within = Constraint("within gap", "gap", (Row(terms, floor, None, unit="benefit"),), True)
    current = model.plus(within, no_good(model, optimum.chosen, "not the optimum"))
    found: list[Portfolio] = []
    while len(found) < count:
        chosen = best(current, solver=solver)
        if chosen is None:
            break
        found.append(portfolio(problem, model, chosen))
        current = current.plus(no_good(model, chosen, f"not alternative {len(found)}"))
    return found


def frontier(
    problem: Problem,
    factors: Sequence[Decimal],
    *,
    solver: Solver | None = None,
) -> list[FrontierPoint]:
    """The budget–benefit frontier: the optimum with every yearly budget × each factor."""
    points = []
    for factor in factors:
        budgets = {y: b * factor for y, b in problem.policy.budgets.items()}
        scaled = problem.with_policy(problem.policy.model_copy(update={"budgets": budgets}))
        model = build_model(scaled)
        chosen = best(model, solver=solver)
        total = sum(budgets.values(), Decimal(0))
        if chosen is None:
            points.append(FrontierPoint(factor, total, None, None, 0))
            continue
        found = portfolio(scaled, model, chosen)
        points.append(FrontierPoint(factor, total, found.objective, found.cost, len(chosen)))
    return points


def plan(
    problem: Problem,
    *,
    alternatives_count: int = 0,
    gap: Decimal = Decimal("0.02"),
    explain: bool = True,
    explain_limit: int = 200,
    frontier_factors: Sequence[Decimal] = (),
    solver: Solver | None = None,
    mip_gap: float = 0.0,
    time_limit: float | None = None,
) -> Plan:
    """The best portfolio of ``problem``, its alternatives and why; or, infeasible, the conflict.

    ``mip_gap`` 0 asks for proven optimality; ``explain_limit`` caps the projects whose
    selection is explained by re-solving (one solve each).
    """
    from cajad.portfolio.explain import binding, why  # explain imports this module

    if gap < 0:
        raise ValueError("gap must be >= 0")
    start = time.perf_counter()
    solver = solver or HighsSolver()
    model = build_model(problem)
    benefits = {o.key: o.candidate.benefit_source for o in problem.options}
    result = Plan("optimal", problem.policy.currency, None, rates=problem.rates, gap=gap)
    result.benefits = benefits
    chosen = best(model, solver=solver, mip_gap=mip_gap, time_limit=time_limit)
    if chosen is None:
        result.status = "infeasible"
        result.conflict = conflict(model, solver=solver)
        result.why = why(problem, model, None, solver=solver, limit=explain_limit)
    else:
        found = portfolio(problem, model, chosen)
        result.best = found
        if alternatives_count:
            result.alternatives = alternatives(
                problem, model, found, count=alternatives_count, gap=gap, solver=solver
            )
        if explain:
            result.why = why(problem, model, found, solver=solver, limit=explain_limit)
            result.binding = binding(problem, model, found, solver=solver, limit=explain_limit)
    if frontier_factors:
        result.frontier = frontier(problem, frontier_factors, solver=solver)
    _say_benefits(result, problem)
    result.seconds = time.perf_counter() - start
    return result


def _say_benefits(result: Plan, problem: Problem) -> None:
    """Each reason ends with the benefit used and which (a set value or the register default,
    its kind): the words before the first colon of its source. Given benefits (a candidates
    file) say nothing more."""
    options = {o.key: o.candidate for o in problem.options}
    for key, reason in result.why.items():
        candidate = options.get(key)
        if candidate is None or candidate.benefit_source == "given":
            continue
        label = candidate.benefit_source.split(":", 1)[0]
        result.why[key] = f"{reason}; benefit {candidate.benefit}: {label}"
