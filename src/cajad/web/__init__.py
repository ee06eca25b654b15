"""The web portal and JSON API of cajad (FastAPI, Jinja2 templates, local static assets)."""

from cajad.web.app import create_app
from cajad.web.errors import ErrorResponse, ParameterError, WebError

__all__ = ["ErrorResponse", "ParameterError", "WebError", "create_app"]
