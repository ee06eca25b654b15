"""Signing in and out in a real browser, and an edit refused: an editor changes a project of
their organisation through the form, and is refused another organisation's."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine, select

from cajad.register import AuditEntry, session_scope
from cajad.web import create_app
from tests.accounts.conftest import JICA, OTHER, PASSWORD, make_people, owned_by

from .conftest import build_register
from .test_browser_a11y import violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A register of its own (these tests write), with an account of each role."""
    engine = build_register(tmp_path_factory.mktemp("browser-accounts") / "cajad.sqlite")
    make_people(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def server(register: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(register, jobs_dir=tmp_path_factory.mktemp("jobs"))
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()
    if (jobs := getattr(app.state, "jobs_worker", None)) is not None:
        jobs.stop()


@pytest.fixture
def tab(browser: Any, server: str) -> Iterator[Any]:
    """A fresh browser context (no cookies); fails on a script or console error (but the
    browser's own note of a refused page, which these tests ask for: 401, 403, 412, 422)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and not _refusal(m.text) else None,
    )
    yield page
    context.close()
    assert problems == []


def _refusal(text: str) -> bool:
    return "Failed to load resource" in text and any(
        f"status of {code}" in text for code in (401, 403, 412, 422)
    )


def sign_in(tab: Any, server: str, email: str, password: str = PASSWORD) -> None:
    tab.goto(f"{server}/login")
    tab.get_by_label("E-mail").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Sign in").click()


def test_sign_in_and_out(tab: Any, server: str) -> None:
    sign_in(tab, server, "viewer@example.org", "not the password")
    assert "wrong e-mail or password" in tab.get_by_test_id("login-error").inner_text()
    sign_in(tab, server, "viewer@example.org")
    signed = tab.get_by_test_id("signed-in")
    assert "viewer@example.org" in signed.inner_text()
    cookie = next(c for c in tab.context.cookies() if c["name"] == "cajad_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    signed.get_by_role("button", name="Sign out").click()
    tab.wait_for_url(f"{server}/")
    assert tab.get_by_test_id("sign-in").is_visible()
    assert not [c for c in tab.context.cookies() if c["name"] == "cajad_session"]


def test_an_editor_edits_their_project_and_is_refused_another(
    tab: Any, server: str, register: Engine
) -> None:
    mine, theirs = owned_by(register, JICA)[0], owned_by(register, OTHER)[0]
    tab.goto(f"{server}/projects/{mine}/edit")  # signed out: to the sign-in page and back
    tab.get_by_label("E-mail").fill("editor@example.org")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(f"{server}/projects/{mine}/edit")
    tab.get_by_label("Title", exact=True).fill("Roads of Osh and Batken (edited in the browser)")
    tab.get_by_role("button", name="Save", exact=True).click()
    tab.wait_for_url(f"{server}/projects/{mine}")
    assert "edited in the browser" in tab.locator("h1").inner_text()
    history = tab.get_by_test_id("project-history").inner_text()
    assert f"editor ({JICA})" in history and "editor@example.org" not in history
    assert tab.get_by_test_id("edit-link").is_visible()
    tab.goto(f"{server}/projects/{theirs}")
    assert tab.get_by_test_id("edit-link").count() == 0  # not offered
    refused = tab.goto(f"{server}/projects/{theirs}/edit")  # and refused when asked anyway
    assert refused.status == 403
    assert tab.get_by_test_id("error").get_attribute("data-status") == "403"


def test_edit_forms_do_not_work_without_their_token(
    tab: Any, server: str, register: Engine
) -> None:
    """A page of another site posting the form (with the cookie, without the token) fails."""
    mine = owned_by(register, JICA)[1]
    sign_in(tab, server, "editor@example.org")
    tab.goto(f"{server}/projects/{mine}/edit")
    form = tab.get_by_test_id("edit-form")
    form.locator('input[name="csrf_token"]').evaluate("e => e.value = 'forged'")
    tab.get_by_role("button", name="Save", exact=True).click()
    assert tab.get_by_test_id("error").get_attribute("data-status") == "403"


def test_the_project_page_needs_no_account(tab: Any, server: str) -> None:
    tab.goto(f"{server}/projects")
    assert tab.get_by_test_id("sign-in").is_visible()


# --- each role's journey through the workspace (one server, one test per role) ----------------


def _axe(tab: Any, found: dict[str, list[str]]) -> None:
    """Record axe-core's serious or critical violations of the page now shown."""
    if problems := violations(tab):
        found[tab.url] = problems


def test_an_editor_creates_and_edits_a_project_of_their_organisation(
    tab: Any, server: str, register: Engine
) -> None:
    found: dict[str, list[str]] = {}
    sign_in(tab, server, "editor@example.org")
    tab.goto(f"{server}/projects")
    tab.get_by_test_id("new-project").click()
    tab.wait_for_url(f"{server}/projects/new")
    _axe(tab, found)
    tab.get_by_label("Identifier").fill("XM-DAC-701-8-BROWSER-1")
    tab.get_by_label("Title").fill("Solar hybrid for Karakalpakstan (made in the browser)")
    assert tab.get_by_label("Owning organisation").input_value() == JICA
    tab.get_by_role("button", name="Create the project").click()
    tab.wait_for_url(f"{server}/projects/XM-DAC-701-8-BROWSER-1/edit")
    sectors = tab.get_by_test_id("part-sectors")
    sectors.get_by_label("OECD DAC sector code, row 1").fill("23230")
    sectors.get_by_label("Percentage, row 1").fill("90")
    sectors.get_by_role("button", name="Save this list").click()
    assert "the shares must sum to 100; got 90" in tab.get_by_test_id("problems").inner_text()
    _axe(tab, found)  # the edit page with a refusal shown
    sectors = tab.get_by_test_id("part-sectors")
    sectors.get_by_label("Percentage, row 1").fill("100")
    sectors.get_by_role("button", name="Save this list").click()
    money = tab.get_by_test_id("part-transactions")
    money.get_by_label("Type, row 1").select_option("2")
    money.get_by_label("Date (YYYY-MM-DD), row 1").fill("2025-12-20")
    money.get_by_label("Amount, row 1").fill("12000000000")
    money.get_by_label("Currency, row 1").fill("JPY")
    money.get_by_role("button", name="Save this list").click()
    tab.wait_for_url(f"{server}/projects/XM-DAC-701-8-BROWSER-1/edit#transactions")
    tab.goto(f"{server}/projects/XM-DAC-701-8-BROWSER-1")
    assert "made in the browser" in tab.locator("h1").inner_text()
    assert (
        "23230" in tab.content()
        and f"editor ({JICA})" in tab.get_by_test_id("project-history").inner_text()
    )
    theirs = owned_by(register, OTHER)[0]
    assert tab.goto(f"{server}/projects/{theirs}/edit").status == 403
    assert found == {}


def test_a_reviewer_answers_a_question_and_the_verdict_changes(
    tab: Any, server: str, register: Engine
) -> None:
    mine = owned_by(register, JICA)[2]
    sign_in(tab, server, "reviewer@example.org")
    tab.goto(f"{server}/projects/{mine}/screening")
    verdict = tab.get_by_test_id("screening-verdict")
    assert verdict.get_attribute("data-pre-screening") == "true"
    assert violations(tab) == []
    form = tab.get_by_test_id("answer-form").first
    form.get_by_label("Evidence link").fill("https://www.jica.go.jp/english/index.html")
    form.get_by_label("Note").fill("Checked against JICA's environmental review")
    form.get_by_role("button", name="Record the answer").click()
    tab.wait_for_url(f"{server}/projects/{mine}/screening#question-*")
    assert tab.get_by_test_id("screening-verdict").get_attribute("data-pre-screening") == "false"
    assert tab.get_by_test_id("pre-screening").count() == 0


def test_an_analyst_uploads_a_csv_sees_the_preview_and_commits(
    tab: Any, server: str, register: Engine
) -> None:
    mine = owned_by(register, JICA)[3]
    sign_in(tab, server, "analyst@example.org")
    tab.get_by_test_id("imports-link").click()
    tab.wait_for_url(f"{server}/imports")
    row = f"{mine},BROWSER-T1,2,750000000,JPY,2025-12-21"
    body = f"project,ref,type,value,currency,value_date\n{row}\n".encode()
    tab.locator('input[type="file"]').set_input_files(
        {"name": "money.csv", "mimeType": "text/csv", "buffer": body}
    )
    tab.get_by_role("button", name="Show what it would change").click()
    preview = tab.get_by_test_id("import-preview")
    assert "0 to add, 1 to change, 0 unchanged." in preview.inner_text()
    assert violations(tab) == []
    tab.get_by_test_id("commit").click()
    assert "1 updated" in tab.get_by_test_id("import-done").inner_text()
    tab.goto(f"{server}/projects/{mine}")
    assert "BROWSER-T1" in tab.content()


def test_an_analyst_starts_a_prospectivity_job_and_reaches_the_run(
    tab: Any, server: str, register: Engine
) -> None:
    """A small, fast demo run (100 km cells, 1,000 background cells, 2 folds) started from the
    form, followed on the job's page while the worker runs it, to the run page it records."""
    sign_in(tab, server, "analyst@example.org")
    tab.get_by_test_id("jobs-link").click()
    tab.wait_for_url(f"{server}/jobs")
    assert violations(tab) == []
    tab.get_by_test_id("new-corridor").click()
    tab.get_by_label("From (optional: a place or node id)").fill("Atlantis")
    tab.get_by_label("To (optional: a place or node id)").fill("Baku")
    tab.get_by_test_id("start-job").click()
    assert tab.get_by_test_id("problem-origin").is_visible()
    assert violations(tab) == []
    tab.goto(f"{server}/jobs/new/prospectivity")
    tab.get_by_label("Model").select_option("wofe")
    tab.get_by_label("Cell size in metres (5000 to 100000)").fill("100000")
    tab.get_by_label("Background cells sampled").fill("1000")
    tab.get_by_label("Spatial cross-validation folds").fill("2")
    assert violations(tab) == []
    tab.get_by_test_id("start-job").click()
    tab.wait_for_url(re.compile(rf"{server}/jobs/\d+$"))
    job_url = tab.url
    assert tab.get_by_test_id("job-state").get_attribute("data-state") in ("queued", "running")
    assert tab.get_by_test_id("job-progress").is_visible()
    assert violations(tab) == []
    # The page refreshes itself until the run is recorded, then links to it.
    tab.get_by_test_id("job-result").wait_for(timeout=90_000)
    assert tab.get_by_test_id("job-state").get_attribute("data-state") == "done"
    assert violations(tab) == []
    tab.get_by_test_id("job-result").get_by_role("link").click()
    tab.wait_for_url(re.compile(rf"{server}/minerals/runs/\d+$"))
    run_id = tab.url.rsplit("/", 1)[1]
    job_id = job_url.rsplit("/", 1)[1]
    with session_scope(register) as session:
        entries = session.execute(
            select(AuditEntry.entity, AuditEntry.entity_key, AuditEntry.action, AuditEntry.actor)
            .where(AuditEntry.entity.in_(["job", "prospectivity_run"]))
            .where(AuditEntry.entity_key.in_([job_id, run_id]))
            .order_by(AuditEntry.id)
        ).all()
    analyst = "analyst@example.org"
    assert [tuple(e) for e in entries if e[0] == "job" and e[1] == job_id] == [
        ("job", job_id, "insert", analyst),
        ("job", job_id, "update", analyst),
    ]
    assert ("prospectivity_run", run_id, "insert", analyst) in [tuple(e) for e in entries]


def test_a_viewer_can_change_nothing(tab: Any, server: str, register: Engine) -> None:
    mine = owned_by(register, JICA)[4]
    sign_in(tab, server, "viewer@example.org")
    tab.goto(f"{server}/projects/{mine}")
    assert tab.get_by_test_id("edit-link").count() == 0
    assert tab.get_by_test_id("new-project").count() == 0
    assert tab.get_by_test_id("imports-link").count() == 0
    assert tab.get_by_test_id("jobs-link").count() == 0
    for address in (f"/projects/{mine}/edit", "/projects/new", "/imports", "/jobs/new/corridor"):
        assert tab.goto(server + address).status == 403, address
    tab.goto(f"{server}/projects/{mine}/screening")
    assert tab.get_by_test_id("answer-form").count() == 0


def test_the_public_reads_and_downloads(tab: Any, server: str, register: Engine) -> None:
    mine = owned_by(register, JICA)[0]
    tab.goto(f"{server}/projects/{mine}")
    assert tab.get_by_test_id("edit-link").count() == 0
    tab.goto(f"{server}/projects")
    with tab.expect_download() as download:
        tab.get_by_test_id("download-iati").click()
    path = download.value.path()
    assert path is not None and b"<iati-activities" in path.read_bytes()[:4096]
