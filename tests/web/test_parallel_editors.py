"""Editors at once, over HTTP, on both stores: writes take turns and nothing is lost (issue 16,
item 6).

:data:`EDITORS` editors start together on a served app (uvicorn in a thread, real sockets) and
each, :data:`ROUNDS` times, reads a project's version and saves a new title on it: most by
``PATCH`` with ``If-Match``, some through the edit form, most on one shared project, the rest on
another, while a reviewer screens, an admin resets a password and an import of new deals runs.
Each save either applies on the version it names or is refused with 412; none answers 5xx
("database is locked" included). The audit log then holds exactly the applied saves, each on
the state the one before it left (no lost update), the import is whole, and the figures the
long-running app serves equal a fresh app's.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select

from cajad.accounts import add_account, issue_token
from cajad.register import AuditEntry, Project, import_file, session_scope
from cajad.web import create_app
from tests.accounts.conftest import JICA, Person, owned_by
from tests.register.test_concurrent_writers import _deals

from .conftest import TestClient, serve

#: Editors at once (the issue's N), and saves each tries.
EDITORS = 8
ROUNDS = 2
#: Editors ``0 .. SHARED-1`` edit one project; the others another.
SHARED = 6


@dataclass(frozen=True)
class Save:
    """One save an editor tried: on which project, the title it set, the version it named,
    and the answer's status."""

    project: str
    title: str
    based_on: str
    status: int

    @property
    def applied(self) -> bool:
        return self.status in (200, 303)


