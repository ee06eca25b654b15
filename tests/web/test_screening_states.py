"""Findings in the right words (issue 12 items 4 and 5): met, pending evidence, shortfall and
red flag, told apart in the API, the pages and Chromium; GETs write nothing; the bundled
projects are screened out of the box and the dashboard shows the quality panel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text

from cajad.accounts import add_account, issue_token
from cajad.screening import record_answer, screen_all, screen_project
from cajad.web import create_app

from .conftest import TestClient, build_register, serve

ROOT = Path(__file__).parents[2]
PORT = "kz-aktau-port-customs"  # category A, PS5 applies: a RAP is asked for
BRIDGE = "kg-grant-2025-naryn-bridge"
TABLES = ("screening", "screening_catalogue", "screening_answer", "screening_evidence", "audit_log")


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in TABLES}


def _get(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    return response


ANALYST = "analyst@example.org"


def test_gets_write_nothing(engine: Engine) -> None:
    """On SQLite and PostgreSQL: the screening tables and the audit log keep their row counts
    across every GET, whether the verdict shown is stored, out of date or never recorded."""
    screen_project(engine, BRIDGE)
    record_answer(engine, BRIDGE, "PS1.ESMS", "yes", reviewer="K. Sato")  # stored one: stale
    add_account(engine, ANALYST, role="analyst", password="a long enough password", actor="t")
    unscreened = PORT
    before = _counts(engine)
    with TestClient(create_app(engine)) as client:
        for url in (
            "/",
            "/screening",
            f"/projects/{BRIDGE}",
            f"/projects/{BRIDGE}/screening",
            f"/projects/{unscreened}/screening",
            f"/projects/{BRIDGE}/screening/report",
            "/api/screening",
            f"/api/projects/{BRIDGE}/screening",
            f"/api/projects/{unscreened}/screening",
            f"/api/projects/{BRIDGE}/screening/history",
            f"/api/projects/{BRIDGE}/questions",
        ):
            _get(client, url)
        assert _counts(engine) == before
        computed = client.get(f"/api/projects/{unscreened}/screening").json()
        assert computed["screening"] is None and computed["actor"].startswith("computed now")
        stale = client.get(f"/api/projects/{BRIDGE}/screening").json()
        assert stale["screening"] is None and not stale["pre_screening"]  # answered since
        page = client.get(f"/projects/{unscreened}/screening").text
        assert 'data-testid="screening-not-recorded"' in page and f"cajad screen {PORT}" in page
        # Recording is explicit: a POST, by an account.
        assert client.post(f"/api/projects/{unscreened}/screening").status_code == 401
        _id, token = issue_token(engine, ANALYST, actor="tests")
        headers = {"Authorization": f"Bearer {token}"}
        recorded = client.post(f"/api/projects/{unscreened}/screening", headers=headers).json()
        assert recorded["screening"] is not None
        assert _counts(engine)["screening"] == before["screening"] + 1


def test_makefile_run_screens_the_bundled_projects() -> None:
    """`make run` screens the demo after loading it, so /screening is not empty."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run:.*?\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None
    lines = [line.strip() for line in recipe.group(1).splitlines()]
    load = lines.index("$(BIN)/cajad load-demo")
    assert lines[load + 1] == "$(BIN)/cajad screen-all"


# --- the demo, screened as `make run` does it -------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_register(tmp_path_factory.mktemp("states") / "cajad.sqlite")
    screen_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def dapp(demo: Engine) -> FastAPI:
    return create_app(demo)


@pytest.fixture(scope="module")
def dclient(dapp: FastAPI) -> Iterator[TestClient]:
    with TestClient(dapp) as client:
        yield client


def test_no_demo_project_is_blocked_for_missing_evidence(dclient: TestClient) -> None:
    everything = _get(dclient, "/api/screening").json()
    assert everything and all(q["pre_screening"] for q in everything)
    assert not any(q["blocked"] or q["red_flags"] or q["grade"] == "F" for q in everything)
    assert sum(q["pending"] for q in everything) > 0
    html = _get(dclient, "/screening").text
    assert html.count('data-testid="screening-row"') == len(everything)
    assert 'data-testid="grade-legend"' in html and "Automatic pre-screening" in html


