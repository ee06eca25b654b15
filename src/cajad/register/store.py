"""The store: engine and sessions for SQLite (default) or PostgreSQL, and migrations.

The database URL comes from ``CAJAD_DATABASE_URL``; without it cajad uses the embedded SQLite
file ``var/cajad.sqlite`` under the working directory. SQLite runs in WAL mode with foreign
keys enforced. The schema is owned by Alembic (``cajad/register/migrations``).

Concurrent writers on SQLite: readers never wait (WAL), and one writer writes at a time. A
connection waits up to :data:`BUSY_TIMEOUT_S` for the write lock, and an import takes that lock
first (:func:`lock_for_writing`), so two imports at once run one after the other instead of
the second failing midway, when the first commits under its read snapshot. A writer still
waiting after the timeout is refused in one line (:class:`StoreError`), never with the SQL.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from cajad.register.errors import BusyStoreError, StoreError
from cajad.register.version import watch

DEFAULT_URL = "sqlite:///var/cajad.sqlite"
#: How long a SQLite connection waits for another writer to finish (pysqlite's default is 5).
BUSY_TIMEOUT_S = 60
#: Seconds a writer refused after that wait is told to wait before trying again (assumed: the
#: writer before it, most likely an import, has had a minute already).
RETRY_AFTER_S = 30
#: The advisory lock imports take in turn on PostgreSQL (any constant of the application).
_WRITER_LOCK = 0x636A6164  # "cjad"
#: How long a writer refused at once (not after the busy wait) pauses before it tries again.
_RETRY_PAUSE_S = 0.05
#: A refusal quicker than this came without the busy wait (assumed: the wait's first sleep is 1 ms).
_AT_ONCE_S = 0.01


def database_url() -> str:
    """The configured database URL (``CAJAD_DATABASE_URL``, else the embedded SQLite file)."""
    return os.environ.get("CAJAD_DATABASE_URL") or DEFAULT_URL


def _normalise(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None, *, pooled: bool = True) -> Engine:
    """Create an engine for ``url`` (default: :func:`database_url`), SQLite pragmas set.

    ``pooled=False`` closes each connection with its session (one-shot commands).
    """
    url = _normalise(url or database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": BUSY_TIMEOUT_S}
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    watch(engine)
    return engine


def create_database(server_url: str, name: str, *, template: str | None = None) -> str:
    """Create database ``name`` on the PostgreSQL server at ``server_url`` (a copy of the
    database ``template`` if given, which must have no open connection); return its URL."""
    admin = create_engine(_normalise(server_url), isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot create database {name!r}: {exc}") from exc
    finally:
        admin.dispose()
    base, _, query = server_url.partition("?")
    return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("cajad.register") / "migrations"))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema up to ``revision`` (idempotent)."""
    try:
        command.upgrade(_alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        raise StoreError(f"migration failed on {engine.url.render_as_string()}: {exc}") from exc


def is_initialised(engine: Engine) -> bool:
    """Whether the register's tables exist in this database."""
    return inspect(engine).has_table("project")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, as the audit log records it: a signed-in account (its e-mail and
    id) or, on a server shell, the local operating-system user (``local:alice``, no id).

    The edges make actors (the web from the signed-in account, the CLI from the OS user or
    ``--as EMAIL``); a plain string given to a service is a program's own name for itself.
    """

    name: str
    account: int | None = None

    def __str__(self) -> str:
        return self.name


def as_actor(actor: str | Actor) -> Actor:
    """``actor`` as an :class:`Actor` (a plain string names no account)."""
    return actor if isinstance(actor, Actor) else Actor(actor)


def lock_for_writing(session: Session) -> None:
    """Take the database's write lock for ``session``'s transaction now, before it reads.

    On SQLite a transaction that reads and then writes cannot write once another writer has
    committed since it read (its snapshot is stale): it fails at once, whatever the timeout.
    ``BEGIN IMMEDIATE`` takes the lock first, waiting for the writer before it. On PostgreSQL
    a transaction-scoped advisory lock makes imports take turns the same way (two importing
    the same new organisation at once would otherwise violate its unique name). Call it first
    thing in a session that will write.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Imports take turns here too: two creating the same organisation would collide.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITER_LOCK})
        return
    if dialect != "sqlite":
        return
    driver = session.connection().connection.driver_connection
    if driver is None or driver.in_transaction:
        return
    # The connection's busy timeout waits for the writer before; SQLite still answers "locked"
    # at once in a few states (a WAL recovery or checkpoint under way), so a refusal that came
    # at once is tried again, until the same deadline, rather than refuse a writer that only
    # came at an unlucky moment. A refusal after the whole busy wait is final.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        began = time.monotonic()
        try:
            driver.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            now = time.monotonic()
            if now - began > _AT_ONCE_S or now >= deadline:
                raise _busy() from exc
            time.sleep(_RETRY_PAUSE_S)


def _busy() -> BusyStoreError:
    return BusyStoreError(
        f"the register is locked by another writer (waited {BUSY_TIMEOUT_S:g} s): "
        f"try again in {RETRY_AFTER_S} s, once it has finished",
        retry_after=RETRY_AFTER_S,
    )


@contextmanager
def writing_scope(engine: Engine, *, actor: str | Actor = "cajad") -> Iterator[Session]:
    """:func:`session_scope` for a transaction that writes: it takes the write lock first
    (:func:`lock_for_writing`), so writers take turns, each reading what the one before it
    committed, and none fails midway with "database is locked". Every write of the web layer
    (and the CLI's) goes through here: form saves and ``PATCH`` (via the importer), screenings,
    answers, sign-in and sign-out, account and token changes."""
    with session_scope(engine, actor=actor) as session:
        lock_for_writing(session)
        yield session


@contextmanager
def session_scope(engine: Engine, *, actor: str | Actor = "cajad") -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error; its
    audit entries are by ``actor`` (``session.info['actor']`` and ``['account']``)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    who = as_actor(actor)
    session.info["actor"] = who.name
    session.info["account"] = who.account
    try:
        yield session
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
            raise _busy() from exc
        raise StoreError(f"database error: {exc}") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
