"""The migration history is one line, and it builds exactly the tables every package declares:
the migration environment sees them all without anyone importing them first."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select, text

import cajad
from cajad.register import session_scope
from cajad.register.migrations.tables import TABLE_MODULES, metadata
from cajad.register.models import Base, Project
from cajad.register.store import make_engine, migrate


def test_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(resources.files("cajad.register") / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads (merge or chain them): {heads}"


def test_the_migrated_schema_is_the_models(empty_engine: Engine) -> None:
    """Every table, column and index the models declare is what the migrations build (the
    screening and minerals models included), on SQLite and PostgreSQL."""
    with empty_engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []
    assert {"screening", "screening_answer", "prospectivity_run"} <= set(metadata.tables)


#: Run in a clean interpreter: only the migration environment's metadata is imported, then a
#: fresh SQLite store is migrated and compared with it.
_CLEAN = textwrap.dedent(
    """
    import json, sys

    from cajad.register.migrations.tables import metadata

    declared = sorted(metadata.tables)
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from cajad.register.store import make_engine, migrate

    engine = make_engine("sqlite:///" + sys.argv[1])
    migrate(engine)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
        built = sorted(set(inspect(conn).get_table_names()) - {"alembic_version"})
    engine.dispose()
    print(json.dumps({"declared": declared, "built": built, "diffs": [repr(d) for d in diffs]}))
    """
)


def test_a_clean_interpreter_sees_every_table_the_migrations_build(tmp_path: Path) -> None:
    """No test or caller imports the screening or minerals tables first: the migration
    environment's own metadata must know every table, or autogenerate would drop them."""
    run = subprocess.run(
        [sys.executable, "-c", _CLEAN, str(tmp_path / "fresh.sqlite")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.splitlines()[-1])
    assert found["diffs"] == []
    assert found["declared"] == found["built"]
    assert {"project", "screening", "prospectivity_run"} <= set(found["declared"])


def _domain_modules() -> list[str]:
    """Every module of cajad but the edges (web, command lines) and the migration scripts."""
    names = []
    for info in pkgutil.walk_packages(cajad.__path__, "cajad."):
        parts = info.name.split(".")
        if parts[1] in {"web", "cli", "_cli"} or parts[-1] == "cli" or parts[-1].endswith("_cli"):
            continue
        if ".migrations." in info.name or info.name.endswith(".__main__"):
            continue
        names.append(info.name)
    return names


def test_every_module_that_declares_tables_is_in_the_migration_environment() -> None:
    for name in _domain_modules():
        importlib.import_module(name)
    declaring = {mapper.class_.__module__ for mapper in Base.registry.mappers}
    assert declaring <= set(TABLE_MODULES), "add the module to register/migrations/tables.py"
    mapped = {mapper.class_.__table__.name for mapper in Base.registry.mappers}
    assert set(Base.metadata.tables) == mapped  # no table declared outside a mapped class


def test_the_composition_columns_round_trip_through_the_decision_tag(engine: Engine) -> None:
    """0010 moves the composition tag of the decision text into columns; its downgrade puts
    the tag back, and the upgrade again gives exactly the same projects."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("cajad.register") / "migrations"))
    config.attributes["engine"] = engine
    columns = (Project.identifier, Project.count_decision, Project.basis, Project.evidence)
    with session_scope(engine) as session:
        before = sorted(tuple(r) for r in session.execute(select(*columns)))
    assert {basis for _i, _d, basis, _e in before} == {"itemised", "aggregate"}
    command.downgrade(config, "0009")
    with engine.connect() as conn:
        tagged = dict(conn.execute(text("SELECT identifier, count_decision FROM project")).all())
    for identifier, decision, basis, evidence in before:
        assert tagged[identifier] == f"{decision} [{basis}; evidence: {evidence}]"
    command.upgrade(config, "head")
    with session_scope(engine) as session:
        after = sorted(tuple(r) for r in session.execute(select(*columns)))
    assert after == before


def test_the_sqlite_rollup_is_stored_in_key_order(tmp_path: Path) -> None:
    """0011: on SQLite the rollup is a WITHOUT ROWID table, its rows kept in key order."""
    engine = make_engine(f"sqlite:///{tmp_path / 'order.sqlite'}")
    migrate(engine)
    with engine.connect() as conn:
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'rollup'")).scalar()
    engine.dispose()
    assert sql is not None and "WITHOUT ROWID" in sql.upper()


def _insert_linked_run(engine: Engine, project_id: int) -> None:
    """A run as revision 0012 stored it: one ``project_id`` column."""
    row = {
        "project_id": project_id, "commodity": "REE", "model": "fuzzy", "created_at": "2026-01-01",
        "actor": "t", "source_dir": "/runs/ree", "digest": "d" * 64, "note": None,
        "metrics": "{}", "run_file": "{}", "map_png": b"", "curves_png": b"",
        "targets_geojson": "{}", "prospectivity_path": "p.tif", "prospectivity_sha256": "a" * 64,
        "uncertainty_path": "u.tif", "uncertainty_sha256": "b" * 64,
    }  # fmt: skip
    columns = ", ".join(row)
    values = ", ".join(f":{k}" for k in row)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO prospectivity_run ({columns}) VALUES ({values})"), row)


def test_a_runs_project_moves_into_the_link_table_and_back(engine: Engine) -> None:
    """0014 copies each run's ``project_id`` into ``prospectivity_run_project``; the downgrade
    puts the (first) linked project back in the column."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("cajad.register") / "migrations"))
    config.attributes["engine"] = engine
    command.downgrade(config, "0013")
    with engine.connect() as conn:
        ai, ree = (
            conn.execute(text("SELECT id FROM project WHERE identifier = :i"), {"i": i}).scalar()
            for i in ("xa-ai-cooperation-partnership-2025", "kz-jogmec-kazgeology-rare-earths-2015")
        )
    assert ai is not None and ree is not None
    _insert_linked_run(engine, ree)
    command.upgrade(config, "head")
    with engine.begin() as conn:
        links = conn.execute(text("SELECT run_id, project_id FROM prospectivity_run_project"))
        [(run_id, project_id)] = links.all()
        assert project_id == ree
        conn.execute(
            text("INSERT INTO prospectivity_run_project VALUES (:r, :p)"), {"r": run_id, "p": ai}
        )
    command.downgrade(config, "0013")
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT project_id FROM prospectivity_run")).scalar()
    assert kept == min(ai, ree)
    command.upgrade(config, "head")
