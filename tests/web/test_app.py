"""How the app is put together: routers and template globals, registered only by ``create_app``.

Routes are matched in the order of ``cajad.web.app.ROUTERS``; these tests ask the app itself
which endpoint answered an address, so that an address under ``/projects/{id}/…`` reaching the
register's catch-all ``/projects/{identifier:path}`` fails here, whatever the cause.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine
from starlette.types import Receive, Scope, Send

import cajad.web
from cajad.web import (
    api,
    chains_api,
    corridor_api,
    corridor_pages,
    create_app,
    errors,
    minerals_api,
    minerals_pages,
    pages,
    screening_api,
    screening_pages,
)
from cajad.web.app import ROUTERS
from cajad.web.templating import make_templates

from .conftest import TestClient

#: The project page's sections, each contributed by its package.
GLOBALS = {
    "screening_for": screening_pages.screening_for_project,
    "funding_chain_for": chains_api.funding_chain_for_project,
    "corridor_scenarios_for": corridor_pages.scenarios_for_project,
    "prospectivity_for": minerals_pages.prospectivity_for_project,
}


class Recorder:
    """The app, remembering the endpoint its route table chose for the last request."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.endpoint: Callable[..., Any] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        self.endpoint = scope.get("endpoint")


@pytest.fixture(scope="module")
def recorded(web_engine: Engine) -> Iterator[tuple[Recorder, TestClient]]:
    recorder = Recorder(create_app(web_engine))
    with TestClient(recorder, raise_server_exceptions=False) as client:
        yield recorder, client


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/api/projects/kz-x/screening", screening_api.screening),
        ("POST", "/api/projects/kz-x/screening", screening_api.screen_now),
        ("GET", "/api/projects/kz-x/screening/history", screening_api.screening_history),
        ("GET", "/api/projects/kz-x/questions", screening_api.questions),
        ("GET", "/api/projects/kz-x/chain", chains_api.chain),
        ("GET", "/api/projects/kz-x/results", api.results),
        ("GET", "/api/projects/kz-x", api.project),
        ("GET", "/api/projects/publisher/with/slashes", api.project),
        ("GET", "/api/projects.xml", api.projects_iati),
        ("GET", "/api/screening", screening_api.screened),
        ("GET", "/api/corridor/route", corridor_api.route),
        ("GET", "/api/corridor/scenarios/faster-border", corridor_api.scenario),
        ("GET", "/api/minerals/runs/1", minerals_api.read_run),
        ("GET", "/api/problems/not-found", errors.problem_type),
        ("GET", "/projects/kz-x/screening", screening_pages.project_screening),
        ("GET", "/projects/kz-x/screening/report", screening_pages.screening_report),
        ("GET", "/projects/kz-x", pages.project),
        ("GET", "/screening", screening_pages.screening_list),
        ("GET", "/corridor", corridor_pages.corridor_page),
        ("GET", "/minerals/runs/1", minerals_pages.minerals_run),
    ],
)
def test_each_address_reaches_its_package_s_endpoint(
    recorded: tuple[Recorder, TestClient], method: str, path: str, expected: Callable[..., Any]
) -> None:
    recorder, client = recorded
    client.request(method, path)
    assert recorder.endpoint is expected


def test_every_router_of_the_web_package_is_registered() -> None:
    found = []
    for info in pkgutil.iter_modules(cajad.web.__path__):
        router = getattr(importlib.import_module(f"cajad.web.{info.name}"), "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    assert len(found) == len(ROUTERS) and all(r in ROUTERS for r in found)


def test_template_globals_are_installed_by_create_app_only(web_engine: Engine) -> None:
    # every web module is imported by now: none installed anything in a fresh environment ...
    assert not GLOBALS.keys() & make_templates().env.globals.keys()
    first, second = create_app(web_engine), create_app(web_engine)
    for app in (first, second):  # ... create_app installs each package's, in its own app
        installed = app.state.templates.env.globals
        for name, function in GLOBALS.items():
            assert installed[name] is function
    assert first.state.templates is not second.state.templates
