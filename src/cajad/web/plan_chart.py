"""The World Bank IPF two-index chart of the plan page: every candidate placed by a
social-environmental index against a financial-economic index, the selected ones marked.

The World Bank's Infrastructure Prioritization Framework (Marcelo, Mandri-Perrott, House and
Schwartz, Policy Research Working Paper 7674, 2016) plots each project by two composite
indices and reads the quadrants: high on both, a priority; high on one, a trade-off to argue.
cajad makes the two indices from what the register knows:

- **Social-environmental index** (0-100): the project's latest screening score (its E&S and
  quality screening, :mod:`cajad.screening`); a project not screened is placed at an assumed
  50 and says so.
- **Financial-economic index** (0-100): the percentile rank, among the plan's candidates, of
  its benefit per cost: the benefit the plan uses (set, or the register default, in the plan
  currency's millions) over its money in the plan currency's millions. A rank, so that the
  index does not depend on the benefit's unit. With default benefits the two indices are not
  independent (the default is itself quality-weighted money); benefits set from appraisals
  (``cajad benefits set``) make them so.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Decimal
from typing import Any, Final

from cajad.portfolio import Problem
from cajad.screening import ProjectQuality

__all__ = ["ASSUMED_SE", "two_indices"]

#: Where a project without a screening is placed on the social-environmental axis (assumed).
ASSUMED_SE: Final = Decimal(50)
MILLION: Final = Decimal(1_000_000)


def _percentiles(values: list[Decimal]) -> list[Decimal]:
    """Mid-rank percentiles 0-100 (ties share their mean rank; a single value is 50)."""
    n = len(values)
    if n == 1:
        return [Decimal(50)]
    ranks = []
    for v in values:
        below = sum(1 for w in values if w < v)
        equal = sum(1 for w in values if w == v)
        ranks.append((Decimal(100) * (below + Decimal(equal - 1) / 2) / (n - 1)).quantize(1))
    return ranks


def two_indices(
    problem: Problem, grades: Mapping[str, ProjectQuality], selected: Set[str]
) -> list[dict[str, Any]]:
    """One row per candidate of ``problem``: both indices, benefit per cost, whether selected."""
    options = [o for o in problem.options if o.total > 0]
    ratios = [o.candidate.benefit / (o.total / MILLION) for o in options]
    ranks = _percentiles(ratios)
    rows: list[dict[str, Any]] = []
    keys: dict[str, tuple[bool, Decimal, str]] = {}
    for option, ratio, rank in zip(options, ratios, ranks, strict=True):
        screened = grades.get(option.project)
        score = None if screened is None else screened.score
        rows.append(
            {
                "project": option.key,
                "se": str((ASSUMED_SE if score is None else score).quantize(Decimal("0.1"))),
                "se_assumed": score is None,
                "fe": str(rank),
                "ratio": str(ratio.quantize(Decimal("0.0001"))),
                "benefit": str(option.candidate.benefit),
                "cost": str((option.total / MILLION).quantize(Decimal("0.1"))),
                "grade": option.candidate.grade or "",
                "area": option.candidate.area,
                "country": option.candidate.country,
                "selected": option.key in selected,
            }
        )
        keys[option.key] = (option.key not in selected, -rank, option.key)
    rows.sort(key=lambda r: keys[r["project"]])
    return rows
