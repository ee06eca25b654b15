"""the register's version counter (``register_version``), bumped by every writing transaction.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_version")),
    )
    op.execute("INSERT INTO register_version (id, n) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("register_version")
