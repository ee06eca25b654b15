"""An import killed with SIGKILL leaves the store exactly as it was, and running it again
completes it: on SQLite and on PostgreSQL, at several points of the import (issue 16 item 5).

The import runs as the real ``cajad import`` command in its own process. How long a whole
import takes is measured first, on a copy of the same register, and the kills land at fixed
shares of that time, meant to land before the single commit. Each kill lands on a fresh copy:
on a loaded machine a run may go faster than the measured one and commit before its kill; its
copy must then hold the whole import, and the same kill is tried again, earlier, on another
copy, until one lands before the commit and leaves the store exactly as it was.
"""

from __future__ import annotations

import csv
import itertools
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
ROWS = 20_000
KILL_AT = (0.15, 0.4, 0.7)  # shares of a whole import's time
_copies = itertools.count()
TRIES = 4  # each try after a run that finished before its kill halves the wait


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
    with session_scope(engine) as session:
        projects = list(session.scalars(select(Project.identifier).order_by(Project.id)))[:50]
    file = _transactions(tmp_path / "transactions.csv", projects)
    before = _state(engine)

    measured = make_engine(_copy(engine, tmp_path, "measure"))
    started = time.monotonic()
    whole = _import(measured.url.render_as_string(hide_password=False), file)
    _, problems = whole.communicate(timeout=600)
    assert whole.returncode == 0, problems.decode()
    took = time.monotonic() - started
    after = _state(measured)
    measured.dispose()
    assert len(after["transaction"]) == len(before["transaction"]) + ROWS

    for share in KILL_AT:
        killed = _kill_during_import(engine, tmp_path, file, share * took, before, after)
        killed.dispose()

    again = _import(killed.url.render_as_string(hide_password=False), file)
    _, problems = again.communicate(timeout=600)
    assert again.returncode == 0, problems.decode()
    assert _counts(_state(killed)) == _counts(after), problems.decode()


def _kill_during_import(
    engine: Engine,
    tmp_path: Path,
    file: Path,
    wait: float,
    before: dict[str, list[tuple[object, ...]]],
    after: dict[str, list[tuple[object, ...]]],
) -> Engine:
    """A copy of the register whose import was killed before its commit, ``wait`` seconds in
    or earlier. A run that committed before its kill (or ended) must hold the whole import;
    the same kill is then tried earlier on another copy."""
    for attempt in range(TRIES):
        copy = make_engine(_copy(engine, tmp_path, f"kill{next(_copies)}"))
        victim = _import(copy.url.render_as_string(hide_password=False), file)
        time.sleep(wait / 2**attempt)
        ended = victim.poll() is not None
        victim.send_signal(signal.SIGKILL)
        _, problems = victim.communicate(timeout=60)
        assert victim.returncode in ((0,) if ended else (0, -signal.SIGKILL)), problems.decode()
        state = _state(copy)
        if state == before:
            return copy
        assert _counts(state) == _counts(after), "a killed import left part of itself"
        copy.dispose()
    pytest.fail(f"every import committed before its kill, the last {wait / 2**TRIES:.1f} s in")


def _counts(state: dict[str, list[tuple[object, ...]]]) -> dict[str, int]:
    return {name: len(rows) for name, rows in state.items()}


def _copy(engine: Engine, tmp_path: Path, name: str) -> str:
    """The URL of a copy of the register at ``engine``, named ``name``."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite":
        copy = tmp_path / f"{name}.sqlite"
        shutil.copyfile(str(engine.url.database), copy)
        return f"sqlite:///{copy}"
    engine.dispose()  # a template database must have no connection
    return create_database(url, f"{engine.url.database}_{name}", template=engine.url.database)
