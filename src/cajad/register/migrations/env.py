"""Alembic environment: runs migrations on the engine cajad hands over.

The target metadata is every package's tables (:mod:`cajad.register.migrations.tables`), so
autogenerate sees the screening and minerals tables as well as the register's.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from cajad.register.migrations.tables import metadata

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only reached from the alembic CLI
    from cajad.register.store import make_engine

    engine = make_engine()

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
