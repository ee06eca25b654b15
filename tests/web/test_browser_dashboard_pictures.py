"""The dashboard's pictures in a real browser: the map's five countries are visible, the months
are drawn by Plotly, and a measure that counts nothing explains itself without an empty chart."""

from __future__ import annotations

from typing import Any

import pytest

from cajad.register import CENTRAL_ASIAN_COUNTRIES

pytestmark = pytest.mark.browser


def test_map_and_months_are_drawn(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/")
    for code in CENTRAL_ASIAN_COUNTRIES:
        country = page.locator(f'[data-testid="country-map"] path[data-country="{code}"]')
        assert country.count() == 1
        assert country.is_visible()
        box = country.bounding_box()
        assert box is not None and box["width"] > 10 and box["height"] > 10
        assert page.get_by_test_id(f"map-label-{code}").is_visible()
    page.locator('[data-testid="chart-month"] svg.main-svg').first.wait_for()
    assert page.locator('[data-testid="chart-month"] .bars path').count() > 0
    page.locator('[data-testid="chart-country"] svg.main-svg').first.wait_for()


def test_a_measure_that_counts_nothing_shows_words_not_an_empty_chart(
    page: Any, live_server: str
) -> None:
    page.goto(f"{live_server}/?measure=disbursed")
    page.wait_for_load_state("load")
    assert page.get_by_test_id("empty-state").is_visible()
    assert "No disbursement is recorded" in page.get_by_test_id("empty-reason").inner_text()
    assert page.locator(".main-svg").count() == 0
    assert page.locator("[data-chart]").count() == 0
    assert page.get_by_test_id("country-map").count() == 0
