"""``cajad investors import|list`` and ``cajad match``: the JSON contract, atomic imports,
and matches for real register projects on the bundled investors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from cajad.brokerage.models import InvestorProfile
from cajad.brokerage.store import BUNDLED, load_bundled
from cajad.cli import app
from cajad.register import AuditEntry, session_scope

runner = CliRunner()
#: Real register projects with committed money, in three countries and two instruments.
REAL = (
    "uz-acwa-sazagan-solar-storage-jbic",
    "kg-jica-2015-intl-main-roads",
    "uz-jica-2019-navoi-tpp-phase2",
)


@pytest.fixture
def register(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The demo register (each store) with the bundled investors, set for the CLI."""
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    load_bundled(engine)
    yield engine


def count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(InvestorProfile)) or 0)


def test_match_json_contract(register: Engine) -> None:
    result = runner.invoke(app, ["match", REAL[0], "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"investors", "consortia"} <= set(data)
    first = data["investors"][0]
    assert set(first) >= {"id", "score", "reasons"}
    assert first["score"] == pytest.approx(sum(r["points"] for r in first["reasons"]))
    assert all({"name", "points", "text"} <= set(r) for r in first["reasons"])
    scores = [i["score"] for i in data["investors"]]
    assert scores == sorted(scores, reverse=True)
    con = data["consortia"][0]
    assert {m["role"] for m in con["members"]} >= {"lead"}
    funded = sum(Decimal(m["ticket"]) for m in con["members"] if m["role"] != "guarantor")
    assert funded == Decimal(con["covers"]["amount"]) == Decimal(data["need"]["amount"])
    assert "excluded" not in data


def test_show_excluded_says_why(register: Engine) -> None:
    result = runner.invoke(app, ["match", REAL[0], "--json", "--show-excluded"])
    data = json.loads(result.stdout)
    excluded = {e["id"]: e["failed"] for e in data["excluded"]}
    assert any("not in UZ" in f for f in excluded["asean-infrastructure-fund"])
    assert not set(excluded) & {i["id"] for i in data["investors"]}


@pytest.mark.parametrize("project", REAL)
def test_real_projects_match_bundled_investors(register: Engine, project: str) -> None:
    result = runner.invoke(app, ["match", project, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["investors"]) >= 5 and data["consortia"]


def test_a_given_need_in_another_currency_converts_tickets(register: Engine) -> None:
    result = runner.invoke(app, ["match", REAL[1], "--need", "2000000", "EUR", "--json"])
    data = json.loads(result.stdout)
    assert data["need"] == {**data["need"], "amount": "2000000", "currency": "EUR"}
    ids = {i["id"] for i in data["investors"]}
    assert "ebrd" not in ids  # its EUR 3 m minimum exceeds a EUR 2 m need


def test_import_is_all_or_nothing_and_audited(register: Engine, tmp_path: Path) -> None:
    before = count(register)
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()
    new = lines[1].replace("jbic,", "jbic-copy,", 1)
    bad = lines[2].replace(",JP,", ",Mars,", 1).replace("nexi,", "nexi-copy,", 1)
    path = tmp_path / "investors.csv"
    path.write_text("\n".join([lines[0], new, bad]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["investors", "import", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3: origin:" in result.stderr
    assert count(register) == before
    path.write_text("\n".join([lines[0], new]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["investors", "import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == ["jbic-copy"]
    assert count(register) == before + 1
    with session_scope(register) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_key == "jbic-copy")
        ).one()
    assert entry.entity == "investor_profile" and entry.actor.startswith("local:")


def test_list_prints_every_profile(register: Engine) -> None:
    result = runner.invoke(app, ["investors", "list", "--json"])
    data = json.loads(result.stdout)
    assert len(data) == count(register) >= 30
    assert all(d["sources"] for d in data)


def test_tenor_scores_the_published_ranges_for_a_real_project(register: Engine) -> None:
    result = runner.invoke(app, ["match", REAL[0], "--tenor", "18", "--json"])
    assert result.exit_code == 0, result.output
    found = {i["id"]: i for i in json.loads(result.stdout)["investors"]}
    tenor = {k: next(r for r in i["reasons"] if r["name"] == "tenor") for k, i in found.items()}
    assert tenor["ifc"]["points"] == 6.67 and "7-12 years" in tenor["ifc"]["text"]
    assert tenor["ebrd"]["points"] == 8.33 and "up to 15 years" in tenor["ebrd"]["text"]
    assert all(t["points"] == 0 for k, t in tenor.items() if k not in ("ifc", "ebrd"))
