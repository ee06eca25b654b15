"""``cajad plan``: the JSON contract, exit 2 with the conflict, refused candidates files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cajad.cli import app

runner = CliRunner()

CSV = """project,year,cost,currency,benefit,area,country,grade,requires,excludes,tags
kz-wind,2026,60,JPY,5,green,KZ,B,,,
kz-wind,2027,10,JPY,,,,,,,
uz-rail,2026,50,JPY,4,connectivity,UZ,A,,,corridor
kg-school,2027,40,JPY,3,hrd,KG,C,uz-rail,,
tj-mine,2026,30,JPY,9,green,TJ,F,,,minerals
"""


@pytest.fixture
def candidates(tmp_path: Path) -> Path:
    path = tmp_path / "candidates.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, dict[str, object], str]:
    result = runner.invoke(app, ["plan", *args, "--json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}, result.stderr


def test_json_contract(candidates: Path) -> None:
    code, data, _ = run(
        "--candidates", str(candidates), "--currency", "JPY",
        "--budget", "2026=100", "--budget", "2027=60",
        "--min-share", "area:hrd=0.2", "--max-share", "country:KZ=0.6",
        "--min-grade", "C", "--alternatives", "2", "--gap", "0.5",
    )  # fmt: skip
    assert code == 0
    assert data["status"] == "optimal"
    assert data["selected"] == ["uz-rail", "kg-school"]
    assert data["objective"] == "7"
    assert data["alternatives"] == []  # kz-wind would need kg-school, then uz-rail: over budget
    assert set(data["why"]) == {"kz-wind", "uz-rail", "kg-school", "tj-mine"}  # type: ignore[arg-type]
    assert "red flags" in data["why"]["tj-mine"]  # type: ignore[index]
    assert data["conflict"] == []
    assert isinstance(data["binding"], list)


def test_infeasible_exits_2_naming_the_conflict(candidates: Path) -> None:
    code, data, _ = run(
        "--candidates", str(candidates), "--budget", "2026=100", "--budget", "2027=60",
        "--min-share", "area:hrd=0.2", "--min-grade", "A",
    )  # fmt: skip
    assert code == 2
    assert data["status"] == "infeasible" and data["objective"] is None
    assert data["conflict"] == ["min-share area:hrd=0.2", "min-grade A"]


def test_infeasible_without_json_says_so_on_stderr(candidates: Path) -> None:
    result = runner.invoke(
        app, ["plan", "--candidates", str(candidates), "--budget", "2026=1", "--include", "kz-wind"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no portfolio meets the policy; conflicting: budget")


def test_a_bad_file_is_refused_with_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "project,year,cost,currency,benefit,area,country,grade,requires\n"
        "a,2026,ten,JPY,1,green,KZ,B,\n"
        "b,2026,5,JPY,1,green,KZ,Q,zz\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["plan", "--candidates", str(path), "--budget", "2026=1"])
    assert result.exit_code == 2
    assert f"{path}:2: cost: must be a number" in result.stderr
    assert f"{path}:3: grade: must be one of" in result.stderr
    assert f"{path}:3: requires: no project 'zz'" in result.stderr
