"""The portal's languages: which one a request gets, its gettext catalogue, and Babel formats.

The locale of a request is, in this order: ``?lang=`` (which also sets the ``cajad_lang``
cookie), the cookie, the best match of ``Accept-Language`` (Babel's ``negotiate_locale``), and
English. :class:`LocaleMiddleware` chooses it once per request and keeps it in a context
variable, so that templates (through Jinja's i18n extension), the label functions and the
number and date formats all read the same one without passing it around. The JSON API answers
in English whatever the request asks (its words are data for scripts); its HTML docs page
follows the portal.

The catalogues are the ``.po`` files under ``locale/`` (made by ``make messages``); they are read
once per process and compiled in memory, so a fresh clone needs no generated file.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from contextvars import ContextVar
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from http.cookies import SimpleCookie
from importlib import resources
from typing import Final
from urllib.parse import parse_qsl

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The portal's languages, English (the source language) first.
LOCALES: Final = ("en", "ja", "ru")
DEFAULT: Final = "en"
#: Each language's name in itself, for the switcher.
NAMES: Final = {"en": "English", "ja": "日本語", "ru": "Русский"}
COOKIE: Final = "cajad_lang"
COOKIE_MAX_AGE: Final = 365 * 24 * 3600
LOCALE_DIR = resources.files("cajad.web") / "locale"

_current: ContextVar[str] = ContextVar("cajad_locale", default=DEFAULT)


def N_(text: str) -> str:  # noqa: N802 - the usual name of gettext's no-op marker
    """Mark ``text`` for the catalogue where it is defined; it is translated where shown."""
    return text


@cache
def translations(locale: str) -> NullTranslations:
    """The catalogue of ``locale``, read from its ``.po`` file (fuzzy entries left out)."""
    if locale == DEFAULT:
        return NullTranslations()
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as stream:
        catalog = read_po(stream, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def current() -> str:
    """The locale of the request being answered (English outside one)."""
    return _current.get()


def use(locale: str) -> None:
    """Answer the rest of this request (this context) in ``locale``."""
    _current.set(locale if locale in LOCALES else DEFAULT)


def gettext(message: str) -> str:
    return translations(current()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ungettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current()).upgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current()).unpgettext(context, singular, plural, n)


def babel_locale() -> Locale:
    return Locale.parse(current())


# --- choosing the locale ---------------------------------------------------------------------


def accepted(header: str) -> list[str]:
    """``"ja-JP,ja;q=0.9,en;q=0.5"`` → ``["ja-JP", "ja", "en"]``: by quality, best first;
    ``q=0`` and ``*`` left out."""
    weighted = []
    for position, item in enumerate(header.split(",")):
        tag, _sep, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _q, _p, tag in sorted(weighted)]


def negotiate(asked: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The locale a request gets: ``asked`` (``?lang=``), the cookie, ``Accept-Language``."""
    for choice in (asked, cookie):
        if choice in LOCALES:
            return choice
    preferred = accepted(accept_language or "")
    return negotiate_locale(preferred, LOCALES, sep="-") or DEFAULT


def _is_portal(path: str) -> bool:
    """Whether ``path`` is a page of the portal (the JSON API answers in English)."""
    return not path.startswith("/api/") or path == "/api/docs"


class LocaleMiddleware:
    """Choose each request's locale (see the module docstring); set the cookie when
    ``?lang=`` asks for a language, and say which headers the answer varies with."""

    VARY: Final = b"Accept-Language, Cookie"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_portal(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        asked = query.get("lang")
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is read as no cookie
            cookies = SimpleCookie()
        cookie = cookies[COOKIE].value if COOKIE in cookies else None
        locale = negotiate(asked, cookie, headers.get("accept-language"))
        use(locale)
        extra = [(b"content-language", locale.encode())]
        if asked in LOCALES:
            extra.append((b"set-cookie", _cookie(locale)))

        async def send_with_locale(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                kept = [(k, v) for k, v in headers if k.lower() != b"vary"]
                # What the answer already varies with (the Plotly bundle: its encoding), too.
                vary = b", ".join([*(v for k, v in headers if k.lower() == b"vary"), self.VARY])
                message["headers"] = [*kept, (b"vary", vary), *extra]
            await send(message)

        await self.app(scope, receive, send_with_locale)


def _cookie(locale: str) -> bytes:
    return f"{COOKIE}={locale}; Max-Age={COOKIE_MAX_AGE}; Path=/; SameSite=Lax".encode()


# --- formats ---------------------------------------------------------------------------------


def decimal(value: Decimal, places: int) -> str:
    """``value`` rounded half-even to ``places`` decimals, grouped as the locale writes it
    (``1,234.50``; ``1 234,50`` in Russian). Decimal all the way: no float rounding."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    quantum = Decimal(1).scaleb(-places)
    exact = value.quantize(quantum, rounding=ROUND_HALF_EVEN)
    return format_decimal(exact, format=pattern, locale=current(), decimal_quantization=False)


def money(value: Decimal, currency: str, places: int = 2) -> str:
    """``value`` in ``currency`` as the locale writes an amount (``JPY 1,234.00``, ``1 234,00
    JPY``), with exactly ``places`` decimals whatever the currency's usual digits."""
    quantum = Decimal(1).scaleb(-places)
    pattern = babel_locale().currency_formats["standard"].pattern.split(";")[0]
    fraction = "." + "0" * places if places else ""
    # The ISO code (¤¤) rather than a symbol, set apart from the figure as a code is.
    pattern = pattern.replace("#,##0.00", "#,##0" + fraction).replace("¤", "¤¤")
    pattern = pattern.replace("¤¤#", "¤¤\u00a0#").replace("0¤¤", "0\u00a0¤¤")
    return format_currency(
        value.quantize(quantum),
        currency,
        format=pattern,
        locale=current(),
        currency_digits=False,
        decimal_quantization=False,
    )


def date(day: dt.date | None, precision: str | None = "day") -> str:
    """A date as precisely as it is known, as the locale writes it: ``19 Dec 2025``,
    ``2025年12月19日``, ``19 дек. 2025 г.``; ``Dec 2025`` at month precision, ``2025`` at year;
    blank when unknown."""
    if day is None:
        return ""
    if precision == "year":
        return str(day.year)
    locale = current()
    if locale == "en":
        return format_date(day, "MMM y" if precision == "month" else "d MMM y", locale="en")
    return format_skeleton("yMMM" if precision == "month" else "yMMMd", day, locale=locale)


def territory(code: str) -> str | None:
    """The locale's name of country ``code`` (ISO 3166 alpha-2), from CLDR; ``None`` if none."""
    name = babel_locale().territories.get(code.upper())
    return str(name) if name else None


def join(items: Iterable[str]) -> str:
    """``a, b and c`` as the locale lists things."""
    return format_list(list(items), locale=current())
