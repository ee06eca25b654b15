"""Whole answers of the public pages, kept until the register's next write.

An anonymous visitor's dashboard is the same for every anonymous visitor with the same
address, language and day, until something is written. :class:`PageCache` keeps such answers
(status 200, no cookie set, at most :data:`MAX_BODY` bytes) keyed by the register's version
counter (:mod:`cajad.register.version`), read once per request: a hit costs that one read,
no session and no template. A signed-in request (session cookie or bearer token) is never
served from it nor stored in it: its page names the account and carries its CSRF token.

It sits inside the middleware that adds the security headers, the locale's ``Vary`` and the
access log, so these are added to every answer, cached or not.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

import anyio.to_thread
from sqlalchemy import Engine, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cajad.web.auth import SESSION_COOKIE

#: The public addresses whose anonymous answers are kept.
CACHED: frozenset[str] = frozenset(
    {"/", "/projects", "/quality", "/method", "/api/progress", "/api/projects", "/api/quality"}
)
#: Answers larger than this are not kept (bytes).
MAX_BODY = 2_000_000
_READ_VERSION = text("SELECT n FROM register_version WHERE id = 1")


@dataclass
class PageStore:
    """The kept answers of one version of the register, least recently used dropped first."""

    size: int = 512
    version: int | None = None
    answers: OrderedDict[Hashable, tuple[Message, bytes]] = field(default_factory=OrderedDict)
    hits: int = 0
    misses: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, version: int, key: Hashable) -> tuple[Message, bytes] | None:
        with self.lock:
            if version != self.version:
                self.version, self.answers = version, OrderedDict()
            found = self.answers.get(key)
            if found is None:
                self.misses += 1
                return None
            self.hits += 1
            self.answers.move_to_end(key)
            return found

    def put(self, version: int, key: Hashable, start: Message, body: bytes) -> None:
        with self.lock:
            if version != self.version:
                return  # written meanwhile: this answer may be of either version
            self.answers[key] = (start, body)
            while len(self.answers) > self.size:
                self.answers.popitem(last=False)


def _version(engine: Engine) -> int:
    with engine.connect() as conn:
        value = conn.execute(_READ_VERSION).scalar()
    return -1 if value is None else int(value)


class PageCache:
    """ASGI middleware serving anonymous GETs of :data:`CACHED` from ``app.state.pages``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in CACHED:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if b"authorization" in headers or SESSION_COOKIE.encode() in headers.get(b"cookie", b""):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        store: PageStore = state.pages
        version = await anyio.to_thread.run_sync(_version, state.engine)
        key = (
            scope["path"],
            scope.get("query_string", b""),
            headers.get(b"accept-language", b""),
            headers.get(b"cookie", b""),
            dt.date.today(),  # the pace is of today
        )
        found = store.get(version, key)
        if found is not None:
            start, body = found
            await send({**start, "headers": list(start["headers"])})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, _Keeper(send, store, version, key))


class _Keeper:
    """Passes an answer on, and keeps it in the store if it may be kept."""

    def __init__(self, send: Send, store: PageStore, version: int, key: Hashable) -> None:
        self.send, self.store, self.version, self.key = send, store, version, key
        self.start: Message | None = None
        self.parts: list[bytes] = []
        self.size = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", [])}
            if message["status"] == 200 and b"set-cookie" not in names:
                # A copy: the middlewares outside add their headers to the message itself.
                self.start = {**message, "headers": list(message.get("headers", []))}
        elif message["type"] == "http.response.body" and self.start is not None:
            self.parts.append(message.get("body", b""))
            self.size += len(self.parts[-1])
            if self.size > MAX_BODY:
                self.start, self.parts = None, []
            elif not message.get("more_body", False):
                self.store.put(self.version, self.key, self.start, b"".join(self.parts))
        await self.send(message)
