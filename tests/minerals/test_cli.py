"""``cajad prospect``: a full run on a small synthetic evidence folder, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from .conftest import prospect_app, write_world

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    return prospect_app()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    files = write_world(tmp_path_factory.mktemp("world"), size=100, seed=3)
    return files.evidence, files.deposits


@pytest.mark.parametrize("model", ["wofe", "logistic"])
def test_prospect_run_writes_every_output(
    app: typer.Typer, inputs: tuple[Path, Path], tmp_path: Path, model: str
) -> None:
    evidence, deposits = inputs
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "prospect",
            "run",
            "--evidence",
            str(evidence),
            "--deposits",
            str(deposits),
            "--model",
            model,
            "--out",
            str(out),
            "--n-background",
            "3000",
        ],
    )
    assert result.exit_code == 0, result.output
    expected = {
        "prospectivity.tif",
        "uncertainty.tif",
        "metrics.json",
        "targets.geojson",
        "map.png",
        "curves.png",
        "run.json",
    }
    assert expected <= {p.name for p in out.iterdir()}
    metrics = json.loads((out / "metrics.json").read_text())
    assert 0.5 < metrics["roc_auc"] <= 1 and 0 < metrics["pr_auc"] <= 1
    assert metrics["validation"] == "spatial block CV"
    importance = metrics["layer_importance"]
    assert set(importance) == {"good", "bad", "noise0"}
    assert importance["good"] > importance["noise0"]
    run = json.loads((out / "run.json").read_text())
    assert run["parameters"]["model"] == model and "scikit-learn" in run["versions"]
    assert len(run["inputs"]["evidence"]) == 3 and "sha256" in run["inputs"]["deposits"][0]
    assert "spatial-CV ROC AUC" in result.output


def test_prospect_run_errors_are_clear(
    app: typer.Typer, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    evidence, deposits = inputs
    bad_model = runner.invoke(
        app,
        [
            "prospect",
            "run",
            "--evidence",
            str(evidence),
            "--deposits",
            str(deposits),
            "--model",
            "magic",
            "--out",
            str(tmp_path),
        ],
    )
    assert bad_model.exit_code == 2 and "wofe, logistic, rf, gbm or auto" in bad_model.output
    missing = runner.invoke(
        app,
        [
            "prospect",
            "run",
            "--evidence",
            str(evidence),
            "--deposits",
            str(tmp_path / "none.csv"),
            "--out",
            str(tmp_path),
        ],
    )
    assert missing.exit_code == 2 and f"--deposits: no such file: {tmp_path / 'none.csv'}" in (
        " ".join(missing.output.split())
    )


@pytest.mark.slow
def test_central_asia_demo(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["prospect", "demo", "--out", str(tmp_path), "--model", "gbm", "--resolution", "10000"]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["deposits"] > 30 and 0.5 < metrics["roc_auc"] < 1
    assert "related deposit types" in " ".join(result.output.split())
