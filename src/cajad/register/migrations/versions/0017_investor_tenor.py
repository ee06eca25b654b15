"""investor profiles: the typical tenor range an investor lends for, where published.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("investor_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_tenor_years", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_tenor_years", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("investor_profile", schema=None) as batch_op:
        batch_op.drop_column("max_tenor_years")
        batch_op.drop_column("min_tenor_years")
