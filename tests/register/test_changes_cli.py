"""``cajad changes``: the register's changes on the command line, as text and as JSON."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.cli import app
from cajad.register import ProjectSpec, TransactionSpec, import_specs

runner = CliRunner()

#: Rich markup in the data must print as it is, never style the terminal.
TITLE = "[bold red]Naryn[/] bridge <b>"


def _spec(value: str, stage: str) -> ProjectSpec:
    money = TransactionSpec(
        ref="2", type=2, value=Decimal(value), currency="JPY", value_date=dt.date(2025, 5, 1)
    )
    return ProjectSpec(identifier="kg-bridge", title=TITLE, stage=stage, transactions=(money,))


@pytest.fixture
def env(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    url = empty_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("CAJAD_DATABASE_URL", url)
    import_specs(empty_engine, [_spec("21368000000", "financing")], source="t", actor="a")
    import_specs(empty_engine, [_spec("21400000000", "implementation")], source="t", actor="b")
    return empty_engine


def test_changes_as_text_newest_first(env: Engine) -> None:
    result = runner.invoke(app, ["changes", "--project", "kg-bridge"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("~ kg-bridge  #") and lines[0].endswith(" by b")
    assert lines[1] == f"  {TITLE}"
    assert "    transaction 2: JPY 21,368,000,000 → JPY 21,400,000,000" in lines
    assert "    stage: financing → implementation" in lines
    assert any(line.startswith("+ kg-bridge  #") for line in lines)


def test_changes_as_json(env: Engine) -> None:
    result = runner.invoke(app, ["changes", "--limit", "1", "--json"])
    assert result.exit_code == 0, result.output
    [change] = json.loads(result.output)
    assert (change["kind"], change["project"], change["actor"]) == ("changed", "kg-bridge", "b")
    assert change["title"] == TITLE
    assert {"field": "stage", "before": "financing", "after": "implementation"} in change["fields"]


def test_changes_refuses_a_limit_out_of_range(env: Engine) -> None:
    assert runner.invoke(app, ["changes", "--limit", "0"]).exit_code == 2
