"""ASGI middleware of the portal: security headers, one access-log line per request, empty
parameters read as absent, and request bodies bounded."""

from __future__ import annotations

import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cajad.web.errors import ParameterError

#: The access log: one JSON object per request (see :class:`AccessLog`).
access_log = logging.getLogger("cajad.access")
#: Set by ``cajad serve`` for its worker processes: "1" to write the access log.
ACCESS_LOG_ENV = "CAJAD_ACCESS_LOG"


def configure_access_log(enabled: bool) -> None:
    """Write the access log to stderr, one JSON line per request (or not at all)."""
    access_log.setLevel(logging.INFO if enabled else logging.WARNING)
    if enabled and not access_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.propagate = False


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Plotly and Swagger UI set element styles from script.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeaders:
    """Adds the Content-Security-Policy (this origin only) and safe defaults to responses."""

    HEADERS = (
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    )

    #: Sent only on a request that came over HTTPS (directly, or as a trusted proxy says).
    HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [*self.HEADERS, self.HSTS] if scope.get("scheme") == "https" else self.HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AccessLog:
    """One JSON line per request on the ``cajad.access`` logger, without secrets.

    It names the method, the path, the status, the time taken, the client address and the
    account (its id, when one signed in); the query string only by its parameter names, and no
    header, cookie or body at all: tokens, passwords and session ids never reach the log.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app fails before it answers
        scope.setdefault("state", {})  # shared with inner scopes: where the visitor is put

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            access_log.info(json.dumps(_entry(scope, status, started), separators=(",", ":")))


def _entry(scope: Scope, status: int, started: float) -> dict[str, object]:
    query: bytes = scope.get("query_string", b"")
    keys = sorted({p.partition(b"=")[0].decode("latin-1") for p in query.split(b"&") if p})
    principal = getattr(scope["state"].get("visitor"), "principal", None)
    client = scope.get("client")
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "method": scope["method"],
        "path": scope["path"],
        "query_keys": keys,
        "status": status,
        "ms": round(1000 * (time.perf_counter() - started), 1),
        "client": client[0] if client else None,
        "account": getattr(principal, "id", None),
    }


class DropEmptyParams:
    """``?from=&stage=`` means the same as no ``from`` and no ``stage``.

    HTML forms send every field, filled or not; scripts build URLs from templates such as
    ``?from={start}``. Dropping empty values once, here, lets every route declare its
    parameters with their real types.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw: bytes = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if raw:
            parts = raw.split(b"&")
            kept = [p for p in parts if p.partition(b"=")[2]]
            if len(kept) != len(parts):
                scope = {**scope, "query_string": b"&".join(kept)}
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse a request body larger than ``limit`` bytes while it is read, before it is kept.

    Starlette spools a whole multipart upload to disk before a route sees it; this stops the
    reading as soon as the declared length (``Content-Length``) or the bytes received pass the
    limit, with a :class:`~cajad.web.errors.ParameterError`; the app's one handler answers it
    (422, or 400 where FastAPI was reading a form for a route's parameters), so that an upload
    far above the imports' bound costs neither disk nor time.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        received = int(declared) if declared.isdigit() else 0

        async def bounded() -> Message:
            nonlocal received
            if received > self.limit:
                raise self._refusal()
            message = await receive()
            if message["type"] == "http.request" and not declared.isdigit():
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise self._refusal()
            return message

        await self.app(scope, bounded, send)

    def _refusal(self) -> Exception:
        mib = self.limit / 2**20
        return ParameterError("body", f"must be at most {mib:.0f} MiB; got more")
