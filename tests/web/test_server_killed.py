"""A server killed mid-request loses no committed write (issue 16 item 5), on both stores.

``cajad serve`` runs as its own process while an editor saves one title after another by
``PATCH``; after a few answered saves the process is killed with SIGKILL, whatever it is doing.
Every save answered 200 is then in the store (project and audit log), at most one more
(committed, its answer lost) is, the audit chain has no gap, and the register still serves and
takes writes.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select, text

from cajad.accounts import add_account, issue_token
from cajad.register import AuditEntry, Project, session_scope
from cajad.web import create_app

from .conftest import TestClient
from .test_operations import _free_port
from .test_parallel_editors import _project_entries

#: Saves answered before the kill; the editor keeps saving until the server is gone.
ANSWERED_BEFORE_KILL = 5


def _start(engine: Engine) -> tuple[subprocess.Popen[str], str]:
    """``cajad serve`` on ``engine``'s register in its own process group; it and its URL, once
    it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "CAJAD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "PYTHONPATH": str(Path("src").resolve()),
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from cajad.cli import main; main()", "serve", "--port", str(port),
         "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                return server, url
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            pytest.fail(f"cajad serve exited: {server.communicate()[1]}")
        if time.monotonic() > deadline:
            server.kill()
            pytest.fail("cajad serve did not answer in 120 s")
        time.sleep(0.3)


def _editor(url: str, token: str, project: str, answered: list[str], go: threading.Event) -> None:
    """Save a new title on the version just read, again and again, until the server is gone;
    ``answered`` gets each title answered 200, and ``go`` is set after a few."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        for n in range(10_000):
            try:
                got = client.get(f"/api/projects/{project}")
                title = f"Saved before the kill, {n}"
                answer = client.patch(
                    f"/api/projects/{project}",
                    json={"title": title},
                    headers={"If-Match": got.headers["etag"]},
                )
            except httpx.TransportError:
                return  # the server is gone
            assert answer.status_code == 200, answer.text[:300]
            answered.append(title)
            if len(answered) >= ANSWERED_BEFORE_KILL:
                go.set()


@pytest.mark.slow
def test_a_server_killed_mid_request_loses_no_answered_write(engine: Engine) -> None:
    add_account(engine, "killed-admin@example.org", role="admin", actor="tests")
    token = issue_token(engine, "killed-admin@example.org", actor="tests")[1]
    with session_scope(engine) as session:
        project = session.scalars(select(Project.identifier).order_by(Project.id)).first()
        after = session.scalar(select(func.max(AuditEntry.id))) or 0
    assert project is not None
    server, url = _start(engine)
    answered: list[str] = []
    go = threading.Event()
    editor = threading.Thread(target=_editor, args=(url, token, project, answered, go))
    try:
        editor.start()
        assert go.wait(timeout=120), "no saves answered"
        os.killpg(server.pid, signal.SIGKILL)  # mid-request: the editor never waits
    finally:
        server.kill()
        server.communicate(timeout=30)
        editor.join(timeout=60)
    assert server.returncode == -signal.SIGKILL
    engine.dispose()  # read on fresh connections what the killed process left
    entries = _project_entries(engine, after, project)
    saved = [e.after["title"] for e in entries]
    assert saved[: len(answered)] == answered  # every answered save, in order
    assert len(saved) - len(answered) in (0, 1)  # one more may have committed, unanswered
    for previous, entry in itertools.pairwise(entries):
        assert entry.before == previous.after  # no gap in the chain
    with session_scope(engine) as session:
        assert (
            session.scalar(select(Project.title).where(Project.identifier == project))
            == (saved[-1])
        )
        if engine.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with TestClient(create_app(engine)) as client:  # the register still serves and writes
        headers = {"Authorization": f"Bearer {token}"}
        got = client.get(f"/api/projects/{project}")
        assert got.status_code == 200 and got.json()["title"] == saved[-1]
        again = client.patch(
            f"/api/projects/{project}",
            json={"title": "After the restart"},
            headers={**headers, "If-Match": got.headers["etag"]},
        )
        assert again.status_code == 200, again.text[:300]
