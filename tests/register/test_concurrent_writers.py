"""Writers at once on one SQLite file: two imports run one after the other, each whole, and no
"database is locked" with its SQL reaches the user (probe case of issue 16)."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select

from cajad.data import data_path
from cajad.register import StoreError, init, make_engine, session_scope
from cajad.register.models import Project
from cajad.register.store import create_database, lock_for_writing

#: Run the real command line in a fresh interpreter: ``python -c CLI import FILE``.
CLI = "import sys; from cajad.cli import app; sys.argv[0] = 'cajad'; app()"
#: How long another writer holds the lock: an interpreter's start, the file's reading and then
#: more than pysqlite's default wait (5 s), at which the probe's second import failed.
HOLD_S = 15.0


def _deals(path: Path, prefix: str, rows: int) -> Path:
    """A deals CSV of ``rows`` new deals, the bundled rows under new ids."""
    with data_path("initiative", "deals.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        bundled = list(reader)
        columns = list(reader.fieldnames or [])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for i in range(rows):
            writer.writerow(bundled[i % len(bundled)] | {"id": f"{prefix}-{i}"})
    return path


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    """A register on a SQLite file (schema and rates): SQLite has one writer at a time."""
    path = tmp_path / "cajad.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    init(engine)
    engine.dispose()
    yield path


def _run_imports(url: str, files: list[Path]) -> list[subprocess.Popen[str]]:
    env = os.environ | {"CAJAD_DATABASE_URL": url}
    return [
        subprocess.Popen(
            [sys.executable, "-c", CLI, "import", str(f)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]


def _all_created(runs: list[subprocess.Popen[str]], rows: int) -> None:
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert "locked" not in err and "SQL" not in err
        assert f"{rows} projects were created" in out


def test_two_imports_at_once_both_complete(database: Path, tmp_path: Path) -> None:
    """Both imports start while another writer holds the lock well past pysqlite's default
    wait; when it lets go, they write one after the other: both exit 0, every row is there."""
    files = [_deals(tmp_path / f"{p}.csv", f"zz-{p}", 300) for p in ("a", "b")]
    holder = sqlite3.connect(database)
    holder.execute("BEGIN IMMEDIATE")
    try:
        runs = _run_imports(f"sqlite:///{database}", files)
        time.sleep(HOLD_S)
    finally:
        holder.rollback()
        holder.close()
    _all_created(runs, 300)
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(engine) as session:
        identifiers = set(session.scalars(select(Project.identifier)))
    engine.dispose()
    assert {f"zz-{p}-{i}" for p in "ab" for i in range(300)} <= identifiers


def test_a_writer_that_waits_too_long_is_refused_in_one_line(database: Path) -> None:
    """Past the wait, the lock is reported in cajad's words: one line, no SQL."""
    impatient = create_engine(f"sqlite:///{database}", connect_args={"timeout": 0.2})
    event.listen(impatient, "connect", lambda conn, _: conn.execute("PRAGMA journal_mode=WAL"))
    holder = sqlite3.connect(database)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError) as refused, session_scope(impatient) as session:
            lock_for_writing(session)
    finally:
        holder.rollback()
        holder.close()
        impatient.dispose()
    message = str(refused.value)
    assert message.startswith("the register is locked by another writer")
    assert "\n" not in message and "SQL" not in message


def test_a_writer_refused_at_once_tries_again(database: Path) -> None:
    """A "locked" that comes without the busy wait (here: a connection that does not wait at
    all) is tried again until the writer before lets go, not passed on to the user."""
    eager = create_engine(f"sqlite:///{database}", connect_args={"timeout": 0})
    event.listen(eager, "connect", lambda conn, _: conn.execute("PRAGMA journal_mode=WAL"))
    holder = sqlite3.connect(database, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, holder.rollback)
    release.start()
    try:
        with session_scope(eager) as session:
            began = time.monotonic()
            lock_for_writing(session)
            waited = time.monotonic() - began
    finally:
        release.join()
        holder.close()
        eager.dispose()
    assert waited >= 0.2


def test_an_import_takes_the_lock_before_it_reads(database: Path) -> None:
    """While an import's session holds the lock, another writer cannot slip in between its
    reads and its writes (which would leave the import's snapshot stale)."""
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(engine) as session:
        lock_for_writing(session)
        other = sqlite3.connect(database, timeout=0.1)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    engine.dispose()


@pytest.mark.postgres
def test_two_imports_at_once_both_complete_on_postgresql(
    postgres_server: str, tmp_path: Path
) -> None:
    """On an empty register both imports create the same organisations (JICA, governments):
    they take turns, so neither collides with the other's new names."""
    url = create_database(postgres_server, "cajad_concurrent_imports")
    engine = make_engine(url)
    init(engine)
    files = [_deals(tmp_path / f"{p}.csv", f"zz-{p}", 300) for p in ("a", "b")]
    _all_created(_run_imports(url, files), 300)
    with session_scope(engine) as session:
        identifiers = set(session.scalars(select(Project.identifier)))
    engine.dispose()
    assert {f"zz-{p}-{i}" for p in "ab" for i in range(300)} <= identifiers


def test_a_command_refused_after_the_wait_says_so_in_one_line_and_exits_2(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cajad import`` while another writer holds the lock past the wait: one ``error:`` line
    naming the lock and when to try again, exit 2 (nothing written: try again), no SQL."""
    from typer.testing import CliRunner

    from cajad.cli import app
    from cajad.register import store

    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setenv("CAJAD_DATABASE_URL", f"sqlite:///{database}")
    deals = _deals(tmp_path / "deals.csv", "zz-busy", 3)
    holder = sqlite3.connect(database)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = CliRunner().invoke(app, ["import", str(deals)])
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the register is locked by another")
    assert "try again in 30 s" in lines[0] and "SQL" not in result.stderr
    assert "Traceback" not in result.output
