"""Why each project is in or out, and which constraints bind: answers found by re-solving.

Duals of a mixed-integer program mean nothing, so every answer here is the difference between
two optima:

- **A selected project** stays in while its benefit falls by less than
  ``(optimum − best plan without it) / its weight multiplier``; at that fall a plan without it
  is as good.
- **A project left out** comes in once its benefit rises by more than
  ``(optimum − best plan that includes it) / its multiplier``. A project that no plan can
  include (a red flag, its grade, a year without budget, a clash) is said so, with the reason.
- **A constraint binds** when relaxing it by one step — a yearly budget by 10 %, a share by
  0.05, a count by one, the minimum grade by one grade, a link, exclusion or inclusion dropped
  — gives a better optimum; the gain is that difference. Red flags are never relaxed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from cajad.portfolio.candidates import GRADES
from cajad.portfolio.model import Constraint, Model, Row, build_model
from cajad.portfolio.planner import Binding, Portfolio, best
from cajad.portfolio.policy import Policy
from cajad.portfolio.problem import Option, Problem
from cajad.portfolio.solvers import Solver

__all__ = ["binding", "why", "words"]

ONE = Decimal(1)
SHARE_STEP = Decimal("0.05")
BUDGET_STEP = Decimal("0.10")


def words(value: Decimal) -> str:
    """A number as people read it: thousands separated, six significant digits at most."""
    if abs(value) >= 1_000_000:
        return f"{value:,.0f}"
    return f"{float(value):,.6g}"


def why(
    problem: Problem,
    model: Model,
    found: Portfolio | None,
    *,
    solver: Solver | None = None,
    limit: int = 200,
) -> dict[str, str]:
    """For each project, in words: why it is in or out and what would flip it."""
    reasons: dict[str, str] = {}
    for count, (project, members) in enumerate(problem.projects.items()):
        options = [problem.options[i] for i in members]
        plain = _plain_reason(problem, options)
        if plain is not None:
            reasons[project] = plain
        elif found is None:
            reasons[project] = "the plan is infeasible: see the conflict"
        elif count >= limit:
            reasons[project] = f"not explained: more than {limit} projects"
        elif found.chosen & set(members):
            reasons[project] = _in(problem, model, found, members, solver)
        else:
            reasons[project] = _out(problem, model, found, members, solver)
    return reasons


def _plain_reason(problem: Problem, options: list[Option]) -> str | None:
    """A reason that needs no solve: no option of the project can ever be selected."""
    policy = problem.policy
    if all(o.candidate.blocked for o in options):
        return "not selectable: blocked by red flags (grade F); red flags are never relaxed"
    if all(not o.eligible_grade(policy.min_grade) for o in options):
        grade = options[0].candidate.grade
        said = f"grade {grade} is below" if grade else "it is not screened, and"
        return f"not selectable: {said} the minimum grade {policy.min_grade}"
    return None


def _multiplier(option: Option) -> Decimal:
    c = option.candidate
    return option.weight / c.benefit if c.benefit else ONE


def _in(
    problem: Problem,
    model: Model,
    found: Portfolio,
    members: tuple[int, ...],
    solver: Solver | None,
) -> str:
    option = problem.options[next(i for i in members if i in found.chosen)]
    without = best(replace(model, fixed_out=model.fixed_out | set(members)), solver=solver)
    if without is None:
        return "selected: no plan without it meets the constraints"
    delta = found.objective - model.value(without)
    if delta == 0:
        return "selected, but a plan without it is as good: any fall in its benefit drops it"
    fall = delta / _multiplier(option)
    b = option.candidate.benefit
    return (
        f"selected: it stays in unless its benefit falls by more than {words(fall)} "
        f"(from {words(b)} to below {words(b - fall)})"
    )


def _out(
    problem: Problem,
    model: Model,
    found: Portfolio,
    members: tuple[int, ...],
    solver: Solver | None,
) -> str:
    row = Row(tuple((i, ONE) for i in members), ONE, None)
    forced = model.plus(Constraint("forced in", "forced", (row,), True))
    chosen = best(forced, solver=solver)
    if chosen is None:
        return "not selected: no plan with it meets the constraints" + _budget_hint(
            problem, members
        )
    option = problem.options[next(i for i in members if i in chosen)]
    delta = found.objective - model.value(chosen)
    if delta == 0:
        return "not selected, though a plan with it is as good (a tie)"
    rise = delta / _multiplier(option)
    b = option.candidate.benefit
    return (
        f"not selected: it would come in if its benefit rose by more than {words(rise)} "
        f"(from {words(b)} to above {words(b + rise)})"
    )


def _budget_hint(problem: Problem, members: tuple[int, ...]) -> str:
    policy = problem.policy
    for i in members:
        for year, cost in problem.options[i].costs.items():
            if cost and not policy.carry_over and policy.budgets.get(year, 0) < cost:
                return f" (its {year} cost exceeds that year's budget)"
            if cost and year < min(policy.budgets):
                return f" (it costs money in {year}, before the first budgeted year)"
    return ""


def binding(
    problem: Problem,
    model: Model,
    found: Portfolio,
    *,
    solver: Solver | None = None,
    limit: int = 200,
) -> list[Binding]:
    """The constraints whose relaxation by one step improves the optimum, best gain first."""
    found_bindings: list[Binding] = []
    for constraint in model.constraints[:limit]:
        step = _relaxation(problem, model, constraint)
        if step is None:
            continue
        relaxed, label = step
        chosen = best(relaxed, solver=solver)
        gain = Decimal(0) if chosen is None else relaxed.value(chosen) - found.objective
        slack = _slack(constraint, found)
        if gain > 0 or slack == "0":
            found_bindings.append(Binding(constraint.name, label, gain, slack))
    return sorted(found_bindings, key=lambda b: -b.gain)


def _slack(constraint: Constraint, found: Portfolio) -> str | None:
    if len(constraint.rows) != 1:
        return None
    row = constraint.rows[0]
    value = sum((c for i, c in row.terms if i in found.chosen), Decimal(0))
    if row.upper is not None:
        return str(row.upper - value)
    if row.lower is not None:
        return str(value - row.lower)
    return None


def _relaxation(problem: Problem, model: Model, constraint: Constraint) -> tuple[Model, str] | None:
    policy = problem.policy
    kind = constraint.kind
    if kind in ("requires", "excludes", "include"):
        return model.without([constraint.name]), "dropped"
    change: Callable[[Policy], tuple[Policy, str]] | None = None
    if kind == "budget":
        change = _budget_step(int(constraint.name.split()[-1]))
    elif kind == "share":
        change = _share_step(constraint.name)
    elif kind == "count":
        change = _count_step(constraint.name)
    elif kind == "grade" and policy.min_grade is not None:
        change = _grade_step
    if change is None:
        return None
    relaxed, label = change(policy)
    return build_model(problem.with_policy(relaxed)), label


def _budget_step(year: int) -> Callable[[Policy], tuple[Policy, str]]:
    def step(policy: Policy) -> tuple[Policy, str]:
        budgets = dict(policy.budgets)
        base = budgets.get(year) or sum(budgets.values(), Decimal(0)) / len(budgets)
        more = base * BUDGET_STEP
        budgets[year] = budgets.get(year, Decimal(0)) + more
        label = f"+{words(more)} {policy.currency} in {year}"
        return policy.model_copy(update={"budgets": budgets}), label

    return step


def _share_step(name: str) -> Callable[[Policy], tuple[Policy, str]]:
    def step(policy: Policy) -> tuple[Policy, str]:
        shares = []
        label = ""
        for limit in policy.shares:
            if limit.label == name:
                moved = (
                    limit.share - SHARE_STEP if limit.bound == "min" else limit.share + SHARE_STEP
                )
                moved = min(ONE, max(Decimal(0), moved))
                label = f"share {limit.share} -> {moved}"
                limit = limit.model_copy(update={"share": moved})
            shares.append(limit)
        return policy.model_copy(update={"shares": tuple(shares)}), label

    return step


def _count_step(name: str) -> Callable[[Policy], tuple[Policy, str]]:
    def step(policy: Policy) -> tuple[Policy, str]:
        counts = []
        label = ""
        for limit in policy.counts:
            if limit.label == name:
                moved = max(0, limit.count - 1) if limit.bound == "min" else limit.count + 1
                label = f"count {limit.count} -> {moved}"
                limit = limit.model_copy(update={"count": moved})
            counts.append(limit)
        return policy.model_copy(update={"counts": tuple(counts)}), label

    return step


def _grade_step(policy: Policy) -> tuple[Policy, str]:
    grade = policy.min_grade or "D"
    lower = GRADES[GRADES.index(grade) + 1] if grade != "D" else None
    label = f"minimum grade {grade} -> {lower or 'none'}"
    return policy.model_copy(update={"min_grade": lower}), label
