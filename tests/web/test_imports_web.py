"""Imports from the browser: upload, a dry run's preview (rolled back), commit; refusals by
line and field as the CLI gives them; hostile XML refused; the kept file bounded, the
uploader's only, removed after the commit or when it expires."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from cajad.register import InputError, NotFoundError, session_scope
from cajad.register.views import stored_projects
from cajad.web.uploads import MAX_AGE_S, MAX_BYTES, UploadStore
from tests.web.test_accounts_web import World, _field, audit_since, last_audit_id, sign_in, world

__all__ = ["world"]

HEADER = "project,ref,type,value,currency,value_date\n"
#: A billion laughs, cut short: the CLI refuses any DTD before reading further.
BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    '<iati-activities version="2.03"><iati-activity>&lol2;</iati-activity></iati-activities>'
)


def _signed_in(w: World, who: str) -> str:
    w.client.cookies.clear()
    sign_in(w.client, f"{who}@example.org")
    return _field(w.client.get("/imports").text, "csrf_token")


def _refs(w: World, project: str) -> set[str]:
    with session_scope(w.engine) as session:
        found = stored_projects(session, [project])[project]
        return {t.ref for t in found.transactions}


def test_an_analyst_previews_then_commits_a_csv(world: World) -> None:
    project = next(world.mine)
    csrf = _signed_in(world, "analyst")
    assert 'data-testid="imports-link"' in world.client.get("/imports").text
    data = (HEADER + f"{project},WEB-A,2,2500000,JPY,2025-12-20\n").encode()
    before = last_audit_id(world.engine)
    preview = world.client.post(
        "/imports", data={"csrf_token": csrf}, files={"file": ("money.csv", data, "text/csv")}
    )
    assert preview.status_code == 200
    assert "0 to add, 1 to change, 0 unchanged." in preview.text and project in preview.text
    assert "WEB-A" not in _refs(world, project) and audit_since(world.engine, before) == []
    token = re.findall(r'action="/imports/([^"]+)"', preview.text)[0]
    kept = list(world.client.app.state.uploads.folder.glob(f"{token}.*"))  # type: ignore[attr-defined]
    assert len(kept) == 2

    # Only the uploader commits it.
    world.client.cookies.clear()
    sign_in(world.client, "admin@example.org")
    admin_csrf = _field(world.client.get("/imports").text, "csrf_token")
    assert (
        world.client.post(f"/imports/{token}", data={"csrf_token": admin_csrf}).status_code == 404
    )
    csrf = _signed_in(world, "analyst")
    done = world.client.post(f"/imports/{token}", data={"csrf_token": csrf})
    assert done.status_code == 200 and "1 updated" in done.text
    assert "WEB-A" in _refs(world, project)
    assert {e.actor for e in audit_since(world.engine, before)} == {"analyst@example.org"}
    assert not any(p.exists() for p in kept)  # gone after the commit
    assert world.client.post(f"/imports/{token}", data={"csrf_token": csrf}).status_code == 404


def test_refusals_name_line_and_field_and_hostile_xml_is_refused(world: World) -> None:
    csrf = _signed_in(world, "analyst")
    project = next(world.mine)
    bad = HEADER + f"{project},WEB-B,2,ten,JPY,2025-12-20\nnope,WEB-C,2,1,JPY,2025-12-20\n"
    files = {"file": ("bad.csv", bad.encode(), "text/csv")}
    refused = world.client.post("/imports", data={"csrf_token": csrf}, files=files)
    assert refused.status_code == 422 and 'data-testid="import-refused"' in refused.text
    rows = re.findall(r"<tr><td>(\d+)</td><td><code>([^<]*)</code>", refused.text)
    assert rows == [("2", "value"), ("3", "project")]
    assert "commit" not in refused.text
    hostile = world.client.post(
        "/imports",
        data={"csrf_token": csrf},
        files={"file": ("bomb.xml", BOMB.encode(), "text/xml")},
    )
    assert hostile.status_code == 422 and "DOCTYPE" in hostile.text and "bomb.xml" in hostile.text
    for name, body in (("run.exe", b"MZ"), ("big.csv", b"x" * (MAX_BYTES + 1))):
        files = {"file": (name, body, "application/octet-stream")}
        assert (
            world.client.post("/imports", data={"csrf_token": csrf}, files=files).status_code == 422
        )
    folder = world.client.app.state.uploads.folder  # type: ignore[attr-defined]
    assert list(folder.iterdir()) == []  # nothing refused is kept
    # Far above the bound: refused while the body is read, before Starlette spools it all
    # (FastAPI answers a form body it could not read with 400).
    files = {"file": ("huge.csv", b"x" * (MAX_BYTES + 2 * 2**20), "text/csv")}
    huge = world.client.post("/imports", data={"csrf_token": csrf}, files=files)
    assert huge.status_code == 400 and 'data-status="400"' in huge.text
    assert list(folder.iterdir()) == []


def test_the_viewer_and_the_public_cannot_import(world: World) -> None:
    assert world.client.get("/imports", follow_redirects=False).status_code == 303
    _signed_in(world, "viewer")
    assert world.client.get("/imports").status_code == 403


def test_kept_uploads_expire_and_are_the_uploaders_only(tmp_path: Path) -> None:
    store = UploadStore(tmp_path / "kept")
    old = store.keep(b"a,b\n", "old.csv", 1)
    new = store.keep(b"a,b\n", "new.xml", 2)
    with pytest.raises(NotFoundError):
        store.find(new.token, 1)
    with pytest.raises(NotFoundError):
        store.find("../../etc/passwd", 2)
    stale = time.time() - MAX_AGE_S - 10
    for path in (tmp_path / "kept").glob(f"{old.token}.*"):
        os.utime(path, (stale, stale))
    assert store.find(new.token, 2).name == "new.xml"
    with pytest.raises(NotFoundError):
        store.find(old.token, 1)
    assert sorted(p.suffix for p in (tmp_path / "kept").iterdir()) == [".json", ".xml"]
    with pytest.raises(InputError):
        store.keep(b"", "notes.txt", 1)
