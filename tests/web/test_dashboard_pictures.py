"""The dashboard's pictures, in process: the map of the five countries, money by month, the
explanation when a measure counts nothing, and a pace line that is no forecast before a year."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest

from cajad.register import CENTRAL_ASIAN_COUNTRIES
from cajad.tracker import BreakdownRow, CountingRule
from cajad.tracker.pace import MIN_DAYS, pace_of
from cajad.web import country_map as map_module
from cajad.web.country_map import STEPS, country_map
from cajad.web.dashboard_figures import month_keys, pace_words
from cajad.web.labels import compact, country

from .conftest import TestClient

FIVE = set(CENTRAL_ASIAN_COUNTRIES)


class Elements(HTMLParser):
    """The attributes of every element, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))

    def with_attr(self, name: str) -> list[tuple[str, dict[str, str]]]:
        return [(tag, attrs) for tag, attrs in self.found if name in attrs]

    def testid(self, value: str) -> dict[str, str] | None:
        return next((a for _t, a in self.found if a.get("data-testid") == value), None)


def elements(client: TestClient, url: str) -> tuple[str, Elements]:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    parsed = Elements()
    parsed.feed(response.text)
    return response.text, parsed


def chart_data(text: str) -> dict[str, Any]:
    raw = text.split('<script type="application/json" id="chart-data">', 1)[1]
    return dict(json.loads(raw.split("</script>", 1)[0]))


# --- the map ---------------------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["JPY", "USD"])
def test_map_shows_the_five_countries_with_the_apis_figures(
    client: TestClient, currency: str
) -> None:
    _text, page = elements(client, f"/?currency={currency}")
    api = client.get("/api/progress", params={"by": "country", "currency": currency}).json()
    totals = {r["key"]: r["total"] for r in api["breakdown"]}
    paths = {a["data-country"]: (tag, a) for tag, a in page.with_attr("data-country")}
    assert set(paths) == FIVE
    svg = page.testid("country-map")
    assert svg is not None and svg["role"] == "group"  # of named links (axe: nested-interactive)
    label = svg["aria-label"]
    for code, (tag, attrs) in paths.items():
        assert tag == "path" and attrs["d"].startswith("M")
        assert attrs["data-total"] == totals[code]
        amount = Decimal(totals[code])
        if amount:
            assert "zero" not in attrs["class"] and attrs["fill"] in STEPS
            assert f"{country(code)} {compact(amount)} {currency}" in label
        else:
            assert "zero" in attrs["class"] and attrs["fill"] == "url(#map-hatch)"
            assert f"{country(code)} nothing counted" in label
        link = page.testid(f"map-{code}")
        assert link is not None and link["href"] == f"/projects?country={code}"
    assert any(Decimal(t) == 0 for c, t in totals.items() if c in FIVE), "demo has a zero"
    assert page.testid("map-legend") is not None


def test_the_map_links_answer(client: TestClient) -> None:
    response = client.get("/projects?country=UZ")
    assert response.status_code == 200
    assert "Uzbekistan" in response.text


def test_the_largest_country_gets_the_darkest_step() -> None:
    rows = [
        BreakdownRow(key="UZ", total=Decimal("500"), share=Decimal(50), transactions=1),
        BreakdownRow(key="KZ", total=Decimal("100"), share=Decimal(10), transactions=1),
        BreakdownRow(key="KG", total=Decimal("99.99"), share=Decimal(10), transactions=1),
    ]
    fills = {c.code: c.fill for c in country_map(rows, "EUR").countries}
    assert fills["UZ"] == STEPS[-1]
    assert fills["KZ"] == STEPS[0] and fills["KG"] == STEPS[0]  # 100 is the first fifth's top
    assert fills["TJ"] == fills["TM"] == "url(#map-hatch)"


def test_money_no_country_of_the_map_shows_is_a_note(client: TestClient) -> None:
    rows = [
        BreakdownRow(key="KZ", total=Decimal("100"), share=Decimal(50), transactions=1),
        BreakdownRow(key="619", total=Decimal("60"), share=Decimal(30), transactions=1),
        BreakdownRow(key="unknown", total=Decimal("40"), share=Decimal(20), transactions=1),
        BreakdownRow(key="998", total=Decimal("0"), share=Decimal(0), transactions=0),
    ]
    drawn = country_map(rows, "JPY")
    assert [(e.key, e.label, e.total) for e in drawn.elsewhere] == [
        ("619", "Central Asia, regional", Decimal("60")),
        ("unknown", "Unknown", Decimal("40")),
    ]
    assert "Central Asia" not in drawn.aria_label  # not on the map, only beside it
    _text, page = elements(client, "/")
    assert page.testid("map-elsewhere") is not None


def test_outlines_are_clipped_to_the_box_cached_and_give_context() -> None:
    focus, context, height = map_module._projected()
    assert map_module._projected() is map_module._projected()  # parsed once
    assert set(focus) == FIVE
    codes = {code for code, _d in context}  # named in the request's language when drawn
    assert {"AF", "IR", "CN", "RU", "AZ"} <= codes
    assert "JP" not in codes and "FR" not in codes
    for d in [*focus.values(), *(d for _n, d in context)]:
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
        xs, ys = numbers[0::2], numbers[1::2]
        assert min(xs) >= 0 and max(xs) <= map_module.WIDTH + 0.1
        assert min(ys) >= 0 and max(ys) <= height + 0.1


