"""Usable by everyone (issue 15 item 6), in headless Chromium: axe-core finds nothing serious or
critical on any page type, in English and in Japanese and Russian; the lists do not scroll
sideways on a phone; the keyboard reaches the content first; the API docs lead back.

axe-core is vendored under ``vendor/axe-core`` (MPL-2.0, see its SOURCE.md) and evaluated in the
page through the DevTools protocol, so nothing is fetched and the page's CSP stays as it is.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn

from cajad.minerals.demo import TARGET
from cajad.minerals.store import record_run
from cajad.register import session_scope
from cajad.web import create_app
from tests.accounts.conftest import JICA, PASSWORD, make_people, owned_by
from tests.minerals.test_store import small_demo

from .conftest import build_register

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
PHONE = {"width": 390, "height": 844}
#: One address of every page type (the error page included).
PAGES = (
    "/",
    "/?measure=disbursed",
    "/projects",
    "/projects/kg-manas-airport-grant-2015",
    "/projects/uz-acwa-sazagan-solar-storage-jbic",
    "/projects/uz-acwa-sazagan-solar-storage-jbic/screening",
    "/quality",
    "/method",
    "/screening",
    "/corridor?from=Yokohama&to=Tashkent",
    "/corridor?scenario=more-caspian-ferries",
    "/corridor?from=Yokohama&to=Tashkent&as_of=2025-01-15",
    "/corridor?scenario=caspian-winter-2024-25",
    "/corridor/glossary",
    "/corridor/flows",
    "/minerals",
    "/plan",
    "/plan?min_share=country:KZ=0.9&max_share=country:KZ=0.1",
    "/login",
    "/api/docs",
    "/no-such-page",
)
#: The lists, which must read on a phone without scrolling sideways.
LISTS = (
    "/",
    "/projects",
    "/projects/uz-acwa-sazagan-solar-storage-jbic",
    "/projects/uz-acwa-sazagan-solar-storage-jbic/screening",
    "/quality",
    "/screening",
    "/corridor?from=Yokohama&to=Tashkent",
    "/corridor/flows",
    "/minerals",
    "/plan",
)


def test_the_vendored_axe_is_the_pinned_release() -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    assert (AXE.parent / "LICENSE").read_text().startswith("Mozilla Public License")


@pytest.fixture
def tab(browser: Any, live_server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page (``request.param`` may give a viewport); fails on a script error or a
    request off this host. A missing page's own 404 is the one console error allowed."""
    viewport = getattr(request, "param", None) or {"width": 1280, "height": 900}
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    host = urlsplit(live_server).netloc
    problems: list[str] = []
    page.on(
        "request",
        lambda r: problems.append(r.url) if urlsplit(r.url).netloc not in ("", host) else None,
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and "404" not in m.text else None,
    )
    yield page
    context.close()
    assert problems == []


