"""The corridor commands, on a Typer app of their own (the main CLI registers the same)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cajad.corridor.cli import register

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


def test_route_json_has_the_documented_shape(app: typer.Typer) -> None:
    result = runner.invoke(app, ["route", "Yokohama", "tashkent", "--json", "-k", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["from"] == "JPYOK" and data["to"] == "UZ_TASHKENT"
    routes = data["routes"]
    assert len(routes) == 3
    assert [r["time_h"] for r in routes] == sorted(r["time_h"] for r in routes)
    for route in routes:
        for key in (
            "legs",
            "distance_km",
            "time_h",
            "cost_usd_per_teu",
            "co2_kg_per_teu",
            "countries",
            "border_crossings",
            "transshipments",
        ):
            assert key in route
        for leg in route["legs"]:
            assert {"from", "to", "mode", "distance_km", "time_h", "cost_usd_per_teu"} <= set(leg)
        assert route["time_h"] == pytest.approx(
            sum(leg["time_h"] for leg in route["legs"]), abs=0.1
        )


def test_route_options_reach_the_library(app: typer.Typer) -> None:
    result = runner.invoke(
        app,
        [
            "route",
            "CN_XIAN",
            "DEDUI",
            "--by",
            "cost",
            "--avoid",
            "RU,Egypt",
            "--max-transshipments",
            "3",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["by"] == "cost" and data["constraints"]["avoid"] == ["RU", "Egypt"]
    route = data["routes"][0]
    assert "RU" not in route["countries"] and "EG" not in route["countries"]
    assert route["transshipments"] <= 3


def test_route_pareto_and_modes(app: typer.Typer) -> None:
    result = runner.invoke(app, ["route", "Shanghai", "Duisburg", "--pareto", "--json"])
    routes = json.loads(result.stdout)["routes"]
    assert len(routes) >= 2
    assert routes[0]["time_h"] < routes[-1]["time_h"]
    result = runner.invoke(app, ["route", "Shanghai", "Rotterdam", "--mode", "sea", "--json"])
    assert {leg["mode"] for leg in json.loads(result.stdout)["routes"][0]["legs"]} == {"sea"}


def test_route_tables_for_people(app: typer.Typer) -> None:
    result = runner.invoke(app, ["route", "Altynkol", "Poti", "-k", "2"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "route 1" in result.stdout and "route 2" in result.stdout
    assert "Kuryk" in result.stdout and "waits" in result.stdout
    # the flag beside each time is printed, not eaten as markup
    assert re.search(r"\d \[(sourced|derived|fitted|assumed)\]", result.stdout)
    assert "USD per container" in result.stdout and "days on schedule" in result.stdout


def test_unknown_place_fails_with_suggestions(app: typer.Typer) -> None:
    result = runner.invoke(app, ["route", "Tashkint", "Duisburg"])
    assert result.exit_code == 2
    assert "did you mean" in result.output and "UZ_TASHKENT" in result.output


def test_no_route_fails_cleanly(app: typer.Typer) -> None:
    result = runner.invoke(app, ["route", "Yokohama", "Tashkent", "--max-transshipments", "0"])
    assert result.exit_code == 2 and "no route" in result.output


def test_scenario_json(app: typer.Typer) -> None:
    result = runner.invoke(app, ["scenario", "faster-border", "--json", "-k", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scenario"] == "faster-border" and data["projects"] == ["kz-aktau-port-customs"]
    pair = data["pairs"][0]
    assert pair["delta"]["time_h"] < 0
    assert {"base", "scenario", "shares"} <= set(pair)


def test_scenario_from_a_file_and_tables(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "name: mine\ntitle: Slower Aktau\npairs: [[Almaty, Baku]]\nchanges:\n"
        "  - op: edit_node\n    id: KZAAU\n    scale: {transfer_time_h: 3}\n    source: test\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["scenario", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Slower Aktau" in result.stdout and "one row per distinct path" in result.stdout
    assert "Aktau: transfer time × 3" in result.stdout


def test_unknown_scenario_fails(app: typer.Typer) -> None:
    result = runner.invoke(app, ["scenario", "nope"])
    assert result.exit_code == 2 and "faster-border" in result.output


def test_scenario_on_the_route_asked(app: typer.Typer) -> None:
    args = ["scenario", "faster-border", "--from", "Nagoya", "--to", "Istanbul", "--avoid", "RU"]
    result = runner.invoke(app, [*args, "--json", "-k", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["asked"] is True and len(data["pairs"]) == 1
    pair = data["pairs"][0]
    assert (pair["origin_name"], pair["destination_name"]) == ("Nagoya", "Istanbul")
    assert "RU" not in pair["base"]["countries"]
    assert "Khorgos–Altynkol border crossing: dwell halved" in data["changes"]
    tables = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert tables.exit_code == 0 and "Nagoya → Istanbul" in tables.stdout


def test_scenario_needs_both_ends_of_a_route(app: typer.Typer) -> None:
    result = runner.invoke(app, ["scenario", "faster-border", "--from", "Nagoya"])
    assert result.exit_code == 2 and "from, to: give both places" in result.output
