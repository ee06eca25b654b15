"""The Jinja2 environment of the portal: templates, filters, and the translation hook.

Templates mark interface text with ``_()`` or ``{% trans %}`` (Jinja's i18n extension, with
null translations for now), so that Babel can extract a catalogue later. Each app builds its own
environment (:func:`make_templates`) with the globals each package contributes, so nothing is
installed by importing a module; :func:`render` uses the environment of the request's app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from cajad.register import bounds
from cajad.tracker.counted import short_amount
from cajad.web import labels

TEMPLATES = resources.files("cajad.web") / "templates"


def _environment(extra_globals: Mapping[str, Any]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    # Links stored before imports refused all but http(s) are shown as text, never as links.
    env.tests["web_link"] = is_web_link
    env.filters.update(
        amount=labels.amount,
        compact=labels.compact,
        area=labels.area,
        country=labels.country,
        sector=labels.sector,
        transaction_type=labels.transaction_type,
        role=labels.role,
        organisation_type=labels.organisation_type,
        document_category=labels.document_category,
        breakdown_key=labels.breakdown_key,
        exact=str,
        at_precision=at_precision,
        short_amount=short_amount,
        path=lambda text: quote(str(text), safe=""),
    )
    env.globals.update(
        STAGES=labels.STAGES,
        SORTS=labels.SORTS,
        MEASURES=labels.MEASURES,
        MEASURE_NOTES=labels.MEASURE_NOTES,
        DIMENSIONS=labels.DIMENSIONS,
        BREAKDOWN_TITLES=labels.BREAKDOWN_TITLES,
        VERDICTS=labels.VERDICTS,
        FINDING_KINDS=labels.FINDING_KINDS,
        with_query=with_query,
    )
    env.globals.update(extra_globals)
    return env


def is_web_link(url: object) -> bool:
    """Whether ``url`` may be rendered as a link: http(s) with a host (:mod:`.bounds`)."""
    return isinstance(url, str) and bounds.link_error(url) is None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def at_precision(day: dt.date | None, precision: str | None = "day") -> str:
    """A date as precisely as it is known: ``19 Dec 2025``, ``Dec 2025`` (month) or ``2025``
    (year); blank when unknown. A coarse date is stored as its period's first day, which must
    never read as that day (2025-12-01 is "Dec 2025", not before the summit)."""
    if day is None:
        return ""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{_MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def with_query(params: Mapping[str, Any], **changes: Any) -> str:
    """``?a=1&b=2``: the current query with ``changes`` applied; empty values are dropped."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else "?"


def make_templates(extra_globals: Mapping[str, Any] | None = None) -> Jinja2Templates:
    """The portal's templates with the filters and globals above, and ``extra_globals`` (the
    functions packages contribute to the project page, for example)."""
    return Jinja2Templates(env=_environment(extra_globals or {}))


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    """Render template ``name`` with ``context`` (the request and who asks, ``visitor``, are
    added) in the environment of the request's app (``app.state.templates``, set by
    ``create_app``)."""
    templates: Jinja2Templates = request.app.state.templates
    context = {"visitor": getattr(request.state, "visitor", None), **context}
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if context["visitor"] is not None and context["visitor"].principal is not None:
        # A page for one account (its name, its CSRF token) is never kept by shared caches.
        response.headers["Cache-Control"] = "private, no-store"
    return response
