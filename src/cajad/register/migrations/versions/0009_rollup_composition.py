"""Rollup split by composition (basis and evidence tier): the key widens by the composition
code. The rollup is rebuilt by 0010, once the composition is stored in columns, so that the
``c:<dimension>`` rows exist for the money already in the register (a rebuild here would run
today's code against yesterday's columns).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rollup", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=40), type_=sa.String(length=43))


def downgrade() -> None:
    op.execute("DELETE FROM rollup WHERE dimension LIKE 'c:%'")
    with op.batch_alter_table("rollup", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=43), type_=sa.String(length=40))
