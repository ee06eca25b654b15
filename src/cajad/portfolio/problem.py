"""A planning problem: the candidates' money in the plan currency, with the policy.

Each year's cost is converted into the plan currency at the rate for 1 July of that year (the
middle of the year) by a :class:`Converter`: the register's :class:`~cajad.register.RateBook`
is one, and applies the register's policy (daily, monthly, annual average, else the latest
earlier annual average: for a future year, the latest rate known, said so in its method).
Amounts are exact Decimals; only the solver sees floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from cajad.portfolio.candidates import Candidate, grade_rank
from cajad.portfolio.errors import PolicyError
from cajad.portfolio.policy import Policy

__all__ = ["Converted", "Converter", "Option", "Problem", "make_problem"]


class Converted(Protocol):
    """What a conversion gives back (the register's :class:`~cajad.register.Conversion`)."""

    @property
    def converted(self) -> Decimal: ...

    def explain(self) -> str: ...


class Converter(Protocol):
    """Converts money at a dated rate (the register's :class:`~cajad.register.RateBook`)."""

    def convert(
        self, amount: Decimal, currency: str, target: str, value_date: dt.date
    ) -> Converted: ...


@dataclass(frozen=True)
class Option:
    """A candidate as the model sees it: its costs by year in the plan currency and weight."""

    index: int
    candidate: Candidate
    costs: dict[int, Decimal]  # plan currency, by year
    by_currency: dict[str, Decimal]  # plan-currency value of the money in each original currency
    weight: Decimal  # objective coefficient: benefit × weights

    @property
    def key(self) -> str:
        return self.candidate.key

    @property
    def project(self) -> str:
        return self.candidate.project

    @property
    def total(self) -> Decimal:
        return sum(self.costs.values(), Decimal(0))

    def money_in(self, dimension: str, name: str) -> Decimal:
        """The part of its money that counts toward a share of ``dimension:name``."""
        if dimension == "currency":
            return self.by_currency.get(name, Decimal(0))
        return self.total if self.member(dimension, name) else Decimal(0)

    def member(self, dimension: str, name: str) -> bool:
        """Whether it counts toward ``dimension:name`` (a count quota)."""
        c = self.candidate
        if dimension == "area":
            return c.area == name
        if dimension == "country":
            return c.country == name
        if dimension == "tag":
            return name in c.tags
        return name in self.by_currency

    def eligible_grade(self, min_grade: str | None) -> bool:
        """Whether its grade meets ``min_grade`` (exactly the minimum does)."""
        if min_grade is None:
            return True
        rank = grade_rank(self.candidate.grade)
        minimum = grade_rank(min_grade)
        return rank is not None and minimum is not None and rank <= minimum


@dataclass(frozen=True)
class Problem:
    """Options (in the plan currency) and the policy; ``rates`` explains each conversion."""

    options: tuple[Option, ...]
    policy: Policy
    rates: tuple[str, ...] = ()
    projects: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        """Every year with a budget or a cost."""
        found = set(self.policy.budgets)
        for option in self.options:
            found.update(option.costs)
        return sorted(found)

    def with_policy(self, policy: Policy) -> Problem:
        """The same options under another policy (weights unchanged)."""
        return Problem(self.options, policy, self.rates, self.projects)


def make_problem(
    candidates: Sequence[Candidate], policy: Policy, *, converter: Converter | None = None
) -> Problem:
    """The problem of planning ``candidates`` under ``policy``.

    ``converter`` is needed only when some cost is in another currency than the plan's.
    """
    seen: set[str] = set()
    options: list[Option] = []
    rates: dict[str, None] = {}
    projects: dict[str, list[int]] = {}
    for candidate in candidates:
        if candidate.key in seen:
            raise PolicyError(f"candidate {candidate.key!r} is given twice")
        seen.add(candidate.key)
        costs: dict[int, Decimal] = {}
        by_currency: dict[str, Decimal] = {}
        for cost in candidate.costs:
            value = _convert(
                cost.amount, cost.currency, policy.currency, cost.year, converter, rates
            )
            costs[cost.year] = costs.get(cost.year, Decimal(0)) + value
            by_currency[cost.currency] = by_currency.get(cost.currency, Decimal(0)) + value
        weight = candidate.benefit * policy.weights.of(candidate.area, candidate.grade)
        options.append(Option(len(options), candidate, costs, by_currency, weight))
        projects.setdefault(candidate.project, []).append(len(options) - 1)
    for name in policy.include:
        if name not in projects:
            raise PolicyError(f"--include names no candidate project: {name!r}")
    frozen = {p: tuple(i) for p, i in projects.items()}
    return Problem(tuple(options), policy, tuple(rates), frozen)


def _convert(
    amount: Decimal,
    currency: str,
    target: str,
    year: int,
    converter: Converter | None,
    rates: dict[str, None],
) -> Decimal:
    if currency == target:
        return amount
    if converter is None:
        raise PolicyError(
            f"a cost in {currency} needs exchange rates to {target}: plan in {currency}, "
            "or give the register's rates"
        )
    conversion = converter.convert(amount, currency, target, dt.date(year, 7, 1))
    rates[f"{year}: {conversion.explain()}"] = None
    return conversion.converted
