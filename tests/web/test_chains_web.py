"""Funding chains on the web: the JSON API and the project page's "Funding chain" section."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from cajad.register import init, make_engine
from cajad.web import create_app
from tests.tracker.test_chains import BUDGET, LOAN, PIPES, WATER, import_chain
from tests.web.conftest import TestClient


@pytest.fixture(scope="module")
def chain_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client over a SQLite register holding the three publishers' chain files."""
    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('chains') / 'c.sqlite'}")
    init(engine)
    import_chain(engine)
    with TestClient(create_app(engine)) as client:
        yield client
    engine.dispose()


def test_api_chain_in_a_chosen_currency(chain_client: TestClient) -> None:
    response = chain_client.get(f"/api/projects/{WATER}/chain", params={"currency": "eur"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["currency"] == "EUR" and data["depth"] == 3
    nodes = {n["activity"]: n for n in data["nodes"]}
    assert nodes[BUDGET]["in_register"] is False
    assert nodes[LOAN]["side"] == "upstream" and nodes[PIPES]["side"] == "downstream"
    money = {m["ref"]: m for link in data["links"] for m in link["transactions"]}
    # ECB reference rate of 2026-03-02: 184.19 JPY per EUR.
    expected = (Decimal("10000000000") / Decimal("184.19")).quantize(Decimal("0.01"))
    assert Decimal(money["chain-loan-commitment"]["converted"]) == expected
    assert money["water-incoming-funds"]["counts_under"] == []


def test_api_chain_depth_limits_the_walk(chain_client: TestClient) -> None:
    data = chain_client.get(f"/api/projects/{LOAN}/chain", params={"depth": 1}).json()
    assert {n["activity"] for n in data["nodes"]} == {LOAN, WATER, BUDGET}


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [("currency=XYZ", 422, "currency"), ("depth=0", 422, "depth"), ("depth=11", 422, "depth")],
)
def test_api_chain_refuses_bad_parameters(
    chain_client: TestClient, query: str, status: int, field: str
) -> None:
    response = chain_client.get(f"/api/projects/{WATER}/chain?{query}")
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field


def test_api_chain_of_an_unknown_project_is_404(client: TestClient) -> None:
    response = client.get("/api/projects/no-such-project/chain")
    assert response.status_code == 404
    assert "no project with identifier 'no-such-project'" in response.json()["detail"]


def test_api_project_route_still_answers(chain_client: TestClient) -> None:
    assert chain_client.get(f"/api/projects/{WATER}").json()["identifier"] == WATER


def test_project_page_shows_the_funding_chain(chain_client: TestClient) -> None:
    page = chain_client.get(f"/projects/{WATER}")
    assert page.status_code == 200
    html = page.text
    section = html[html.index('data-testid="funding-chain"') :]
    upstream = section[section.index('data-testid="chain-upstream"') :]
    assert f'<a href="/projects/{LOAN}">Samarkand water supply loan</a>' in upstream
    assert 'data-ref="chain-loan-commitment"' in upstream
    assert 'data-testid="chain-counted">counted: announced, signed<' in upstream
    downstream = section[section.index('data-testid="chain-downstream"') :]
    assert f'<a href="/projects/{PIPES}">' in downstream
    assert f"/api/projects/{WATER}/chain" in section
    assert "<script" not in section


def test_project_page_names_an_external_funder(chain_client: TestClient) -> None:
    html = chain_client.get(f"/projects/{LOAN}").text
    assert f'data-testid="chain-external">{BUDGET}</span>' in html
    assert "not in the register: Ministry of Foreign Affairs of Japan" in html


def test_project_page_without_links_has_no_chain_section(client: TestClient) -> None:
    page = client.get("/projects/kg-jica-2015-intl-main-roads")
    assert page.status_code == 200
    assert 'data-testid="funding-chain"' not in page.text