def _digest(state: dict[str, Any]) -> str:
    """A project's version from the state an audit entry records (sha256 of its canonical
    JSON, as the API's ETag is)."""
    text = json.dumps(state, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _max_audit_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


def _project_entries(engine: Engine, after: int, project: str) -> list[AuditEntry]:
    with session_scope(engine) as session:
        query = (
            select(AuditEntry)
            .where(AuditEntry.id > after, AuditEntry.entity == "project")
            .where(AuditEntry.entity_key == project)
            .order_by(AuditEntry.id)
        )
        return list(session.scalars(query))


def _editor(url: str, person: Person, project: str, n: int, start: threading.Barrier) -> list[Save]:
    """Editor ``n``: ROUNDS times, read the version and save a title on it (every third editor
    through the form, the others by PATCH)."""
    saves: list[Save] = []
    headers = {"Authorization": f"Bearer {person.token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        start.wait()
        for r in range(ROUNDS):
            got = client.get(f"/api/projects/{project}")
            assert got.status_code == 200, got.text[:300]
            version = got.headers["etag"].strip('"')
            title = f"Title by editor {n}, round {r}"
            if n % 3 == 2:
                data = {"title": title, "stage": got.json()["stage"], "version": version}
                answer = client.post(f"/projects/{project}/edit", data=data)
            else:
                answer = client.patch(
                    f"/api/projects/{project}",
                    json={"title": title},
                    headers={"If-Match": f'"{version}"'},
                )
            assert answer.status_code in (200, 303, 412), (answer.status_code, answer.text[:300])
            if answer.status_code == 200:
                assert answer.json()["title"] == title
            saves.append(Save(project, title, version, answer.status_code))
    return saves


def _bystander(url: str, people: dict[str, Person], project: str, start: threading.Barrier) -> None:
    """Other writes at the same time: a reviewer screens, an admin resets a password."""
    reviewer = {"Authorization": f"Bearer {people['reviewer'].token}"}
    admin = {"Authorization": f"Bearer {people['admin'].token}"}
    with httpx.Client(base_url=url, timeout=120) as client:
        start.wait()
        reset = client.post(f"/admin/accounts/{people['viewer'].email}/reset", headers=admin)
        assert reset.status_code == 200, reset.text[:300]
        for _ in range(ROUNDS):
            screened = client.post(f"/api/projects/{project}/screening", headers=reviewer)
            assert screened.status_code == 200, screened.text[:300]


def _figures(client: httpx.Client | TestClient) -> dict[str, Any]:
    progress = client.get("/api/progress", params={"by": "pillar"})
    assert progress.status_code == 200, progress.text[:300]
    projects = client.get("/api/projects", params={"limit": 1})
    return {"progress": progress.json(), "projects": projects.json()["total"]}


@pytest.fixture
def people(engine: Engine) -> dict[str, Person]:
    """The accounts the writers use, each with a token (only these: each password hash costs
    about a second of CPU)."""
    made: dict[str, Person] = {}
    for key, role, orgs in [
        ("admin", "admin", ()),
        ("editor", "editor", (JICA,)),
        ("reviewer", "reviewer", ()),
        ("viewer", "viewer", ()),
    ]:
        email = f"parallel-{key}@example.org"
        info, _ = add_account(engine, email, role=role, organisations=orgs, actor="tests")
        made[key] = Person(email, info.id, issue_token(engine, email, actor="tests")[1])
    return made


def _run_editors(
    engine: Engine,
    people: dict[str, Person],
    projects: tuple[str, str],
    beside: Callable[[str, threading.Barrier], None] | None = None,
) -> tuple[list[Save], dict[str, Any], dict[str, Any]]:
    """Run the editors (and ``beside``) against a served app; their saves, and the figures the
    served app and a fresh one give afterwards."""
    extra = 1 if beside is None else 2
    start = threading.Barrier(EDITORS + extra)
    with serve(create_app(engine)) as url, ThreadPoolExecutor(EDITORS + extra) as pool:
        editors = [
            pool.submit(
                _editor,
                url,
                people["admin" if n % 2 else "editor"],
                projects[0] if n < SHARED else projects[1],
                n,
                start,
            )
            for n in range(EDITORS)
        ]
        others = [pool.submit(_bystander, url, people, projects[0], start)]
        if beside is not None:
            others.append(pool.submit(beside, url, start))
        saves = [save for future in editors for save in future.result()]
        for future in others:
            future.result()
        with httpx.Client(base_url=url, timeout=120) as client:
            served = _figures(client)
    with TestClient(create_app(engine)) as fresh:
        again = _figures(fresh)
    return saves, served, again


def _assert_nothing_lost(engine: Engine, saves: list[Save], after: int, project: str) -> None:
    """The audit log holds exactly the applied saves of ``project``, each applied on the state
    the one before left and on the version its editor named; the project ends at the last."""
    mine = [s for s in saves if s.project == project]
    applied = {s.title: s for s in mine if s.applied}
    entries = _project_entries(engine, after, project)
    assert sorted(e.after["title"] for e in entries) == sorted(applied), "audit ≠ applied saves"
    for previous, entry in itertools.pairwise(entries):
        assert entry.before == previous.after, "a save was applied on a state since replaced"
    for entry in entries:
        assert _digest(entry.before) == applied[entry.after["title"]].based_on
    refused = [s for s in mine if s.status == 412]
    assert len(applied) + len(refused) == len(mine)
    assert applied, "no save applied"
    with session_scope(engine) as session:
        title = session.scalar(select(Project.title).where(Project.identifier == project))
    assert title == entries[-1].after["title"]


def test_parallel_editors_and_an_importer_take_turns_and_lose_nothing(
    engine: Engine, people: dict[str, Person], tmp_path: Path
) -> None:
    shared, other = owned_by(engine, JICA)[:2]
    deals = _deals(tmp_path / "deals.csv", "parallel", 40)
    after = _max_audit_id(engine)
    with TestClient(create_app(engine)) as client:
        before = _figures(client)
    reports = []

    def importer(url: str, start: threading.Barrier) -> None:
        start.wait()
        reports.append(import_file(engine, deals, actor="parallel import"))

    saves, served, fresh = _run_editors(engine, people, (shared, other), importer)
    assert len(saves) == EDITORS * ROUNDS
    (report,) = reports
    assert report.refused == 0 and report.created
    for project in (shared, other):
        _assert_nothing_lost(engine, saves, after, project)
    # The served app's figures include the import, as a fresh app's do (no stale cache).
    assert served == fresh
    assert served["projects"] - before["projects"] == len(report.created)
