"""Backup and restore of the whole register: one portable file, on either store, either way.

A backup is a ZIP file: ``manifest.json`` (format, when, the schema's Alembic revision, and for
each table its row count, columns and the SHA-256 of its rows) and ``tables/<name>.jsonl``, one
JSON array per row in primary-key order. Values are written from what Python reads through the
register's own column types, so a SQLite amount stored as integer hundredths and a PostgreSQL
``NUMERIC`` give the same text; ``Decimal`` as a string, dates and times in ISO 8601, bytes in
base64, JSON as JSON. That is what lets a register outgrow one machine: back up SQLite, restore
into PostgreSQL.

* :func:`backup` reads one consistent state while the portal keeps serving: on SQLite it first
  copies the database with SQLite's online backup API and reads the copy; on PostgreSQL it
  reads every table in one ``REPEATABLE READ`` transaction (one snapshot).
* :func:`restore` refuses a target that holds any row, builds the schema at the backup's
  revision, inserts every table in one transaction (parents before children; a project's
  package before its parts), moves PostgreSQL's id sequences past the restored ids, upgrades
  the schema to the newest revision, and then reads the target back and compares each table's
  digest with the manifest: a restore is exact or it fails.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, Table, func, inspect, select, text
from sqlalchemy.engine import make_url

from cajad.register.errors import InputError, StoreError
from cajad.register.store import make_engine, migrate

FORMAT = "cajad-backup/1"
_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class TableCopy:
    """One table in a backup: its name, row count and the SHA-256 of its rows."""

    name: str
    rows: int
    sha256: str


@dataclass(frozen=True, slots=True)
class BackupReport:
    """What a backup or restore copied: the schema revision and every table."""

    path: Path
    revision: str
    tables: tuple[TableCopy, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def tables() -> list[Table]:
    """Every table of the register, parents before children; not the version counter, which
    the restoring transaction's writes bump (:mod:`cajad.register.version`)."""
    from cajad.register.migrations.tables import metadata

    return [t for t in metadata.sorted_tables if t.name != "register_version"]


def backup(engine: Engine, path: Path) -> BackupReport:
    """Write one consistent copy of the register at ``engine`` to ``path`` (a ZIP file)."""
    if not inspect(engine).has_table("project"):
        raise StoreError(f"no register at {engine.url.render_as_string()}: nothing to back up")
    with _snapshot(engine) as conn:
        revision = _revision(conn)
        partial = path.with_name(path.name + ".partial")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                copies = [_write_table(conn, table, archive) for table in tables()]
                archive.writestr("manifest.json", _manifest(revision, copies))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(path)
    return BackupReport(path, revision, tuple(copies))


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the backup at ``path``, checked for its format."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a cajad backup ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{path}: not a {FORMAT} file")
    return manifest


def restore(path: Path, engine: Engine) -> BackupReport:
    """Restore the backup at ``path`` into the empty database at ``engine``, exactly."""
    manifest = read_manifest(path)
    known = {t.name: t for t in tables()}
    unknown = [t["name"] for t in manifest["tables"] if t["name"] not in known]
    if unknown:
        raise InputError(f"{path}: tables this cajad does not know: {', '.join(unknown)}")
    _check_digests(path, manifest)
    _refuse_unless_empty(engine)
    migrate(engine, manifest["revision"])
    with zipfile.ZipFile(path) as archive, engine.begin() as conn:
        for entry in manifest["tables"]:
            table = known[entry["name"]]
            _insert(conn, table, list(_read_rows(archive, table)))
        _advance_sequences(conn, [known[t["name"]] for t in manifest["tables"]])
    migrate(engine)
    with _snapshot(engine) as conn:
        copies = [_digest_table(conn, known[t["name"]]) for t in manifest["tables"]]
    for entry, copy in zip(manifest["tables"], copies, strict=True):
        if (copy.rows, copy.sha256) != (entry["rows"], entry["sha256"]):
            raise StoreError(
                f"restore of {entry['name']} differs from the backup "
                f"({copy.rows} rows restored, {entry['rows']} backed up)"
            )
    return BackupReport(path, manifest["revision"], tuple(copies))


# --- reading one consistent state ------------------------------------------------------------


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name != "sqlite":
        snapshot = engine.execution_options(isolation_level="REPEATABLE READ")
        with snapshot.connect() as conn, conn.begin():
            yield conn
        return
    source = make_url(engine.url.render_as_string(hide_password=False)).database or ""
    with tempfile.TemporaryDirectory(prefix="cajad-backup-") as folder:
        copy = Path(folder) / "copy.sqlite"
        if source in ("", ":memory:"):
            raise StoreError("an in-memory SQLite register cannot be backed up")
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(copy)) as target:
            live.backup(target)  # SQLite's online backup: one consistent state, writers go on
        frozen = make_engine(f"sqlite:///{copy}", pooled=False)
        try:
            with frozen.connect() as conn:
                yield conn
        finally:
            frozen.dispose()


def _revision(conn: Connection) -> str:
    heads = MigrationContext.configure(conn).get_current_heads()
    if len(heads) != 1:
        raise StoreError(f"the register's schema has {len(heads)} revisions; expected one")
    return heads[0]


