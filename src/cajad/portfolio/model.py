"""The mixed-integer model of a problem, solver-neutral, with its constraints named.

One 0/1 variable per option (a candidate project or variant). Every constraint is a named
group of linear rows with exact Decimal coefficients, so the same model goes to any solver
(floats, scaled) and a selection is checked against it exactly (:func:`violations`):

=========================  =====================================================================
constraint                 rows
=========================  =====================================================================
``one variant of P``       Σ x(P's variants) ≤ 1  (structural: never part of a conflict)
``budget Y``               Σ cost(≤Y) x ≤ Σ budget(≤Y) with carry-over, else cost(Y) x ≤ budget(Y)
``min-share D:N=s``        Σ (money in D:N − s·money) x ≥ 0, and Σ x(members) ≥ 1 if s > 0
``max-share D:N=s``        Σ (money in D:N − s·money) x ≤ 0
``min-count D:N=k``        Σ x(members) ≥ k  (``max-count``: ≤ k)
``min-grade G``            Σ x(worse than G, or not screened) ≤ 0
``no red flags``           Σ x(blocked) ≤ 0
``B requires A``           x(B's variant) ≤ Σ x(A's variants), for each variant of B
``A excludes B``           Σ x(A's variants) + Σ x(B's variants) ≤ 1
``include P``              Σ x(P's variants) ≥ 1
=========================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from cajad.portfolio.policy import CountLimit, ShareLimit
from cajad.portfolio.problem import Option, Problem

__all__ = ["Constraint", "Model", "Row", "build_model", "violations"]

ONE = Decimal(1)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Row:
    """``lower ≤ Σ coef·x ≤ upper`` (None: unbounded), in ``unit``: count, money or benefit
    (a solver scales money and benefit rows to numbers it handles well)."""

    terms: tuple[tuple[int, Decimal], ...]
    lower: Decimal | None
    upper: Decimal | None
    unit: str = "count"

    def holds(self, chosen: frozenset[int]) -> bool:
        """Whether the selection meets the row, exactly."""
        value = sum((c for i, c in self.terms if i in chosen), ZERO)
        low_ok = self.lower is None or value >= self.lower
        return low_ok and (self.upper is None or value <= self.upper)


@dataclass(frozen=True)
class Constraint:
    """A named group of rows: what a conflict or a binding constraint names."""

    name: str
    kind: str
    rows: tuple[Row, ...]
    structural: bool = False  # never dropped when looking for a conflict

    def holds(self, chosen: frozenset[int]) -> bool:
        return all(row.holds(chosen) for row in self.rows)


@dataclass(frozen=True)
class Model:
    """Variables 0..n-1 (binary), the objective to maximise, the named constraints."""

    n: int
    objective: tuple[Decimal, ...]
    constraints: tuple[Constraint, ...]
    fixed_out: frozenset[int] = frozenset()  # variables fixed to 0 (what-ifs)
    fixed_in: frozenset[int] = frozenset()  # variables fixed to 1

    def without(self, names: Iterable[str]) -> Model:
        drop = set(names)
        return replace(self, constraints=tuple(c for c in self.constraints if c.name not in drop))

    def only(self, names: Iterable[str]) -> Model:
        keep = set(names)
        return replace(
            self,
            constraints=tuple(c for c in self.constraints if c.structural or c.name in keep),
        )

    def plus(self, *extra: Constraint) -> Model:
        return replace(self, constraints=self.constraints + extra)

    def replaced(self, constraint: Constraint) -> Model:
        return replace(
            self,
            constraints=tuple(
                constraint if c.name == constraint.name else c for c in self.constraints
            ),
        )

    def value(self, chosen: Iterable[int]) -> Decimal:
        return sum((self.objective[i] for i in chosen), ZERO)


def violations(model: Model, chosen: Iterable[int]) -> list[str]:
    """The names of the constraints the selection breaks, checked exactly (Decimal)."""
    selected = frozenset(chosen)
    broken = [c.name for c in model.constraints if not c.holds(selected)]
    if selected & model.fixed_out or model.fixed_in - selected:
        broken.append("fixed")
    return broken


def build_model(problem: Problem) -> Model:
    """The model of ``problem`` (see the module's table)."""
    p = problem.policy
    options = problem.options
    groups: list[Constraint] = []
    for project, members in problem.projects.items():
        if len(members) > 1:
            row = Row(tuple((i, ONE) for i in members), None, ONE)
            groups.append(Constraint(f"one variant of {project}", "variants", (row,), True))
    groups.extend(_budgets(problem))
    groups.extend(_share(options, limit) for limit in p.shares)
    groups.extend(_count(options, limit) for limit in p.counts)
    if p.min_grade is not None:
        out = [o.index for o in options if not o.eligible_grade(p.min_grade)]
        groups.append(_none_of(f"min-grade {p.min_grade}", "grade", out))
    blocked = [o.index for o in options if o.candidate.blocked]
    if blocked:
        groups.append(_none_of("no red flags", "red-flags", blocked))
    groups.extend(_links(problem))
    for name in p.include:
        row = Row(tuple((i, ONE) for i in problem.projects[name]), ONE, None)
        groups.append(Constraint(f"include {name}", "include", (row,)))
    return Model(len(options), tuple(o.weight for o in options), tuple(groups))


def _budgets(problem: Problem) -> list[Constraint]:
    policy = problem.policy
    found: list[Constraint] = []
    years = problem.years
    for position, year in enumerate(years):
        span = years[: position + 1] if policy.carry_over else [year]
        limit = sum((policy.budgets.get(y, ZERO) for y in span), ZERO)
        terms = []
        for o in problem.options:
            cost = sum((o.costs.get(y, ZERO) for y in span), ZERO)
            if cost:
                terms.append((o.index, cost))
        if terms and sum(c for _, c in terms) > limit:
            row = Row(tuple(terms), None, limit, unit="money")
            found.append(Constraint(f"budget {year}", "budget", (row,)))
    return found


def _share(options: Sequence[Option], limit: ShareLimit) -> Constraint:
    terms = []
    members = []
    for o in options:
        money = o.money_in(limit.dimension, limit.name)
        coef = money - limit.share * o.total
        if coef:
            terms.append((o.index, coef))
        if money > 0:
            members.append((o.index, ONE))
    if limit.bound == "min":
        rows = [Row(tuple(terms), ZERO, None, unit="money")]
        if limit.share > 0:
            rows.append(Row(tuple(members), ONE, None))
    else:
        rows = [Row(tuple(terms), None, ZERO, unit="money")]
    return Constraint(limit.label, "share", tuple(rows))


def _count(options: Sequence[Option], limit: CountLimit) -> Constraint:
    terms = tuple((o.index, ONE) for o in options if o.member(limit.dimension, limit.name))
    count = Decimal(limit.count)
    row = Row(terms, count, None) if limit.bound == "min" else Row(terms, None, count)
    return Constraint(limit.label, "count", (row,))


def _none_of(name: str, kind: str, indices: Sequence[int]) -> Constraint:
    return Constraint(name, kind, (Row(tuple((i, ONE) for i in indices), None, ZERO),))


def _links(problem: Problem) -> list[Constraint]:
    found: list[Constraint] = []
    pairs: set[tuple[str, str]] = set()
    for o in problem.options:
        c = o.candidate
        for other in c.requires:
            providers = problem.projects.get(other, ())
            terms = ((o.index, ONE), *((j, -ONE) for j in providers))
            found.append(
                Constraint(f"{c.key} requires {other}", "requires", (Row(terms, None, ZERO),))
            )
        for other in c.excludes:
            pair = (min(c.project, other), max(c.project, other))
            if pair in pairs or other not in problem.projects:
                continue
            pairs.add(pair)
            members = problem.projects[pair[0]] + problem.projects[pair[1]]
            row = Row(tuple((i, ONE) for i in members), None, ONE)
            found.append(Constraint(f"{pair[0]} excludes {pair[1]}", "excludes", (row,)))
    return found
