"""``cajad progress`` gives no yearly pace before a year of data: a per-year figure from a few
months would read as a forecast. From a year on it gives the pace and the projected range."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.cli import app

runner = CliRunner()


@pytest.fixture
def env(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return engine


def _progress(as_of: str) -> tuple[str, dict[str, object]]:
    text = runner.invoke(app, ["progress", "--as-of", as_of])
    assert text.exit_code == 0, text.output
    data = runner.invoke(app, ["progress", "--as-of", as_of, "--json"])
    assert data.exit_code == 0, data.output
    pace = json.loads(data.output)["pace"]
    line = next(line for line in text.output.splitlines() if line.startswith("  pace "))
    return line, pace


def test_pace_line_before_and_after_a_year_of_data(env: Engine) -> None:
    early, pace = _progress("2026-06-01")  # day 164 of the period
    assert pace["projection_low"] is None
    assert early.startswith("  pace   JPY ")
    assert "counted so far over 164 days" in early
    assert "a yearly pace needs 365 days (from 2026-12-19)" in early
    assert f"{Decimal(str(pace['per_year'])):,.0f} a year" not in early
    assert "no projection" in early

    later, pace = _progress("2027-03-01")  # past day 365
    assert pace["projection_low"] is not None
    assert f"JPY {Decimal(str(pace['per_year'])):,.0f} a year; projection" in later
    assert "counted so far" not in later


def test_pace_line_before_the_period(env: Engine) -> None:
    line, pace = _progress("2025-06-01")
    assert pace["days_of_data"] == 0
    assert "no pace: the period starts on 2025-12-20" in line
