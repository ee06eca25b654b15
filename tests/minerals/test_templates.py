"""Mineral-system templates: the bundled files, clear errors, and runs through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from cajad.minerals.fuzzy import parse_network
from cajad.minerals.run import RunConfig
from cajad.minerals.sites import load_sites
from cajad.minerals.templates import (
    TemplateError,
    load_template,
    template_config,
    template_names,
)

from .conftest import prospect_app, write_world

runner = CliRunner()
BUNDLED = ["cu-porphyry", "li-pegmatite", "ree", "u-sandstone", "w-sn"]
#: Demos whose bundled deposits are too few to validate (knowledge-driven maps, not validated).
UNVALIDATED_DEMOS = {"u-sandstone"}


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    return prospect_app()


def test_bundled_templates_load_and_their_demo_has_deposits() -> None:
    assert template_names() == BUNDLED
    sites = load_sites()
    in_ca5 = sites[sites["in_ca5"].astype(bool)]
    for name in BUNDLED:
        t = load_template(name)
        assert t.name == name and t.reference and t.commodities
        assert {c.component for c in t.criteria} >= {"source", "pathway", "trap"}
        assert parse_network(t.network()).layers() == t.layers()
        n = int(in_ca5["system"].isin(t.demo.training_systems).sum())
        # enough deposits for the demo's spatial CV, but where the demo says it is not validated
        assert (n >= 2 * t.demo.folds) != (name in UNVALIDATED_DEMOS), name
        fuzzy = template_config(t, RunConfig(model="fuzzy"), demo=True)
        assert fuzzy.template == name and fuzzy.fuzzy == t.demo_network()
        assert template_config(t, RunConfig(model="gbm")).fuzzy is None


TEMPLATE = {
    "name": "synthetic",
    "mineral_system": "synthetic test system",
    "commodities": ["Cu"],
    "deposit_types": ["porphyry Cu"],
    "reference": "conftest.make_world",
    "gamma": 0.5,
    "criteria": [
        {
            "name": "good",
            "component": "source",
            "layer": "good",
            "membership": {"kind": "linear", "low": -2, "high": 2},
            "note": "more is better",
        },
        {
            "name": "bad",
            "component": "trap",
            "layer": "bad",
            "membership": {"kind": "linear", "low": 2, "high": -2},
            "note": "less is better",
        },
    ],
    "demo": {
        "training_systems": ["porphyry Cu"],
        "evidence": {"dist_au": "Au"},
        "criteria": [
            {
                "name": "au",
                "component": "source",
                "layer": "dist_au",
                "membership": {"kind": "small", "midpoint": 50},
                "note": "stand-in",
            }
        ],
        "note": "synthetic",
    },
}


def _write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_bad_template_files_name_file_field_and_reason(tmp_path: Path) -> None:
    assert load_template(_write(tmp_path, "ok", TEMPLATE)).layers() == ["good", "bad"]
    bad = json.loads(json.dumps(TEMPLATE))
    bad["criteria"][0]["membership"] = {"kind": "small", "midpoint": -1}
    path = _write(tmp_path, "negative", bad)
    with pytest.raises(TemplateError) as err:
        load_template(path)
    assert str(path) in str(err.value)
    assert "criteria.0.membership.small.midpoint: Input should be greater than 0" in str(err.value)
    unknown = {**TEMPLATE, "deposit_types": ["unobtainium"]}
    with pytest.raises(TemplateError, match=r"deposit_types.*unknown deposit type.*unobtainium"):
        load_template(_write(tmp_path, "unknown", unknown))
    leak = json.loads(json.dumps(TEMPLATE))
    leak["demo"]["evidence"] = {"dist_cu": "porphyry Cu"}
    with pytest.raises(TemplateError, match="cannot be evidence"):
        load_template(_write(tmp_path, "leak", leak))
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    with pytest.raises(TemplateError, match=r"broken\.yaml: cannot read"):
        load_template(tmp_path / "broken.yaml")
    with pytest.raises(TemplateError, match="no template 'gold'; bundled: cu-porphyry"):
        load_template("gold")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    files = write_world(tmp_path_factory.mktemp("world"), size=100, seed=3)
    return files.evidence, files.deposits


def _run(app: typer.Typer, evidence: Path, deposits: Path, out: Path, *extra: str) -> object:
    args = ["prospect", "run", "--evidence", str(evidence), "--deposits", str(deposits)]
    return runner.invoke(app, [*args, "--out", str(out), "--n-background", "3000", *extra])


def test_template_run_is_fuzzy_by_default_and_recorded(
    app: typer.Typer, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    evidence, deposits = inputs
    template = _write(tmp_path, "synthetic", TEMPLATE)
    out = tmp_path / "fuzzy"
    result = _run(app, evidence, deposits, out, "--template", str(template))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["roc_auc"] > 0.75  # the knowledge matches the world's rule
    cal = metrics["calibration"]
    assert cal["brier_calibrated"] < cal["brier_raw"] and len(cal["reliability"]) == 10
    params = json.loads((out / "run.json").read_text())["parameters"]
    assert params["model"] == "fuzzy" and params["template"] == "synthetic"
    assert parse_network(params["fuzzy"]).layers() == ["good", "bad"]
    target = json.loads((out / "targets.geojson").read_text())["features"][0]["properties"]
    assert target["contribution_method"].startswith("fuzzy")
    assert target["contributions"]["noise0"] == 0.0
    trained = _run(
        app, evidence, deposits, tmp_path / "gbm", "--template", str(template), "--model", "gbm"
    )
    assert trained.exit_code == 0, trained.output  # type: ignore[attr-defined]
    params = json.loads((tmp_path / "gbm" / "run.json").read_text())["parameters"]
    assert params["model"] == "gbm" and params["template"] == "synthetic"
    assert params["fuzzy"] is None


def test_template_run_names_missing_layers(
    app: typer.Typer, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    evidence, deposits = inputs
    result = _run(app, evidence, deposits, tmp_path, "--template", "li-pegmatite")
    assert result.exit_code == 2
    text = " ".join(result.output.split())  # type: ignore[attr-defined]
    assert "li-pegmatite needs evidence layer(s) dist_fertile_granite, dist_regional_fault" in text
    assert "metamorphic_grade.tif" in text and "found: bad, good, noise0" in text
    no_template = _run(app, evidence, deposits, tmp_path, "--model", "fuzzy")
    assert no_template.exit_code == 2 and "needs --template" in no_template.output  # type: ignore[attr-defined]


def test_templates_command_lists_them(app: typer.Typer) -> None:
    result = runner.invoke(app, ["prospect", "templates"])
    assert result.exit_code == 0
    for name in BUNDLED:
        assert name in result.output


@pytest.mark.slow
@pytest.mark.parametrize("name", BUNDLED)
def test_template_demo(app: typer.Typer, tmp_path: Path, name: str) -> None:
    args = ["prospect", "demo", "--out", str(tmp_path), "--template", name]
    result = runner.invoke(app, [*args, "--resolution", "20000"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    if name in UNVALIDATED_DEMOS:
        assert metrics["roc_auc"] is None and metrics["validation"] == "not validated"
    else:
        assert 0 < metrics["roc_auc"] <= 1 and "calibration" in metrics
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["parameters"]["template"] == name and run["parameters"]["model"] == "fuzzy"
    assert f"Template {name}:" in (tmp_path / "README.txt").read_text()
