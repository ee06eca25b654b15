"""The planner's API and page over the fixture register."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from cajad.web.plan_chart import _percentiles

from .conftest import TestClient


def test_api_answers_the_cli_contract(client: TestClient) -> None:
    response = client.get("/api/plan", params={"alternatives": 1, "gap": 0.2})
    assert response.status_code == 200
    data = response.json()
    for key in ("status", "objective", "selected", "alternatives", "why", "binding", "conflict"):
        assert key in data
    assert data["status"] == "optimal" and data["selected"]
    assert set(data["why"]) == set(data["benefits"])


def test_an_infeasible_policy_is_an_answer_naming_the_conflict(client: TestClient) -> None:
    response = client.get("/api/plan", params={"min_share": "area:nowhere=0.1"})
    assert response.status_code == 200
    assert response.json()["conflict"] == ["min-share area:nowhere=0.1"]


def test_a_bad_share_is_refused_in_the_one_shape(client: TestClient) -> None:
    response = client.get("/api/plan", params={"min_share": "area:hrd=7"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_page_shows_reasons_in_words(client: TestClient) -> None:
    response = client.get("/plan", params={"max_share": "country:KZ=0.5"})
    assert response.status_code == 200
    html = response.text
    assert 'data-testid="plan-status" data-status="optimal"' in html
    assert "stays in unless its benefit falls by more than" in html or "no plan without" in html


def test_page_places_every_candidate_on_the_two_indices(client: TestClient) -> None:
    """The IPF chart's data and its accessible table agree with the plan: one row per
    candidate, both indices within 0-100, the selected ones marked; anonymous visitors get no
    benefit form."""
    html = client.get("/plan").text
    api = client.get("/api/plan").json()
    assert 'data-testid="ipf-chart"' in html and 'role="img"' in html
    data = json.loads(re.search(r'id="ipf-data">(.*?)</script>', html, re.S).group(1))
    assert {r["project"] for r in data} == set(api["benefits"])
    assert {r["project"] for r in data if r["selected"]} == set(api["selected"])
    assert all(0 <= Decimal(r["fe"]) <= 100 and 0 <= Decimal(r["se"]) <= 100 for r in data)
    assert html.count('data-testid="ipf-row"') == len(data)
    assert 'href="/method#ipf"' in html and "/static/plan.js" in html
    assert 'data-testid="benefit-form-plan"' not in html
    assert 'id="ipf"' in client.get("/method").text


def test_percentile_ranks_share_ties_and_span_0_to_100() -> None:
    assert _percentiles([Decimal(3)]) == [Decimal(50)]
    assert _percentiles([Decimal(1), Decimal(2), Decimal(3)]) == [0, 50, 100]
    assert _percentiles([Decimal(1), Decimal(1), Decimal(5)]) == [25, 25, 100]


def test_api_lists_the_benefits_the_plan_uses(client: TestClient) -> None:
    rows = client.get("/api/benefits").json()
    plan = client.get("/api/plan").json()  # the same years: 2025-2029
    assert {r["project"] for r in rows} == set(plan["benefits"])
    assert all(r["origin"] == "default" and r["kind"] == "assumed" for r in rows)
    assert all(plan["benefits"][r["project"]].startswith("register default") for r in rows)
    assert client.get("/api/benefits", params={"years": 0}).status_code == 422
