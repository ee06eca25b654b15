"""An import killed with SIGKILL leaves the store exactly as it was, and running it again
completes it: on SQLite and on PostgreSQL, at several points of the import (issue 16 item 5).

The import runs as the real ``cajad import`` command in its own process. How long a whole
import takes is measured first, on a copy of the same register, and the kills land at fixed
shares of that time, all before the single commit at the end.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cajad.register import Project, session_scope
from cajad.register.backup import tables
from cajad.register.store import create_database, make_engine
from tests.conftest import rows_of

pytestmark = pytest.mark.slow
ROWS = 40_000
KILL_AT = (0.15, 0.4, 0.7)  # shares of a whole import's time


def _transactions(path: Path, projects: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["project", "ref", "type", "value", "currency", "value_date"])
        for i in range(ROWS):
            day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
            writer.writerow(
                [projects[i % len(projects)], f"kill-{i}", "2", f"{1000 + i}.25", "USD", day]
            )
    return path


def _state(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read on new connections (none kept from before a kill)."""
    fresh = make_engine(engine.url.render_as_string(hide_password=False), pooled=False)
    try:
        return {t.name: rows_of(fresh, t.name) for t in tables()}
    finally:
        fresh.dispose()


def _import(url: str, file: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CAJAD_DATABASE_URL": url, "PYTHONPATH": str(Path("src").resolve())}
    code = "from cajad.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "import", str(file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_sigkill_during_an_import_loses_nothing_and_a_rerun_completes(
    engine: Engine, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    with session_scope(engine) as session:
        projects = list(session.scalars(select(Project.identifier).order_by(Project.id)))[:50]
    file = _transactions(tmp_path / "transactions.csv", projects)
    before = _state(engine)

    measured = make_engine(_copy(engine, tmp_path))
    started = time.monotonic()
    whole = _import(measured.url.render_as_string(hide_password=False), file)
    _, problems = whole.communicate(timeout=600)
    assert whole.returncode == 0, problems.decode()
    took = time.monotonic() - started
    after = _state(measured)
    measured.dispose()
    assert len(after["transaction"]) == len(before["transaction"]) + ROWS

    for share in KILL_AT:
        victim = _import(url, file)
        time.sleep(share * took)
        if victim.poll() is not None:
            pytest.fail(f"the import ended before the kill at {share:.0%} of {took:.1f} s")
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=60)
        assert victim.returncode == -signal.SIGKILL
        assert _state(engine) == before, f"killed at {share:.0%}: the store changed"

    again = _import(url, file)
    _, problems = again.communicate(timeout=600)
    assert again.returncode == 0, problems.decode()
    assert _counts(_state(engine)) == _counts(after), problems.decode()


def _counts(state: dict[str, list[tuple[object, ...]]]) -> dict[str, int]:
    return {name: len(rows) for name, rows in state.items()}


def _copy(engine: Engine, tmp_path: Path) -> str:
    """The URL of a copy of the register at ``engine``, to measure a whole import on."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite":
        copy = tmp_path / "measure.sqlite"
        shutil.copyfile(str(engine.url.database), copy)
        return f"sqlite:///{copy}"
    engine.dispose()  # a template database must have no connection
    return create_database(url, f"{engine.url.database}_measure", template=engine.url.database)
