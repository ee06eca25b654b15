"""Integers, dates and amounts are bounded where they enter the API and the pages: past the
bounds they answer 422 (or 404) in the one error shape, never 500; moments carry their time
zone, as OpenAPI's ``date-time`` requires (probe cases of issue 16, after schemathesis)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from cajad.screening import screen_project

from .conftest import TestClient, build_register
from .test_error_shape import assert_shape

#: Past a signed 64-bit integer, what SQLite and PostgreSQL hold; and far past it.
HUGE = [str(2**63), str(2**64), "9" * 40]
#: Days outside the register's range (1900-01-01 to 2199-12-31).
OUT_OF_RANGE = ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"]
#: Valid values for required query parameters, so that only the one under test is wrong.
VALID = {"amount": "1", "currency": "USD", "target": "JPY", "date": "2025-12-22"}
VALID |= {"from": "Yokohama", "to": "Tashkent"}
PATH_VALUES = {"identifier": "kg-grant-2025-naryn-bridge", "name": "red-sea-crisis"}


def _parameters(client: TestClient, wanted: Any) -> Iterator[tuple[str, str, str, str]]:
    """(path, location, name, format or type) of every documented GET parameter ``wanted``
    accepts, judged by its schema."""
    spec = client.get("/api/openapi.json").json()
    for path, methods in spec["paths"].items():
        operation = methods.get("get")
        for parameter in (operation or {}).get("parameters", []):
            schema = parameter.get("schema", {})
            options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
            for option in options:
                kind = option.get("format") or option.get("type")
                if wanted(kind):
                    yield path, parameter["in"], parameter["name"], kind


def _address(path: str, location: str, name: str, value: str) -> str:
    """``path`` with ``value`` for parameter ``name`` and valid values for the rest."""
    values = {**PATH_VALUES, "run_id": "1", name: value} if location == "path" else PATH_VALUES
    address = path.format(**{k: v for k, v in values.items() if "{" + k + "}" in path})
    query = {k: v for k, v in VALID.items() if k != name and path.startswith(_NEEDS[k])}
    if location == "query":
        query[name] = value
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


#: Which paths each valid value is for.
_NEEDS = {
    "amount": "/api/convert",
    "currency": "/api/convert",
    "target": "/api/convert",
    "date": "/api/convert",
    "from": "/api/corridor/",
    "to": "/api/corridor/",
}


def test_every_integer_parameter_refuses_a_huge_value(client: TestClient) -> None:
    checked = 0
    for path, location, name, _ in _parameters(client, lambda kind: kind == "integer"):
        for value in HUGE:
            url = _address(path, location, name, value)
            response = client.get(url)
            assert response.status_code in (404, 422), (url, response.status_code)
            assert_shape(response.json(), response.status_code)
            checked += 1
    assert checked >= 3 * 10  # offset ×3, limit ×3, run_id ×6, before, k, depth…


def test_every_date_parameter_refuses_a_day_out_of_range(client: TestClient) -> None:
    checked = 0
    for path, location, name, _ in _parameters(client, lambda kind: kind == "date"):
        for day in OUT_OF_RANGE:
            url = _address(path, location, name, day)
            response = client.get(url)
            assert response.status_code == 422, (url, response.text[:300])
            problem = assert_shape(response.json(), 422)
            assert f"must be a date from 1900-01-01 to 2199-12-31; got {day}" in problem["detail"]
            checked += 1
    assert checked == 6 * len(OUT_OF_RANGE)  # convert's date, transactions' and progress'


@pytest.mark.parametrize(
    "amount", ["1000000000000001", "-1000000000000001", "999999999999999999999999", "1e30"]
)
def test_convert_refuses_an_amount_past_the_bound(client: TestClient, amount: str) -> None:
    response = client.get(f"/api/convert?amount={amount}&currency=USD&target=JPY&date=2025-12-22")
    problem = assert_shape(response.json(), 422)
    assert problem["errors"][0]["field"] == "amount"


def test_convert_at_the_bound_answers(client: TestClient) -> None:
    response = client.get(
        "/api/convert?amount=1000000000000000&currency=JPY&target=USD&date=2025-12-22"
    )
    assert response.status_code == 200 and response.json()["amount"] == "1000000000000000"


@pytest.mark.parametrize(
    "url",
    [
        f"/minerals/runs/{2**63}",
        f"/minerals/runs/{2**64}",
        f"/projects?page={2**63}",
        f"/changes?before={2**63}",
        f"/api/projects?offset={2**63 - 1}",
    ],
)
def test_pages_and_lists_answer_huge_numbers_without_a_500(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (200, 404, 422), (url, response.status_code)


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The demo register with one project screened (it has a moment: ``screened_at``)."""
    from cajad.web import create_app

    engine: Engine = build_register(Path(tmp_path_factory.mktemp("zones")) / "cajad.sqlite")
    screen_project(engine, PATH_VALUES["identifier"])
    with TestClient(create_app(engine)) as client:
        yield client
    engine.dispose()


def _aware(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    assert moment.utcoffset() == dt.timedelta(0), text
    return moment


def test_moments_in_answers_carry_their_time_zone(screened: TestClient) -> None:
    identifier = PATH_VALUES["identifier"]
    _aware(screened.get(f"/api/projects/{identifier}").json()["updated_at"])
    [row] = [r for r in screened.get("/api/screening").json() if r["project"] == identifier]
    _aware(row["screened_at"])


def test_every_date_time_of_the_openapi_is_a_utc_moment(client: TestClient) -> None:
    """Each schema property declared ``date-time`` is one of the three moments, which are
    all answered through the UTC type (a new one must be added here, and made aware)."""
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    declared = {
        f"{name}.{prop}"
        for name, schema in schemas.items()
        for prop, spec in schema.get("properties", {}).items()
        if spec.get("format") == "date-time"
    }
    assert declared == {
        "JobOut.created_at",
        "ProjectDetail.updated_at",
        "ProjectQualityOut.screened_at",
        "RunOut.created_at",
        "RunSummaryOut.created_at",
    }
