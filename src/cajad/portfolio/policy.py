"""The policy a plan is made under: budgets, shares, quotas, grades and the objective's weights.

Rules, pinned by ``tests/portfolio/test_policy_boundaries.py``:

- **Money** is converted to the plan currency (see :mod:`cajad.portfolio.problem`) and
  compared exactly, in Decimal.
- **Budgets and carry-over.** ``budgets`` gives the money available in each year; a year not
  named has none. With ``carry_over`` (the default) money not spent in a year stays available
  in later years, never earlier ones: for every year *y*, the selected costs of all years up to
  *y* are at most the budgets of all years up to *y*. Without it, each year's selected costs
  are at most that year's budget.
- **Shares** are of the selected money (total over all years in the plan currency), by priority
  ``area``, ``country``, ``tag`` or original ``currency`` (currency exposure). A limit holds at
  exactly its value. A minimum share above zero also asks that the plan spend on that group
  at all: an empty portfolio meets no minimum share.
- **Counts** bound the number of selected projects in a group (a tag quota: at least two
  critical-minerals projects).
- **Grades.** With ``min_grade``, a candidate with a worse grade, or none, is not selectable
  (exactly the minimum is). A candidate blocked by red flags (grade F) never is.
- **Objective**: the sum over selected candidates of ``benefit × area weight × grade weight``
  (weights default to 1; a grade weight applies to ungraded candidates under ``"-"``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cajad.portfolio.candidates import GRADES
from cajad.portfolio.errors import PolicyError

__all__ = [
    "DIMENSIONS",
    "CountLimit",
    "Policy",
    "ShareLimit",
    "Weights",
    "parse_budget",
    "parse_count",
    "parse_share",
    "parse_weight",
    "policy_from_text",
]

Dimension = Literal["area", "country", "tag", "currency"]
DIMENSIONS: tuple[Dimension, ...] = ("area", "country", "tag", "currency")
Bound = Literal["min", "max"]


class ShareLimit(BaseModel):
    """A minimum or maximum share of the selected money in one group."""

    model_config = ConfigDict(frozen=True)

    dimension: Dimension
    name: str = Field(min_length=1)
    bound: Bound
    share: Decimal = Field(ge=0, le=1, allow_inf_nan=False)

    @property
    def label(self) -> str:
        return f"{self.bound}-share {self.dimension}:{self.name}={self.share}"


class CountLimit(BaseModel):
    """A minimum or maximum number of selected projects in one group (a quota)."""

    model_config = ConfigDict(frozen=True)

    dimension: Dimension
    name: str = Field(min_length=1)
    bound: Bound
    count: int = Field(ge=0)

    @property
    def label(self) -> str:
        return f"{self.bound}-count {self.dimension}:{self.name}={self.count}"


class Weights(BaseModel):
    """Multipliers of benefit by priority area and by grade (``"-"``: not screened)."""

    model_config = ConfigDict(frozen=True)

    area: dict[str, Decimal] = Field(default_factory=dict)
    grade: dict[str, Decimal] = Field(default_factory=dict)

    def of(self, area: str, grade: str | None) -> Decimal:
        """The multiplier of a candidate's benefit."""
        return self.area.get(area, Decimal(1)) * self.grade.get(grade or "-", Decimal(1))


class Policy(BaseModel):
    """Everything a plan must respect, and what it maximises."""

    model_config = ConfigDict(frozen=True)

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    budgets: dict[int, Decimal]
    carry_over: bool = True
    shares: tuple[ShareLimit, ...] = ()
    counts: tuple[CountLimit, ...] = ()
    min_grade: str | None = None
    include: tuple[str, ...] = ()
    weights: Weights = Field(default_factory=Weights)

    @field_validator("budgets")
    @classmethod
    def _budgets(cls, value: dict[int, Decimal]) -> dict[int, Decimal]:
        if not value:
            raise ValueError("at least one budget (YEAR=AMOUNT) is needed")
        for year, amount in value.items():
            if not amount.is_finite() or amount < 0:
                raise ValueError(f"budget {year} must be >= 0; got {amount}")
        return dict(sorted(value.items()))

    @field_validator("min_grade")
    @classmethod
    def _grade(cls, value: str | None) -> str | None:
        if value is not None and value not in GRADES[:-1]:
            raise ValueError(f"min_grade must be one of A, B, C, D; got {value!r}")
        return value


