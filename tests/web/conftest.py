"""Fixtures of the web tests: one demo register on SQLite for the whole session, an in-process
client over it, and, for the browser tests, a live server and Debian's Chromium.

The register is read-only for these tests, so it is built once (``init`` + ``load_demo``) and
shared; ``python -m tests.web.conftest PATH`` writes the same fixture database to explore by hand.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from cajad.brokerage.store import load_bundled
from cajad.register import init, load_demo, make_engine
from cajad.web import create_app

with warnings.catch_warnings():
    # Starlette asks for httpx2 over httpx; either drives the client the same way.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["TestClient", "build_register"]

CHROMIUM = os.environ.get("CAJAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def build_register(path: Path) -> Engine:
    """A SQLite register at ``path`` with the schema, the rates, the demo deals and the bundled
    investor profiles."""
    engine = make_engine(f"sqlite:///{path}")
    init(engine)
    load_demo(engine)
    load_bundled(engine)
    return engine


@pytest.fixture(scope="session")
def web_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_register(tmp_path_factory.mktemp("web") / "cajad.sqlite")
    yield engine
    engine.dispose()
    engine.dispose()


@pytest.fixture(scope="session")
def app(web_engine: Engine) -> FastAPI:
    return create_app(web_engine)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


# --- browser ---------------------------------------------------------------------------------


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free localhost port, in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def live_server(app: FastAPI) -> Iterator[str]:
    """The session's app, served (see :func:`serve`)."""
    with serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's chromium package (or set "
            "CAJAD_CHROMIUM), or deselect the browser tests with -m 'not browser'"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh page; fails the test on a script or console error (a refused asset, a CSP
    violation) or on any request off this host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    host = urlsplit(live_server).netloc
    problems: list[str] = []

    def on_request(request: Any) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("http", "https") and url.netloc != host:
            problems.append(f"request off this host: {request.url}")

    page.on("request", on_request)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    yield page
    context.close()
    assert problems == []


if __name__ == "__main__":  # pragma: no cover - write the fixture database to explore it
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures.sqlite")
    build_register(target).dispose()
    print(f"wrote {target}")
