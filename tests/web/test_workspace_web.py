"""The workspace's project forms through the portal: create a project, edit its parts; each
refusal named by row and field beside the form, a stale version a 412 page with the other
person's change, another organisation's project or owner refused, every save audited."""

from __future__ import annotations

import re

from tests.accounts.conftest import JICA, OTHER
from tests.web.test_accounts_web import World, _field, audit_since, last_audit_id, sign_in, world

__all__ = ["world"]


def _sign_in(w: World, who: str) -> str:
    w.client.cookies.clear()
    sign_in(w.client, f"{who}@example.org")
    return _field(w.client.get("/projects").text, "csrf_token")


def test_an_editor_creates_a_project_and_edits_its_parts(world: World) -> None:
    assert world.client.get("/projects/new", follow_redirects=False).status_code == 303
    csrf = _sign_in(world, "editor")
    assert 'data-testid="new-project"' in world.client.get("/projects").text
    form = world.client.get("/projects/new").text
    assert re.findall(r'<option value="([^"]+)"[^>]*>[^<]*</option>', form)[0] == JICA
    new = {"csrf_token": csrf, "identifier": "XM-NEW-web", "title": " ", "stage": "idea"}
    refused = world.client.post("/projects/new", data=new | {"owner": JICA})
    assert refused.status_code == 422 and 'data-testid="problem-title"' in refused.text
    assert world.client.post("/projects/new", data=new | {"owner": OTHER}).status_code == 403
    before = last_audit_id(world.engine)
    made = world.client.post(
        "/projects/new", data=new | {"title": "A road", "owner": JICA}, follow_redirects=False
    )
    assert made.headers["location"] == "/projects/XM-NEW-web/edit"

    page = world.client.get("/projects/XM-NEW-web/edit").text
    version = _field(page, "version")
    url = "/projects/XM-NEW-web/edit/"
    sectors = {
        "csrf_token": csrf,
        "version": version,
        "index": ["", ""],
        "code": ["21020", "23210"],
    }
    short = world.client.post(url + "sectors", data=sectors | {"percentage": ["60", "30"]})
    assert short.status_code == 422 and "the shares must sum to 100; got 90" in short.text
    assert 'value="30"' in short.text  # what was sent comes back to be corrected
    saved = world.client.post(url + "sectors", data=sectors | {"percentage": ["60", "40"]})
    assert saved.status_code == 200 and saved.url.path == "/projects/XM-NEW-web/edit"
    money = {"index": "", "ref": "", "type": "2", "date": "2025-12-20", "currency": "JPY"}
    stale = world.client.post(
        url + "transactions",
        data={"csrf_token": csrf, "version": version, **money, "amount": "5e9"},
    )
    assert stale.status_code == 412 and 'data-testid="stale"' in stale.text
    assert "editor@example.org" in stale.text and "21020" in stale.text
    version = _field(stale.text, "version")
    bad = world.client.post(
        url + "transactions",
        data={"csrf_token": csrf, "version": version, **money, "amount": "lots"},
    )
    assert bad.status_code == 422 and "Row 1" in bad.text and "<code>amount</code>" in bad.text
    ok = world.client.post(
        url + "transactions",
        data={"csrf_token": csrf, "version": version, **money, "amount": "5e9"},
    )
    assert ok.status_code == 200
    shown = world.client.get("/api/projects/XM-NEW-web").json()
    assert [(t["ref"], t["value"], t["currency"]) for t in shown["transactions"]] == [
        ("T1", "5000000000", "JPY")
    ]
    version = _field(ok.text, "version")
    place = {"csrf_token": csrf, "version": version, "index": "", "name": "Tashkent"}
    off = world.client.post(url + "locations", data=place | {"latitude": "91", "longitude": "69"})
    assert off.status_code == 422 and "<code>latitude</code>" in off.text
    placed = world.client.post(
        url + "locations", data=place | {"latitude": "41.3111", "longitude": "69.2797"}
    )
    assert placed.status_code == 200
    [location] = world.client.get("/api/projects/XM-NEW-web").json()["locations"]
    assert location == {"name": "Tashkent", "latitude": "41.3111", "longitude": "69.2797"}
    assert {(e.actor, e.account_id is not None) for e in audit_since(world.engine, before)} == {
        ("editor@example.org", True)
    }


def test_others_cannot_create_or_edit_parts(world: World) -> None:
    project = next(world.mine)
    tag = world.client.get(f"/api/projects/{project}").headers["etag"].strip('"')
    for who, status in (("viewer", 403), ("reviewer", 403), ("other-editor", 403)):
        csrf = _sign_in(world, who)
        assert world.client.get("/projects/new").status_code == (
            403 if who != "other-editor" else 200
        )
        data = {
            "csrf_token": csrf,
            "version": tag,
            "index": "",
            "title": "x",
            "url": "https://a.org",
        }
        answer = world.client.post(f"/projects/{project}/edit/documents", data=data)
        assert answer.status_code == status
    csrf = _sign_in(world, "editor")
    assert (
        world.client.post(
            f"/projects/{project}/edit/budgets", data={"csrf_token": csrf}
        ).status_code
        == 422
    )
