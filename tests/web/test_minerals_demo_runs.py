"""The demo runs as a register records them (issue 13, item 6): porphyry copper, rare earths and
uranium on the bundled Central Asian sites at 40 km, each linked to the projects it illustrates
(the AI partnership for geological exploration, the JOGMEC rare-metal MoUs, the South
Djengeldi uranium agreement) and labelled with what its evidence can and cannot say, on the run
page and on the project page; then the same in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from cajad.minerals.demo_runs import RecordedDemo, load_demo_runs, record_demo_runs
from cajad.web import create_app
from tests.minerals.test_demo_runs import (
    AI_PARTNERSHIP,
    JOGMEC_REE,
    URANIUM_VENTURE,
)

from .conftest import TestClient, build_register, serve
from .links import parse


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, dict[str, int]]]:
    """A demo register with the three demo runs recorded: (engine, run id by demo name)."""
    engine = build_register(tmp_path_factory.mktemp("demo-runs-web") / "cajad.sqlite")
    folder = tmp_path_factory.mktemp("demo-runs")
    done: list[RecordedDemo] = record_demo_runs(engine, folder, resolution=40_000, actor="tester")
    assert [d.created for d in done] == [True, True, True]
    again = record_demo_runs(engine, folder, resolution=40_000, actor="tester")
    assert [(d.made.ran, d.created) for d in again] == [(False, False)] * 3  # reused as it is
    yield engine, {d.made.demo.name: d.run_id for d in done}
    engine.dispose()


@pytest.fixture(scope="module")
def app(recorded: tuple[Engine, dict[str, int]]) -> FastAPI:
    return create_app(recorded[0])


@pytest.fixture(scope="module")
def web(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def _inside(html: str, testid: str, end: str) -> str:
    """The markup after the element marked ``testid`` opens, up to ``end``."""
    return html.split(f'data-testid="{testid}"', 1)[1].split(">", 1)[1].split(end, 1)[0]


def test_each_demo_run_is_linked_to_its_projects(
    web: TestClient, recorded: tuple[Engine, dict[str, int]]
) -> None:
    ids = recorded[1]
    listed = {r["id"]: r for r in web.get("/api/minerals/runs").json()}
    assert set(listed) == set(ids.values())
    for demo in load_demo_runs():
        run = listed[ids[demo.name]]
        assert run["demo"] is True and run["demo_summary"] == " ".join(demo.summary.split())
        assert [p["identifier"] for p in run["projects"]] == sorted(demo.projects)
        assert run["commodity"] == demo.commodity
    linked = web.get("/api/minerals/runs", params={"project": AI_PARTNERSHIP}).json()
    assert sorted(r["id"] for r in linked) == sorted(ids.values())
    ree = web.get("/api/minerals/runs", params={"project": JOGMEC_REE}).json()
    assert [r["id"] for r in ree] == [ids["ree"]]


def test_the_uranium_run_page_says_it_is_not_validated_and_why(
    web: TestClient, recorded: tuple[Engine, dict[str, int]]
) -> None:
    page = web.get(f"/minerals/runs/{recorded[1]['uranium']}")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    links = parse(page.text)
    assert "run-demo" in links.testids
    assert "not validated" in _inside(page.text, "run-roc-auc", "</dd>")
    assert "4 known deposit cell(s) on the grid" in _inside(
        page.text, "run-validation-note", "</dd>"
    )
    caveat = _inside(page.text, "run-caveat", "</section>")
    assert caveat.count("<ul>") == 2 and "What it cannot say:" in caveat
    assert "South Djengeldi included, is among the bundled sites" in " ".join(caveat.split())
    hrefs = {a for tag, a in links.urls if tag == "a"}
    assert {f"/projects/{AI_PARTNERSHIP}", f"/projects/{URANIUM_VENTURE}"} <= hrefs
    assert "the run is cajad's, not theirs" in text


def test_the_project_pages_list_the_demo_runs_with_their_caveat(
    web: TestClient, recorded: tuple[Engine, dict[str, int]]
) -> None:
    ids = recorded[1]
    partnership = web.get(f"/projects/{AI_PARTNERSHIP}").text
    section = _inside(partnership, "project-prospectivity", "</section>")
    for name in ("porphyry-cu", "ree", "uranium"):
        assert f'href="/minerals/runs/{ids[name]}"' in section
    assert section.count('data-testid="prospectivity-demo"') == 3
    assert section.count('data-testid="prospectivity-caveat"') == 3
    assert "not validated" in section  # the uranium run's ROC AUC
    ree = web.get(f"/projects/{JOGMEC_REE}").text
    section = _inside(ree, "project-prospectivity", "</section>")
    assert section.count('data-testid="prospectivity-run"') == 1
    assert "no area of the MoUs" in " ".join(section.split())


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(app: FastAPI) -> Iterator[str]:
    """This module's app, served (the ``page`` fixture's)."""
    with serve(app) as url:
        yield url


@pytest.mark.browser
def test_browser_shows_the_demo_label_caveat_and_linked_project(
    page: Any, live_server: str, recorded: tuple[Engine, dict[str, int]]
) -> None:
    run_id = recorded[1]["ree"]
    page.goto(f"{live_server}/minerals/runs/{run_id}")
    page.wait_for_load_state("load")
    assert page.get_by_test_id("run-demo").inner_text() == "Demo"
    assert page.get_by_test_id("run-demo-summary").is_visible()
    caveat = page.get_by_test_id("run-caveat")
    assert caveat.is_visible()
    assert caveat.locator("ul").count() == 2 and caveat.locator("li").count() >= 4
    assert "Kyzemshek and Zhanaarkalyk" in caveat.inner_text()
    assert page.get_by_test_id("run-project-link").count() == 3
    link = page.locator(f'[data-testid="run-project-link"][href="/projects/{JOGMEC_REE}"]')
    assert link.is_visible() and link.inner_text().startswith("JOGMEC")
    link.click()
    page.wait_for_url(f"{live_server}/projects/{JOGMEC_REE}")
    run = page.get_by_test_id("prospectivity-run")
    assert run.count() == 1 and run.get_attribute("href") == f"/minerals/runs/{run_id}"
    assert page.get_by_test_id("prospectivity-demo").inner_text() == "Demo"
    assert page.get_by_test_id("prospectivity-caveat").is_visible()


def test_the_folder_names_no_server_path(
    web: TestClient, recorded: tuple[Engine, dict[str, int]]
) -> None:
    for run_id in recorded[1].values():
        run = web.get(f"/api/minerals/runs/{run_id}").json()
        assert run["source_folder"] in {d.name for d in load_demo_runs()}
