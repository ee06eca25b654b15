"""prospectivity runs: recorded runs of cajad.minerals, optionally linked to a project

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prospectivity_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("commodity", sa.String(length=120), nullable=False),
        sa.Column("model", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("source_dir", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("run_file", sa.JSON(), nullable=False),
        sa.Column("map_png", sa.LargeBinary(), nullable=False),
        sa.Column("curves_png", sa.LargeBinary(), nullable=False),
        sa.Column("targets_geojson", sa.Text(), nullable=False),
        sa.Column("prospectivity_path", sa.Text(), nullable=False),
        sa.Column("prospectivity_sha256", sa.String(length=64), nullable=False),
        sa.Column("uncertainty_path", sa.Text(), nullable=False),
        sa.Column("uncertainty_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_prospectivity_run_project_id_project"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospectivity_run")),
        sa.UniqueConstraint("digest", name=op.f("uq_prospectivity_run_digest")),
    )
    with op.batch_alter_table("prospectivity_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prospectivity_run_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("prospectivity_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prospectivity_run_project_id"))
    op.drop_table("prospectivity_run")
