"""Every list answers a bounded page: the findings (page and API) like the project list."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from cajad.web import pages
from cajad.web.page_cache import PageStore
from tests.web.conftest import TestClient


def test_the_quality_page_shows_a_page_of_findings(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "FINDINGS_PAGE", 5)
    kept, app.state.pages = app.state.pages, PageStore()  # pages of 5 are kept apart
    try:
        _pages_of_five(client)
    finally:
        app.state.pages = kept


def _pages_of_five(client: TestClient) -> None:
    total = client.get("/api/quality").json()["total"]
    assert total > 10
    first = client.get(
        "/quality",
    ).text
    second = client.get("/quality", params={"page": 2}).text
    rows = re.compile(r'<tr data-kind="[^"]+">.*?</tr>', re.S)
    assert len(rows.findall(first)) == len(rows.findall(second)) == 5
    assert rows.findall(first) != rows.findall(second)
    assert f'data-total="{total}"' in first and 'data-testid="next-page"' in first
    last = client.get("/quality", params={"page": -(-total // 5)}).text
    assert 'data-testid="next-page"' not in last


def test_the_quality_api_pages_with_limit_and_offset(client: TestClient) -> None:
    whole = client.get("/api/quality").json()
    page = client.get("/api/quality", params={"limit": 3, "offset": 2}).json()
    assert (page["total"], page["by_kind"]) == (whole["total"], whole["by_kind"])
    assert page["findings"] == whole["findings"][2:5]
    assert client.get("/api/quality", params={"limit": 501}).status_code == 422
