"""The migration history is one line: a new revision always knows which one it follows."""

from __future__ import annotations

from importlib import resources

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from cajad.register.models import Base


def test_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(resources.files("cajad.register") / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads (merge or chain them): {heads}"


def test_the_migrated_schema_is_the_models(empty_engine: Engine) -> None:
    """Every table, column and index the models declare is what the migrations build (the
    screening and minerals models included), on SQLite and PostgreSQL."""
    import cajad.minerals.store
    import cajad.screening.models  # noqa: F401

    with empty_engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