_LIMIT = re.compile(r"^(area|country|tag|currency):(.+)=(.+)$")


def parse_share(text: str, bound: Bound) -> ShareLimit:
    """``area:green=0.2`` as a share limit."""
    found = _LIMIT.match(text.strip())
    share = _number(found.group(3)) if found else None
    if found is None or share is None or not 0 <= share <= 1:
        raise PolicyError(
            f"--{bound}-share must be DIMENSION:NAME=SHARE with DIMENSION one of "
            f"{', '.join(DIMENSIONS)} and SHARE from 0 to 1, like area:green=0.2; got {text!r}"
        )
    dimension: Dimension = found.group(1)  # type: ignore[assignment]
    name = found.group(2).strip()
    if dimension in ("country", "currency"):
        name = name.upper()
    return ShareLimit(dimension=dimension, name=name, bound=bound, share=share)


def parse_count(text: str, bound: Bound) -> CountLimit:
    """``tag:minerals=2`` as a count limit."""
    found = _LIMIT.match(text.strip())
    count = found.group(3).strip() if found else ""
    if found is None or not count.isdigit():
        raise PolicyError(
            f"--{bound}-count must be DIMENSION:NAME=COUNT like tag:minerals=2; got {text!r}"
        )
    dimension: Dimension = found.group(1)  # type: ignore[assignment]
    name = found.group(2).strip()
    if dimension in ("country", "currency"):
        name = name.upper()
    return CountLimit(dimension=dimension, name=name, bound=bound, count=int(count))


def parse_budget(text: str) -> tuple[int, Decimal]:
    """``2026=1000000000000`` as (year, amount)."""
    year, _, amount = text.partition("=")
    value = _number(amount)
    if not year.strip().isdigit() or value is None or value < 0:
        raise PolicyError(
            f"--budget must be YEAR=AMOUNT with AMOUNT >= 0, like 2026=600000000000; got {text!r}"
        )
    return int(year), value


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace("_", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_weight(text: str) -> tuple[str, str, Decimal]:
    """``area:hrd=1.5`` or ``grade:A=1.2`` as (kind, name, multiplier)."""
    kind, _, rest = text.strip().partition(":")
    name, _, number = rest.partition("=")
    value = _number(number)
    if kind not in ("area", "grade") or not name.strip() or value is None or value < 0:
        raise PolicyError(
            f"--weight must be area:NAME=W or grade:G=W with W >= 0, like area:hrd=1.5; "
            f"got {text!r}"
        )
    return kind, name.strip(), value


def policy_from_text(
    *,
    currency: str,
    budgets: Sequence[str],
    min_share: Sequence[str] = (),
    max_share: Sequence[str] = (),
    min_count: Sequence[str] = (),
    max_count: Sequence[str] = (),
    min_grade: str | None = None,
    include: Sequence[str] = (),
    weights: Sequence[str] = (),
    carry_over: bool = True,
) -> Policy:
    """A policy from the CLI's and the API's words (``2026=600000000000``, ``area:hrd=0.2``…),
    refused with a :class:`PolicyError` naming what is wrong."""
    shares = [parse_share(s, "min") for s in min_share]
    shares += [parse_share(s, "max") for s in max_share]
    counts = [parse_count(s, "min") for s in min_count]
    counts += [parse_count(s, "max") for s in max_count]
    multipliers: dict[str, dict[str, Decimal]] = {"area": {}, "grade": {}}
    for text in weights:
        kind, name, value = parse_weight(text)
        multipliers[kind][name] = value
    try:
        return Policy(
            currency=currency.upper(),
            budgets=dict(parse_budget(b) for b in budgets),
            carry_over=carry_over,
            shares=tuple(shares),
            counts=tuple(counts),
            min_grade=min_grade.upper() if min_grade else None,
            include=tuple(include),
            weights=Weights(area=multipliers["area"], grade=multipliers["grade"]),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "policy"
        raise PolicyError(f"{where}: {first['msg']}") from exc
