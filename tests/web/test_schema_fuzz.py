"""schemathesis over the whole OpenAPI description of the app, in process (issue 16, item 3).

Every operation the document lists is called with examples drawn from its schema, valid and
not: none may answer 5xx, and each answer must be one the document declares (status code,
content type, body schema). Writes go in with an admin's API token, on a private copy of the
demo register (the session's shared one stays as the read-only tests expect it); a ``PATCH``
carries the project's current ``ETag`` so that the drawn changes are applied, not only refused.

The examples are bounded (:data:`EXAMPLES` per operation, drawn the same way on every run under
the suite's ``repeatable`` Hypothesis profile), so that the module stays well under a minute.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from cajad.accounts import add_account, issue_token
from cajad.register import make_engine
from cajad.web import create_app

from .conftest import TestClient

#: Examples drawn per operation (assumed: enough to reach every parameter's bounds and kinds
#: in a few seconds per operation on the shared CI machine). A deeper search by hand:
#: ``CAJAD_FUZZ_EXAMPLES=200 HYPOTHESIS_PROFILE=explore pytest tests/web/test_schema_fuzz.py``.
EXAMPLES = int(os.environ.get("CAJAD_FUZZ_EXAMPLES", "12"))
#: What is checked on every answer: no 5xx, and only what the document declares.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ADMIN = "fuzz-admin@example.org"


@pytest.fixture(scope="module")
def fuzz_engine(web_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A private copy of the session's demo register (SQLite's online backup: no rebuild)."""
    target = tmp_path_factory.mktemp("fuzz") / "cajad.sqlite"
    source = Path(str(web_engine.url.database))
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    engine = make_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def admin_token(fuzz_engine: Engine) -> str:
    add_account(fuzz_engine, ADMIN, role="admin", password="a long enough password", actor="t")
    return issue_token(fuzz_engine, ADMIN, actor="tests")[1]


@pytest.fixture(scope="module")
def fuzz_app(fuzz_engine: Engine) -> Any:
    """The app over the copy; the background jobs drawn are queued, never run (a drawn
    prospectivity job would take the machine for minutes)."""
    return create_app(fuzz_engine, run_jobs=False)


@pytest.fixture(scope="module")
def api_schema(fuzz_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_app)


def _cases() -> list[Any]:
    """(method, path, mode) for every operation of the app's OpenAPI document (read from an app
    on an empty in-memory store: the document does not depend on the data). Invalid examples
    only where something can be invalid: an operation whose only input is a free-text path
    segment (a project identifier: any text is one, unknown ones answer 404) has none."""
    document = create_app(make_engine("sqlite://")).openapi()
    cases = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            parameters = operation.get("parameters", [])
            free = all(
                p["in"] == "path"
                and p["schema"] == {**p["schema"], "type": "string"}
                and len(p["schema"].keys() - {"type", "title", "description"}) == 0
                for p in parameters
            )
            modes = [GenerationMode.POSITIVE]
            if "requestBody" in operation or not free:
                modes.append(GenerationMode.NEGATIVE)
            cases += [
                pytest.param(method.upper(), path, mode, id=f"{method.upper()} {path} {mode.value}")
                for mode in modes
            ]
    return cases


@pytest.mark.parametrize(("method", "path", "mode"), _cases())
def test_every_operation_answers_as_documented(
    api_schema: Any,
    fuzz_app: Any,
    admin_token: str,
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {admin_token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def check(case: Any) -> None:
        if method == "PATCH":
            _current_version(fuzz_app, case, headers)
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def _current_version(app: Any, case: Any, headers: dict[str, str]) -> None:
    """Let a drawn edit name the project's current version, so that it is applied."""
    identifier = (case.path_parameters or {}).get("identifier")
    with TestClient(app) as client:
        current = client.get(f"/api/projects/{identifier}", headers=headers)
    if current.status_code == 200:
        case.headers = {**(case.headers or {}), "If-Match": current.headers["ETag"]}
