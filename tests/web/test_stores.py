"""The API and the dashboard on each store: SQLite and a real PostgreSQL server."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, select

from cajad.register import import_file, make_engine, session_scope
from cajad.register.models import Project
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


def test_a_page_after_a_write_shows_the_new_figures(engine: Engine, tmp_path: Path) -> None:
    """Findings and progress are cached by the register's version: served from the cache
    between writes, recomputed after one, made in another process (its own engine)."""
    app = create_app(engine)
    with TestClient(app) as client:
        total = Decimal(client.get("/api/progress", params={"currency": "USD"}).json()["total"])
        not_counted = client.get("/api/quality", params={"kind": "not-counted"}).json()["total"]
        client.get("/")
        client.get("/api/progress", params={"currency": "USD"})  # the whole answer, cached
        assert app.state.pages.hits > 0 and app.state.figures.hits == 0
        client.get("/api/quality", params={"kind": "duplicate"})  # another answer, same findings
        assert app.state.figures.hits > 0
        other = make_engine(engine.url.render_as_string(hide_password=False))
        try:
            path = tmp_path / "money.csv"
            path.write_text(
                "project,ref,type,value,currency,value_date\n"
                "kg-grant-2025-naryn-bridge,cache-1,2,5000000,USD,2026-03-01\n",
                encoding="utf-8",
            )
            import_file(other, path)
            with session_scope(other) as session:
                counted = session.scalars(
                    select(Project).where(Project.identifier == "kg-grant-2025-naryn-bridge")
                ).one()
                assert counted.counts_toward_goal
                counted.counts_toward_goal = False
                counted.count_decision = "test: left out"
        finally:
            other.dispose()
        after = client.get("/api/progress", params={"currency": "USD"}).json()["total"]
        assert Decimal(after) != total
        dashboard = client.get("/", params={"currency": "USD"})
        assert f'data-testid="total" value="{after}"' in dashboard.text
        quality = client.get("/api/quality", params={"kind": "not-counted"}).json()
        assert quality["total"] == not_counted + 1
        assert "test: left out" in client.get("/quality").text
