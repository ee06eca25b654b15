"""The register's version: one counter, bumped in the same transaction as every write.

Figures computed from the whole register (data-quality findings, progress) are expensive on
a large one; a cache keyed by this counter serves them until the next write, in every process
and worker, on SQLite and PostgreSQL alike, with no message between processes.

How it is kept: every engine :func:`cajad.register.make_engine` creates watches the SQL its
connections run. A transaction that inserts, updates or deletes a row of a register table (any
table but those of :data:`UNWATCHED`) bumps ``register_version.n`` as its last statement,
just before ``COMMIT``: atomically with the write (a rolled-back write bumps nothing), and
holding the counter's row lock only while it commits, so two writers on PostgreSQL cannot
deadlock on it. Readers read the counter first in their transaction (:func:`register_version`).

Why not triggers: SQLite has only row-level triggers (a 2 M-row import would bump 2 M times),
and a PostgreSQL statement trigger takes the counter's lock early in the transaction, which
orders writers badly (a deadlock between an edit and an import).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

#: Tables whose writes do not change any figure: sign-ins, tokens, background jobs' progress
#: (what a job records is written to the register's own tables), the counter itself.
UNWATCHED: frozenset[str] = frozenset(
    {
        "account",
        "account_organisation",
        "account_session",
        "api_token",
        "login_attempt",
        "job",
        "alembic_version",
        "register_version",
    }
)
T = TypeVar("T")
_WROTE = "cajad_register_wrote"
_SCHEMA = "cajad_schema_changed"
_DML = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)"
    r"\s+\"?(\w+)\"?",
    re.IGNORECASE,
)
_DDL = re.compile(r"^\s*(?:CREATE|DROP|ALTER)\s", re.IGNORECASE)
_BUMP = "UPDATE register_version SET n = n + 1 WHERE id = 1"


def writes_register(statement: str) -> bool:
    """Whether ``statement`` changes a watched table (DML on one, or any DDL)."""
    found = _DML.match(statement)
    if found is not None:
        return found.group(1).lower() not in UNWATCHED
    return _DDL.match(statement) is not None


def watch(engine: Engine) -> None:
    """Have every transaction on ``engine`` that writes the register bump the counter."""
    seen = _Counter()
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", seen.bump)
    event.listen(engine, "rollback", _forget)


def _note_write(
    conn: Connection, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    if _DDL.match(statement):
        conn.info[_WROTE] = conn.info[_SCHEMA] = True
    elif not conn.info.get(_WROTE) and writes_register(statement):
        conn.info[_WROTE] = True


class _Counter:
    """Whether an engine's database has the counter yet (looked up until it has)."""

    def __init__(self) -> None:
        self.present = False

    def bump(self, conn: Connection) -> None:
        """Just before ``COMMIT``, on the transaction's own DBAPI connection (no event
        recursion); a database without the table (before its migration) has none to bump."""
        schema_changed = conn.info.pop(_SCHEMA, False)
        if not conn.info.pop(_WROTE, False):
            return
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if schema_changed or not self.present:  # a migration may make or drop it
                self.present = _has_counter(conn, cursor)
            if self.present:
                cursor.execute(_BUMP)
        finally:
            cursor.close()


def _has_counter(conn: Connection, cursor: Any) -> bool:
    if conn.dialect.name == "sqlite":
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", ("register_version",)
        )
    else:
        cursor.execute("SELECT to_regclass('register_version') IS NOT NULL")
    row = cursor.fetchone()
    return bool(row and row[0])


def _forget(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)
    conn.info.pop(_SCHEMA, None)


def register_version(session: Session) -> int:
    """The counter as ``session`` sees it now (-1 if its row is missing).

    A cache reads it before computing: a write committed while it computes is then cached
    under the older number, and the next reader, seeing the newer one, computes again.
    """
    value = session.execute(text("SELECT n FROM register_version WHERE id = 1")).scalar()
    return -1 if value is None else int(value)


class VersionedCache:
    """Values computed from the register, kept until its version changes (then all dropped).

    At most ``size`` values per version, the least recently used dropped first; one request
    computes a missing value while others asking for the same key wait for it (eight clients
    on a cold dashboard compute it once, not eight times).
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._version: int | None = None
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(self, session: Session, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``key`` at the register's current version, computed if missing."""
        version = register_version(session)
        with self._lock:
            if version != self._version:
                self._version, self._values, self._computing = version, OrderedDict(), {}
            if key in self._values:
                self.hits += 1
                self._values.move_to_end(key)
                return cast(T, self._values[key])
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if self._version == version and key in self._values:
                    self.hits += 1
                    return cast(T, self._values[key])
                self.misses += 1
            value = compute()
            with self._lock:
                if self._version == version:
                    self._values[key] = value
                    self._computing.pop(key, None)
                    while len(self._values) > self.size:
                        self._values.popitem(last=False)
            return value
