"""Every package's not-found and bad-input answers have the one shape: a crawl of the API.

The crawl reads the OpenAPI document, so a route added later is crawled without a change here:
each address naming something (a project, a run, a scenario) is asked for one that does not
exist, and each parameter with a constraint is sent a value that breaks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import TestClient
from .test_error_shape import assert_shape

#: A value for each path parameter that names nothing the register or the bundles hold.
MISSING = {
    "identifier": "no-such-project",
    "run_id": "999999",
    "job_id": "999999",
    "name": "no-such-scenario",
    "slug": "no-such-type",
}
#: Valid values for required query parameters, so that only the one under test is wrong.
VALID = {
    "from": "Yokohama",
    "to": "Tashkent",
    "amount": "1",
    "currency": "USD",
    "target": "JPY",
    "date": "2025-12-22",
}
#: Refusals only the services can make (an unknown place, currency, grade), one per package.
REFUSED = [
    ("/api/progress?currency=XXX", "currency"),
    ("/api/convert?amount=1&currency=USD&target=JPY&date=1900-01-01", "date"),
    ("/api/projects/kg-jica-2015-intl-main-roads/chain?currency=XYZ", "currency"),
    ("/api/screening?grade=Z", "grade"),
    ("/api/screening?category=D", "category"),
    ("/api/corridor/route?from=Nowhereville&to=Tashkent", "from"),
    ("/api/corridor/pareto?from=Yokohama&to=Nowhereville", "to"),
    ("/api/corridor/route?from=Yokohama&to=Tashkent&avoid=Narnia", "avoid"),
    ("/api/minerals/runs/first", "run_id"),
    ("/api/projects.xlsx?columns=nope", "columns"),
    ("/api/brief.pdf?currency=XXX", "currency"),
]


def operations(client: TestClient) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(method, path, operation, components) of every operation the API documents."""
    spec = client.get("/api/openapi.json").json()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation, spec["components"]["schemas"]


def broken(schema: dict[str, Any], components: dict[str, Any]) -> str | None:
    """A value ``schema`` refuses; None when it accepts any text."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    schema = options[0] if len(options) == 1 else schema
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") == "array":
        return broken(schema["items"], components)
    if "enum" in schema:
        return "no-such-choice"
    kind = schema.get("type")
    if kind in ("integer", "number") or schema.get("format") == "date":
        return "not-a-number-or-date"
    if kind == "boolean":
        return "maybe"
    if "pattern" in schema:
        return "!"
    if "maxLength" in schema:
        return "x" * (schema["maxLength"] + 1)
    return None


#: Methods that write: anonymous, they are refused (401) before anything is looked up, so that
#: the answer never says what exists; with an account, they answer 404 too (test_accounts_web).
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
#: Reads that need an account too (an account's background jobs): refused (401) like writes;
#: with an account, another's job or none is 404 (test_jobs_web).
SIGNED_READS = {("GET", "/api/jobs/{job_id}")}


def test_every_address_naming_nothing_is_404_in_the_shape(client: TestClient) -> None:
    crawled: set[str] = set()
    for method, path, operation, _ in operations(client):
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        if not names:
            continue
        url = path.format(**{name: MISSING[name] for name in names})
        response = client.request(method, url, params=_required(operation))
        if method in WRITES or (method, path) in SIGNED_READS:
            assert response.status_code == 401, (method, url, response.text)
            assert_shape(response.json(), 401)
            continue
        assert response.status_code == 404, (method, url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = assert_shape(response.json(), 404)
        assert problem["instance"] == url
        assert any(MISSING[name] in problem["detail"] for name in names), problem
        crawled.update(operation["tags"])
    assert crawled >= {"api", "screening", "corridor", "minerals"}


def test_every_constrained_parameter_refused_is_422_naming_it(client: TestClient) -> None:
    crawled: set[str] = set()
    for method, path, operation, components in operations(client):
        for parameter in operation.get("parameters", []):
            value = broken(parameter["schema"], components)
            if parameter["in"] != "query" or value is None:
                continue
            name = parameter["name"]
            url = path.format(**MISSING)
            params = {**_required(operation), name: value}
            response = client.request(method, url, params=params)
            assert response.status_code == 422, (method, url, name, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            problem = assert_shape(response.json(), 422)
            fields = [e["field"] for e in problem["errors"]]
            assert fields and all(f == name or f.startswith(f"{name}.") for f in fields), fields
            crawled.update(operation["tags"])
    assert crawled >= {"api", "screening", "corridor", "minerals"}


@pytest.mark.parametrize(("url", "field"), REFUSED)
def test_what_only_a_service_can_refuse_is_422_naming_the_parameter(
    client: TestClient, url: str, field: str
) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = assert_shape(response.json(), 422)
    assert problem["type"] == "/api/problems/invalid-parameters"
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["instance"] == url.split("?", 1)[0]


def _required(operation: dict[str, Any]) -> dict[str, str]:
    return {
        p["name"]: VALID[p["name"]]
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
