"""Fixtures of the tracker tests: a small register built in a moment for the policy tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from cajad.register import import_specs, make_engine, session_scope
from cajad.register.fx import bundled_quotes, load_rates
from cajad.register.models import Base
from cajad.register.specs import ProjectSpec

RATES_FROM = 2024


@pytest.fixture(scope="session")
def _policy_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite register with the bundled rates from :data:`RATES_FROM` on: the schema
    from the models and a tenth of the rates, in a second instead of ``init``'s migrations and
    every rate (the mutation run, ``benchmarks/mutation.py``, builds it once per mutant)."""
    path = tmp_path_factory.mktemp("policy") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with session_scope(engine) as session:
        load_rates(session, (q for q in bundled_quotes() if q.period_start.year >= RATES_FROM))
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def policy_register(
    _policy_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[Iterable[ProjectSpec]], Engine]]:
    """A fresh copy of the template register with ``specs`` imported (the policy code under
    test is Python, the same on either store; the store tests cover PostgreSQL). Every engine
    made is disposed at the end of the session, so no SQLite connection is left to the garbage
    collector (Python 3.13 warns of one)."""
    folder, made = tmp_path_factory.mktemp("registers"), list[Engine]()

    def make(specs: Iterable[ProjectSpec]) -> Engine:
        path = folder / f"register-{len(made) + 1}.sqlite"
        shutil.copyfile(_policy_template, path)
        engine = make_engine(f"sqlite:///{path}")
        made.append(engine)
        import_specs(engine, list(specs), source="test")
        return engine

    yield make
    for engine in made:
        engine.dispose()