def violations(page: Any) -> list[str]:
    """axe-core's violations of impact serious or critical on the loaded page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(", ".join(n["target"]) for n in v["nodes"][:3])
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def settle(page: Any) -> None:
    """Wait for what scripts draw (charts, the corridor map, Swagger UI)."""
    page.wait_for_load_state("networkidle")
    if page.locator("#swagger-ui").count():
        page.locator("#swagger-ui .information-container").wait_for()


@pytest.mark.browser
@pytest.mark.parametrize("address", PAGES)
def test_no_page_has_a_serious_accessibility_violation(
    tab: Any, live_server: str, address: str
) -> None:
    tab.goto(live_server + address)
    settle(tab)
    assert violations(tab) == []


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ja", "ru"])
@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/projects",
        "/projects/kg-manas-airport-grant-2015",
        "/corridor/flows",
        "/plan",
        "/login",
    ],
)
def test_translated_pages_have_no_serious_violation(
    tab: Any, live_server: str, address: str, lang: str
) -> None:
    sep = "&" if "?" in address else "?"
    tab.goto(f"{live_server}{address}{sep}lang={lang}")
    settle(tab)
    assert tab.locator("html").get_attribute("lang") == lang
    assert violations(tab) == []


@pytest.mark.browser
@pytest.mark.parametrize("tab", [PHONE], indirect=True)
@pytest.mark.parametrize("lang", ["en", "ja", "ru"])
@pytest.mark.parametrize("address", LISTS)
def test_lists_do_not_scroll_sideways_on_a_phone(
    tab: Any, live_server: str, address: str, lang: str
) -> None:
    sep = "&" if "?" in address else "?"
    tab.goto(f"{live_server}{address}{sep}lang={lang}")
    settle(tab)
    width = tab.evaluate("document.documentElement.scrollWidth")
    wide = tab.evaluate(
        """() => [...document.querySelectorAll('main *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                       && !e.closest('.chart, svg, .corridor-map, table.stack thead'))
          .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))"""
    )
    assert (width, wide) == (PHONE["width"], [])


@pytest.mark.browser
def test_the_keyboard_reaches_the_content_first(tab: Any, live_server: str) -> None:
    tab.goto(live_server + "/projects")
    tab.keyboard.press("Tab")
    skip = tab.locator(":focus")
    assert skip.get_attribute("class") == "skip-link" and skip.is_visible()
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.closest('main') !== null")
    outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


@pytest.mark.browser
def test_the_language_switcher_keeps_the_page(tab: Any, live_server: str) -> None:
    tab.goto(live_server + "/projects?country=KZ")
    tab.get_by_test_id("lang-ja").click()
    tab.wait_for_url("**/projects?country=KZ&lang=ja")
    assert tab.locator("html").get_attribute("lang") == "ja"
    assert tab.locator("h1").inner_text() == "案件"
    tab.goto(live_server + "/quality")  # the cookie keeps the choice
    assert tab.locator("html").get_attribute("lang") == "ja"


@pytest.mark.browser
def test_the_api_docs_lead_back_to_the_portal(tab: Any, live_server: str) -> None:
    tab.goto(live_server + "/api/docs")
    settle(tab)
    tab.get_by_test_id("back-to-portal").click()
    tab.wait_for_url(live_server + "/")
    assert tab.get_by_test_id("total").count() == 1


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """A server over a register of its own, with a recorded prospectivity run (the small demo)
    and an account of each role; yields its URL and the pages only an admin (or a register with
    a run) shows."""
    run_dir = small_demo(tmp_path_factory.mktemp("a11y-run"))
    engine = build_register(tmp_path_factory.mktemp("a11y-admin") / "cajad.sqlite")
    with session_scope(engine, actor="tester") as session:
        run_id = record_run(session, run_dir, commodity=TARGET).run.id
    make_people(engine)
    project = owned_by(engine, JICA)[0]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(engine), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    pages = [
        f"/minerals/runs/{run_id}",
        "/admin/changes",
        "/admin/accounts",
        f"/projects/{project}",
        f"/projects/{project}/edit",
        "/projects/new",
        "/imports",
        "/investors/upload",
    ]
    yield f"http://127.0.0.1:{port}", pages
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    engine.dispose()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ja", "ru"])
def test_an_admins_pages_and_a_run_have_no_serious_violation(
    browser: Any, admin_server: tuple[str, list[str]], lang: str
) -> None:
    """Signed in as the admin: the run page, the audit log, the accounts, a project with its
    history, edit link and benefit form, the edit form, and the investor upload form."""
    base, pages = admin_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.goto(f"{base}/login?lang={lang}")
    tab.locator("input[name=email]").fill("admin@example.org")
    tab.locator("input[name=password]").fill(PASSWORD)
    tab.locator("form[data-testid=login-form] button[type=submit]").click()
    tab.wait_for_url(f"{base}/")
    found = {}
    for address in pages:
        tab.goto(base + address)
        settle(tab)
        assert tab.locator("html").get_attribute("lang") == lang
        if problems_here := violations(tab):
            found[address] = problems_here
    context.close()
    assert (found, problems) == ({}, [])


@pytest.mark.browser
@pytest.mark.parametrize("tab", [{"width": 375, "height": 667}], indirect=True)
def test_the_corridor_route_table_does_not_scroll_sideways_at_375_px(
    tab: Any, live_server: str
) -> None:
    """The narrowest common phone (375 px), the route table with its default routes, long place
    names and a dated state (issue 14): nothing in the page is wider than the screen."""
    tab.goto(f"{live_server}/corridor?from=Nagoya&to=Istanbul&avoid=RU&as_of=2025-01-15")
    settle(tab)
    assert tab.locator("table").count() > 0
    width = tab.evaluate("document.documentElement.scrollWidth")
    wide = tab.evaluate(
        """() => [...document.querySelectorAll('main *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                       && !e.closest('.chart, svg, .corridor-map, table.stack thead'))
          .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))"""
    )
    assert (width, wide) == (375, [])
