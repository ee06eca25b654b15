"""prospectivity runs link to several projects: ``prospectivity_run_project`` replaces the
run's single ``project_id`` (a demo run illustrates the AI partnership for geological
exploration and a rare-earth MoU at once). Existing links are copied; the downgrade keeps each
run's first project by id. The links are read before a table is rebuilt and written after:
SQLite rebuilds a table to change its columns, and dropping the old copy cascades.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


#: The link table; created after the run table is rebuilt (SQLite rebuilds a table to drop a
#: column, and dropping the old copy would cascade to the links pointing at it).
_LINKS = sa.table("prospectivity_run_project", sa.column("run_id"), sa.column("project_id"))


def _create_links() -> None:
    op.create_table(
        "prospectivity_run_project",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_prospectivity_run_project_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["prospectivity_run.id"],
            name=op.f("fk_prospectivity_run_project_run_id_prospectivity_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "project_id", name=op.f("pk_prospectivity_run_project")),
    )
    with op.batch_alter_table("prospectivity_run_project", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prospectivity_run_project_project_id"), ["project_id"], unique=False
        )


def upgrade() -> None:
    found = op.get_bind().execute(
        sa.text("SELECT id, project_id FROM prospectivity_run WHERE project_id IS NOT NULL")
    )
    links = [{"run_id": run, "project_id": project} for run, project in found]
    with op.batch_alter_table("prospectivity_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prospectivity_run_project_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_prospectivity_run_project_id_project"), type_="foreignkey"
        )
        batch_op.drop_column("project_id")
    _create_links()
    if links:
        op.bulk_insert(_LINKS, links)


def downgrade() -> None:
    found = op.get_bind().execute(
        sa.text("SELECT run_id, MIN(project_id) FROM prospectivity_run_project GROUP BY run_id")
    )
    first = [{"run": run, "project": project} for run, project in found]
    with op.batch_alter_table("prospectivity_run_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prospectivity_run_project_project_id"))
    op.drop_table("prospectivity_run_project")
    with op.batch_alter_table("prospectivity_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_prospectivity_run_project_id_project"),
            "project",
            ["project_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_prospectivity_run_project_id"), ["project_id"], unique=False
        )
    for row in first:
        op.get_bind().execute(
            sa.text("UPDATE prospectivity_run SET project_id = :project WHERE id = :run"), row
        )
