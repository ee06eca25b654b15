"""``cajad prospect record``, ``attach``, ``list`` and ``--project``: runs into the register from
the command line; an unknown project or a bad folder exits 2 with nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.register import init, load_demo, make_engine
from tests.conftest import rows_of

from .conftest import prospect_app
from .test_store import MINING, OTHER, small_demo

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    return prospect_app()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_demo(tmp_path_factory.mktemp("cli-run"))


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A demo register on SQLite that the CLI finds through ``CAJAD_DATABASE_URL``."""
    url = f"sqlite:///{tmp_path / 'cajad.sqlite'}"
    engine = make_engine(url)
    init(engine)
    load_demo(engine)
    monkeypatch.setenv("CAJAD_DATABASE_URL", url)
    yield engine
    engine.dispose()


def invoke(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["prospect", *args])
    return result.exit_code, " ".join(result.output.split())


def listed(app: typer.Typer) -> list[dict[str, object]]:
    result = runner.invoke(app, ["prospect", "list", "--json"])
    assert result.exit_code == 0, result.output
    found: list[dict[str, object]] = json.loads(result.output)
    return found


def test_record_attach_and_list(app: typer.Typer, store: Engine, run_dir: Path) -> None:
    code, out = invoke(
        app, "record", str(run_dir), "--project", MINING, "--commodity", "porphyry Cu"
    )
    assert code == 0 and "recorded as run 1" in out and MINING in out
    [run] = listed(app)
    assert (run["id"], run["projects"], run["commodity"], run["model"]) == (
        1, [MINING], "porphyry Cu", "logistic",
    )  # fmt: skip
    code, out = invoke(app, "attach", "1", OTHER)
    assert code == 0 and f"linked to {MINING}, {OTHER}" in out
    assert [r["projects"] for r in listed(app)] == [[MINING, OTHER]]
    code, out = invoke(app, "attach", "1", MINING, "--detach")
    assert code == 0 and f"linked to {OTHER}" in out
    assert [r["projects"] for r in listed(app)] == [[OTHER]]
    code, out = invoke(app, "record", str(run_dir), "--project", MINING, "--project", OTHER)
    assert code == 0 and "already recorded as run 1" in out
    assert [r["projects"] for r in listed(app)] == [[MINING, OTHER]]
    code, out = invoke(app, "list")
    assert code == 0 and "porphyry Cu" in out and "kz-mitsubishi" in out  # folded at 80 columns
    assert len(rows_of(store, "prospectivity_run")) == 1


def test_unknown_project_exits_2_and_writes_nothing(
    app: typer.Typer, store: Engine, run_dir: Path, tmp_path: Path
) -> None:
    code, out = invoke(app, "record", str(run_dir), "--project", "nowhere")
    assert code == 2 and "no project 'nowhere'" in out
    out_dir = tmp_path / "never"
    evidence, deposits = tmp_path / "evidence", tmp_path / "deposits.csv"
    evidence.mkdir()
    deposits.write_text("lon,lat\n", encoding="utf-8")
    code, out = invoke(
        app, "run", "--evidence", str(evidence), "--deposits", str(deposits),
        "--out", str(out_dir), "--project", "nowhere",
    )  # fmt: skip
    assert code == 2 and "no project 'nowhere'" in out  # checked before the run starts
    assert not out_dir.exists()
    code, out = invoke(app, "attach", "1", MINING)
    assert code == 2 and "no prospectivity run 1" in out
    assert rows_of(store, "prospectivity_run") == []


def test_a_folder_that_is_not_a_run_exits_2(
    app: typer.Typer, store: Engine, tmp_path: Path
) -> None:
    code, out = invoke(app, "record", str(tmp_path))
    assert code == 2 and f"{tmp_path / 'metrics.json'} is missing" in out
    assert rows_of(store, "prospectivity_run") == []


def test_without_a_register_says_run_init(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
    code, out = invoke(app, "list")
    assert code == 2 and "cajad init" in out


@pytest.mark.slow
def test_demo_records_its_run(app: typer.Typer, store: Engine, tmp_path: Path) -> None:
    code, out = invoke(
        app, "demo", "--out", str(tmp_path / "demo"), "--model", "logistic",
        "--resolution", "40000", "--project", MINING,
    )  # fmt: skip
    assert code == 0 and "recorded as run 1" in out, out
    [run] = listed(app)
    assert (run["commodity"], run["projects"]) == ("porphyry Cu", [MINING])
