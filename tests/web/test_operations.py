"""Operations (issue 16 item 10): ``/healthz``, HSTS only over HTTPS, one access-log line per
request without secrets, and ``cajad serve --workers`` behind a proxy that is trusted."""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from importlib import resources
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(resources.files("cajad.register") / "migrations"))
    (head,) = ScriptDirectory.from_config(config).get_heads()
    return str(head)


def test_healthz_says_the_database_answers_and_its_revision(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "revision": _head()}


def test_hsts_only_over_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://cajad.example") as secure:
        assert secure.get("/healthz").headers["strict-transport-security"].startswith("max-age=")
    with TestClient(app) as plain:
        answer = plain.get("/healthz")
    assert "strict-transport-security" not in answer.headers
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_access_log_has_one_line_per_request_and_no_secrets(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "cajad_notarealtokenbutsecret"
    with caplog.at_level(logging.INFO, logger="cajad.access"):
        answer = client.get(
            "/api/projects?limit=5&q=confidential-words",
            headers={"Authorization": f"Bearer {secret}", "Cookie": "cajad_session=session-secret"},
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "cajad.access"]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["method"] == "GET" and entry["path"] == "/api/projects"
    assert entry["query_keys"] == ["limit", "q"]
    assert entry["status"] == answer.status_code and entry["ms"] >= 0
    for leaked in (secret, "session-secret", "confidential-words"):
        assert leaked not in lines[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_with_workers_behind_a_trusted_proxy(web_engine: Engine, tmp_path: Path) -> None:
    database = tmp_path / "served.sqlite"
    source = str(web_engine.url.database)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(database)) as copy:
        live.backup(copy)  # the file alone may lack what is still in the WAL
    port = _free_port()
    env = {
        **os.environ,
        "CAJAD_DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(Path("src").resolve()),
    }
    args = ["serve", "--port", str(port), "--workers", "2", "--forwarded-allow-ips", "127.0.0.1"]
    server = subprocess.Popen(
        [sys.executable, "-c", "from cajad.cli import main; main()", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
        )
        deadline = time.monotonic() + 180  # two workers import the app in turn
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    body, headers = json.loads(answer.read()), answer.headers
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"cajad serve exited: {server.communicate()[1]}")
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert body["status"] == "ok"
        assert "strict-transport-security" in headers  # HTTPS as the trusted proxy says
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    logged = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert any(e["path"] == "/healthz" and e["status"] == 200 for e in logged), stderr
