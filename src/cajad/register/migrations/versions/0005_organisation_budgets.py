"""IATI organisation files: budgets, expenditure and their lines; the file's metadata

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cajad.register.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "iati_organisation",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=8), nullable=False),
        sa.Column("last_updated", sa.DateTime(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("default_currency", sa.String(length=3), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_iati_organisation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_iati_organisation")),
    )
    op.create_table(
        "organisation_budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", cajad.register.types.ExactDecimal(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=True),
        sa.Column("recipient_vocabulary", sa.String(length=8), nullable=True),
        sa.Column("recipient_vocabulary_uri", sa.Text(), nullable=True),
        sa.Column("narratives", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_budget_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_budget")),
    )
    with op.batch_alter_table("organisation_budget", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_budget_organisation_id"), ["organisation_id"]
        )
    op.create_table(
        "organisation_budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=True),
        sa.Column("value", cajad.register.types.ExactDecimal(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("narratives", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["organisation_budget.id"],
            name=op.f("fk_organisation_budget_line_budget_id_organisation_budget"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_budget_line")),
    )
    with op.batch_alter_table("organisation_budget_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_budget_line_budget_id"), ["budget_id"])


def downgrade() -> None:
    with op.batch_alter_table("organisation_budget_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_budget_line_budget_id"))
    op.drop_table("organisation_budget_line")
    with op.batch_alter_table("organisation_budget", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_budget_organisation_id"))
    op.drop_table("organisation_budget")
    op.drop_table("iati_organisation")
