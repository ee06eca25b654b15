"""IATI: narratives in every language, the source activity XML, region vocabularies

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_text_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_text")),
    )
    with op.batch_alter_table("project_text", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_text_project_id"), ["project_id"])

    op.create_table(
        "iati_activity",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=8), nullable=False),
        sa.Column("last_updated", sa.DateTime(), nullable=True),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_iati_activity_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_iati_activity")),
    )
    with op.batch_alter_table("iati_activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_iati_activity_last_updated"), ["last_updated"])

    with op.batch_alter_table("project_country", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vocabulary", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("project_country", schema=None) as batch_op:
        batch_op.drop_column("vocabulary")
    with op.batch_alter_table("iati_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iati_activity_last_updated"))
    op.drop_table("iati_activity")
    with op.batch_alter_table("project_text", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_text_project_id"))
    op.drop_table("project_text")
