"""The project's IATI results (API and page) and the transactions CSV download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from cajad.iati import import_file
from cajad.register import session_scope
from cajad.register.models import Project, ProjectCountry, Transaction
from cajad.web import create_app
from tests.web.conftest import TestClient, build_register

EXAMPLE = Path(__file__).parents[1] / "iati/data/activity-standard-example-annotated.xml"
IDENTIFIER = "AA-AAA-123456789-ABC123"


@pytest.fixture(scope="module")
def results_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The demo register with IATI's annotated example activity (it reports a result)."""
    engine = build_register(tmp_path_factory.mktemp("results") / "cajad.sqlite")
    import_file(engine, EXAMPLE)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def results_client(results_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(results_engine)) as client:
        yield client


def test_results_endpoint_answers_typed_json(results_client: TestClient) -> None:
    response = results_client.get(f"/api/projects/{IDENTIFIER}/results")
    assert response.status_code == 200
    [result] = response.json()
    assert result["type_name"] == "Output" and result["title"] == "Result title"
    period = result["indicators"][0]["periods"][0]
    assert Decimal(period["targets"][0]["value"]) == 10
    assert Decimal(period["actuals"][0]["value"]) == 11
    assert results_client.get("/api/projects/kg-agriculture-grant-2015/results").json() == []
    missing = results_client.get("/api/projects/no-such-project/results")
    assert missing.status_code == 404


def test_project_page_shows_results_only_when_there_are_some(results_client: TestClient) -> None:
    page = results_client.get(f"/projects/{IDENTIFIER}")
    assert page.status_code == 200
    assert 'data-testid="project-results"' in page.text
    assert "Indicator title" in page.text and "2013-01-01 – 2013-03-31" in page.text
    other = results_client.get("/projects/kg-agriculture-grant-2015")
    assert other.status_code == 200 and 'data-testid="project-results"' not in other.text


def test_transactions_csv_follows_the_project_filters(
    results_client: TestClient, results_engine: Engine
) -> None:
    response = results_client.get(
        "/api/transactions.csv", params={"currency": "eur", "country": "KZ"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "cajad-transactions-EUR.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    with session_scope(results_engine) as session:
        kz = select(ProjectCountry.project_id).where(ProjectCountry.code == "KZ")
        expected = session.scalar(
            select(func.sum(Transaction.value_eur)).where(Transaction.project_id.in_(kz))
        )
        count = session.scalar(
            select(func.count(Transaction.id)).where(Transaction.project_id.in_(kz))
        )
        projects = set(session.scalars(select(Project.identifier).where(Project.id.in_(kz))))
    assert len(rows) == count and {r["project"] for r in rows} <= projects
    assert sum(Decimal(r["converted_value"]) for r in rows) == expected


def test_transactions_csv_refuses_a_currency_without_rates(results_client: TestClient) -> None:
    response = results_client.get("/api/transactions.csv", params={"currency": "XYZ"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "currency"
