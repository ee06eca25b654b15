"""The cajad web application: the JSON API, the portal's pages and their static assets.

Everything is served from this process, nothing from a CDN: the Swagger UI is vendored under
``static/vendor/swagger-ui`` and Plotly's browser bundle comes from the installed ``plotly``
package. A Content-Security-Policy keeps the browser to this origin (see ``middleware``).
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response

import cajad
from cajad.errors import CajadError
from cajad.web import (
    api,
    chains_api,
    corridor_api,
    corridor_pages,
    minerals_api,
    minerals_pages,
    pages,
    screening_api,
    screening_pages,
)
from cajad.web.deps import BookCache
from cajad.web.errors import handle_exception
from cajad.web.middleware import DropEmptyParams, SecurityHeaders
from cajad.web.templating import render

STATIC = resources.files("cajad.web") / "static"
PLOTLY_JS = resources.files("plotly") / "package_data" / "plotly.min.js"


def create_app(engine: Engine) -> FastAPI:
    """The portal and API over the register in ``engine`` (schema already migrated)."""
    app = FastAPI(
        title="cajad",
        summary="Register, money and progress of the CA+JAD Tokyo Initiative.",
        version=cajad.__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.books = BookCache()
    for kind in (HTTPException, RequestValidationError, CajadError, Exception):
        app.add_exception_handler(kind, handle_exception)
    # Before api and pages: their /projects/{identifier:path} would take .../screening.
    app.include_router(screening_api.router)
    app.include_router(screening_pages.router)
    app.include_router(chains_api.router)  # before api's /projects/{identifier:path}
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(corridor_api.router)
    app.include_router(corridor_pages.router)
    app.include_router(minerals_api.router)
    app.include_router(minerals_pages.router)
    app.add_api_route("/api/docs", _docs, include_in_schema=False)
    app.add_api_route("/vendor/plotly.min.js", _plotly, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_middleware(DropEmptyParams)
    app.add_middleware(SecurityHeaders)
    return app


def _docs(request: Request) -> Response:
    """Swagger UI over /api/openapi.json, its assets served from this process."""
    return render(request, "docs.html", {"openapi_url": "/api/openapi.json"})


def _plotly() -> Response:
    """Plotly's browser bundle, from the installed ``plotly`` package's data."""
    return FileResponse(
        str(PLOTLY_JS),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
