"""The bundled example candidates: real register projects, runnable from the README without a
register, and the plan it gives meets its policy."""

from __future__ import annotations

import itertools
import json
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cajad.cli import app
from cajad.portfolio import parse_share, read_candidates
from cajad.portfolio.candidates import EXAMPLE
from cajad.portfolio.policy import Policy, parse_budget

from .checks import broken

ROOT = Path(__file__).parents[2]


def readme_command() -> list[str]:
    """The README's command over the example, its arguments after ``cajad``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(".venv/bin/cajad plan --candidates src/cajad/data/portfolio/")
    lines = []
    for line in text[start:].splitlines():
        lines.append(line.split("#")[0].rstrip().removesuffix("\\"))
        if not line.rstrip().endswith("\\"):
            break
    return shlex.split(" ".join(lines))[1:]


def test_the_example_is_real_projects_in_all_countries_and_areas() -> None:
    found = read_candidates(EXAMPLE)
    assert len(found) == 20
    assert {c.country for c in found} == {"KG", "KZ", "TJ", "TM", "UZ"}
    assert {c.area for c in found} == {"green", "connectivity", "hrd"}
    deals = (ROOT / "src/cajad/data/initiative/curation.csv").read_text(encoding="utf-8")
    assert all(f"{c.project}," in deals or f",{c.project}" in deals for c in found)
    assert (EXAMPLE.parent / "SOURCE.md").is_file()


def test_the_readme_runs_the_example(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No register: the file is all JPY and needs none.
    monkeypatch.setenv("CAJAD_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
    monkeypatch.chdir(ROOT)
    args = readme_command()
    assert args[:3] == ["plan", "--candidates", "src/cajad/data/portfolio/example_candidates.csv"]
    result = CliRunner().invoke(app, [*args, "--explain", "0", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "optimal" and len(data["alternatives"]) == 2
    options = dict(zip(args[1::2], args[2::2], strict=False))
    budgets = dict(parse_budget(a) for f, a in itertools.pairwise(args) if f == "--budget")
    policy = Policy(
        currency="JPY",
        budgets=budgets,
        shares=(
            parse_share(options["--min-share"], "min"),
            parse_share(options["--max-share"], "max"),
        ),
        min_grade=options["--min-grade"],
    )
    candidates = read_candidates(EXAMPLE)
    assert broken(candidates, policy, data["selected"]) == []
    assert 0 < len(data["selected"]) < len(candidates)  # the budget makes it choose
