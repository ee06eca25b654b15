"""The project list in Chromium: new since the summit, sorted by amount, with the amount
column and the badges saying what counts (issue 11, items 3 and 4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_new_since_the_summit_sorted_by_amount(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/projects?since_summit=1")
    assert page.get_by_test_id("since-summit").is_checked()
    with page.expect_navigation():
        page.get_by_test_id("project-filters").locator('select[name="sort"]').select_option(
            "-amount"
        )
        page.get_by_test_id("search-submit").click()
    assert "since_summit=1" in page.url and "sort=-amount" in page.url

    response = page.request.get(
        f"{live_server}/api/projects", params={"since_summit": "1", "sort": "-amount"}
    )
    expected = response.json()["items"]
    rows = page.get_by_test_id("project-row")
    assert rows.count() == min(len(expected), 25)
    assert [rows.nth(i).get_attribute("data-identifier") for i in range(rows.count())] == [
        p["identifier"] for p in expected[: rows.count()]
    ]

    header = page.get_by_test_id("project-table").locator("th", has_text="Amount")
    assert (header.text_content() or "").strip() == "Amount (JPY)"
    cells = page.get_by_test_id("amount")
    values = [cells.nth(i).get_attribute("data-value") for i in range(cells.count())]
    known = [Decimal(v) for v in values if v is not None]
    assert known and known == sorted(known, reverse=True)
    assert values[: len(known)] == [str(v) for v in known]  # no amount comes last
    assert "JPY" in cells.first.inner_text()

    badges = page.get_by_test_id("counted-badge")
    labels = [badges.nth(i).inner_text() for i in range(badges.count())]
    assert labels[0].startswith("counted: JPY ") and labels[0].endswith(" in the period")
    refused = page.locator('[data-testid="counted-badge"]', has_text="not counted: ").first
    assert refused.is_visible()
    assert refused.get_attribute("title")  # the full reason, on hover
    assert page.get_by_test_id("agreed").filter(has_text="Dec 2025").count() > 0
