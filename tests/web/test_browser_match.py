"""The match page in Chromium: the reasons in words, a consortium, a link to a profile."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

PROJECT = "uz-acwa-sazagan-solar-storage-jbic"


def test_match_page_from_the_project_page(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/projects/{PROJECT}")
    page.click('[data-testid="match-link"]')
    page.wait_for_selector('[data-testid="match-table"]')
    rows = page.locator('[data-testid="match-row"]')
    assert rows.count() >= 5
    assert "sector depth" in rows.first.inner_text()
    assert page.locator('[data-testid="consortium"]').count() >= 1
    rows.first.locator("a").first.click()
    page.wait_for_selector('[data-testid="investor-sources"]')
    assert page.locator('[data-testid="investor-sources"] a').count() >= 1
