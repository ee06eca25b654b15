"""Background jobs through the API and the portal: who may start and see them, field-named
refusals, the redirect to the job's page, and a corridor job run by the app's worker to its
answer (the prospectivity journey is walked in the browser, in test_browser_accounts.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from cajad.accounts import add_account, issue_token
from cajad.web import create_app
from tests.accounts.conftest import JICA, Person
from tests.web.conftest import TestClient

ROLES = ["admin", "editor", "reviewer", "analyst", "viewer"]
CORRIDOR = {"kind": "corridor", "params": {"scenario": "more-caspian-ferries"}}


@pytest.fixture
def people(engine: Engine) -> dict[str, Person]:
    """An account of each role with an API token, and no password (these tests sign in by
    token only: no Argon2 hashing, which costs seconds)."""
    people = {}
    for role in ROLES:
        email = f"{role}@example.org"
        orgs = (JICA,) if role == "editor" else ()
        info, _ = add_account(engine, email, role=role, organisations=orgs, actor="tests")
        _id, token = issue_token(engine, email, label="tests", actor="tests")
        people[role] = Person(email, info.id, token)
    return people


@pytest.fixture
def queued(engine: Engine) -> Iterator[TestClient]:
    """A client over an app that queues jobs and runs none."""
    with TestClient(create_app(engine, run_jobs=False)) as client:
        yield client


def bearer(person: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {person.token}"}


def test_the_api_lets_analysts_and_admins_start_and_follow_jobs(
    queued: TestClient, people: dict[str, Person]
) -> None:
    assert queued.post("/api/jobs", json=CORRIDOR).status_code == 401
    assert queued.get("/api/jobs").status_code == 401
    assert queued.get("/api/jobs/1").status_code == 401
    for role in ROLES:
        headers = bearer(people[role])
        made = queued.post("/api/jobs", json=CORRIDOR, headers=headers)
        listed = queued.get("/api/jobs", headers=headers)
        if role not in ("admin", "analyst"):
            assert (made.status_code, listed.status_code) == (403, 403), role
            continue
        assert made.status_code == 201, made.text
        job = made.json()
        assert made.headers["location"] == f"/api/jobs/{job['id']}"
        assert (job["state"], job["progress"], job["result_url"]) == ("queued", 0, None)
        assert job["params"]["k"] == 3 and job["created_at"].endswith("Z")
        assert queued.get(f"/api/jobs/{job['id']}", headers=headers).json()["id"] == job["id"]
    analyst_jobs = queued.get("/api/jobs", headers=bearer(people["analyst"])).json()
    admin_jobs = queued.get("/api/jobs", headers=bearer(people["admin"])).json()
    assert len(analyst_jobs) == 1 and len(admin_jobs) == 2
    admins = admin_jobs[-1]["id"]  # the oldest: the admin's
    assert queued.get(f"/api/jobs/{admins}", headers=bearer(people["analyst"])).status_code == 404
    assert queued.get(
        f"/api/jobs/{analyst_jobs[0]['id']}", headers=bearer(people["admin"])
    ).is_success


#: Bodies refused, and the field each refusal names.
REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"kind": "prospectivity", "params": {"resolution": 10}}, "params.resolution"),
    ({"kind": "prospectivity", "params": {"model": "fuzzy"}}, "params.model"),
    ({"kind": "corridor", "params": {"scenario": "ferries", "k": 2}}, "params.scenario"),
    (
        {"kind": "corridor", "params": {"scenario": "red-sea-crisis", "origin": "Baku"}},
        "params.destination",
    ),
    ({"kind": "teleport", "params": {}}, "body.kind"),
]


def test_refused_parameters_are_named(queued: TestClient, people: dict[str, Person]) -> None:
    for body, field in REFUSED:
        refused = queued.post("/api/jobs", json=body, headers=bearer(people["analyst"]))
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert queued.get("/api/jobs", headers=bearer(people["analyst"])).json() == []


def test_the_forms_start_a_job_and_go_to_its_page(
    queued: TestClient, people: dict[str, Person]
) -> None:
    for kind in ("prospectivity", "corridor"):
        anonymous = queued.get(f"/jobs/new/{kind}", follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"] == f"/login?next=%2Fjobs%2Fnew%2F{kind}"
        assert queued.get(f"/jobs/new/{kind}", headers=bearer(people["viewer"])).status_code == 403
        assert queued.post(f"/jobs/new/{kind}", data={}).status_code == 401
        form = queued.get(f"/jobs/new/{kind}", headers=bearer(people["analyst"]))
        assert form.status_code == 200 and 'data-testid="job-form"' in form.text
    for address in ("/jobs", "/jobs/1"):
        anonymous = queued.get(address, follow_redirects=False)
        assert anonymous.headers["location"] == f"/login?next={address.replace('/', '%2F')}"
        assert queued.get(address, headers=bearer(people["reviewer"])).status_code == 403
    analyst = bearer(people["analyst"])
    assert 'href="/jobs/new/prospectivity"' in queued.get("/minerals", headers=analyst).text
    assert 'href="/jobs/new/prospectivity"' not in queued.get("/minerals").text
    russian = queued.get("/jobs/new/prospectivity?lang=ru", headers=analyst).text
    assert "Запустить задание" in russian and "Start the job" not in russian
    refused = queued.post(
        "/jobs/new/prospectivity", data={"resolution": "12", "model": ""}, headers=analyst
    )
    assert refused.status_code == 422
    assert 'data-testid="problem-resolution"' in refused.text
    assert 'aria-invalid="true" aria-describedby="resolution-problem"' in refused.text
    started = queued.post(
        "/jobs/new/corridor",
        data={
            "scenario": "red-sea-crisis",
            "origin": "Tashkent",
            "destination": "Rotterdam",
            "avoid": "RU",
            "modes": ["rail", "sea", "ferry", "road"],
            "k": "2",
        },
        headers=analyst,
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    page = queued.get(started.headers["location"], headers=analyst)
    assert page.status_code == 200
    assert 'data-state="queued"' in page.text and 'src="/static/jobs.js"' in page.text
    job = queued.get(f"/api{started.headers['location']}", headers=analyst).json()
    assert job["params"]["avoid"] == ["RU"] and job["params"]["modes"] is None
    assert job["params"]["k"] == 2
    listing = queued.get("/jobs", headers=analyst)
    assert f'href="{started.headers["location"]}"' in listing.text
    other = queued.get(started.headers["location"], headers=bearer(people["admin"]))
    assert other.status_code == 200
    assert queued.get("/jobs/new/teleport", headers=analyst).status_code == 404


def test_the_worker_runs_a_corridor_job_to_its_answer(
    engine: Engine, people: dict[str, Person]
) -> None:
    analyst = bearer(people["analyst"])
    body = {
        "kind": "corridor",
        "params": {"scenario": "more-caspian-ferries", "origin": "Tashkent", "destination": "Baku"},
    }
    with TestClient(create_app(engine)) as client:
        job = client.post("/api/jobs", json=body, headers=analyst).json()
        deadline = time.monotonic() + 30
        while job["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.1)
            job = client.get(f"/api/jobs/{job['id']}", headers=analyst).json()
        assert job["state"] == "done", job
        assert job["progress"] == 100 and job["error"] is None
        assert job["result"]["comparison"]["asked"] is True
        assert job["result_url"].startswith("/corridor?scenario=more-caspian-ferries&from=")
        page = client.get(f"/jobs/{job['id']}", headers=analyst).text
        assert 'data-testid="job-comparison"' in page and "jobs.js" not in page
        assert client.get(job["result_url"]).status_code == 200
