"""The register's version counter: bumped once by every committed write, on both stores, in
the writer's transaction (a rollback bumps nothing), not by reads or sign-in bookkeeping."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update

from cajad.register import import_file, make_engine, register_version, session_scope
from cajad.register.models import Project
from cajad.register.version import VersionedCache, writes_register


def _version(engine: Engine) -> int:
    with session_scope(engine) as session:
        return register_version(session)


def test_a_committed_write_bumps_it_once_and_a_read_not(engine: Engine) -> None:
    before = _version(engine)
    with session_scope(engine) as session:
        session.scalars(select(Project)).all()
    assert _version(engine) == before
    with session_scope(engine) as session:
        session.execute(update(Project).values(description="changed"))
        session.execute(update(Project).values(description="again"))
    assert _version(engine) == before + 1


def test_a_rolled_back_write_bumps_nothing(engine: Engine) -> None:
    before = _version(engine)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.execute(update(Project).values(description="changed"))
        raise RuntimeError("give up")
    assert _version(engine) == before


def test_another_process_sees_the_bump(engine: Engine, tmp_path: Path) -> None:
    """A second engine on the same database (another worker) sees a write made by the first."""
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        seen = _version(other)
        path = tmp_path / "money.csv"
        path.write_text(
            "project,ref,type,value,currency,value_date\n"
            "kg-grant-2025-naryn-bridge,v-1,2,5000000,USD,2026-03-01\n",
            encoding="utf-8",
        )
        import_file(engine, path)
        assert _version(other) == seen + 1
    finally:
        other.dispose()


@pytest.mark.parametrize(
    ("statement", "writes"),
    [
        ('INSERT INTO "transaction" (id) VALUES (1)', True),
        ("insert or replace into project (id) values (1)", True),
        ("UPDATE rollup SET total = 0", True),
        ("DELETE FROM participation", True),
        ("CREATE INDEX ix ON project (id)", True),
        ("INSERT INTO account_session (id) VALUES (1)", False),
        ("UPDATE login_attempt SET n = 1", False),
        ("SELECT * FROM project", False),
        ("UPDATE register_version SET n = n + 1 WHERE id = 1", False),
    ],
)
def test_which_statements_count_as_writes(statement: str, writes: bool) -> None:
    assert writes_register(statement) is writes


def test_the_cache_serves_until_the_version_changes(engine: Engine) -> None:
    cache = VersionedCache(size=2)
    calls: list[str] = []

    def compute(name: str) -> str:
        calls.append(name)
        return name

    with session_scope(engine) as session:
        assert cache.get(session, "a", lambda: compute("a")) == "a"
        assert cache.get(session, "a", lambda: compute("a")) == "a"
        cache.get(session, "b", lambda: compute("b"))
        cache.get(session, "c", lambda: compute("c"))  # over size: "a" is dropped
        cache.get(session, "a", lambda: compute("a"))
    assert calls == ["a", "b", "c", "a"]
    with session_scope(engine) as session:
        session.execute(text("UPDATE project SET description = 'x'"))
    with session_scope(engine) as session:
        cache.get(session, "a", lambda: compute("a"))
    assert calls == ["a", "b", "c", "a", "a"]
