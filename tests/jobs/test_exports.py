"""The jobs package's public surface, pinned; and it stays below the web and the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import cajad.jobs as jobs


def test_exports() -> None:
    assert jobs.__all__ == [
        "KINDS",
        "STALE_AFTER",
        "CorridorParams",
        "Job",
        "JobError",
        "JobInfo",
        "JobInputError",
        "JobNotFoundError",
        "ProspectivityParams",
        "State",
        "Worker",
        "check_params",
        "claim_next",
        "fail",
        "fail_stale",
        "finish",
        "get_job",
        "list_jobs",
        "report",
        "run_job",
        "submit",
    ]
    assert all(hasattr(jobs, name) for name in jobs.__all__)


def test_the_service_imports_no_web_nor_cli() -> None:
    for path in Path(jobs.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                assert not name.startswith(("cajad.web", "cajad.cli", "cajad._cli")), path
