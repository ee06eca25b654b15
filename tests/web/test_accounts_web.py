"""Writes through the portal and the API, by account: every write endpoint (found among the
app's routes, so a new one cannot be missed) tried with every role; anonymous writes 401,
another organisation's editor 403, a stale ``If-Match`` 412; each write in the audit log under
its account. And the browser's side: sign-in, its rate limit, the CSRF token, sign-out."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from starlette.routing import Route

from cajad.accounts import Action, add_account
from cajad.accounts.signin import MAX_FAILURES
from cajad.register import AuditEntry, session_scope
from cajad.web import create_app
from tests.accounts.conftest import JICA, OTHER, PASSWORD, Person, make_people, owned_by
from tests.web.conftest import TestClient

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
#: Writes open to anyone: signing in (before any account) and out (of one's own session).
OPEN = {("POST", "/login"), ("POST", "/logout")}


@dataclass
class World:
    """A register with an account of each role, and a client over the app."""

    engine: Engine
    client: TestClient
    people: dict[str, Person]
    mine: Iterator[str]  # projects JICA (the editor's organisation) owns, one per write
    theirs: str  # a project another organisation owns


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    people = make_people(engine)
    # Jobs are queued, not run: the audit of starting one is what is tried here.
    with TestClient(create_app(engine, run_jobs=False)) as client:
        yield World(
            engine, client, people, iter(owned_by(engine, JICA)), owned_by(engine, OTHER)[0]
        )


def bearer(person: Person | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {person.token}"} if person else {}


def last_audit_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


def audit_since(engine: Engine, after: int) -> list[AuditEntry]:
    with session_scope(engine) as session:
        query = select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
        return list(session.scalars(query))


# --- each write endpoint: what it needs, and a request that would succeed ---------------------

Request = tuple[str, str, dict[str, Any]]  # method, path, httpx keyword arguments


def _patch(w: World, who: Person | None, project: str) -> Request:
    tag = w.client.get(f"/api/projects/{project}").headers["etag"]
    return (
        "PATCH",
        f"/api/projects/{project}",
        {
            "json": {"title": f"Edited by {who.email if who else 'nobody'}"},
            "headers": {"If-Match": tag},
        },
    )


def _form(w: World, who: Person | None, project: str) -> Request:
    tag = w.client.get(f"/api/projects/{project}").headers["etag"].strip('"')
    data = {"title": "Edited in the form", "stage": "financing", "version": tag}
    return "POST", f"/projects/{project}/edit", {"data": data}


_NEW = iter(range(10**6))


def _create(w: World, who: Person | None, project: str) -> Request:
    data = {"identifier": f"XM-NEW-{next(_NEW)}", "title": "New", "stage": "idea", "owner": JICA}
    return "POST", "/projects/new", {"data": data}


def _part(w: World, who: Person | None, project: str) -> Request:
    tag = w.client.get(f"/api/projects/{project}").headers["etag"].strip('"')
    data = {"version": tag, "index": "", "title": "Report", "url": "https://example.org/r.pdf"}
    return "POST", f"/projects/{project}/edit/documents", {"data": data}


def _csv(project: str) -> bytes:
    row = f"{project},WEB-{next(_NEW)},2,1000000,JPY,2025-12-20"
    return f"project,ref,type,value,currency,value_date\n{row}\n".encode()


def _import_upload(w: World, who: Person | None, project: str) -> Request:
    return "POST", "/imports", {"files": {"file": ("t.csv", _csv(project), "text/csv")}}


def _commit(w: World, who: Person | None, project: str) -> Request:
    """The commit of a file ``who`` uploaded (the admin's, for those who may not import)."""
    uploader = (
        who
        if who is not None and who.email in ("admin@example.org", "analyst@example.org")
        else w.people["admin"]
    )
    _method, path, kwargs = _import_upload(w, uploader, project)
    preview = w.client.post(path, **kwargs, headers=bearer(uploader))
    token = re.findall(r'action="/imports/([^"]+)"', preview.text)[0]
    return "POST", f"/imports/{token}", {}


def _answer_form(w: World, who: Person | None, project: str) -> Request:
    _method, _path, kwargs = _answer(w, who, project)
    body = kwargs["json"]
    data = {"question": body["question"], "value": body["value"], "link": body["links"][0]}
    return "POST", f"/projects/{project}/screening/answer", {"data": data | {"note": "x"}}


def _screen(w: World, who: Person | None, project: str) -> Request:
    return "POST", f"/api/projects/{project}/screening", {}


def _answer(w: World, who: Person | None, project: str) -> Request:
    question = w.client.get(f"/api/projects/{project}/questions").json()[0]
    body = {
        "question": question["rule"],
        "value": question["answers"][0],
        "note": "checked against the lender's disclosure",
        "links": ["https://example.org/evidence.pdf"],
    }
    return "POST", f"/api/projects/{project}/answers", {"json": body}


def _target(w: World) -> str:
    email = f"target{next(_TARGETS)}@example.org"
    add_account(w.engine, email, role="viewer", password=PASSWORD, actor="tests")
    return email


_TARGETS = iter(range(10**6))


def _reset(w: World, who: Person | None, project: str) -> Request:
    return "POST", f"/admin/accounts/{_target(w)}/reset", {}


def _disable(w: World, who: Person | None, project: str) -> Request:
    return "POST", f"/admin/accounts/{_target(w)}/disable", {}


def _benefit(w: World, who: Person | None, project: str) -> Request:
    data = {"value": "1200", "note": "appraisal", "back": "project"}
    return "POST", f"/projects/{project}/benefit", {"data": data}


def _plan_benefit(w: World, who: Person | None, project: str) -> Request:
    data = {"project": project, "value": "950.5", "kind": "sourced", "basis": "feasibility study"}
    return "POST", "/plan/benefits", {"data": data}


_UPLOADS = iter(range(10**6))
UPLOAD_HEADER = (
    "id,name,origin,countries,sectors,instruments,min_ticket,max_ticket,currency,min_grade,"
    "max_category,sources,as_of"
)


def upload_row(ident: str, origin: str = "MDB") -> str:
    return f"{ident},Fund {ident},{origin},UZ,green,loan,,,USD,,,https://example.org/m,2025-01-01"


def _upload(w: World, who: Person | None, project: str) -> Request:
    content = f"{UPLOAD_HEADER}\n{upload_row(f'fund-{next(_UPLOADS)}')}\n"
    data = {"action": "commit", "content": content, "name": "funds.csv"}
    return "POST", "/investors/upload", {"data": data}


def _job(w: World, who: Person | None, project: str) -> Request:
    return (
        "POST",
        "/api/jobs",
        {"json": {"kind": "corridor", "params": {"scenario": "cku-railway"}}},
    )


def _job_form(w: World, who: Person | None, project: str) -> Request:
    return "POST", "/jobs/new/corridor", {"data": {"scenario": "cku-railway"}}


#: Setting a project's benefit: analysts (who plan) or the owner's editors.
BENEFIT = "benefit"
#: Every write route of the app: the action it needs and how to make a request to it.
ENDPOINTS: dict[
    tuple[str, str], tuple[Action | str, Callable[[World, Person | None, str], Request]]
] = {
    ("POST", "/projects/{identifier:path}/benefit"): (BENEFIT, _benefit),
    ("POST", "/plan/benefits"): (BENEFIT, _plan_benefit),
    ("POST", "/investors/upload"): (Action.IMPORT, _upload),
    ("PATCH", "/api/projects/{identifier:path}"): (Action.EDIT, _patch),
    ("POST", "/projects/{identifier:path}/edit"): (Action.EDIT, _form),
    ("POST", "/projects/new"): (Action.EDIT, _create),
    ("POST", "/projects/{identifier:path}/edit/{part}"): (Action.EDIT, _part),
    ("POST", "/imports"): (Action.IMPORT, _import_upload),
    ("POST", "/imports/{token}"): (Action.IMPORT, _commit),
    ("POST", "/api/projects/{identifier:path}/screening"): (Action.SCREEN, _screen),
    ("POST", "/api/projects/{identifier:path}/answers"): (Action.ANSWER, _answer),
    ("POST", "/projects/{identifier:path}/screening/answer"): (Action.ANSWER, _answer_form),
    ("POST", "/admin/accounts/{email}/reset"): (Action.MANAGE, _reset),
    ("POST", "/admin/accounts/{email}/disable"): (Action.MANAGE, _disable),
    ("POST", "/api/jobs"): (Action.RUN, _job),
    ("POST", "/jobs/new/{kind}"): (Action.RUN, _job_form),
}
#: Who may take each action on a project of JICA (the editor's organisation).
MAY: dict[Action | str, set[str]] = {
    BENEFIT: {"admin", "editor", "analyst"},
    Action.EDIT: {"admin", "editor"},
    Action.SCREEN: {"admin", "reviewer", "analyst"},
    Action.ANSWER: {"admin", "reviewer"},
    Action.IMPORT: {"admin", "analyst"},
    Action.MANAGE: {"admin"},
    Action.RUN: {"admin", "analyst"},
}
#: Writes that change nothing when allowed: a dry run of an upload.
DRY = {("POST", "/imports")}
ROLES = ["admin", "editor", "other_editor", "reviewer", "analyst", "viewer"]


def _routes(routes: list[Any]) -> Iterator[Any]:
    """Every route, those of included routers too (no router here adds a prefix on include)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _routes(included.routes) if included is not None else [route]


def write_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) of the app that writes, read from its routes."""
    return {
        (method, route.path)
        for route in _routes(app.routes)
        if isinstance(route, Route) and route.methods
        for method in route.methods & WRITES
    }


def test_every_write_endpoint_is_in_the_table(engine: Engine) -> None:
    """A new write endpoint fails here until it says what it needs (and so is tried below)."""
    assert write_routes(create_app(engine)) == set(ENDPOINTS) | OPEN


@pytest.mark.parametrize("endpoint", list(ENDPOINTS), ids=lambda e: f"{e[0]} {e[1]}")
def test_every_write_with_every_role(world: World, endpoint: tuple[str, str]) -> None:
    action, make = ENDPOINTS[endpoint]
    project = next(world.mine)
    method, path, kwargs = make(world, None, project)
    refused = world.client.request(method, path, **kwargs, follow_redirects=False)
    assert refused.status_code == 401, f"anonymous {method} {path}: {refused.status_code}"
    for role in ROLES:
        who = world.people[role]
        project = next(world.mine) if role in MAY[action] else project
        method, path, kwargs = make(world, who, project)
        kwargs["headers"] = {**kwargs.get("headers", {}), **bearer(who)}
        before = last_audit_id(world.engine)
        answer = world.client.request(method, path, **kwargs, follow_redirects=False)
        if role not in MAY[action]:
            assert answer.status_code == 403, f"{role} {method} {path}: {answer.text[:300]}"
            assert audit_since(world.engine, before) == []
            continue
        assert answer.status_code in (200, 201, 303), f"{role} {method} {path}: {answer.text}"
        written = audit_since(world.engine, before)
        if endpoint in DRY:
            assert written == [], f"{role} {method} {path} (a dry run) wrote to the audit log"
            continue
        assert written, f"{role} {method} {path} wrote nothing to the audit log"
        assert {(e.actor, e.account_id) for e in written} == {(who.email, who.id)}


def test_another_organisations_project_is_refused_to_an_editor(world: World) -> None:
    method, path, kwargs = _patch(world, None, world.theirs)
    kwargs["headers"] |= bearer(world.people["editor"])
    refused = world.client.request(method, path, **kwargs)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "/api/problems/forbidden"
    kwargs["headers"] |= bearer(world.people["other_editor"])
    assert world.client.request(method, path, **kwargs).status_code == 200


def test_a_stale_version_is_refused_and_names_the_other_change(world: World) -> None:
    project = next(world.mine)
    first = world.client.get(f"/api/projects/{project}").headers["etag"]
    headers = bearer(world.people["editor"]) | {"If-Match": first}
    url = f"/api/projects/{project}"
    saved = world.client.patch(url, json={"stage": "implementation"}, headers=headers)
    assert saved.status_code == 200 and saved.headers["etag"] != first
    assert saved.json()["stage"] == "implementation"
    stale = world.client.patch(url, json={"title": "Overwrite"}, headers=headers)
    assert stale.status_code == 412
    assert "stage" in stale.json()["detail"] and "editor@example.org" in stale.json()["detail"]
    assert world.client.get(url).json()["title"] != "Overwrite"
    unversioned = world.client.patch(
        url, json={"title": "x"}, headers=bearer(world.people["admin"])
    )
    assert unversioned.status_code == 428


def test_only_an_admin_changes_the_owner(world: World) -> None:
    project = next(world.mine)
    url = f"/api/projects/{project}"
    for role, status in (("editor", 403), ("admin", 200)):
        tag = world.client.get(url).headers["etag"]
        headers = bearer(world.people[role]) | {"If-Match": tag}
        answer = world.client.patch(url, json={"owner": OTHER}, headers=headers)
        assert answer.status_code == status
    assert world.client.get(url).json()["owner"] == OTHER


def test_a_wrong_or_revoked_token_is_401(world: World) -> None:
    url = f"/api/projects/{world.theirs}/screening"
    for header in ("Bearer cajad_nope", "Basic dXNlcjpwYXNz", "Bearer "):
        answer = world.client.post(url, headers={"Authorization": header})
        assert answer.status_code == 401 and answer.headers["www-authenticate"].startswith("Bearer")


# --- the browser's side ----------------------------------------------------------------------


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, f"no {name} field"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/login")
    data = {"email": email, "password": password, "csrf_token": _field(form.text, "csrf_token")}
    return client.post("/login", data=data | {"next": "/projects"}, follow_redirects=False)


def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session(world: World) -> None:
    signed = sign_in(world.client, "editor@example.org")
    assert signed.status_code == 303 and signed.headers["location"] == "/projects"
    cookie = signed.headers["set-cookie"]
    assert "cajad_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = world.client.get("/projects")
    assert "editor@example.org" in page.text and page.headers["cache-control"].startswith("private")
    csrf = _field(page.text, "csrf_token")
    out = world.client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert 'data-testid="sign-in"' in world.client.get("/projects").text


def test_a_cookie_write_without_the_csrf_token_is_refused(world: World) -> None:
    sign_in(world.client, "reviewer@example.org")
    url = f"/api/projects/{next(world.mine)}/screening"
    assert world.client.post(url).status_code == 403
    assert world.client.post(url, headers={"X-CSRF-Token": "guess"}).status_code == 403
    csrf = _field(world.client.get("/projects").text, "csrf_token")
    assert world.client.post(url, headers={"X-CSRF-Token": csrf}).status_code == 200


def test_the_sign_in_form_needs_its_own_csrf_token(world: World) -> None:
    data = {"email": "editor@example.org", "password": PASSWORD, "csrf_token": "forged"}
    assert world.client.post("/login", data=data).status_code == 403


def test_wrong_passwords_lock_the_account_out(world: World) -> None:
    for _ in range(MAX_FAILURES):
        wrong = sign_in(world.client, "viewer@example.org", "not the password")
        assert wrong.status_code == 401 and "wrong e-mail or password" in wrong.text
    locked = sign_in(world.client, "viewer@example.org")
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "locked" in locked.text


def test_the_project_page_shows_its_history_by_account(world: World) -> None:
    project = next(world.mine)
    method, path, kwargs = _patch(world, world.people["editor"], project)
    kwargs["headers"] |= bearer(world.people["editor"])
    assert world.client.request(method, path, **kwargs).status_code == 200
    page = world.client.get(f"/projects/{project}").text
    history = page[page.index('data-testid="project-history"') :]
    # The public reads the role and organisation, never the e-mail address.
    assert f"editor ({JICA})" in history and "title:" in history
    authors = re.findall(r'data-testid="history-author">([^<]*)<', page)
    assert authors and not any("@" in a for a in authors)
    feed = world.client.get("/changes", params={"project": project}).text
    names = re.findall(r"<name>([^<]*)</name>", feed)
    assert f"editor ({JICA})" in names and not any("@" in n for n in names)
    assert "By editor (" in feed and "By editor@" not in feed
    japanese = world.client.get(f"/projects/{project}", headers={"Accept-Language": "ja"}).text
    assert f"編集者 ({JICA})" in re.findall(r'data-testid="history-author">([^<]*)<', japanese)
    # An admin reads the account there too, as in /admin/changes.
    sign_in(world.client, "admin@example.org")
    admin_page = world.client.get(f"/projects/{project}").text
    assert "editor@example.org" in admin_page[admin_page.index('data-testid="project-history"') :]


def test_the_whole_log_is_for_admins(world: World) -> None:
    sign_in(world.client, "viewer@example.org")
    assert world.client.get("/admin/changes").status_code == 403
    world.client.cookies.clear()
    sign_in(world.client, "admin@example.org")
    page = world.client.get("/admin/changes")
    assert page.status_code == 200 and "editor@example.org" in page.text  # its account's token
    assert world.client.get("/admin/accounts").status_code == 200


def test_an_analyst_sets_and_clears_a_benefit_in_the_browser_form(world: World) -> None:
    """The project page's form, by session cookie with its CSRF token: the value shows, a
    negative one is refused, and going back to the default removes it."""
    project = next(world.mine)
    sign_in(world.client, world.people["analyst"].email)
    page = world.client.get(f"/projects/{project}")
    assert (
        'data-testid="benefit-form"' in page.text and 'data-testid="benefit-default"' in page.text
    )
    csrf = _field(page.text, "csrf_token")
    data = {"value": "1200", "note": "ministry appraisal", "csrf_token": csrf, "back": "project"}
    saved = world.client.post(f"/projects/{project}/benefit", data=data, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("#benefit")
    page = world.client.get(f"/projects/{project}").text
    assert 'data-testid="benefit-set"' in page and "ministry appraisal" in page
    bad = world.client.post(
        f"/projects/{project}/benefit", data={**data, "value": "-5"}, follow_redirects=False
    )
    assert bad.status_code == 422
    cleared = world.client.post(
        f"/projects/{project}/benefit", data={"clear": "1", "csrf_token": csrf}
    )
    assert cleared.status_code == 200
    assert 'data-testid="benefit-default"' in world.client.get(f"/projects/{project}").text


def test_an_analyst_previews_then_commits_an_investor_upload(world: World) -> None:
    """Problems by line and field and nothing written; a clean file previewed (nothing
    written), then committed exactly as previewed, audited under the account."""
    anonymous = world.client.get("/investors/upload", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=%2Finvestors%2Fupload"
    sign_in(world.client, world.people["analyst"].email)
    form = world.client.get("/investors/upload")
    assert form.status_code == 200 and 'data-testid="upload-form"' in form.text
    csrf = _field(form.text, "csrf_token")
    bad = f"{UPLOAD_HEADER}\n{upload_row('ok-fund')}\n{upload_row('bad fund', origin='Mars')}\n"
    before = last_audit_id(world.engine)
    files = {"file": ("funds.csv", bad.encode(), "text/csv")}
    refused = world.client.post("/investors/upload", data={"csrf_token": csrf}, files=files)
    assert refused.status_code == 422
    found = re.findall(
        r'data-testid="upload-problem" data-line="(\d+)" data-field="(\w+)"', refused.text
    )
    assert found == [("3", "id"), ("3", "origin")]
    good = f"{UPLOAD_HEADER}\n{upload_row('new-fund')}\n"
    files = {"file": ("funds.csv", good.encode(), "text/csv")}
    preview = world.client.post("/investors/upload", data={"csrf_token": csrf}, files=files)
    assert preview.status_code == 200 and "new-fund" in preview.text
    assert audit_since(world.engine, before) == []
    data = {"csrf_token": csrf, "action": "commit", "content": good, "name": "funds.csv"}
    done = world.client.post("/investors/upload", data=data)
    assert done.status_code == 200 and 'data-testid="upload-done"' in done.text
    (entry,) = audit_since(world.engine, before)
    assert (entry.entity, entry.entity_key, entry.actor) == (
        "investor_profile",
        "new-fund",
        world.people["analyst"].email,
    )
    viewer = world.client.get("/investors/upload", headers=bearer(world.people["viewer"]))
    assert viewer.status_code == 403