def _ordered(table: Table) -> Any:
    return select(table).order_by(*table.primary_key.columns)


def _rows(conn: Connection, table: Table) -> Iterator[list[Any]]:
    names = [c.name for c in table.columns]
    for row in conn.execute(_ordered(table)).mappings():
        yield [_encode(row[name]) for name in names]


def _write_table(conn: Connection, table: Table, archive: zipfile.ZipFile) -> TableCopy:
    with archive.open(f"tables/{table.name}.jsonl", "w") as handle:
        return _tally(table.name, _lines(conn, table), handle)


def _digest_table(conn: Connection, table: Table) -> TableCopy:
    return _tally(table.name, _lines(conn, table))


def _tally(name: str, lines: Iterable[bytes], out: IO[bytes] | None = None) -> TableCopy:
    """Count and digest ``lines`` (writing each to ``out`` if given)."""
    digest, count = hashlib.sha256(), 0
    for line in lines:
        digest.update(line)
        count += 1
        if out is not None:
            out.write(line)
    return TableCopy(name, count, digest.hexdigest())


def _lines(conn: Connection, table: Table) -> Iterator[bytes]:
    return (_line(values) for values in _rows(conn, table))


def _line(values: list[Any]) -> bytes:
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _manifest(revision: str, copies: Sequence[TableCopy]) -> str:
    return json.dumps(
        {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "revision": revision,
            "tables": [{"name": c.name, "rows": c.rows, "sha256": c.sha256} for c in copies],
        },
        indent=2,
    )


# --- values ------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _decoder(table: Table, name: str) -> Any:
    try:
        kind = table.columns[name].type.python_type
    except NotImplementedError:  # JSON: written as JSON, read back as it is
        return None
    if kind is Decimal:
        return Decimal
    if kind is dt.datetime:
        return dt.datetime.fromisoformat
    if kind is dt.date:
        return dt.date.fromisoformat
    if kind is dt.time:
        return dt.time.fromisoformat
    if kind is bytes:
        return base64.b64decode
    return None


def _check_digests(path: Path, manifest: dict[str, Any]) -> None:
    """Refuse a backup whose rows are not the ones its manifest describes, before any write."""
    with zipfile.ZipFile(path) as archive:
        for entry in manifest["tables"]:
            try:
                with archive.open(f"tables/{entry['name']}.jsonl") as handle:
                    found = _tally(entry["name"], handle)
            except (KeyError, zipfile.BadZipFile, OSError) as exc:
                raise InputError(f"{path}: tables/{entry['name']}.jsonl: {exc}") from exc
            if (found.rows, found.sha256) != (entry["rows"], entry["sha256"]):
                raise InputError(
                    f"{path}: tables/{entry['name']}.jsonl differs from the manifest "
                    "(a damaged or edited backup); nothing was restored"
                )


def _read_rows(archive: zipfile.ZipFile, table: Table) -> Iterator[dict[str, Any]]:
    names = [c.name for c in table.columns]
    decoders = [_decoder(table, n) for n in names]
    with archive.open(f"tables/{table.name}.jsonl") as handle:
        for number, line in enumerate(handle, start=1):
            values = json.loads(line)
            if len(values) != len(names):
                raise InputError(
                    f"tables/{table.name}.jsonl:{number}: {len(values)} values for "
                    f"{len(names)} columns"
                )
            yield {
                n: (v if d is None or v is None else d(v))
                for n, d, v in zip(names, decoders, values, strict=True)
            }


# --- writing -----------------------------------------------------------------------------------


def _refuse_unless_empty(engine: Engine) -> None:
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in tables():
            if table.name not in present:
                continue
            count = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if count:
                raise InputError(
                    f"the database at {engine.url.render_as_string()} already holds data "
                    f"({table.name}: {count:,} rows): restore into an empty database"
                )


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(_parents_first(table, rows), _CHUNK):
        conn.execute(table.insert(), chunk)


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself, each after the row it refers to."""
    own = [
        (fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table
    ]
    if not own:
        return rows
    placed: set[tuple[str, Any]] = set()
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        ready = [r for r in waiting if all(r[c] is None or (p, r[c]) in placed for c, p in own)]
        if not ready:
            raise InputError(f"{table.name}: rows refer to rows that are not in the backup")
        ordered += ready
        placed |= {(p, r[p]) for r in ready for _, p in own}
        ready_ids = {id(r) for r in ready}
        waiting = [r for r in waiting if id(r) not in ready_ids]
    return ordered


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _advance_sequences(conn: Connection, restored: Sequence[Table]) -> None:
    if conn.dialect.name != "postgresql":
        return  # SQLite takes the next rowid from the largest one present
    for table in restored:
        for column in table.primary_key.columns:
            if not column.autoincrement or column.type.python_type is not int:
                continue
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, :c), "
                    f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false) '
                    "WHERE pg_get_serial_sequence(:t, :c) IS NOT NULL"
                ),
                {"t": f'"{table.name}"', "c": column.name},
            )