def test_clipping_keeps_a_ring_inside_and_cuts_one_across() -> None:
    inside = [(60.0, 40.0), (61.0, 40.0), (61.0, 41.0), (60.0, 40.0)]
    assert map_module._clip(inside) == inside
    across = [[40.0, 40.0], [50.0, 40.0], [50.0, 41.0], [40.0, 41.0]]
    clipped = map_module._clip(across)
    assert min(p[0] for p in clipped) == map_module.BOX[0]
    assert map_module._clip([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]) == []


# --- money by month --------------------------------------------------------------------------


def test_months_are_contiguous_from_the_period_start_and_add_up(client: TestClient) -> None:
    text, page = elements(client, "/")
    month = chart_data(text)["month"]
    api = client.get("/api/progress", params={"by": "month"}).json()
    keys = list(month["keys"])
    start = dt.date.fromisoformat(api["period"]["start"])
    assert keys[0] == f"{start:%Y-%m}"
    assert keys == month_keys(start, keys[-1])
    assert keys[-1] >= max(r["key"] for r in api["breakdown"])
    assert keys[-1] >= api["pace"]["as_of"][:7]
    totals = [Decimal(t) for t in month["totals"]]
    assert sum(totals) == Decimal(api["total"])
    by_month = {r["key"]: Decimal(r["total"]) for r in api["breakdown"]}
    assert {k: t for k, t in zip(keys, totals, strict=True) if t} == {
        k: t for k, t in by_month.items() if t
    }
    series = month["series"]
    assert series
    for i, total in enumerate(totals):
        assert sum(Decimal(s["values"][i]) for s in series) == total
    for key, total in zip(keys, totals, strict=True):
        row = text.split(f'data-testid="month-{key}"', 1)[1].split("</tr>", 1)[0]
        assert f'value="{total}"' in row
    assert page.testid("chart-month") is not None


def test_month_keys_cross_the_year() -> None:
    assert month_keys(dt.date(2025, 12, 20), "2026-02") == ["2025-12", "2026-01", "2026-02"]
    assert month_keys(dt.date(2025, 12, 20), "2025-12") == ["2025-12"]


# --- empty states ----------------------------------------------------------------------------


def test_a_measure_that_counts_nothing_explains_instead_of_drawing(client: TestClient) -> None:
    api = client.get("/api/progress", params={"measure": "disbursed"}).json()
    assert Decimal(api["total"]) == 0, "the demo register has no disbursement"
    text, page = elements(client, "/?measure=disbursed")
    assert page.testid("empty-state") is not None
    reason = text.split('data-testid="empty-reason">', 1)[1].split("</p>", 1)[0]
    assert "No disbursement is recorded" in reason
    others = text.split('data-testid="empty-others">', 1)[1].split("</p>", 1)[0]
    for measure, amount in api["measures"].items():
        if measure != "disbursed" and Decimal(amount):
            assert f'value="{amount}"' in others and f"measure={measure}" in others
    assert page.with_attr("data-chart") == []
    assert page.testid("country-map") is None and page.testid("timeline-card") is None
    assert text.count('data-testid="empty-state"') == 1


def test_a_measure_with_money_draws_and_does_not_explain(client: TestClient) -> None:
    _text, page = elements(client, "/?measure=signed")
    assert page.testid("empty-state") is None
    assert page.testid("country-map") is not None
    assert {a["data-chart"] for _t, a in page.with_attr("data-chart")} == {
        "pillar",
        "country",
        "instrument",
        "year",
        "month",
    }


# --- the pace line ---------------------------------------------------------------------------

RULE = CountingRule()
GOAL = Decimal("3000000000000")


def test_no_yearly_pace_before_a_year_of_data() -> None:
    first = RULE.period_start + dt.timedelta(days=MIN_DAYS - 1)
    early = pace_of(
        RULE, first - dt.timedelta(days=1), GOAL, to_date=GOAL, aggregate=Decimal(0), last_year=GOAL
    )
    assert pace_words(early, RULE) == (
        f"counted so far over 364 days; a yearly pace needs 365 days (from {first:%-d %b %Y})"
    )
    year = pace_of(RULE, first, GOAL, to_date=GOAL, aggregate=Decimal(0), last_year=GOAL)
    assert pace_words(year, RULE) is None
    before = pace_of(
        RULE,
        RULE.period_start - dt.timedelta(days=3),
        GOAL,
        to_date=Decimal(0),
        aggregate=Decimal(0),
        last_year=Decimal(0),
    )
    assert pace_words(before, RULE) == "the period starts on 20 Dec 2025; no pace yet"


def test_dashboard_pace_line_follows_the_projection(client: TestClient) -> None:
    text, page = elements(client, "/")
    pace = client.get("/api/progress").json()["pace"]
    card = text.split('id="pace-title"', 1)[1].split("</article>", 1)[0]
    if pace["projection_low"] is None:
        assert page.testid("pace-per-year") is None
        assert f"counted so far over {pace['days_of_data']} days" in card
        assert " a year</dd>" not in card.split("Needed from now on")[0]
    else:
        per_year = page.testid("pace-per-year")
        assert per_year is not None and per_year["value"] == pace["per_year"]
        assert page.testid("pace-not-yet") is None
