"""An independent reading of the policy's rules, in Decimal, and brute force over small sets.

Written from :mod:`cajad.portfolio.policy`'s docstring, not from the model: the property
tests hold the solver's answers against it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from cajad.portfolio import Candidate, Policy
from cajad.portfolio.candidates import grade_rank

ZERO = Decimal(0)


def _total(c: Candidate) -> Decimal:
    return sum((cost.amount for cost in c.costs), ZERO)


def _money_in(c: Candidate, dimension: str, name: str) -> Decimal:
    if dimension == "currency":
        return sum((k.amount for k in c.costs if k.currency == name), ZERO)
    member = {
        "area": c.area == name,
        "country": c.country == name,
        "tag": name in c.tags,
    }[dimension]
    return _total(c) if member else ZERO


def broken(candidates: Sequence[Candidate], policy: Policy, keys: Iterable[str]) -> list[str]:
    """Every rule the selection of ``keys`` breaks (costs all in the plan currency)."""
    chosen = [c for c in candidates if c.key in set(keys)]
    problems: list[str] = []
    projects = [c.project for c in chosen]
    if len(projects) != len(set(projects)):
        problems.append("two variants of a project")
    years = sorted({k.year for c in candidates for k in c.costs} | set(policy.budgets))
    spent = {
        y: sum((k.amount for c in chosen for k in c.costs if k.year == y), ZERO) for y in years
    }
    for i, year in enumerate(years):
        span = years[: i + 1] if policy.carry_over else [year]
        if sum(spent[y] for y in span) > sum(policy.budgets.get(y, ZERO) for y in span):
            problems.append(f"budget {year}")
    money = sum((_total(c) for c in chosen), ZERO)
    for limit in policy.shares:
        part = sum((_money_in(c, limit.dimension, limit.name) for c in chosen), ZERO)
        if limit.bound == "max" and part > limit.share * money:
            problems.append(limit.label)
        # a minimum share above zero also asks for some money in the group
        if limit.bound == "min" and (part < limit.share * money or (limit.share and not part)):
            problems.append(limit.label)
    for count in policy.counts:
        n = sum(1 for c in chosen if _is_member(c, count.dimension, count.name))
        if (count.bound == "min" and n < count.count) or (count.bound == "max" and n > count.count):
            problems.append(count.label)
    for c in chosen:
        if c.grade == "F" or c.red_flags:
            problems.append(f"red flag {c.key}")
        if policy.min_grade is not None:
            rank = grade_rank(c.grade)
            if rank is None or rank > "ABCD".index(policy.min_grade):
                problems.append(f"grade {c.key}")
        for other in c.requires:
            if other not in projects:
                problems.append(f"{c.key} requires {other}")
        for other in c.excludes:
            if other in projects:
                problems.append(f"{c.key} excludes {other}")
    for name in policy.include:
        if name not in projects:
            problems.append(f"include {name}")
    return problems


def _is_member(c: Candidate, dimension: str, name: str) -> bool:
    if dimension == "currency":
        return any(k.currency == name for k in c.costs)
    return {"area": c.area == name, "country": c.country == name, "tag": name in c.tags}[dimension]


def objective(candidates: Sequence[Candidate], policy: Policy, keys: Iterable[str]) -> Decimal:
    wanted = set(keys)
    return sum(
        (c.benefit * policy.weights.of(c.area, c.grade) for c in candidates if c.key in wanted),
        ZERO,
    )


def feasible_values(
    candidates: Sequence[Candidate], policy: Policy
) -> list[tuple[Decimal, frozenset[str]]]:
    """Every feasible selection with its objective, best first."""
    keys = [c.key for c in candidates]
    found = []
    for size in range(len(keys) + 1):
        for subset in itertools.combinations(keys, size):
            if not broken(candidates, policy, subset):
                found.append((objective(candidates, policy, subset), frozenset(subset)))
    return sorted(found, key=lambda pair: -pair[0])
