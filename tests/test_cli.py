"""The command line: exit codes scripts can trust and the documented JSON shapes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.cli import app
from cajad.errors import ErrorKind, kind_of
from cajad.register import Stage
from cajad.tracker.rule import CountingRule, Measure, RuleError

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
    keys = {row["key"] for row in data["breakdown"]}
    assert {"green", "connectivity", "hrd"} <= keys  # every area, at zero if nothing counts
    assert keys <= {"green", "connectivity", "hrd", "unassigned", "aggregate_unknown"}


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
    assert f"{bad}:3: value: must be a plain number" in refused.output
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


def test_counting_rule_from_options_keeps_defaults_and_names_the_bad_option() -> None:
    assert CountingRule.from_options() == CountingRule()
    rule = CountingRule.from_options(
        measure=Measure.SIGNED, end=dt.date(2027, 12, 31), stages=[Stage.MOU, "financing"]
    )
    assert (rule.period_start, rule.period_end) == (dt.date(2025, 12, 20), dt.date(2027, 12, 31))
    assert rule.stages == ("mou", "financing") and rule.measure is Measure.SIGNED
    with pytest.raises(RuleError, match=r"got 2025-12-20\.\.2020-01-01") as late:
        CountingRule.from_options(end=dt.date(2020, 1, 1))
    assert late.value.option == "end" and kind_of(late.value) is ErrorKind.INVALID
    with pytest.raises(RuleError, match="got nope") as stage:
        CountingRule.from_options(stages=["nope"])
    assert stage.value.option == "stages"
