"""Derived layers by name (``--derive``), written with the run and listed in run.json; and
``--model auto``, which ranks the candidates by spatial CV."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
import typer
from typer.testing import CliRunner

from cajad.minerals import Grid
from cajad.minerals.derive import Derivation, contacts, derive_stack, feature_density
from cajad.minerals.errors import EvidenceError
from cajad.minerals.run import RunConfig
from cajad.minerals.stack import EvidenceStack
from cajad.minerals.templates import check_evidence, load_template, template_config

from .conftest import prospect_app, write_world

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "name", "radius"),
    [
        ("gradient:magnetic", "magnetic_gradient", None),
        ("tilt:magnetic", "magnetic_tilt", None),
        ("distance:faults", "faults_distance", None),
        ("contacts:lithology", "lithology_contact_distance", None),
        ("density:faults", "faults_density", None),
        ("density:faults:2500=fault_density", "fault_density", 2500.0),
    ],
)
def test_a_derivation_is_named_by_its_recipe(text: str, name: str, radius: float | None) -> None:
    d = Derivation.parse(text)
    assert (d.name, d.radius, d.recipe) == (name, radius, text)


@pytest.mark.parametrize("text", ["slope:dem", "gradient", "tilt:mag:100", "density:f:0", ":x"])
def test_a_bad_recipe_is_refused_naming_it(text: str) -> None:
    with pytest.raises(EvidenceError, match=r"derived layer|radius"):
        Derivation.parse(text)


def test_contacts_and_density() -> None:
    units = np.array([[1, 1, 2], [1, 1, 2], [np.nan, 3, 3]])
    assert contacts(units).tolist() == [
        [False, True, False],
        [False, True, True],
        [False, False, False],
    ]
    features = np.zeros((41, 41), dtype=bool)
    features[20, :] = True
    density = feature_density(features, radius=5.0)
    assert density[20, 20] > density[15, 20] > density[10, 20] == pytest.approx(0.0, abs=1e-9)


def _stack() -> EvidenceStack:
    grid = Grid.from_bounds(0, 0, 3000, 3000, resolution=100, crs="EPSG:32642")
    r, c = np.mgrid[0:30, 0:30]
    magnetic = np.sin(r / 5.0) * 50 + c
    lithology = (1 + (c >= 15) + (r >= 20)).astype(np.float64)
    faults = (r == c).astype(np.float64)
    outside = np.zeros((30, 30), dtype=bool)
    outside[:3, :3] = True
    layers = {
        "magnetic": np.where(outside, np.nan, magnetic),
        "lithology": np.where(outside, np.nan, lithology),
        "faults": np.where(outside, np.nan, faults),
    }
    return EvidenceStack.from_arrays(layers, grid, categorical=["lithology"], chunks=16)


def test_derive_stack_appends_measured_layers_blank_outside_the_study_area() -> None:
    stack, grids, found = derive_stack(
        _stack(),
        ["gradient:magnetic", "tilt:magnetic", "distance:faults", "contacts:lithology"],
    )
    assert stack.layers == [
        "magnetic",
        "lithology",
        "faults",
        "magnetic_gradient",
        "magnetic_tilt",
        "faults_distance",
        "lithology_contact_distance",
    ]
    assert stack.categorical == {"lithology"} and [d.op for d in found][:2] == ["gradient", "tilt"]
    dist = grids["faults_distance"]
    assert (
        np.isnan(dist[:3, :3]).all()
        and dist[10, 10] == 0
        and dist[10, 12] == pytest.approx(100 * np.sqrt(2))
    )
    tilt = grids["magnetic_tilt"][3:, 3:]
    assert np.isfinite(tilt).all() and np.abs(tilt).max() <= np.pi / 2
    contact = grids["lithology_contact_distance"]
    assert contact[5, 14] == 0 and contact[5, 10] == 400.0


def test_derive_stack_refuses_an_unknown_source_or_a_taken_name() -> None:
    with pytest.raises(EvidenceError, match="no evidence layer 'gravity'"):
        derive_stack(_stack(), ["gradient:gravity"])
    with pytest.raises(EvidenceError, match="exists already"):
        derive_stack(_stack(), ["gradient:magnetic=faults"])


def test_a_template_asks_for_derived_layers(tmp_path: Path) -> None:
    bundled = load_template("cu-porphyry")
    raw = bundled.model_dump()
    raw["derive"] = ["distance:faults=dist_fault"]
    template = type(bundled).model_validate(raw)
    folder = tmp_path / "evidence"
    folder.mkdir()
    for name in ("dist_porphyry_intrusion", "alteration", "faults"):
        (folder / f"{name}.tif").write_bytes(b"")
    check_evidence(template, folder)  # dist_fault is derived from faults.tif
    config = template_config(template, RunConfig(model="fuzzy", derive=["tilt:magnetic"]))
    assert config.derive == ["tilt:magnetic", "distance:faults=dist_fault"]
    raw["derive"] = ["slope:dem"]
    with pytest.raises(ValueError, match="slope:dem"):
        type(bundled).model_validate(raw)


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    return prospect_app()


@pytest.fixture(scope="module")
def auto_run(app: typer.Typer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    files = write_world(tmp_path_factory.mktemp("world"), size=100, seed=3)
    out = files.evidence.parent / "run"
    args = ["prospect", "run", "--evidence", str(files.evidence), "--deposits"]
    args += [str(files.deposits), "--out", str(out), "--n-background", "3000", "--model", "auto"]
    for recipe in ("gradient:good", "tilt:good", "distance:bad", "density:bad:5000"):
        args += ["--derive", recipe]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_derived_layers_are_written_and_listed_in_the_run_file(auto_run: tuple[Path, str]) -> None:
    out, _ = auto_run
    run = json.loads((out / "run.json").read_text())
    names = ["good_gradient", "good_tilt", "bad_distance", "bad_density"]
    assert run["layers"][-4:] == names
    assert [d["recipe"] for d in run["derived"]] == [
        "gradient:good",
        "tilt:good",
        "distance:bad",
        "density:bad:5000",
    ]
    for record in run["derived"]:
        path = out / record["file"]
        assert not Path(record["file"]).is_absolute()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == record["sha256"]
        with rasterio.open(path) as src:
            assert src.tags()["CAJAD_DERIVED"] == record["recipe"] and src.shape == (100, 100)
    assert run["parameters"]["derive"] == [d["recipe"] for d in run["derived"]]
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(names) <= set(metrics["layer_importance"])


def test_model_auto_ranks_by_spatial_cv_and_keeps_the_best(auto_run: tuple[Path, str]) -> None:
    out, output = auto_run
    metrics = json.loads((out / "metrics.json").read_text())
    run = json.loads((out / "run.json").read_text())
    selection = metrics["model_selection"]
    assert selection == run["model_selection"]
    ranking = selection["ranking"]
    assert [r["model"] for r in ranking] != [] and len(ranking) == 4
    assert {r["model"] for r in ranking} == {"wofe", "logistic", "rf", "gbm"}
    aucs = [r["roc_auc"] for r in ranking]
    assert aucs == sorted(aucs, reverse=True)
    assert selection["chosen"] == ranking[0]["model"] == run["parameters"]["model"]
    assert "spatial" in selection["scheme"] and metrics["roc_auc"] == ranking[0]["roc_auc"]
    assert metrics["spatial_cv"]["roc_auc_folds"] == ranking[0]["roc_auc_folds"]
    assert "--model auto" in output and selection["chosen"] in output
    for r in ranking:
        assert f"{r['roc_auc']:.3f}" in output


def test_a_bad_derive_is_refused_before_the_run(app: typer.Typer, tmp_path: Path) -> None:
    files = write_world(tmp_path, size=40, seed=3)
    args = ["prospect", "run", "--evidence", str(files.evidence), "--deposits"]
    args += [str(files.deposits), "--out", str(tmp_path / "run"), "--derive", "slope:dem"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "slope:dem" in result.output
    assert not (tmp_path / "run").exists()
    shutil.rmtree(files.evidence)
