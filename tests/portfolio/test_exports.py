"""The planner's public surface, pinned: a change to it is a decision, not an accident."""

from __future__ import annotations

import ast
import doctest
from pathlib import Path

import cajad.portfolio as portfolio

EXPECTED = {
    "GRADES", "OPTIONAL_COLUMNS", "REQUIRED_COLUMNS", "Arrays", "Binding", "Candidate",
    "CandidatesError", "Constraint", "Converter", "Cost", "CountLimit", "FrontierPoint",
    "HighsSolver", "Model", "Option", "Plan", "PlanningError", "Policy", "PolicyError",
    "Portfolio", "Problem", "Row", "ShareLimit", "Solution", "Solver", "SolverError", "Weights",
    "arrays", "best", "build_model", "conflict", "feasible", "frontier", "make_problem",
    "parse_budget", "parse_count", "parse_rows", "parse_share", "plan", "read_candidates",
    "violations",
}  # fmt: skip


def test_exports() -> None:
    assert set(portfolio.__all__) == EXPECTED
    for name in portfolio.__all__:
        assert getattr(portfolio, name) is not None


def test_the_library_imports_no_web_nor_cli() -> None:
    """Only ``cli.py``, the edge the CLI root registers, may import the CLI's toolkit."""
    for path in Path(portfolio.__file__).parent.glob("*.py"):
        if path.name == "cli.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("cajad.web", "cajad._cli", "typer")), path
                assert node.module != "cajad.cli", path


def test_docstring_example_runs() -> None:
    assert doctest.testmod(portfolio).failed == 0
