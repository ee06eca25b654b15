"""The cajad web application: the JSON API, the portal's pages and their static assets.

Everything is served from this process, nothing from a CDN: the Swagger UI is vendored under
``static/vendor/swagger-ui`` and Plotly's browser bundle comes from the installed ``plotly``
package. A Content-Security-Policy keeps the browser to this origin (see ``middleware``).

Every package plugs in the same way, and only here: its routers are listed in :data:`ROUTERS`
(in the order they are matched) and what it adds to the templates in :data:`TEMPLATE_GLOBALS`;
importing a web module installs nothing. A new package adds its ``router`` (and, if its pages
add a section to another package's page, its ``template_globals``) to these two lists.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import os
from collections.abc import AsyncIterator, Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, JSONResponse, Response

import cajad
from cajad.errors import CajadError
from cajad.register import StoreError, VersionedCache, is_initialised, make_engine
from cajad.web import (
    account_pages,
    api,
    benefit_pages,
    brokerage_api,
    chains_api,
    changes,
    corridor_api,
    corridor_flows,
    corridor_glossary,
    corridor_pages,
    edit_pages,
    errors,
    exports_api,
    import_pages,
    investor_upload,
    jobs_api,
    jobs_pages,
    minerals_api,
    minerals_pages,
    pages,
    plan_api,
    screening_api,
    screening_pages,
)
from cajad.web.auth import load_visitor
from cajad.web.deps import BookCache
from cajad.web.errors import handle_exception, problem_media_types
from cajad.web.i18n import LocaleMiddleware
from cajad.web.middleware import (
    ACCESS_LOG_ENV,
    AccessLog,
    BodyLimit,
    DropEmptyParams,
    SecurityHeaders,
    configure_access_log,
)
from cajad.web.page_cache import PageCache, PageStore
from cajad.web.templating import make_templates, render
from cajad.web.uploads import MAX_BYTES

STATIC = resources.files("cajad.web") / "static"
PLOTLY_JS = resources.files("plotly") / "package_data" / "plotly.min.js"

#: Every package's routers, in the order a request is matched against them. A route under
#: ``/projects/{id}/…`` (a project's screening, its funding chain) must come before the
#: register's catch-all ``/projects/{identifier:path}`` routes (``api``, ``pages``), which
#: would otherwise take it; ``tests/web/test_app.py`` resolves such addresses to pin this.
ROUTERS: tuple[APIRouter, ...] = (
    errors.router,
    screening_api.router,
    screening_pages.router,
    chains_api.router,
    edit_pages.router,
    import_pages.router,
    benefit_pages.router,
    investor_upload.router,
    brokerage_api.router,
    api.router,
    exports_api.router,
    changes.router,
    account_pages.router,
    pages.router,
    corridor_api.router,
    corridor_flows.router,
    corridor_glossary.router,
    corridor_pages.router,
    minerals_api.router,
    minerals_pages.router,
    plan_api.router,
    jobs_api.router,
    jobs_pages.router,
)
#: What packages add to every template: the sections of the project page.
TEMPLATE_GLOBALS: tuple[Callable[[], Mapping[str, Any]], ...] = (
    screening_pages.template_globals,
    chains_api.template_globals,
    corridor_pages.template_globals,
    minerals_pages.template_globals,
    benefit_pages.template_globals,
)


def template_globals() -> dict[str, Any]:
    """The globals of :data:`TEMPLATE_GLOBALS`, merged; a name given twice is a bug."""
    merged: dict[str, Any] = {}
    for contribute in TEMPLATE_GLOBALS:
        found = contribute()
        if clash := merged.keys() & found.keys():
            raise RuntimeError(f"template globals given twice: {', '.join(sorted(clash))}")
        merged.update(found)
    return merged


def create_app(
    engine: Engine,
    *,
    run_jobs: bool = True,
    start_jobs: bool = False,
    jobs_dir: Path | None = None,
) -> FastAPI:
    """The portal and API over the register in ``engine`` (schema already migrated).

    Background jobs (:mod:`cajad.web.jobs_api`) are run by a worker thread of this process,
    started when the app starts with ``start_jobs`` (a server), else on the first request
    about jobs; ``run_jobs=False`` only queues them (tests of the API's answers). What jobs
    write goes under ``jobs_dir`` (default: ``$CAJAD_JOBS_DIR``, else ``var/jobs``)."""
    app = FastAPI(
        lifespan=_lifespan,
        title="cajad",
        summary="Register, money and progress of the CA+JAD Tokyo Initiative.",
        version=cajad.__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        # Who asks, for every route: the account of a bearer token or session cookie, and the
        # CSRF check of a write signed in by cookie (cajad.web.auth).
        dependencies=[Depends(load_visitor)],
    )
    app.state.engine = engine
    app.state.run_jobs = run_jobs
    app.state.start_jobs = start_jobs
    app.state.jobs_dir = jobs_dir
    app.state.books = BookCache()
    app.state.figures = VersionedCache()
    app.state.pages = PageStore()
    app.state.templates = make_templates(template_globals())
    for kind in (HTTPException, RequestValidationError, CajadError, Exception):
        app.add_exception_handler(kind, handle_exception)
    for router in ROUTERS:
        app.include_router(router)
    app.add_api_route("/api/docs", _docs, include_in_schema=False)
    app.add_api_route("/vendor/plotly.min.js", _plotly, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_api_route("/healthz", _healthz, include_in_schema=False)
    # Innermost, so that the app's one handler answers a body refused while it is read.
    app.add_middleware(BodyLimit, limit=MAX_BYTES + 2**20)
    app.add_middleware(PageCache)
    app.add_middleware(DropEmptyParams)
    app.add_middleware(LocaleMiddleware)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    _document_problems(app)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the jobs worker with a server (``start_jobs``); stop whichever was started."""
    if app.state.start_jobs:
        jobs_api.worker_of(app)
    try:
        yield
    finally:
        worker = getattr(app.state, "jobs_worker", None)
        if worker is not None:
            worker.stop()


def app_from_environment() -> FastAPI:
    """The portal over the register that ``CAJAD_DATABASE_URL`` names: the factory each
    worker process calls (``cajad serve --workers N``)."""
    configure_access_log(os.environ.get(ACCESS_LOG_ENV) == "1")
    engine = make_engine(pooled=True)
    if not is_initialised(engine):
        raise StoreError(f"no register at {engine.url.render_as_string()}: run `cajad init`")
    return create_app(engine, start_jobs=True)


def _healthz(request: Request) -> Response:
    """Liveness and readiness for a proxy or orchestrator: the database answers, and at which
    schema revision. Nothing else is said (no URL, no error text)."""
    engine: Engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "error"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "revision": revision})


def _document_problems(app: FastAPI) -> None:
    """Have the OpenAPI document give error answers as ``application/problem+json``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problem_media_types(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _docs(request: Request) -> Response:
    """Swagger UI over /api/openapi.json, its assets served from this process."""
    return render(request, "docs.html", {"openapi_url": "/api/openapi.json"})


def _plotly(request: Request) -> Response:
    """Plotly's browser bundle, from the installed ``plotly`` package's data: gzip-compressed
    once per process (4.8 MB becomes about 1.4 MB on the wire) when the browser accepts it,
    cacheable for a day."""
    headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            _plotly_gzip(),
            media_type="text/javascript",
            headers={**headers, "Content-Encoding": "gzip"},
        )
    return FileResponse(str(PLOTLY_JS), media_type="text/javascript", headers=headers)


@functools.cache
def _plotly_gzip() -> bytes:
    return gzip.compress(PLOTLY_JS.read_bytes(), compresslevel=9, mtime=0)
