"""The web portal and JSON API of cajad (FastAPI, Jinja2 templates, local static assets)."""

from cajad.web.app import create_app
from cajad.web.errors import ParameterError, ProblemDetails, ResourceNotFoundError, WebError

__all__ = ["ParameterError", "ProblemDetails", "ResourceNotFoundError", "WebError", "create_app"]
