"""Planning over the register: candidates from committed money, areas, countries, screenings."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.cli import app
from cajad.portfolio import Policy, parse_share, plan
from cajad.portfolio.from_register import register_candidates, register_problem
from cajad.register import session_scope
from cajad.screening import screen_all

BUDGETS = {2024: Decimal("300e9"), 2025: Decimal("300e9"), 2026: Decimal("300e9")}


def test_candidates_come_with_their_money_and_labelled_benefits(engine: Engine) -> None:
    screen_all(engine)
    with session_scope(engine) as session:
        found = register_candidates(session, "JPY", since=2024)
    assert found
    for c in found:
        assert all(k.year >= 2024 and k.amount > 0 for k in c.costs)
        assert c.benefit_source.startswith("default: JPY")
        assert "screening score" in c.benefit_source or "assumed score" in c.benefit_source
        assert c.area in ("green", "connectivity", "hrd", "unassigned")


def test_a_plan_over_the_register_respects_its_shares(engine: Engine) -> None:
    policy = Policy(
        currency="JPY",
        budgets=BUDGETS,
        shares=(parse_share("country:KZ=0.2", "max"), parse_share("area:hrd=0.1", "min")),
    )
    with session_scope(engine) as session:
        problem = register_problem(session, policy)
    result = plan(problem, alternatives_count=1, gap=Decimal("0.05"), explain_limit=10)
    assert result.status == "optimal" and result.best is not None
    options = {o.key: o for o in problem.options}
    money = sum((options[k].total for k in result.selected), Decimal(0))
    kz = sum(
        (options[k].total for k in result.selected if options[k].candidate.country == "KZ"),
        Decimal(0),
    )
    hrd = sum(
        (options[k].total for k in result.selected if options[k].candidate.area == "hrd"),
        Decimal(0),
    )
    assert kz <= Decimal("0.2") * money and hrd >= Decimal("0.1") * money
    assert any(r.startswith("2025: 1 USD =") for r in result.rates)


def test_cli_plans_the_register(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(
        app, ["plan", "--budget", "2025=100000000000", "--alternatives", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "optimal" and data["selected"]
    assert set(data["benefits"]) == set(data["why"])


def test_csv_in_other_currencies_is_converted_at_the_register_rates(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    path = tmp_path / "mixed.csv"
    path.write_text(
        "project,year,cost,currency,benefit,area,country,grade\n"
        "usd-plant,2026,1000000,USD,10,green,UZ,A\n"
        "jpy-school,2026,100000000,JPY,3,hrd,KG,B\n",
        encoding="utf-8",
    )
    args = ["plan", "--candidates", str(path), "--budget", "2026=1000000000", "--json"]
    capped = CliRunner().invoke(app, [*args, "--max-share", "currency:USD=0.5"])
    assert capped.exit_code == 0, capped.output
    data = json.loads(capped.stdout)
    assert data["selected"] == ["jpy-school"]  # USD 1 m is ~JPY 150 m: over half the money
    assert data["rates"] and data["rates"][0].startswith("2026: 1 USD =")
    free = json.loads(CliRunner().invoke(app, args).stdout)
    assert free["selected"] == ["usd-plant", "jpy-school"]
