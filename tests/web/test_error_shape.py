"""Pins the one error shape of the JSON API and the one error page of the portal.

Every failure goes through ``cajad.web.errors.handle_exception``: RFC 9457 problem details
(``application/problem+json``) under /api, HTML elsewhere, with the same status, title, detail
and field errors.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from cajad.web import create_app
from cajad.web.errors import ParameterError

from .conftest import TestClient

SHAPE = {"type", "title", "status", "detail", "instance", "errors"}
#: The ``type`` of each status our own errors answer (RFC 9457: same type, same title).
TYPES = {
    401: ("/api/problems/sign-in-required", "Sign-in required"),
    403: ("/api/problems/forbidden", "Forbidden"),
    404: ("/api/problems/not-found", "Not found"),
    409: ("/api/problems/conflict", "Conflict"),
    412: ("/api/problems/stale", "Precondition failed"),
    428: ("/api/problems/precondition-required", "Precondition required"),
    429: ("/api/problems/too-many-attempts", "Too many attempts"),
    500: ("/api/problems/internal-error", "Internal error"),
    503: ("/api/problems/busy", "Busy"),
}


def assert_shape(body: Any, status: int) -> dict[str, Any]:
    """``body`` is a problem details object of ``status``; returns it."""
    assert set(body) == SHAPE, body
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["instance"], str) and body["instance"].startswith("/")
    if status in TYPES:
        assert (body["type"], body["title"]) == TYPES[status]
    for field in body["errors"]:
        assert set(field) == {"field", "message"}
    return dict(body)


def test_missing_project_is_404_in_the_shape(client: TestClient) -> None:
    response = client.get("/api/projects/no-such-project")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "/api/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no project 'no-such-project'",
        "instance": "/api/projects/no-such-project",
        "errors": [],
    }


def test_unknown_api_route_is_404_in_the_shape(client: TestClient) -> None:
    error = assert_shape(client.get("/api/nothing-here").json(), 404)
    assert error["detail"] == "there is no page at this address"


def test_every_problem_type_is_described_at_its_address(client: TestClient) -> None:
    for slug in ("not-found", "invalid-parameters", "refused", "conflict", "internal-error"):
        described = client.get(f"/api/problems/{slug}").json()
        assert described["type"] == f"/api/problems/{slug}"
        assert described["title"] and described["description"]
    assert_shape(client.get("/api/problems/teapot").json(), 404)


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/api/projects?limit=0", ["limit"]),
        ("/api/projects?limit=501&offset=-1", ["limit", "offset"]),
        ("/api/projects?sort=budget", ["sort"]),
        ("/api/projects?stage=dreaming", ["stage"]),
        ("/api/projects?area=space", ["area"]),
        ("/api/projects?counts=maybe", ["counts"]),
        ("/api/projects?country=Kazakhstan", ["country"]),
        ("/api/transactions?from=2025-13-01", ["from"]),
        ("/api/transactions?from=2026-01-01&to=2025-01-01", ["to"]),
        ("/api/transactions?type=99", ["type"]),
        ("/api/progress?currency=XXX", ["currency"]),
        ("/api/progress?currency=yen", ["currency"]),
        ("/api/progress?by=colour", ["by"]),
        ("/api/progress?measure=hoped", ["measure"]),
        ("/api/progress?from=2030-01-01&to=2026-01-01", ["to"]),
        ("/api/progress?from=1950-01-01&currency=USD", ["from"]),
        ("/api/convert?amount=ten&currency=USD&target=JPY&date=2025-12-22", ["amount"]),
        ("/api/convert?amount=1&currency=USD&target=ZZZ&date=2025-12-22", ["target"]),
        ("/api/convert?amount=1&currency=USD&target=JPY&date=1900-01-01", ["date"]),
        ("/api/convert?currency=USD&target=JPY", ["amount", "date"]),
        ("/api/convert?amount=1e999999&currency=USD&target=JPY&date=2025-12-22", ["amount"]),
        ("/api/convert?amount=NaN&currency=USD&target=JPY&date=2025-12-22", ["amount"]),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    client: TestClient, url: str, fields: list[str]
) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    error = assert_shape(response.json(), 422)
    assert (error["type"], error["title"]) == (
        "/api/problems/invalid-parameters",
        "Invalid parameters",
    )
    assert [e["field"] for e in error["errors"]] == fields
    for e in error["errors"]:
        assert e["field"] in error["detail"]


def test_a_refused_value_is_quoted_in_the_message(client: TestClient) -> None:
    error = client.get("/api/projects?limit=1000").json()
    assert error["errors"] == [
        {"field": "limit", "message": "input should be less than or equal to 500; got '1000'"}
    ]


def test_pages_answer_the_same_error_as_a_page(client: TestClient) -> None:
    response = client.get("/projects/no-such-project")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-testid="error" data-status="404"' in response.text
    assert "no project &#39;no-such-project&#39;" in response.text

    response = client.get("/?currency=XXX")
    assert response.status_code == 422
    assert "<code>currency</code>" in response.text

    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "there is no page at this address" in response.text


def test_an_unexpected_failure_is_500_in_the_shape(web_engine: Engine) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals")

    def refuse() -> None:
        raise ParameterError("thing", "must be better; got 'worse'")

    probe = create_app(web_engine)
    probe.add_api_route("/api/boom", boom)
    probe.add_api_route("/boom", boom)
    probe.add_api_route("/api/refuse", refuse)
    client = TestClient(probe, raise_server_exceptions=False)
    with client:
        body = client.get("/api/boom").json()
        error = assert_shape(body, 500)
        assert "secret" not in error["detail"]
        page = client.get("/boom")
        assert page.status_code == 500 and 'data-status="500"' in page.text
        assert "secret" not in page.text
        refused = client.get("/api/refuse").json()
        assert refused["errors"] == [{"field": "thing", "message": "must be better; got 'worse'"}]
