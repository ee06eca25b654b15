"""The run page a geologist can use (issue 13, item 5), over a recorded Central Asia demo: the
map in longitude and latitude with Natural Earth borders and names, targets with coordinates,
country and nearest known site, downloads (GeoTIFF, GeoJSON, CSV), the Demo label, one ROC AUC
in the table and under the chart, the caveat rendered, a glossary, and no server path in the
page or the API; then the same in Chromium."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from cajad.minerals.demo import TARGET
from cajad.minerals.store import record_run
from cajad.register.store import session_scope
from cajad.web import create_app
from tests.minerals.test_store import small_demo

from .conftest import TestClient, build_register, serve
from .links import parse


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, int, Path]]:
    run_dir = small_demo(tmp_path_factory.mktemp("geologist-run"))
    engine = build_register(tmp_path_factory.mktemp("geologist-web") / "cajad.sqlite")
    with session_scope(engine, actor="tester") as session:
        run_id = record_run(session, run_dir, commodity=TARGET).run.id
    yield engine, run_id, run_dir
    engine.dispose()


@pytest.fixture(scope="module")
def app(recorded: tuple[Engine, int, Path]) -> FastAPI:
    return create_app(recorded[0])


@pytest.fixture(scope="module")
def web(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def run_page(web: TestClient, recorded: tuple[Engine, int, Path]) -> str:
    response = web.get(f"/minerals/runs/{recorded[1]}")
    assert response.status_code == 200
    return response.text


def test_the_map_is_in_lon_lat_with_borders_and_names(run_page: str) -> None:
    borders = set(re.findall(r'data-country="([A-Z]+)"', run_page))
    assert {"KZ", "KG", "TJ", "TM", "UZ"} <= borders
    names = run_page.split('data-testid="run-map-names"')[1].split("</g>")[0]
    assert ">Kazakhstan<" in names and ">Uzbekistan<" in names
    ticks = run_page.split('data-testid="run-map-ticks"')[1].split("</g>")[0]
    assert re.search(r">\d+°E<", ticks) and re.search(r">\d+°N<", ticks)
    assert run_page.count("data-target=") > 0


def test_the_lon_lat_picture_and_the_geotiffs_are_served(
    web: TestClient, recorded: tuple[Engine, int, Path]
) -> None:
    _, run_id, run_dir = recorded
    picture = web.get(f"/api/minerals/runs/{run_id}/map-lonlat.png")
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    for name in ("prospectivity.tif", "uncertainty.tif"):
        tif = web.get(f"/api/minerals/runs/{run_id}/{name}")
        assert tif.status_code == 200 and tif.headers["content-type"] == "image/tiff"
        assert tif.content == (run_dir / name).read_bytes()
    assert web.get(f"/api/minerals/runs/{run_id}/other.tif").status_code == 404


def test_a_geotiff_gone_from_disk_is_a_404(tmp_path: Path) -> None:
    run_dir = small_demo(tmp_path / "run")
    engine = build_register(tmp_path / "cajad.sqlite")
    with session_scope(engine, actor="tester") as session:
        run_id = record_run(session, run_dir, commodity=TARGET).run.id
    (run_dir / "prospectivity.tif").write_bytes(b"changed")
    with TestClient(create_app(engine)) as client:
        gone = client.get(f"/api/minerals/runs/{run_id}/prospectivity.tif")
        assert gone.status_code == 404
        assert "not on this server" in gone.json()["detail"]
        assert client.get(f"/api/minerals/runs/{run_id}/map-lonlat.png").status_code == 404
        assert client.get(f"/minerals/runs/{run_id}").status_code == 200
    engine.dispose()


def test_targets_have_coordinates_country_and_nearest_site(
    web: TestClient, run_page: str, recorded: tuple[Engine, int, Path]
) -> None:
    run_id = recorded[1]
    rows = list(
        csv.DictReader(io.StringIO(web.get(f"/api/minerals/runs/{run_id}/targets.csv").text))
    )
    features = json.loads(web.get(f"/api/minerals/runs/{run_id}/targets.geojson").text)["features"]
    assert [int(r["rank"]) for r in rows] == sorted(f["properties"]["rank"] for f in features)
    first = rows[0]
    assert 45 < float(first["lon"]) < 90 and 35 < float(first["lat"]) < 56
    assert first["country_code"] in {"KZ", "KG", "TJ", "TM", "UZ"}
    assert first["nearest_site"] and float(first["nearest_site_km"]) >= 0
    links = parse(run_page)
    assert links.testids["target-lon"] is not None
    assert f">{float(first['lon']):.3f}<" in run_page and f">{float(first['lat']):.3f}<" in run_page
    assert f">{first['country']}<" in run_page
    for name in ("targets.csv", "targets.geojson", "prospectivity.tif", "uncertainty.tif"):
        assert links.testids[f"download-{name}"]["href"] == f"/api/minerals/runs/{run_id}/{name}"


def test_one_roc_auc_in_the_table_the_chart_and_the_api(
    web: TestClient, run_page: str, recorded: tuple[Engine, int, Path]
) -> None:
    run = web.get(f"/api/minerals/runs/{recorded[1]}").json()
    m = run["metrics"]
    # The chart's curve is the fold average, whose area is the mean fold ROC AUC.
    assert m["prediction_rate_auc"] == m["roc_auc"] == run["roc_auc"]
    shown = f"{m['roc_auc']:.3f}"
    table = run_page.split('data-testid="run-roc-auc">')[1].split("<")[0]
    chart = run_page.split('data-testid="run-chart-auc">')[1].split("<")[0]
    assert table == chart == shown


def test_demo_label_caveat_and_glossary(web: TestClient, run_page: str) -> None:
    links = parse(run_page)
    assert "run-demo" in links.testids
    caveat = run_page.split('data-testid="run-caveat">')[1].split("</div>")[0]
    assert "<p>" in caveat and "<em>other</em>" in caveat and "<code>--template</code>" in caveat
    assert "*other*" not in caveat and "``" not in caveat
    glossary = run_page.split('data-testid="run-glossary"')[1].split("</section>")[0]
    for term in ("AUC", "Spatial CV", "Weights of evidence", "Prior", "Contrast", "Target"):
        assert f"<dt>{term}</dt>" in glossary
    listing = web.get("/minerals").text
    assert 'data-testid="minerals-demo"' in listing


def test_no_server_path_in_the_page_or_the_api(
    web: TestClient, run_page: str, recorded: tuple[Engine, int, Path]
) -> None:
    _, run_id, run_dir = recorded
    api = web.get(f"/api/minerals/runs/{run_id}").text
    for text in (run_page, api):
        assert str(run_dir) not in text and str(run_dir.parent) not in text
    run = json.loads(api)
    assert "path" not in json.dumps(run["rasters"]) and run["source_folder"] == run_dir.name
    deposits = run["run_file"]["inputs"]["deposits"][0]["path"]
    assert deposits == f"inputs/{TARGET.lower().replace(' ', '_')}_central_asia.geojson"


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(app: FastAPI) -> Iterator[str]:
    """This module's app, served (the ``page`` fixture's)."""
    with serve(app) as url:
        yield url


@pytest.mark.browser
def test_browser_shows_a_run_a_geologist_can_read(
    page: Any, live_server: str, recorded: tuple[Engine, int, Path]
) -> None:
    _, run_id, run_dir = recorded
    page.goto(f"{live_server}/minerals/runs/{run_id}")
    page.wait_for_load_state("load")
    assert page.locator("svg [data-testid='run-lonlat-map'], svg path[data-country]").count() > 5
    assert page.locator("path[data-country='KZ']").count() == 1
    ticks = page.get_by_test_id("run-map-ticks").text_content()
    assert re.search(r"\d+°E", ticks) and re.search(r"\d+°N", ticks)
    row = page.get_by_test_id("run-target").first
    assert re.fullmatch(r"\d+\.\d{3}", row.get_by_test_id("target-lon").inner_text())
    assert re.fullmatch(r"\d+\.\d{3}", row.get_by_test_id("target-lat").inner_text())
    assert row.get_by_test_id("target-country").inner_text() in {
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
        "Turkmenistan",
        "Uzbekistan",
    }
    table = page.get_by_test_id("run-roc-auc").inner_text().strip()
    chart = page.get_by_test_id("run-chart-auc").inner_text().strip()
    assert table == chart and re.fullmatch(r"0\.\d{3}", table)
    assert page.get_by_test_id("run-demo").inner_text() == "Demo"
    visible = page.locator("body").inner_text()
    assert str(run_dir) not in visible and str(run_dir.parent) not in visible
    assert not re.search(r"(^|\s)/(tmp|home|work|var|Users)/", visible)
    picture = page.get_by_test_id("run-map")
    assert picture.get_attribute("href") == f"/api/minerals/runs/{run_id}/map-lonlat.png"
