"""Signing in and out in a real browser, and an edit refused: an editor changes a project of
their organisation through the form, and is refused another organisation's."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine

from cajad.web import create_app
from tests.accounts.conftest import JICA, OTHER, PASSWORD, make_people, owned_by

from .conftest import build_register

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A register of its own (these tests write), with an account of each role."""
    engine = build_register(tmp_path_factory.mktemp("browser-accounts") / "cajad.sqlite")
    make_people(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def server(register: Engine) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(register)
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


@pytest.fixture
def tab(browser: Any, server: str) -> Iterator[Any]:
    """A fresh browser context (no cookies); fails on a script or console error (but the
    browser's own note of a refused page, which these tests ask for: 401, 403)."""
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
    return "Failed to load resource" in text and ("401" in text or "403" in text)


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
    tab.get_by_label("Title").fill("Roads of Osh and Batken (edited in the browser)")
    tab.get_by_role("button", name="Save").click()
    tab.wait_for_url(f"{server}/projects/{mine}")
    assert "edited in the browser" in tab.locator("h1").inner_text()
    history = tab.get_by_test_id("project-history").inner_text()
    assert "editor@example.org" in history
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
    tab.get_by_role("button", name="Save").click()
    assert tab.get_by_test_id("error").get_attribute("data-status") == "403"


def test_the_project_page_needs_no_account(tab: Any, server: str) -> None:
    tab.goto(f"{server}/projects")
    assert tab.get_by_test_id("sign-in").is_visible()
