"""The planner's API and page over the fixture register."""

from __future__ import annotations

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
