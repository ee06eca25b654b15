"""screening: catalogue snapshots, screenings, answers, evidence

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cajad.register.types

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Stored verdicts, answers and catalogue snapshots are never changed, only added to.
FROZEN = ("screening_catalogue", "screening", "screening_answer")


def upgrade() -> None:
    op.create_table(
        "screening_catalogue",
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_screening_catalogue")),
    )
    op.create_table(
        "screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("catalogue_version", sa.String(length=40), nullable=False),
        sa.Column("screened_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=2), nullable=False),
        sa.Column("grade", sa.String(length=2), nullable=False),
        sa.Column("score", cajad.register.types.ExactDecimal(), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("red_flags", sa.Integer(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("inputs_digest", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["catalogue_version"],
            ["screening_catalogue.version"],
            name=op.f("fk_screening_catalogue_version_screening_catalogue"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_screening_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening")),
    )
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_catalogue_version"), ["catalogue_version"], unique=False
        )
        batch_op.create_index("ix_screening_project_latest", ["project_id", "id"], unique=False)

    op.create_table(
        "screening_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(length=120), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("catalogue_version", sa.String(length=40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_screening_answer_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_answer")),
    )
    with op.batch_alter_table("screening_answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_screening_answer_project_question", ["project_id", "question"], unique=False
        )

    op.create_table(
        "screening_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["screening_answer.id"],
            name=op.f("fk_screening_evidence_answer_id_screening_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_screening_evidence_document_id_document"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_evidence")),
    )
    with op.batch_alter_table("screening_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_evidence_answer_id"), ["answer_id"], unique=False
        )

    _refuse_updates()


def _refuse_updates() -> None:
    """Refuse UPDATE on stored verdicts, answers and catalogue snapshots at the database level."""
    if op.get_bind().dialect.name == "sqlite":
        for table in FROZEN:
            op.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION screening_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in FROZEN:
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION screening_append_only()"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name != "sqlite"
    for table in FROZEN:
        op.execute(f"DROP TRIGGER {table}_no_update" + (f" ON {table}" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION screening_append_only()")
    with op.batch_alter_table("screening_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_evidence_answer_id"))
    op.drop_table("screening_evidence")
    with op.batch_alter_table("screening_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_answer_project_question")
    op.drop_table("screening_answer")
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_project_latest")
        batch_op.drop_index(batch_op.f("ix_screening_catalogue_version"))
    op.drop_table("screening")
    op.drop_table("screening_catalogue")