def test_dashboard_quality_panel(dclient: TestClient) -> None:
    html = _get(dclient, "/").text
    panel = re.search(
        r'<section class="card" data-testid="screening-panel".*?</section>', html, re.S
    )
    assert panel is not None
    everything = _get(dclient, "/api/screening").json()
    assert f'data-screened="{len(everything)}"' in panel.group(0)
    assert f'data-pending="{sum(q["pending"] for q in everything)}"' in panel.group(0)
    assert 'data-red-flags="0"' in panel.group(0) and 'href="/screening"' in panel.group(0)
    for category in {q["category"] for q in everything}:
        assert f"{category} <strong>" in panel.group(0)


@pytest.fixture(scope="module")
def answered(demo: Engine, dclient: TestClient) -> str:
    """The port after a reviewer's "no" to its RAP (a red flag) and a "yes" with evidence."""
    record_answer(demo, PORT, "PS5.RAP", "no", reviewer="A. Sh.", note="no plan yet")
    record_answer(demo, PORT, "QII1.STRATEGY", "yes", reviewer="A. Sh.", links=["https://x.org"])
    screen_project(demo, PORT)  # as `cajad answer` does
    return PORT


def test_a_reviewers_no_blocks_and_the_three_states_show(
    dclient: TestClient, answered: str
) -> None:
    verdict = _get(dclient, f"/api/projects/{answered}/screening").json()
    assert verdict["blocked"] and verdict["grade"] == "F" and not verdict["pre_screening"]
    states = {f["rule"]: f["state"] for f in verdict["findings"]}
    assert states["PS5.RAP"] == "red_flag" and states["QII1.STRATEGY"] == "met"
    assert "pending" in states.values()
    counts = verdict["counts"]
    assert counts["red_flags"] == len(verdict["red_flags"]) == 1
    assert counts["pending"] == list(states.values()).count("pending")
    html = _get(dclient, f"/projects/{answered}/screening").text
    for state in ("met", "pending", "red_flag"):
        assert re.search(f'data-testid="finding" data-rule="[^"]+" data-state="{state}"', html)
    assert 'data-testid="pre-screening"' not in html


# --- Chromium ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(dapp: FastAPI, dclient: TestClient) -> Iterator[str]:
    """This module's app (the demo, screened) served like conftest's."""
    with serve(dapp) as url:
        yield url


def _colour(page: Any, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor"))


@pytest.mark.browser
def test_states_and_grades_told_apart_in_chromium(
    page: Any, live_server: str, answered: str
) -> None:
    page.goto(f"{live_server}/projects/{answered}/screening")
    page.get_by_test_id("findings").wait_for()
    shown = {
        state: page.locator(f'[data-testid="finding"][data-state="{state}"]').count()
        for state in ("met", "pending", "red_flag")
    }
    assert all(shown.values()), shown
    words = {
        state: page.locator(f'[data-testid="finding"] .state-{state}').first.inner_text()
        for state in shown
    }
    assert words == {
        "met": "Requirement met",
        "pending": "Evidence not yet recorded",
        "red_flag": "Red flag: problem found",
    }
    colours = {s: _colour(page, f'[data-testid="finding"] .state-{s}') for s in shown}
    assert len(set(colours.values())) == 3, colours
    legend = page.get_by_test_id("state-legend").inner_text()
    assert all(w in legend for w in words.values())
    assert page.get_by_test_id("pre-screening").count() == 0  # a reviewer has answered
    # The list: pre-screenings labelled; D never green, F red, A green.
    page.goto(f"{live_server}/screening")
    page.get_by_test_id("grade-legend").wait_for()
    green = _colour(page, '[data-testid="grade-legend"] .grade-A')
    for grade in ("D", "F"):
        assert _colour(page, f'[data-testid="grade-legend"] .grade-{grade}') != green
    assert _colour(page, '[data-testid="grade-legend"] .grade-F') == "rgb(251, 233, 231)"
    tags = page.get_by_test_id("pre-screening-tag")
    assert tags.count() == page.get_by_test_id("screening-row").count() - 1  # all but the port
    assert tags.first.inner_text() == "Automatic pre-screening — no evidence reviewed"
    # The dashboard's panel links to the list.
    page.goto(f"{live_server}/")
    page.get_by_test_id("screening-panel").wait_for()
    assert page.get_by_test_id("panel-red-flags").inner_text().startswith("1")
    page.get_by_test_id("panel-screening-link").click()
    page.get_by_test_id("screening-table").wait_for()
