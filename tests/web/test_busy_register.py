"""A write that waited past the busy timeout for another writer's lock is answered 503 with
``Retry-After`` and one line saying so; nothing is written, and the same write later succeeds
(issue 16 item 8). SQLite: one writer at a time."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from cajad.accounts import add_account, issue_token
from cajad.register import make_engine, store
from cajad.web import create_app
from tests.accounts.conftest import JICA, owned_by

from .conftest import TestClient


def test_a_write_refused_after_the_wait_is_503_with_retry_after(
    _sqlite_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "cajad.sqlite"
    shutil.copyfile(_sqlite_demo, path)
    engine = make_engine(f"sqlite:///{path}")
    add_account(engine, "editor@example.org", role="editor", organisations=(JICA,), actor="t")
    token = issue_token(engine, "editor@example.org", actor="t")[1]
    project = owned_by(engine, JICA)[0]
    with TestClient(create_app(engine)) as client:
        tag = client.get(f"/api/projects/{project}").headers["etag"]
        headers = {"Authorization": f"Bearer {token}", "If-Match": tag}
        holder = sqlite3.connect(path)
        holder.execute("BEGIN IMMEDIATE")
        try:
            refused = client.patch(
                f"/api/projects/{project}", json={"stage": "operation"}, headers=headers
            )
        finally:
            holder.rollback()
            holder.close()
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "30"
        body = refused.json()
        assert body["type"] == "/api/problems/busy" and body["title"] == "Busy"
        assert body["detail"].startswith("the register is locked by another writer")
        assert "\n" not in body["detail"] and "SQL" not in body["detail"]
        assert client.get(f"/api/projects/{project}").headers["etag"] == tag  # nothing written
        assert client.get("/api/problems/busy").json()["status"] == 503
        saved = client.patch(
            f"/api/projects/{project}", json={"stage": "operation"}, headers=headers
        )
        assert saved.status_code == 200
    engine.dispose()
