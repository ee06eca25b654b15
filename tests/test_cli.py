"""The command line: exit codes scripts can trust and the documented JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.cli import app

runner = CliRunner()


@pytest.fixture
def env(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return engine


def test_progress_by_pillar_json_shape(env: Engine) -> None:
    result = runner.invoke(app, ["progress", "--by", "pillar", "--currency", "EUR", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"currency", "goal", "total", "period", "rule", "breakdown"} <= data.keys()
    assert all({"key", "total"} <= row.keys() for row in data["breakdown"])
    assert {row["key"] for row in data["breakdown"]} <= {
        "green",
        "connectivity",
        "hrd",
        "unassigned",
    }


def test_import_exit_codes(env: Engine, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "project,ref,type,value,currency,value_date\n"
        "kg-grant-2025-naryn-bridge,d-1,3,100,USD,2026-03-01\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text() + "kg-grant-2025-naryn-bridge,d-2,3,1e5,USD,2026-03-01\n")
    dry = runner.invoke(app, ["import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "would be" in dry.output
    refused = runner.invoke(app, ["import", str(bad)])
    assert refused.exit_code == 2
    assert f"{bad}:3:value" in refused.output
    partial = runner.invoke(app, ["import", str(bad), "--partial", "--json"])
    assert partial.exit_code == 3
    assert json.loads(partial.output)["updated"] == ["kg-grant-2025-naryn-bridge"]
    again = runner.invoke(app, ["import", str(good)])
    assert again.exit_code == 0 and "0 updated" in again.output


def test_quality_json(env: Engine) -> None:
    result = runner.invoke(app, ["quality", "--json"])
    assert result.exit_code == 0
    assert {"kind", "severity", "project", "message"} <= json.loads(result.output)[0].keys()


def test_convert_shows_rate_and_source(env: Engine) -> None:
    result = runner.invoke(app, ["convert", "37000000000", "JPY", "USD", "2024-02-19"])
    assert result.exit_code == 0, result.output
    assert "Source: European Central Bank" in result.output
    assert "daily rate" in result.output


def test_commands_refuse_an_uninitialised_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
    result = runner.invoke(app, ["progress"])
    assert result.exit_code == 2
    assert "cajad init" in result.output
