"""The API and the dashboard on each store: SQLite and a real PostgreSQL server."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine

from cajad.web import create_app

from .conftest import TestClient


def test_api_and_dashboard_on_each_store(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    with client:
        page = client.get("/api/projects", params={"area": "green", "sort": "-stage"}).json()
        assert page["total"] > 0
        identifier = page["items"][0]["identifier"]
        assert client.get(f"/api/projects/{identifier}").status_code == 200
        for currency in ("JPY", "USD"):
            progress = client.get("/api/progress", params={"currency": currency, "by": "country"})
            body = progress.json()
            rows = body["breakdown"]
            assert sum(Decimal(r["total"]) for r in rows) == Decimal(body["total"]) > 0
            dashboard = client.get("/", params={"currency": currency})
            assert dashboard.status_code == 200
            assert f'data-testid="total" value="{body["total"]}"' in dashboard.text
        assert client.get("/api/transactions", params={"from": "2025-12-01"}).json()["total"] > 0
