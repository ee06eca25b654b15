"""Migration 0005 creates the organisation budget tables exactly as the models declare them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from cajad.register.models import (
    Base,
    IatiOrganisation,
    OrganisationBudget,
    OrganisationBudgetLine,
)

TABLES = {m.__tablename__ for m in (IatiOrganisation, OrganisationBudget, OrganisationBudgetLine)}


def _ours(diff: object) -> bool:
    text = repr(diff)
    return any(f"'{t}'" in text or f"Table('{t}'" in text for t in TABLES)


def test_migration_0005_matches_the_models(empty_engine: Engine) -> None:
    assert set(inspect(empty_engine).get_table_names()) >= TABLES
    with empty_engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if _ours(d)] == []
