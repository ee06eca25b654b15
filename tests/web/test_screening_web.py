"""The screening's API and portal pages: the CLI's verdict, the one error shape, the list and its
filters, the project's screening and printable report, the project page's section.

These tests screen projects, so they run over a register of their own (the shared one stays
read-only). The API answers what ``cajad screen ID --json`` prints, checked against the command.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi import FastAPI
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.accounts import add_account, issue_token
from cajad.screening.cli import register
from cajad.web import create_app

from .conftest import TestClient, build_register, serve
from .links import external, parse
from .test_error_shape import assert_shape

MINE = "kg-grant-2025-naryn-bridge"  # screened by the tests below, through the API
UNSCREENED = "kg-grant-2025-grid-training-center"  # never screened here
SCREENED = ("kg-agriculture-grant-2015", "kg-grant-2017-bishkek-osh-avalanche", MINE)
ANALYST = "analyst@example.org"
VERDICT_KEYS = {"category", "grade", "scores", "red_flags", "missing_evidence", "catalogue_version"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path_factory.mktemp("screening-web") / "cajad.sqlite"
    engine = build_register(path)
    yield engine, path
    engine.dispose()


@pytest.fixture(scope="module")
def sapp(db: tuple[Engine, Path]) -> FastAPI:
    return create_app(db[0])


@pytest.fixture(scope="module")
def analyst(db: tuple[Engine, Path]) -> dict[str, str]:
    """The header of an analyst's API token: screening is a write, it needs an account."""
    add_account(db[0], ANALYST, role="analyst", password="a long enough password", actor="tests")
    _id, token = issue_token(db[0], ANALYST, actor="tests")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def sclient(sapp: FastAPI, analyst: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(sapp) as test_client:
        for identifier in SCREENED:
            response = test_client.post(f"/api/projects/{identifier}/screening", headers=analyst)
            assert response.status_code == 200, response.text[:500]
        yield test_client


def get(client: TestClient, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text[:500]
    return response.json()


def page(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    return str(response.text)


# --- API -------------------------------------------------------------------------------------


def test_catalogue_is_the_current_version(sclient: TestClient) -> None:
    catalogue = get(sclient, "/api/screening/catalogue")
    assert {"version", "digest", "principles", "grading", "standards"} <= set(catalogue)
    assert [p["id"] for p in catalogue["principles"]] == [f"QII-{n}" for n in range(1, 7)]


def test_verdict_is_what_the_cli_prints(
    sclient: TestClient, db: tuple[Engine, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    verdict = get(sclient, f"/api/projects/{MINE}/screening")
    assert set(verdict) >= VERDICT_KEYS
    assert verdict["category"] in {"A", "B", "C", "FI"}
    assert set(verdict["scores"]) == {f"QII-{n}" for n in range(1, 7)}
    assert all("rule" in gap for gap in verdict["missing_evidence"])
    monkeypatch.setenv("CAJAD_DATABASE_URL", f"sqlite:///{db[1]}")
    cli = typer.Typer()
    register(cli)
    result = CliRunner().invoke(cli, ["screen", MINE, "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    # unchanged facts: the same stored screening; the shell names the account, the API its role
    assert (printed.pop("actor"), verdict.pop("actor")) == (ANALYST, "analyst")
    assert printed == verdict


def test_screening_again_records_nothing_new(sclient: TestClient, analyst: dict[str, str]) -> None:
    before = get(sclient, f"/api/projects/{MINE}/screening/history")
    assert sclient.post(f"/api/projects/{MINE}/screening").status_code == 401  # no account
    again = sclient.post(f"/api/projects/{MINE}/screening", headers=analyst)
    assert again.status_code == 200
    assert again.json()["screening"] == before[-1]["screening"]
    after = get(sclient, f"/api/projects/{MINE}/screening/history")
    assert [s["screening"] for s in after] == [s["screening"] for s in before]
    assert after[-1]["actor"] == "analyst"  # the account's role, never its address or a typed name


def test_questions_say_what_evidence_satisfies_them(sclient: TestClient) -> None:
    questions = get(sclient, f"/api/projects/{MINE}/questions")
    assert questions
    for q in questions:
        assert {"rule", "question", "evidence", "answers", "outcome", "answer"} <= set(q)
    assert "EP1.CATEGORY" in {q["rule"] for q in questions}


def test_not_screened_yet_is_404_in_the_shape(sclient: TestClient, analyst: dict[str, str]) -> None:
    for url in (
        "/api/projects/no-such-project/screening",
        "/api/projects/no-such-project/screening/history",
        "/api/projects/no-such-project/questions",
    ):
        error = assert_shape(get(sclient, url, 404), 404)
        assert "screen" in error["detail"] or "no-such-project" in error["detail"]
    response = sclient.post("/api/projects/no-such-project/screening", headers=analyst)
    assert response.status_code == 404
    assert_shape(response.json(), 404)


def test_questions_take_no_writes(sclient: TestClient) -> None:
    """Answers are written at ``…/answers`` (by reviewers; see test_accounts_web)."""
    response = sclient.post(f"/api/projects/{MINE}/questions", json={})
    assert response.status_code == 405
    assert_shape(response.json(), 405)


def test_outputs_for_the_planner_and_broker(sclient: TestClient) -> None:
    everything = get(sclient, "/api/screening")
    assert [q["project"] for q in everything] == sorted(SCREENED)
    first = everything[0]
    assert set(first) == {
        "project",
        "grade",
        "category",
        "score",
        "blocked",
        "red_flags",
        "missing_evidence",
        "catalogue_version",
        "screening",
        "screened_at",
        "pending",
        "pre_screening",
    }
    grade, category = first["grade"], first["category"]
    by_grade = get(sclient, "/api/screening", grade=grade.lower())
    assert by_grade and all(q["grade"] == grade for q in by_grade)
    by_category = get(sclient, "/api/screening", category=category)
    assert by_category and all(q["category"] == category for q in by_category)
    blocked = get(sclient, "/api/screening", blocked="true")
    free = get(sclient, "/api/screening", blocked="false")
    assert all(q["blocked"] for q in blocked) and not any(q["blocked"] for q in free)
    assert len(blocked) + len(free) == len(everything)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"grade": "Z"}, "grade"), ({"category": "D"}, "category"), ({"blocked": "maybe"}, "blocked")],
)
def test_refused_filters_are_422_naming_the_field(
    sclient: TestClient, params: dict[str, str], field: str
) -> None:
    error = assert_shape(get(sclient, "/api/screening", 422, **params), 422)
    assert [e["field"] for e in error["errors"]] == [field]


def test_openapi_lists_the_screening_routes(sclient: TestClient) -> None:
    paths = get(sclient, "/api/openapi.json")["paths"]
    for path in (
        "/api/screening",
        "/api/screening/catalogue",
        "/api/projects/{identifier}/screening",
        "/api/projects/{identifier}/screening/history",
        "/api/projects/{identifier}/questions",
    ):
        assert path in paths, path


# --- pages -----------------------------------------------------------------------------------


def test_screening_list_and_its_filters(sclient: TestClient) -> None:
    html = page(sclient, "/screening")
    assert 'data-testid="screen-all-hint"' in html and "cajad screen-all" in html
    assert html.count('data-testid="screening-row"') == len(SCREENED)
    assert 'href="/screening" aria-current="page"' in html
    assert external(parse(html).urls) == set()
    verdict = get(sclient, f"/api/projects/{MINE}/screening")
    grade, category = verdict["grade"], verdict["category"]
    shown = page(sclient, f"/screening?grade={grade}&category={category}&blocked=")
    assert f'data-project="{MINE}"' in shown
    assert f'data-grade="{grade}"' in shown and 'data-testid="screening-row"' in shown
    other = next(g for g in ("A", "B", "C", "D", "F") if g != grade)
    assert f'data-project="{MINE}"' not in page(sclient, f"/screening?grade={other}")
    blocked = "true" if verdict["blocked"] else "false"
    assert f'data-project="{MINE}"' in page(sclient, f"/screening?blocked={blocked}")
    assert "Invalid parameters" in page(sclient, "/screening?grade=Z", 422)


def test_project_screening_page(sclient: TestClient) -> None:
    html = page(sclient, f"/projects/{MINE}/screening")
    links = parse(html)
    for testid in ("screening-verdict", "principle-scores", "red-flags", "missing-evidence"):
        assert testid in links.testids, testid
    assert links.testids["report-link"]["href"] == f"/projects/{MINE}/screening/report"
    assert 'data-testid="answer-hint"' in html
    assert 'data-testid="answer-form"' not in html  # the public answers nothing
    assert external(links.urls) == set()
    assert page(sclient, "/projects/no-such-project/screening", 404)


def test_printable_report(sclient: TestClient) -> None:
    html = page(sclient, f"/projects/{MINE}/screening/report")
    verdict = get(sclient, f"/api/projects/{MINE}/screening")
    assert html.startswith("<!doctype html>")
    assert f"grade {verdict['grade']}" in html and MINE in html
    assert "<script" not in html and "<link" not in html
    assert not {url for tag, url in parse(html).urls if tag != "a"} - {""}  # nothing loaded
    page(sclient, f"/projects/{UNSCREENED}/screening/report", 404)


def test_project_page_section(sclient: TestClient) -> None:
    verdict = get(sclient, f"/api/projects/{MINE}/screening")
    html = page(sclient, f"/projects/{MINE}")
    links = parse(html)
    assert "project-screening" in links.testids
    assert f">{verdict['grade']}</span>" in html
    assert f'data-testid="screening-category">{verdict["category"]}<' in html
    assert f'data-testid="screening-red-flags">{len(verdict["red_flags"])}<' in html
    report = links.testids["screening-report-link"]["href"]
    assert report == f"/projects/{MINE}/screening/report"
    loaded = [(tag, url) for tag, url in links.urls if tag != "a"]  # sources may link out
    assert external(loaded) == set()
    unscreened = page(sclient, f"/projects/{UNSCREENED}")
    assert "Not screened yet" in unscreened and f"cajad screen {UNSCREENED}" in unscreened


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(sapp: FastAPI, sclient: TestClient) -> Iterator[str]:
    """This module's app (its own register, projects screened) served like conftest's."""
    with serve(sapp) as url:
        yield url


@pytest.mark.browser
def test_list_filter_project_and_report_in_a_browser(
    page: Any, live_server: str, sclient: TestClient
) -> None:
    verdict = get(sclient, f"/api/projects/{MINE}/screening")
    page.goto(f"{live_server}/screening")
    rows = page.get_by_test_id("screening-row")
    assert rows.count() == len(SCREENED)
    with page.expect_navigation():
        page.locator('select[name="grade"]').select_option(verdict["grade"])
    assert f"grade={verdict['grade']}" in page.url
    assert page.locator(f'[data-testid="screening-row"][data-project="{MINE}"]').count() == 1
    for grade in page.locator('[data-testid="screening-row"]').evaluate_all(
        "rows => rows.map(r => r.dataset.grade)"
    ):
        assert grade == verdict["grade"]
    page.locator(f'[data-project="{MINE}"] td:first-child a').click()
    page.get_by_test_id("project-screening").wait_for()
    assert page.get_by_test_id("screening-grade").inner_text().startswith(verdict["grade"])
    page.get_by_test_id("screening-link").click()
    page.get_by_test_id("screening-verdict").wait_for()
    assert page.get_by_test_id("screening-verdict").get_attribute("data-grade") == verdict["grade"]
    # Fetched, not opened: the self-contained report names no icon, so Chromium would ask
    # for /favicon.ico, which the portal does not serve (a 404 the page fixture refuses).
    report = page.request.get(
        live_server + page.get_by_test_id("report-link").get_attribute("href")
    )
    assert report.ok and f"Screening of {MINE}" in report.text()
