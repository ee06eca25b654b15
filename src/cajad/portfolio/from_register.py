"""Candidates from the register, with the benefit each gets by default and where it came from.

A project of the register is a candidate when it is not cancelled, is not a package (an
``aggregate`` total whose parts are projects of their own: they are the candidates) and has
committed or pledged money with a value date in the plan's years (from the first budgeted
year on: money committed before that is decided, not planned). Its candidate has:

- **cost**: that money, summed by the year of its value date, each in its own currency (the
  plan converts them, see :mod:`cajad.portfolio.problem`);
- **area**: its priority area (the override, else the sectors' area with the largest share);
- **country**: its recipient country with the largest share (``CA``: only a regional one);
- **grade** and red flags: from its latest screening (none: not screened);
- **benefit**, by default: its money in the plan currency (in millions) × its screening score
  / 100 × the weight of its E&S category — quality-weighted money, the initiative's "quality
  over quantity" — with an assumed score of 50 when it is not screened. Each default is
  labelled with its inputs. :func:`register_problem` then adds the corridor and prospectivity
  parts and applies the benefits people set (:mod:`cajad.portfolio.benefits`);
  :func:`apply_benefits` replaces them from a benefits file (``project, benefit, source``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cajad.errors import Problem as Place
from cajad.portfolio.benefits import CATEGORY_WEIGHTS, with_register_benefits
from cajad.portfolio.candidates import Candidate, Cost
from cajad.portfolio.errors import CandidatesError
from cajad.portfolio.policy import Policy
from cajad.portfolio.problem import Problem, make_problem
from cajad.register import REPORTED_TYPES, Project, RateBook, Stage, project_areas
from cajad.screening import ProjectQuality, quality

__all__ = [
    "ASSUMED_SCORE",
    "apply_benefits",
    "read_benefits",
    "register_candidates",
    "register_problem",
]

ASSUMED_SCORE = Decimal(50)
MILLION = Decimal(1_000_000)


def register_candidates(
    session: Session, currency: str, *, since: int | None = None
) -> list[Candidate]:
    """The register's projects as candidates, counting money from the year ``since`` on."""
    book = RateBook.from_session(session)
    grades = quality(session)
    projects = session.scalars(
        select(Project)
        .where(Project.stage != Stage.CANCELLED.value)
        .options(selectinload(Project.transactions), selectinload(Project.parts))
        .order_by(Project.identifier)
    )
    found = []
    for project in projects:
        if project.parts:
            continue
        costs: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        money = Decimal(0)
        for tx in project.transactions:
            day = tx.value_date
            if day is not None and _planned(tx.type, day, tx.value, since):
                costs[(day.year, tx.currency)] += tx.value
                money += book.convert(tx.value, tx.currency, currency, day).converted
        if not costs:
            continue
        screened = grades.get(project.identifier)
        score = screened.score if screened is not None and screened.score is not None else None
        used = ASSUMED_SCORE if score is None else score
        weight, weighted = _category_weight(screened)
        source = (
            f"default: {currency} {money / MILLION:,.0f} m committed × "
            + (
                f"screening score {score}/100 (screening {screened.screening}, "
                f"catalogue {screened.catalogue_version})"
                if screened is not None and score is not None
                else f"assumed score {ASSUMED_SCORE}/100 (not screened)"
            )
            + weighted
        )
        found.append(
            Candidate(
                project=project.identifier,
                costs=tuple(
                    Cost(year=y, amount=v, currency=c) for (y, c), v in sorted(costs.items())
                ),
                benefit=(money / MILLION * used / 100 * weight).quantize(Decimal("0.01")),
                area=_area(project),
                country=_country(project),
                grade=None if screened is None else screened.grade,
                red_flags=() if screened is None else screened.red_flags,
                benefit_source=source,
            )
        )
    return found


def _category_weight(screened: ProjectQuality | None) -> tuple[Decimal, str]:
    """The weight of the screening's E&S category (:data:`CATEGORY_WEIGHTS`) and its words."""
    if screened is None or screened.category not in CATEGORY_WEIGHTS:
        return Decimal(1), ""
    weight = CATEGORY_WEIGHTS[screened.category]
    return weight, f" × {weight} for E&S category {screened.category} (assumed weight)"


def _planned(kind: int, day: dt.date, value: Decimal, since: int | None) -> bool:
    if kind not in REPORTED_TYPES or value <= 0:
        return False
    return since is None or day.year >= since


def _area(project: Project) -> str:
    shares = project_areas(project)
    return max(shares, key=lambda pair: (pair[1], pair[0]))[0]


def _country(project: Project) -> str:
    countries = [c for c in project.countries if not c.is_region]
    if not countries:
        return "CA"
    return max(countries, key=lambda c: (c.percentage, c.code)).code


def read_benefits(path: Path) -> dict[str, tuple[Decimal, str]]:
    """A benefits table: ``project, benefit`` and an optional ``source`` column."""
    problems: list[Place] = []
    table: dict[str, tuple[Decimal, str]] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                project = (row.get("project") or "").strip()
                text = (row.get("benefit") or "").strip()
                try:
                    value = Decimal(text)
                except ArithmeticError:
                    value = Decimal("NaN")
                if not project:
                    problems.append(Place(str(path), number, "project", "must not be empty"))
                elif not value.is_finite() or value < 0:
                    problems.append(
                        Place(str(path), number, "benefit", f"must be a number >= 0; got {text!r}")
                    )
                else:
                    source = (row.get("source") or "").strip() or f"benefits table {path.name}"
                    table[project] = (value, source)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CandidatesError(f"{path}: cannot read benefits: {exc}") from exc
    if problems:
        raise CandidatesError(f"{path}: benefits refused", problems)
    return table


def apply_benefits(
    candidates: list[Candidate], table: dict[str, tuple[Decimal, str]]
) -> list[Candidate]:
    """The candidates with the benefits of ``table`` in place of their defaults."""
    known = {c.project for c in candidates}
    unknown = sorted(set(table) - known)
    if unknown:
        raise CandidatesError(f"the benefits table names no candidate: {', '.join(unknown[:10])}")
    return [
        c.model_copy(update={"benefit": table[c.project][0], "benefit_source": table[c.project][1]})
        if c.project in table
        else c
        for c in candidates
    ]


def register_problem(
    session: Session,
    policy: Policy,
    *,
    benefits: dict[str, tuple[Decimal, str]] | None = None,
    candidates: list[Candidate] | None = None,
) -> Problem:
    """The problem of planning the register's projects (or ``candidates``, converted at the
    register's rates) under ``policy``."""
    if candidates is None:
        candidates = register_candidates(session, policy.currency, since=min(policy.budgets))
        candidates = with_register_benefits(
            session, candidates, policy.currency, len(policy.budgets)
        )
    if benefits:
        candidates = apply_benefits(candidates, benefits)
    return make_problem(candidates, policy, converter=RateBook.from_session(session))
