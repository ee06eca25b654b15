"""Candidates: the projects (or variants of projects) a plan may select, and their CSV form.

A candidates file has one row per project and year::

    project,year,cost,currency,benefit,area,country,grade,requires,excludes,tags
    kz-wind,2026,12000000000,JPY,40,green,KZ,B,,,
    kz-wind,2027,8000000000,JPY,,,,,,,
    uz-rail,2027,90000000,USD,55,connectivity,UZ,A,kz-wind,,corridor

``benefit``, ``area``, ``country``, ``grade``, ``requires``, ``excludes`` and ``tags`` are the
project's: given on its first row, and on later rows either left empty or the same. ``grade``
is the screening grade (A best … D, F: blocked by red flags; empty: not screened).
``requires`` and ``excludes`` list project ids and ``tags`` free labels, ``;``-separated.
An optional ``variant`` column makes several rows sets of one project alternatives (staged or
sized variants): a plan selects at most one variant of a project.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from cajad.errors import Problem
from cajad.portfolio.errors import CandidatesError

__all__ = [
    "EXAMPLE",
    "GRADES",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "Candidate",
    "Cost",
    "grade_rank",
    "read_candidates",
]

REQUIRED_COLUMNS: Final = (
    "project",
    "year",
    "cost",
    "currency",
    "benefit",
    "area",
    "country",
    "grade",
)
OPTIONAL_COLUMNS: Final = ("requires", "excludes", "tags", "variant")
#: Screening grades, best first; F is a grade blocked by red flags.
GRADES: Final = ("A", "B", "C", "D", "F")
_PROJECT_FIELDS: Final = (
    "benefit",
    "area",
    "country",
    "grade",
    "requires",
    "excludes",
    "tags",
)
#: The bundled example: twenty real projects of the register for 2026-2030 (years, grades and
#: the JPY rate assumed; see ``data/portfolio/SOURCE.md``).
EXAMPLE: Final = Path(
    str(resources.files("cajad.data").joinpath("portfolio/example_candidates.csv"))
)
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2199


def grade_rank(grade: str | None) -> int | None:
    """0 for A, 1 for B …; None for no grade."""
    return None if grade is None else GRADES.index(grade)


class Cost(BaseModel):
    """Money a candidate needs in one year, in its own currency."""

    model_config = ConfigDict(frozen=True)

    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    amount: Decimal = Field(ge=0, allow_inf_nan=False)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class Candidate(BaseModel):
    """One selectable option: a project, or one variant of it, with its money and attributes.

    ``benefit`` is in the user's units (any scale: only ratios matter to the plan);
    ``benefit_source`` says where it came from (given, or the register default used).
    """

    model_config = ConfigDict(frozen=True)

    project: str = Field(min_length=1)
    variant: str = ""
    costs: tuple[Cost, ...] = Field(min_length=1)
    benefit: Decimal = Field(ge=0, allow_inf_nan=False)
    area: str = Field(min_length=1)
    country: str = Field(min_length=1)
    grade: str | None = Field(default=None, pattern=r"^[A-DF]$")
    red_flags: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    benefit_source: str = "given"

    @property
    def key(self) -> str:
        """The id a plan selects: the project, or ``project/variant``."""
        return f"{self.project}/{self.variant}" if self.variant else self.project

    @property
    def blocked(self) -> bool:
        """Whether red flags block it (grade F or flags named)."""
        return self.grade == "F" or bool(self.red_flags)


def read_candidates(path: Path) -> list[Candidate]:
    """The candidates of a CSV file, refused whole with every problem's line and field."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
            header = list(rows[0]) if rows else _header(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CandidatesError(f"{path}: cannot read candidates: {exc}") from exc
    return parse_rows(rows, header, file=str(path))


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def parse_rows(
    rows: Sequence[dict[str, str | None]], header: Iterable[str], *, file: str = "<rows>"
) -> list[Candidate]:
    """Candidates from CSV rows (dicts by column); line numbers count the header as line 1."""
    columns = {c.strip() for c in header if c}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CandidatesError(
            f"{file}: candidates refused",
            [Problem(file, 1, c, "required column is missing") for c in missing],
        )
    problems: list[Problem] = []
    groups: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = {}
    for number, raw in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not row.get("project"):
            problems.append(Problem(file, number, "project", "must not be empty"))
            continue
        groups.setdefault((row["project"], row.get("variant", "")), []).append((number, row))
    candidates = [_candidate(file, key, lines, problems) for key, lines in groups.items()]
    _check_references(file, groups, problems)
    if problems:
        raise CandidatesError(f"{file}: candidates refused", problems)
    return [c for c in candidates if c is not None]


def _candidate(
    file: str,
    key: tuple[str, str],
    lines: list[tuple[int, dict[str, str]]],
    problems: list[Problem],
) -> Candidate | None:
    before = len(problems)
    costs: list[Cost] = []
    years: set[int] = set()
    for number, row in lines:
        cost = _cost(file, number, row, problems)
        if cost is not None:
            if cost.year in years:
                problems.append(Problem(file, number, "year", f"{cost.year} repeats"))
            years.add(cost.year)
            costs.append(cost)
    first_line, first = lines[0]
    for field in _PROJECT_FIELDS:
        for number, row in lines[1:]:
            if row.get(field, "") and row.get(field, "") != first.get(field, ""):
                problems.append(
                    Problem(
                        file,
                        number,
                        field,
                        f"must be empty or {first.get(field, '')!r} as on line {first_line}; "
                        f"got {row[field]!r}",
                    )
                )
    benefit = _decimal(file, first_line, "benefit", first.get("benefit", ""), problems)
    if benefit is not None and benefit < 0:
        problems.append(Problem(file, first_line, "benefit", f"must be >= 0; got {benefit}"))
    for field in ("area", "country"):
        if not first.get(field):
            problems.append(Problem(file, first_line, field, "must not be empty"))
    grade = first.get("grade", "").upper() or None
    if grade is not None and grade not in GRADES:
        problems.append(
            Problem(
                file, first_line, "grade", f"must be one of A, B, C, D, F or empty; got {grade}"
            )
        )
    if len(problems) > before or benefit is None:
        return None
    return Candidate(
        project=key[0],
        variant=key[1],
        costs=tuple(sorted(costs, key=lambda c: c.year)),
        benefit=benefit,
        area=first["area"],
        country=first["country"].upper(),
        grade=grade,
        requires=_list(first.get("requires", "")),
        excludes=_list(first.get("excludes", "")),
        tags=_list(first.get("tags", "")),
    )


def _cost(file: str, number: int, row: dict[str, str], problems: list[Problem]) -> Cost | None:
    year_text = row.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(
            Problem(
                file, number, "year", f"must be a year {FIRST_YEAR}-{LAST_YEAR}; got {year_text!r}"
            )
        )
    amount = _decimal(file, number, "cost", row.get("cost", ""), problems)
    if amount is not None and amount < 0:
        problems.append(Problem(file, number, "cost", f"must be >= 0; got {amount}"))
        amount = None
    currency = row.get("currency", "").upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        problems.append(
            Problem(
                file, number, "currency", f"must be an ISO 4217 code like JPY; got {currency!r}"
            )
        )
        return None
    if year is None or amount is None:
        return None
    return Cost(year=year, amount=amount, currency=currency)


def _decimal(
    file: str, number: int, field: str, text: str, problems: list[Problem]
) -> Decimal | None:
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        problems.append(Problem(file, number, field, f"must be a number like 1000.5; got {text!r}"))
        return None
    return value


def _list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


def _check_references(
    file: str,
    groups: dict[tuple[str, str], list[tuple[int, dict[str, str]]]],
    problems: list[Problem],
) -> None:
    projects = {project for project, _ in groups}
    for (project, _), lines in groups.items():
        number, row = lines[0]
        for field in ("requires", "excludes"):
            for other in _list(row.get(field, "")):
                if other == project:
                    problems.append(Problem(file, number, field, f"{project} names itself"))
                elif other not in projects:
                    problems.append(Problem(file, number, field, f"no project {other!r} in {file}"))
