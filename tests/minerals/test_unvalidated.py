"""A knowledge-driven map with too few known deposits to validate: it runs, says it is not
validated and why, and is recorded; a model that learns from deposits is still refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.minerals.store import get_run, record_run
from cajad.register.store import session_scope

from .conftest import prospect_app, write_world
from .test_templates import TEMPLATE

runner = CliRunner()


@pytest.fixture(scope="module")
def few(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The synthetic world's evidence, three of its deposits, and a template that knows its
    rule: (evidence, deposits, template)."""
    folder = tmp_path_factory.mktemp("few")
    files = write_world(folder, size=80, seed=3)
    lines = files.deposits.read_text().splitlines()
    deposits = folder / "three.csv"
    deposits.write_text("\n".join(lines[:4]) + "\n")
    template = folder / "synthetic.yaml"
    template.write_text(yaml.safe_dump(TEMPLATE))
    return files.evidence, deposits, template


def _run(evidence: Path, deposits: Path, out: Path, *extra: str) -> object:
    app: typer.Typer = prospect_app()
    args = ["prospect", "run", "--evidence", str(evidence), "--deposits", str(deposits)]
    return runner.invoke(app, [*args, "--out", str(out), "--n-background", "2000", *extra])


@pytest.fixture(scope="module")
def unvalidated(few: tuple[Path, Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    evidence, deposits, template = few
    out = tmp_path_factory.mktemp("unvalidated") / "run"
    result = _run(evidence, deposits, out, "--template", str(template))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Not validated: 3 known deposit cell(s)" in " ".join(result.output.split())  # type: ignore[attr-defined]
    return out


def test_a_fuzzy_map_with_three_deposits_is_not_validated(unvalidated: Path) -> None:
    m = json.loads((unvalidated / "metrics.json").read_text())
    assert (m["validation"], m["roc_auc"], m["pr_auc"], m["spatial_cv"]) == (
        "not validated", None, None, None,
    )  # fmt: skip
    assert m["validation_note"] == (
        "3 known deposit cell(s) on the grid; spatial CV in 5 folds needs at least 10"
    )
    assert m["capture_efficiency_heldout"] == {} and m["deposits"] == 3
    assert 0 <= m["success_rate_auc"] <= 1 and m["layer_importance"] == {}
    assert m["calibration"] == {"error": m["validation_note"]}
    for name in ("prospectivity.tif", "uncertainty.tif", "map.png", "curves.png"):
        assert (unvalidated / name).is_file()
    assert json.loads((unvalidated / "targets.geojson").read_text())["features"]


def test_a_model_that_learns_from_deposits_is_refused(
    few: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    evidence, deposits, _ = few
    result = _run(evidence, deposits, tmp_path / "gbm", "--model", "gbm")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    text = " ".join(result.output.split())  # type: ignore[attr-defined]
    assert "at least 10 deposits on the grid are needed; got 3" in text
    assert not (tmp_path / "gbm" / "metrics.json").exists()


def test_an_unvalidated_run_is_recorded(empty_engine: Engine, unvalidated: Path) -> None:
    with session_scope(empty_engine) as session:
        run_id = record_run(session, unvalidated, commodity="synthetic").run.id
    with session_scope(empty_engine) as session:
        run = get_run(session, run_id)
        assert run.summary()["roc_auc"] is None and run.metrics["validation"] == "not validated"
