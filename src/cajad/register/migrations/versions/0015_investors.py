"""investor profiles for the broker (``investor_profile``).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cajad.register.types import ExactDecimal

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "investor_profile",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("instruments", sa.JSON(), nullable=False),
        sa.Column("min_ticket", ExactDecimal(), nullable=True),
        sa.Column("max_ticket", ExactDecimal(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("min_grade", sa.String(length=1), nullable=True),
        sa.Column("max_category", sa.String(length=1), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investor_profile")),
    )


def downgrade() -> None:
    op.drop_table("investor_profile")
