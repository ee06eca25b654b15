"""Anonymous answers of the public pages are kept until the register's next write (the write
itself is tried on both stores in ``test_stores``); signed-in requests never touch them."""

from __future__ import annotations

import gzip

from fastapi import FastAPI

from cajad.web.auth import SESSION_COOKIE
from tests.web.conftest import TestClient


def test_a_second_anonymous_request_is_served_from_the_cache(
    client: TestClient, app: FastAPI
) -> None:
    first = client.get("/", params={"currency": "USD"}, headers={"Accept-Language": "ja"})
    hits = app.state.pages.hits
    again = client.get("/", params={"currency": "USD"}, headers={"Accept-Language": "ja"})
    assert app.state.pages.hits == hits + 1
    assert again.text == first.text
    # The headers outside the cache are added once, as on the first answer.
    assert again.headers.get_list("content-language") == ["ja"]
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    other = client.get("/", params={"currency": "USD"}, headers={"Accept-Language": "ru"})
    assert other.headers["content-language"] == "ru" and other.text != first.text


def test_signed_in_and_failed_requests_are_not_kept(client: TestClient, app: FastAPI) -> None:
    hits, misses = app.state.pages.hits, app.state.pages.misses
    for _ in range(2):
        client.get("/projects", headers={"Cookie": f"{SESSION_COOKIE}=not-a-session"})
        client.get("/api/progress", headers={"Authorization": "Bearer nope"})
    assert (app.state.pages.hits, app.state.pages.misses) == (hits, misses)
    for _ in range(2):
        assert client.get("/api/progress", params={"currency": "XXX"}).status_code == 422
    assert app.state.pages.hits == hits


def test_the_plotly_bundle_is_sent_compressed_and_cacheable(client: TestClient) -> None:
    plain = client.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with client.stream(
        "GET", "/vendor/plotly.min.js", headers={"Accept-Encoding": "gzip, br"}
    ) as packed:
        wire = b"".join(packed.iter_raw())
    assert packed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(wire) == plain.content
    assert len(wire) < len(plain.content) / 3
    for answer in (plain, packed):
        assert answer.headers["cache-control"] == "public, max-age=86400"
        assert answer.headers["vary"].startswith("Accept-Encoding, ")
