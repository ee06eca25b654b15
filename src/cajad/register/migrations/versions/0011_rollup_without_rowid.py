"""Rollup stored in key order on SQLite (``WITHOUT ROWID``): the dashboard sums one dimension
at a time, and a rowid table scatters a dimension's rows over the file in the order they were
written, so each row summed was a separate page lookup (about five times slower at 100,000
transactions). The table is copied as it is; PostgreSQL is left unchanged.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _recreate(*, with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "rollup", recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
    ):
        pass


def upgrade() -> None:
    _recreate(with_rowid=False)


def downgrade() -> None:
    _recreate(with_rowid=True)
