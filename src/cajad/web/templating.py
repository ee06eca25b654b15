"""The Jinja2 environment of the portal: templates, filters, and the translation hook.

Templates mark interface text with ``_()``/``ngettext()`` or ``{% trans %}`` (Jinja's i18n
extension); ``make messages`` extracts it into the catalogues, and the gettext functions installed
here translate it into the request's language (:mod:`cajad.web.i18n`). Each app builds its own
environment (:func:`make_templates`) with the globals each package contributes, so nothing is
installed by importing a module; :func:`render` uses the environment of the request's app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import Any, Protocol
from urllib.parse import quote, urlencode

import jinja2
import markupsafe
from babel.numbers import format_percent
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from cajad.register import bounds
from cajad.web import i18n, labels

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
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext,
        i18n.ngettext,
        newstyle=True,
        pgettext=i18n.pgettext,
        npgettext=i18n.npgettext,
    )
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
        instrument=labels.instrument,
        exact=str,
        at_precision=at_precision,
        currency=i18n.money,
        percent=percent,
        title_in=title_in,
        short_amount=labels.short,
        number=number,
        # A word held in a variable (an error title), translated when the catalogue has it;
        # the result is escaped like any text (gettext() in a template would mark it safe).
        translated=i18n.gettext,
        number_percent=lambda value: percent(value, 0),
        measure_name=lambda measure: labels.MEASURES.get(str(measure), str(measure)),
        datetime=lambda moment: moment.strftime("%Y-%m-%d %H:%M"),
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
        SEVERITIES=labels.SEVERITIES,
        MODES=labels.MODES,
        ROLES=labels.ROLES,
        author=labels.author,
        with_query=with_query,
        LANGUAGES=i18n.NAMES,
        count_words=labels.count_words,
        code=lambda text: markupsafe.Markup("<code>{}</code>").format(text),
        markup=lambda template, value: markupsafe.Markup(template) % value,
        en=english_part,
        english=english_text,
        locale=i18n.current,
    )
    env.globals.update(extra_globals)
    return env


def is_web_link(url: object) -> bool:
    """Whether ``url`` may be rendered as a link: http(s) with a host (:mod:`.bounds`)."""
    return isinstance(url, str) and bounds.link_error(url) is None


def at_precision(day: dt.date | None, precision: str | None = "day") -> str:
    """A date as precisely as it is known: ``19 Dec 2025``, ``Dec 2025`` (month) or ``2025``
    (year), as the request's language writes it; blank when unknown. A coarse date is stored as
    its period's first day, which must never read as that day (2025-12-01 is "Dec 2025", not
    before the summit)."""
    return i18n.date(day, precision)


def percent(value: Decimal | float, places: int = 2) -> str:
    """``12.5`` (a percentage) → ``12.50%`` (``12,50 %`` in Russian), exact to ``places``."""
    locale = i18n.babel_locale()
    pattern = locale.percent_formats[None].pattern
    fraction = "." + "0" * places if places else ""
    return format_percent(
        Decimal(str(value)).quantize(Decimal(1).scaleb(-places)) / 100,
        format=pattern.replace("#,##0", "#,##0" + fraction, 1),
        locale=locale,
        decimal_quantization=False,
    )


def english_part() -> markupsafe.Markup:
    """`` lang="en"`` on an element whose text is data in English (a curation note, a screening
    question) on a page in another language, so that screen readers and tests read it as such."""
    return markupsafe.Markup("" if i18n.current() == "en" else ' lang="en"')


def english_text(text: object) -> markupsafe.Markup:
    """``text`` (data in English) in a ``<span lang="en">`` on a page in another language, to put
    inside a translated sentence; escaped, and a plain span in English."""
    return markupsafe.Markup("<span{}>{}</span>").format(english_part(), text)


def number(value: float | Decimal | int, places: int = 0) -> str:
    """A figure (a score, an AUC) with ``places`` decimals as the request's language writes it."""
    return i18n.decimal(Decimal(str(value)), places)


class _Titled(Protocol):
    title: str
    titles: Mapping[str, str]


def title_in(item: _Titled) -> str:
    """The project's title in the request's language where the register holds one, else
    its title."""
    return item.titles.get(i18n.current()) or item.title


def with_query(params: Mapping[str, Any], **changes: Any) -> str:
    """``?a=1&b=2``: the current query with ``changes`` applied; empty values are dropped, and a
    parameter given several times (``mode=rail&mode=sea``) is kept whole."""
    items = params.multi_items() if hasattr(params, "multi_items") else list(params.items())
    kept: list[tuple[str, Any]] = []
    for key, value in items:
        if key in changes:
            if all(k != key for k, _v in kept):
                kept.append((key, changes[key]))
        else:
            kept.append((key, value))
    kept += [(k, v) for k, v in changes.items() if all(key != k for key, _v in kept)]
    shown = [(k, v) for k, v in kept if v not in (None, "")]
    return "?" + urlencode(shown) if shown else "?"


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
