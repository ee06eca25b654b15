"""The prospectivity pages and API over a register with one recorded run (the Central Asia demo
at 40 km, linked to a project): the list, the run page, the artefacts, the project's section,
and, in a real browser, the map image loaded with nothing fetched from another host."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from cajad.minerals.demo import TARGET
from cajad.minerals.store import record_run
from cajad.register.store import session_scope
from cajad.web import create_app
from cajad.web.middleware import CONTENT_SECURITY_POLICY
from tests.minerals.test_store import MINING, OTHER, small_demo

from .conftest import TestClient, build_register, serve
from .links import crawl, parse, project_sources


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_demo(tmp_path_factory.mktemp("minerals-run"))


@pytest.fixture(scope="module")
def recorded(
    tmp_path_factory: pytest.TempPathFactory, run_dir: Path
) -> Iterator[tuple[Engine, int]]:
    """A demo register with the run recorded and linked to the JOGMEC exploration MoU."""
    engine = build_register(tmp_path_factory.mktemp("minerals-web") / "cajad.sqlite")
    with session_scope(engine, actor="tester") as session:
        run_id = record_run(session, run_dir, MINING, commodity=TARGET).run.id
    yield engine, run_id
    engine.dispose()


@pytest.fixture(scope="module")
def minerals_app(recorded: tuple[Engine, int]) -> FastAPI:
    return create_app(recorded[0])


@pytest.fixture(scope="module")
def web(minerals_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(minerals_app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def run_id(recorded: tuple[Engine, int]) -> int:
    return recorded[1]


def test_list_shows_spatial_cv_figures_and_the_project(web: TestClient, run_id: int) -> None:
    page = web.get("/minerals")
    assert page.status_code == 200
    links = parse(page.text)
    assert links.testids["minerals-count"]["data-total"] == "1"
    [summary] = web.get("/api/minerals/runs").json()
    assert (summary["id"], summary["commodity"]) == (run_id, TARGET)
    assert [p["identifier"] for p in summary["projects"]] == [MINING]
    assert f">{summary['roc_auc']:.3f}<" in page.text and f">{summary['pr_auc']:.3f}<" in page.text
    assert f"+{summary['random_cv_overstatement']:.3f}" in page.text
    assert ("a", f"/minerals/runs/{run_id}") in links.urls
    assert ("a", f"/projects/{MINING}") in links.urls


def test_run_page_shows_map_figures_targets_and_downloads(
    web: TestClient, run_id: int, run_dir: Path
) -> None:
    page = web.get(f"/minerals/runs/{run_id}")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    text = " ".join(page.text.split())
    links = parse(page.text)
    assert links.testids["run-map"]["href"] == f"/api/minerals/runs/{run_id}/map-lonlat.png"
    assert links.testids["run-curves"]["src"] == f"/api/minerals/runs/{run_id}/curves.png"
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert f"{metrics['roc_auc']:.3f}" in text and "Spatial block cross-validation" in text
    assert "overstated by" in text and "Capture efficiency" in text
    # The demo's honest limits are on its page.
    assert "not where undiscovered geology is" in text and "known sites of <em>other</em>" in text
    features = json.loads((run_dir / "targets.geojson").read_text())["features"]
    assert page.text.count('data-testid="run-target"') == len(features) > 0
    assert links.testids["run-project-link"]["href"] == f"/projects/{MINING}"
    for name in ("targets.geojson", "metrics.json", "run.json"):
        assert links.testids[f"download-{name}"]["href"] == f"/api/minerals/runs/{run_id}/{name}"


def test_artefacts_are_the_files_of_the_run(web: TestClient, run_id: int, run_dir: Path) -> None:
    for name, media in (("map.png", "image/png"), ("curves.png", "image/png")):
        response = web.get(f"/api/minerals/runs/{run_id}/{name}")
        assert response.headers["content-type"] == media
        assert response.content == (run_dir / name).read_bytes()
    geojson = web.get(f"/api/minerals/runs/{run_id}/targets.geojson")
    assert geojson.headers["content-type"].startswith("application/geo+json")
    assert geojson.text == (run_dir / "targets.geojson").read_text()
    metrics = web.get(f"/api/minerals/runs/{run_id}/metrics.json").json()
    assert metrics == json.loads((run_dir / "metrics.json").read_text())


def test_api_run_whole_and_filtered(web: TestClient, run_id: int) -> None:
    run = web.get(f"/api/minerals/runs/{run_id}").json()
    assert run["model"] == "logistic" and run["projects"][0]["title"].startswith("JOGMEC")
    assert run["projects"][0]["page"] == f"/projects/{MINING}"
    assert run["metrics"]["validation"] == "spatial block CV"
    assert {r["name"] for r in run["rasters"]} == {"prospectivity.tif", "uncertainty.tif"}
    assert run["demo"] is True
    assert run["files"]["map.png"] == f"/api/minerals/runs/{run_id}/map.png"
    assert [r["id"] for r in web.get("/api/minerals/runs", params={"project": MINING}).json()] == [
        run_id
    ]
    assert web.get("/api/minerals/runs", params={"project": OTHER}).json() == []
    missing = web.get("/api/minerals/runs/999/map.png")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no prospectivity run 999 in the register"
    assert web.get("/minerals/runs/999").status_code == 404


def test_project_page_lists_its_runs(web: TestClient, run_id: int) -> None:
    linked = parse(web.get(f"/projects/{MINING}").text)
    assert linked.testids["prospectivity-run"]["href"] == f"/minerals/runs/{run_id}"
    other = web.get(f"/projects/{OTHER}")
    assert other.status_code == 200 and "project-prospectivity" not in other.text


def test_every_link_from_the_minerals_pages_answers_locally(web: TestClient, run_id: int) -> None:
    def follow(page: str, target: str) -> bool:
        ours = target.startswith(("/minerals", "/api/minerals"))
        return ours or (target.startswith("/projects/") and page.startswith("/minerals"))

    seen = crawl(web, "/minerals", follow=follow, allowed=project_sources(web))
    assert {f"/api/minerals/runs/{run_id}/{n}" for n in ("map.png", "run.json")} <= seen
    assert f"/projects/{MINING}" in seen


def test_empty_register_says_how_to_record_a_run(client: TestClient) -> None:
    page = client.get("/minerals")
    assert page.status_code == 200
    assert 'data-testid="minerals-empty"' in page.text
    assert "cajad prospect demos --out var/prospect-demos" in page.text


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(minerals_app: FastAPI) -> Iterator[str]:
    """This module's app, served (the ``page`` fixture's)."""
    with serve(minerals_app) as url:
        yield url


@pytest.mark.browser
def test_browser_follows_to_the_run_and_the_map_loads(
    page: Any, live_server: str, run_id: int
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server}/minerals")
    page.get_by_test_id("minerals-run-link").click()
    page.wait_for_url(f"**/minerals/runs/{run_id}")
    page.wait_for_load_state("load")
    image = page.get_by_test_id("run-curves")
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    assert page.get_by_test_id("run-target").count() > 0
    host = urlsplit(live_server).netloc
    assert requested and all(urlsplit(url).netloc == host for url in requested)
    assert any(url.endswith(f"/api/minerals/runs/{run_id}/map-lonlat.png") for url in requested)
