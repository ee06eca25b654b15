"""The search reaches the API's and the portal's project lists through their ``q``: the same
projects, whichever words or script the person types."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.web.conftest import TestClient

RARE_EARTH = "kz-jogmec-kazgeology-rare-earths-2015"
RARE_METALS = {
    "uz-jogmec-lolabulak-tantalum-survey-2024",
    "uz-jogmec-south-tianshan-rare-metals-mou-2025",
}


def _api(client: TestClient, q: str) -> set[str]:
    response = client.get("/api/projects", params={"q": q, "limit": 500})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return {item["identifier"] for item in page["items"]}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("rare earth", {RARE_EARTH}),
        ("Rare-Earth", {RARE_EARTH}),
        ("レアメタル", RARE_METALS),
        ("kazgeology-rare", {RARE_EARTH}),  # inside an identifier, as before
    ],
)
def test_the_api_finds_by_words_scripts_and_identifiers(
    client: TestClient, q: str, expected: set[str]
) -> None:
    assert _api(client, q) == expected


def test_the_portal_list_shows_what_the_api_finds(client: TestClient) -> None:
    for q in ("rare earth", "レアメタル", "JOGMEC"):
        expected = _api(client, q)
        assert expected
        response = client.get("/projects", params={"q": q})
        assert response.status_code == 200
        shown = {i for i in expected if f"/projects/{quote(i)}" in response.text}
        assert shown == expected, q
    metals = client.get("/projects", params={"q": "レアメタル"}).text
    assert f"/projects/{RARE_EARTH}" not in metals


def test_a_search_without_words_finds_only_identifiers(client: TestClient) -> None:
    assert _api(client, "- – ・") == set()
