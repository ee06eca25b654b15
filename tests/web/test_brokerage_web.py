"""The broker's API and pages over the fixture register (with the bundled investors)."""

from __future__ import annotations

from decimal import Decimal

from .conftest import TestClient

PROJECT = "uz-acwa-sazagan-solar-storage-jbic"


def test_api_answers_the_cli_contract(client: TestClient) -> None:
    response = client.get(f"/api/match/{PROJECT}")
    assert response.status_code == 200
    data = response.json()
    assert data["investors"] and data["consortia"]
    first = data["investors"][0]
    assert {"id", "score", "reasons"} <= set(first)
    con = data["consortia"][0]
    funded = sum(Decimal(m["ticket"]) for m in con["members"] if m["role"] != "guarantor")
    assert funded == Decimal(con["covers"]["amount"])


def test_a_project_without_money_needs_a_need(client: TestClient) -> None:
    project = "kg-muroosystems-chom-kmin-hpp"
    response = client.get(f"/api/match/{project}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    given = client.get(f"/api/match/{project}", params={"need": "5000000", "currency": "usd"})
    assert given.status_code == 200 and given.json()["need"]["currency"] == "USD"


def test_unknown_project_and_investor_are_404(client: TestClient) -> None:
    assert client.get("/api/match/no-such-project").status_code == 404
    assert client.get("/investors/no-such-investor").status_code == 404


def test_pages_show_reasons_and_sources_in_words(client: TestClient) -> None:
    html = client.get(f"/projects/{PROJECT}/match").text
    assert 'data-testid="match-row"' in html and "past deals in UZ" in html
    assert 'data-testid="consortium"' in html and "guarantor" in html
    assert "not in UZ" in html  # the excluded ASEAN funds, and why
    listing = client.get("/investors").text
    assert listing.count('data-testid="investor-row"') >= 30
    profile = client.get("/investors/ebrd").text
    assert "ebrd.com" in profile and "EUR 3,000,000" in profile


def test_the_project_page_links_to_its_match(client: TestClient) -> None:
    html = client.get(f"/projects/{PROJECT}").text
    assert f'href="/projects/{PROJECT}/match"' in html
