"""The project list says what "counted" means, shows amounts and dates at their precision
(issue 11, items 3 and 4): the page, the API and the XLSX take the same filters and agree."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from cajad.web.templating import at_precision

from .conftest import TestClient
from .test_error_shape import assert_shape


def listed(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/projects", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    assert page["total"] == len(page["items"])
    return page


def rows(text: str) -> list[str]:
    return re.findall(r'data-testid="project-row" data-identifier="([^"]+)"', text)


@pytest.mark.parametrize(
    ("day", "precision", "shown"),
    [
        (dt.date(2025, 12, 19), "day", "19 Dec 2025"),
        (dt.date(2025, 12, 1), "month", "Dec 2025"),
        (dt.date(2025, 1, 1), "year", "2025"),
        (dt.date(2025, 1, 5), None, "5 Jan 2025"),
        (None, "month", ""),
    ],
)
def test_a_date_is_shown_at_its_precision(
    day: dt.date | None, precision: str | None, shown: str
) -> None:
    assert at_precision(day, precision) == shown


def test_the_counted_amounts_of_the_list_add_up_to_the_dashboard_total(
    client: TestClient,
) -> None:
    for currency in ("JPY", "USD"):
        items = listed(client, currency=currency)["items"]
        total = client.get("/api/progress", params={"currency": currency}).json()["total"]
        assert sum(Decimal(p["counted"]["amount"]) for p in items) == Decimal(total)
        assert all(p["counted"]["currency"] == currency for p in items)
        counted = [p for p in items if p["counted"]["counted"]]
        # many projects are marked to count, only a few count in the period
        assert 0 < len(counted) < sum(p["counts_toward_goal"] for p in items)


def test_each_badge_says_counted_how_much_or_why_not(client: TestClient) -> None:
    items = {p["identifier"]: p for p in listed(client)["items"]}
    text = client.get("/projects", params={"q": "uz-jica-2025"}).text
    badges = re.findall(r'data-testid="counted-badge" data-reason="([^"]*)"[^>]*>([^<]+)<', text)
    assert badges and all(
        label.startswith(("counted: JPY ", "not counted: ")) for _, label in badges
    )
    livestock = items["uz-jica-2025-livestock-animal-health-loan"]["counted"]
    assert livestock["reason"] == "in-package"
    assert livestock["label"] == "not counted: inside uz-summit-2025-12bn-portfolio"
    portfolio = items["uz-summit-2025-12bn-portfolio"]["counted"]
    assert portfolio["counted"] and re.fullmatch(
        r"counted: JPY [0-9.]+ tn in the period", portfolio["label"]
    )
    before = items["tj-grant-2025-spitamen-customs-xray"]["counted"]
    assert before["label"] == "not counted: dated before the period"
    assert "2025-12-10" in before["detail"]


def test_the_amount_column_states_its_currency_and_the_reported_one(client: TestClient) -> None:
    text = client.get("/projects", params={"currency": "USD", "q": "uz-summit-2025"}).text
    assert "Amount (USD)" in text
    item = listed(client, currency="USD", q="uz-summit-2025-12bn")["items"][0]
    assert item["amount"] == {
        "value": "12000000000",
        "currency": "USD",
        "value_date": "2025-12-20",
        "type": 12,
        "converted": "12000000000.00",
        "target": "USD",
    }
    yen = client.get("/projects", params={"q": "uz-summit-2025-12bn"}).text
    assert "USD 12.0 bn as reported" in yen and "JPY 1.9 tn" in yen


def test_an_aggregate_without_an_area_says_so_as_the_dashboard_does(client: TestClient) -> None:
    """Not "Unassigned": a package total whose sectors name no area is shown apart."""
    items = listed(client, q="uz-summit-2025-12bn")["items"]
    assert (items[0]["basis"], items[0]["areas"]) == ("aggregate", ["unassigned"])
    text = client.get("/projects", params={"q": "uz-summit-2025-12bn"}).text
    row = text.split('data-identifier="uz-summit-2025-12bn-portfolio"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="aggregate-area-unknown"' in row and "Unassigned" not in row
    itemised = listed(client, q="kg-jp-double-taxation")["items"][0]
    assert itemised["basis"] == "itemised"


def test_the_amount_sort_goes_both_ways_with_no_amount_last(client: TestClient) -> None:
    for sort in ("amount", "-amount"):
        items = listed(client, sort=sort)["items"]
        amounts = [p["amount"] for p in items]
        known = [a for a in amounts if a is not None and a["converted"] is not None]
        yen = [Decimal(a["converted"]) for a in known]
        assert yen == sorted(yen, reverse=sort.startswith("-"))
        assert all(a is None for a in amounts[len(known) :])
        page = rows(client.get("/projects", params={"sort": sort}).text)
        assert page == [p["identifier"] for p in items[: len(page)]]
    assert "Amount (largest first)" in client.get("/projects").text


def test_a_month_date_is_shown_and_filtered_as_its_month(client: TestClient) -> None:
    december = {
        p["identifier"]: p for p in listed(client, **{"from": "2025-12", "to": "2025-12"})["items"]
    }
    kz = december["kz-summit-2025-60-agreements"]
    assert (kz["agreement_date"], kz["agreement_date_display"]) == ("2025-12-01", "Dec 2025")
    # a range from the summit day keeps the month-dated summit package
    assert "kz-summit-2025-60-agreements" in {
        p["identifier"] for p in listed(client, **{"from": "2025-12-20"})["items"]
    }
    assert "kz-summit-2025-60-agreements" not in {
        p["identifier"] for p in listed(client, **{"to": "2025-11-30"})["items"]
    }
    text = client.get("/projects", params={"from": "2025-12-20", "q": "kz-summit-2025-60"}).text
    assert ">Dec 2025</time>" in text and "2025-12-01<" not in text
    page = client.get("/projects/kz-summit-2025-60-agreements").text
    assert re.search(
        r'data-testid="agreement-date"><time datetime="2025-12-01">Dec 2025</time>', page
    )


def test_new_since_the_summit_is_the_money_or_the_curated_day(client: TestClient) -> None:
    new = {p["identifier"] for p in listed(client, since_summit="true")["items"]}
    # its loan was signed on 17 Dec; its money is dated the summit day
    assert "uz-jica-2025-livestock-animal-health-loan" in new
    assert "kz-grant-2026-aktau-port-xray" in new
    # signed in Dushanbe on 10 Dec, before the summit window
    assert "tj-grant-2025-spitamen-customs-xray" not in new
    assert "kg-grant-2025-naryn-bridge" not in new
    everything = listed(client)["total"]
    assert 0 < len(new) < everything
    text = client.get("/projects", params={"since_summit": "1"}).text
    assert f'data-total="{len(new)}"' in text
    assert "New since the summit" in text and "20 Dec 2025" in text


def test_the_xlsx_takes_the_same_new_filters(client: TestClient) -> None:
    params = {"since_summit": "1", "from": "2025-12"}
    response = client.get("/api/projects.xlsx", params=params)
    assert response.status_code == 200
    header, *body = openpyxl.load_workbook(io.BytesIO(response.content))["Projects"].values
    column = list(header).index("identifier")
    expected = [p["identifier"] for p in listed(client, **params)["items"]]
    assert [row[column] for row in body] == expected and expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13"}, "from"),
        ({"to": "2025-02-30"}, "to"),
        ({"from": "20251220"}, "from"),
        ({"from": "2025-12-20", "to": "2025-11"}, "to"),
        ({"since_summit": "perhaps"}, "since_summit"),
        ({"sort": "size"}, "sort"),
        ({"currency": "XXX"}, "currency"),
    ],
)
def test_bad_filters_are_refused_naming_the_parameter(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    for url in ("/api/projects", "/api/projects.xlsx"):
        if url.endswith("xlsx") and field in ("sort",):
            continue
        response = client.get(url, params=params)
        assert response.status_code == 422, (url, response.text)
        problem = assert_shape(response.json(), 422)
        assert [e["field"] for e in problem["errors"]] == [field]
    assert client.get("/projects", params=params).status_code == 422
