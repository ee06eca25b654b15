"""``cajad trace``: the funding chain as a tree or JSON, and the exit code of a refusal."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.cli import app
from tests.tracker.test_chains import LOAN, PIPES, WATER, import_chain

runner = CliRunner()


@pytest.fixture
def env(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("CAJAD_DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("COLUMNS", "200")
    return import_chain(empty_engine)


def test_trace_json_has_the_chain_both_ways(env: Engine) -> None:
    result = runner.invoke(app, ["trace", WATER, "--currency", "usd", "--depth", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["project"], data["currency"], data["depth"]) == (WATER, "USD", 2)
    sides = {n["activity"]: n["side"] for n in data["nodes"]}
    assert sides[LOAN] == "upstream" and sides[PIPES] == "downstream"
    [funding] = [link for link in data["links"] if link["receiver"] == WATER]
    assert funding["counted_at"] == [LOAN]
    commitment = next(m for m in funding["transactions"] if m["ref"] == "chain-loan-commitment")
    assert commitment["value"] == "10000000000" and commitment["currency"] == "JPY"
    assert commitment["target"] == "USD" and commitment["converted"] == "63510505.46"


def test_trace_prints_a_tree_with_amounts_and_what_counts(env: Engine) -> None:
    result = runner.invoke(app, ["trace", WATER])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("upstream") < out.index(LOAN) < out.index("downstream") < out.index(PIPES)
    assert "Outgoing Commitment JPY 10,000,000,000 = JPY 10,000,000,000.00 on 2026-03-02" in out
    assert "counted (announced, signed)" in out
    assert "XM-DAC-701-1-ODA-BUDGET-2026 (external — Ministry of Foreign Affairs of Japan)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trace", "no-such-project"], "no project with identifier 'no-such-project'"),
        (["trace", WATER, "--currency", "XYZ"], "currency must be one with exchange rates"),
    ],
)
def test_trace_refuses_with_exit_code_2(env: Engine, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
