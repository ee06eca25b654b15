"""One ``Problem`` record for every package: the register, IATI and the corridor report a place
in an input the same way, with the same attribute names and the same printed form."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import Engine

import cajad.corridor.errors
import cajad.errors
import cajad.register.errors
from cajad.iati import IatiProblem
from cajad.register import InputError, Problem, import_file


def test_every_package_reports_with_the_one_record() -> None:
    assert cajad.register.errors.Problem is cajad.errors.Problem
    assert cajad.corridor.errors.Problem is cajad.errors.Problem
    assert Problem is cajad.errors.Problem
    assert issubclass(IatiProblem, Problem)
    assert [f.name for f in dataclasses.fields(Problem)] == [
        "file",
        "line",
        "field",
        "reason",
        "level",
    ]


@pytest.mark.parametrize("record", [Problem, IatiProblem])
def test_the_printed_form_is_file_line_field_reason(record: type[Problem]) -> None:
    problem = record("deals.csv", 3, "value", "must be a plain number", "warning")
    assert str(problem) == "deals.csv:3: value: must be a plain number"
    assert problem.level == "warning" and record("f", 1, "x", "y").level == "error"
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 4  # type: ignore[misc]


def test_a_refused_csv_names_each_place_in_that_form(empty_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "tx.csv"
    path.write_text("project,ref,type,value,currency,value_date\nnone,r1,2,12x00,JPY,2024-01-01\n")
    with pytest.raises(InputError) as caught:
        import_file(empty_engine, path)
    problems = caught.value.problems
    assert problems and all(isinstance(p, Problem) for p in problems)
    assert all(str(p) == f"{p.file}:{p.line}: {p.field}: {p.reason}" for p in problems)
    assert f"\n  {problems[0]}" in str(caught.value)
