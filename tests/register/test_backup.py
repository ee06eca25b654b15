"""``cajad backup`` and ``cajad restore``: an exact round trip on each store and across them
(SQLite to PostgreSQL is how a register outgrows one machine), taken while writers go on, and
refusals that leave the target untouched (issue 16 item 7)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select
from typer.testing import CliRunner

from cajad.cli import app
from cajad.register import Organisation, Project, import_file, session_scope
from cajad.register.backup import backup, read_manifest, restore, tables
from cajad.register.errors import InputError
from cajad.register.store import create_database, make_engine
from cajad.tracker import progress
from tests.conftest import _counter

DEAL = (
    "id,title,country,sector,pillar,japanese_parties,central_asian_parties,instrument,amount,"
    "currency,amount_note,date,status,source_title,source_url,source_date\n"
    "after-restore,Feeder pipes,KZ,water supply,,,,ODA loan,1234567.89,USD,,2026-02-01,"
    "financing approved,,,\n"
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """An empty database (no schema at all) on each store."""
    if request.param == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    server = request.getfixturevalue("postgres_server")
    return make_engine(create_database(server, f"cajad_restore_{next(_counter)}"))


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables()
        }


def _totals(engine: Engine) -> tuple[Decimal, Decimal]:
    with session_scope(engine) as session:
        jpy, usd = progress(session, currency="JPY"), progress(session, currency="USD")
    return jpy.total, usd.total


def test_round_trip_is_exact_on_each_store_and_across(
    engine: Engine, target: Engine, tmp_path: Path
) -> None:
    file = tmp_path / "register.zip"
    written = backup(engine, file)
    assert written.rows == sum(_counts(engine).values()) > 1000
    restored = restore(file, target)
    assert restored.tables == written.tables  # same rows, same digest, table by table
    assert _counts(target) == _counts(engine)
    assert _totals(target) == _totals(engine)  # the money, read through each store's types
    with session_scope(target) as session:
        titles = dict(session.execute(select(Project.identifier, Project.title)).all())
    with session_scope(engine) as session:
        assert titles == dict(session.execute(select(Project.identifier, Project.title)).all())
    target.dispose()


def test_a_restored_register_takes_new_rows(engine: Engine, target: Engine, tmp_path: Path) -> None:
    file = tmp_path / "register.zip"
    backup(engine, file)
    restore(file, target)
    deals = tmp_path / "deals.csv"
    deals.write_text(DEAL, encoding="utf-8")
    report = import_file(target, deals)  # new ids follow the restored ones (PostgreSQL sequences)
    assert report.created == ["after-restore"]
    with session_scope(target) as session:
        ids = list(session.scalars(select(Project.id)))
        assert len(ids) == len(set(ids))
        session.add(Organisation(ref="XM-TEST-1", name="After restore"))
    target.dispose()


def test_the_target_must_be_empty(engine: Engine, tmp_path: Path) -> None:
    file = tmp_path / "register.zip"
    backup(engine, file)
    before = _counts(engine)
    with pytest.raises(InputError, match=r"already holds data \(.*rows\): restore into an empty"):
        restore(file, engine)
    assert _counts(engine) == before


def _edited(file: Path, out: Path, table: str) -> Path:
    """A copy of the backup ``file`` with the first row of ``table`` changed."""
    with zipfile.ZipFile(file) as source, zipfile.ZipFile(out, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == f"tables/{table}.jsonl":
                first, _, rest = data.partition(b"\n")
                row = json.loads(first)
                row[-1] = "edited" if isinstance(row[-1], str) else row[-1]
                row[0] = row[0] + 1000 if isinstance(row[0], int) else row[0]
                data = json.dumps(row).encode() + b"\n" + rest
            copy.writestr(item, data)
    return out


@pytest.mark.parametrize("damage", ["edited row", "not a zip", "other format"])
def test_a_damaged_backup_writes_nothing(engine: Engine, tmp_path: Path, damage: str) -> None:
    file = tmp_path / "register.zip"
    backup(engine, file)
    if damage == "edited row":
        file = _edited(file, tmp_path / "edited.zip", "project")
        message = "differs from the manifest"
    elif damage == "not a zip":
        file.write_bytes(b"PK\x03\x04 truncated")
        message = "not a cajad backup"
    else:
        with zipfile.ZipFile(file, "w") as archive:
            archive.writestr("manifest.json", json.dumps({"format": "other/9"}))
        message = "not a cajad-backup/1 file"
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    with pytest.raises(InputError, match=message):
        restore(file, fresh)
    assert inspect(fresh).get_table_names() == []  # not even the schema
    fresh.dispose()


def test_backup_is_one_consistent_state_while_a_writer_holds_its_transaction(
    tmp_path: Path, _sqlite_demo: Path
) -> None:
    path = tmp_path / "live.sqlite"
    path.write_bytes(_sqlite_demo.read_bytes())
    live = make_engine(f"sqlite:///{path}")
    with session_scope(live) as writer:
        writer.add(Organisation(ref="XM-UNCOMMITTED", name="Not yet committed"))
        writer.flush()  # the writer holds the write lock; the backup must neither wait nor see it
        backup(live, tmp_path / "during.zip")
    restored = make_engine(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    restore(tmp_path / "during.zip", restored)
    with session_scope(restored) as session:
        refs = set(session.scalars(select(Organisation.ref)))
    assert "XM-UNCOMMITTED" not in refs
    with session_scope(live) as session:
        assert "XM-UNCOMMITTED" in set(session.scalars(select(Organisation.ref)))
    live.dispose()
    restored.dispose()


def test_manifest_names_format_revision_and_tables(engine: Engine, tmp_path: Path) -> None:
    report = backup(engine, tmp_path / "register.zip")
    manifest = read_manifest(tmp_path / "register.zip")
    assert manifest["format"] == "cajad-backup/1"
    assert manifest["revision"] == report.revision
    assert dt.datetime.fromisoformat(manifest["created"]).tzinfo is not None
    assert [t["name"] for t in manifest["tables"]] == [t.name for t in tables()]
    assert not list(tmp_path.glob("*.partial"))


def test_cli_backup_and_restore(
    tmp_path: Path, _sqlite_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "source.sqlite"
    source.write_bytes(_sqlite_demo.read_bytes())
    monkeypatch.setenv("CAJAD_DATABASE_URL", f"sqlite:///{source}")
    runner = CliRunner()
    done = runner.invoke(app, ["backup", str(tmp_path / "b.zip")])
    assert done.exit_code == 0, done.output
    assert "Backed up" in done.output and "rows in" in done.output
    into = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    done = runner.invoke(app, ["restore", str(tmp_path / "b.zip"), "--into", into])
    assert done.exit_code == 0, done.output
    assert "every table matches the backup" in done.output
    again = runner.invoke(app, ["restore", str(tmp_path / "b.zip"), "--into", into])
    assert again.exit_code == 2
    assert "already holds data" in again.output
    missing = runner.invoke(app, ["backup", str(tmp_path / "no" / "b.zip")])
    assert missing.exit_code == 2 and "no such folder" in missing.output
