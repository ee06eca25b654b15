"""The exports for a minister over HTTP: the XLSX holds the projects and amounts the API gives
for the same filters, the PDF brief the total and goal share of /api/progress; bad input is 422
in the one error shape; the project list links to the XLSX with its filters."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

import openpyxl
import pypdf
import pytest

from cajad.register.xlsx_export import AMOUNT_COLUMNS
from cajad.tracker.brief import money

from .conftest import TestClient
from .test_error_shape import assert_shape

CENT = Decimal("0.01")


def _sheet(content: bytes) -> list[dict[str, Any]]:
    header, *body = openpyxl.load_workbook(io.BytesIO(content))["Projects"].values
    return [dict(zip(header, row, strict=True)) for row in body]


def _api_amounts(client: TestClient, identifier: str, currency: str) -> dict[str, Decimal]:
    """The project's amounts by measure, summed from /api/transactions' own conversions."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    page = client.get("/api/transactions", params={"project": identifier, "limit": 500}).json()
    assert page["total"] == len(page["items"])
    for tx in page["items"]:
        for name, types in AMOUNT_COLUMNS.items():
            if tx["type"] in types and currency in tx["conversions"]:
                sums[name] += Decimal(tx["conversions"][currency]["converted"])
    return {name: sums[name] for name in AMOUNT_COLUMNS}


@pytest.mark.parametrize(
    ("filters", "currency"),
    [({"country": "KZ"}, "JPY"), ({"q": "uranium"}, "USD"), ({"stage": "mou"}, "EUR")],
)
def test_the_xlsx_holds_the_projects_and_amounts_of_the_api(
    client: TestClient, filters: dict[str, str], currency: str
) -> None:
    response = client.get("/api/projects.xlsx", params={**filters, "currency": currency})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert f"cajad-projects-{currency}.xlsx" in response.headers["content-disposition"]
    rows = _sheet(response.content)
    listed = client.get("/api/projects", params={**filters, "limit": 500}).json()
    assert listed["total"] > 0
    assert [r["identifier"] for r in rows] == [p["identifier"] for p in listed["items"]]
    for row, item in zip(rows, listed["items"], strict=True):
        assert (row["title"], row["stage"]) == (item["title"], item["stage"])
        assert row["countries"] == "; ".join(item["countries"])
        assert row["counts_toward_goal"] == item["counts_toward_goal"]
        assert row["currency"] == currency
        amounts = _api_amounts(client, item["identifier"], currency)
        got = {name: Decimal(str(row[name])).quantize(CENT) for name in AMOUNT_COLUMNS}
        assert got == amounts


def test_the_xlsx_has_the_chosen_columns_in_order(client: TestClient) -> None:
    response = client.get("/api/projects.xlsx", params={"columns": "signed,identifier"})
    assert response.status_code == 200
    rows = _sheet(response.content)
    assert rows and list(rows[0]) == ["currency", "signed", "identifier"]


def test_the_brief_carries_the_total_and_goal_share_of_the_api(client: TestClient) -> None:
    for currency, measure in [("JPY", "announced"), ("USD", "signed")]:
        params = {"currency": currency, "measure": measure}
        response = client.get("/api/brief.pdf", params=params)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 1
        text = " ".join(reader.pages[0].extract_text().split())
        api = client.get("/api/progress", params=params).json()
        total = Decimal(str(api["total"]))
        assert total > 0
        assert f"Counted: {money(total, currency)} = {api['share_of_goal']} % of the goal" in text
        assert " ".join(api["rule_text"].split()) in text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/projects.xlsx?columns=title,nope", "columns"),
        ("/api/projects.xlsx?currency=XXX", "currency"),
        ("/api/brief.pdf?currency=XXX", "currency"),
        ("/api/brief.pdf?measure=promised", "measure"),
    ],
)
def test_bad_input_is_422_in_the_one_shape(client: TestClient, url: str, field: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = assert_shape(response.json(), 422)
    assert [e["field"] for e in body["errors"]] == [field]


def test_the_project_list_links_to_the_xlsx_with_its_filters(client: TestClient) -> None:
    page = client.get("/projects", params={"country": "KZ", "page": 2})
    assert page.status_code == 200
    assert 'href="/api/projects.xlsx?country=KZ"' in page.text
    assert client.get("/api/projects.xlsx?country=KZ").status_code == 200
