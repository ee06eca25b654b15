"""initial register

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cajad.register.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_key", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_entity_key"), ["entity_key"], unique=False)

    op.create_table(
        "fx_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("granularity", sa.String(length=5), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate", cajad.register.types.ExactDecimal(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fx_rate")),
        sa.UniqueConstraint(
            "source", "granularity", "period_start", "currency", name="uq_fx_rate_key"
        ),
    )
    with op.batch_alter_table("fx_rate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fx_rate_lookup", ["currency", "granularity", "period_start"], unique=False
        )

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=True),
        sa.Column("type", sa.String(length=4), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
        sa.UniqueConstraint("ref", name=op.f("uq_organisation_ref")),
    )
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("instrument", sa.String(length=40), nullable=True),
        sa.Column("default_currency", sa.String(length=3), nullable=True),
        sa.Column("agreement_date", sa.Date(), nullable=True),
        sa.Column("agreement_date_precision", sa.String(length=5), nullable=True),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("package_id", sa.Integer(), nullable=True),
        sa.Column("priority_area_override", sa.String(length=20), nullable=True),
        sa.Column("counts_toward_goal", sa.Boolean(), nullable=False),
        sa.Column("count_decision", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "stage IN ('idea', 'mou', 'feasibility', 'financing', 'implementation', "
            "'operation', 'cancelled')",
            name=op.f("ck_project_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["project.id"],
            name=op.f("fk_project_package_id_project"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("identifier", name=op.f("uq_project_identifier")),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_instrument"), ["instrument"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_package_id"), ["package_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_stage"), ["stage"], unique=False)

    op.create_table(
        "rollup",
        sa.Column("dimension", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("jpy", cajad.register.types.Money(), nullable=False),
        sa.Column("usd", cajad.register.types.Money(), nullable=False),
        sa.Column("eur", cajad.register.types.Money(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dimension", "key", "type", "value_date", name=op.f("pk_rollup")),
    )
    op.create_table(
        "budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", cajad.register.types.ExactDecimal(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_budget_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget")),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=8), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_document_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    op.create_table(
        "location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("latitude", cajad.register.types.ExactDecimal(), nullable=True),
        sa.Column("longitude", cajad.register.types.ExactDecimal(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_location_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location")),
    )
    op.create_table(
        "participation",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_participation_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_participation_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "organisation_id", "role", name=op.f("pk_participation")
        ),
    )
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participation_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "project_country",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("is_region", sa.Boolean(), nullable=False),
        sa.Column("percentage", cajad.register.types.ExactDecimal(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_country_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "code", name=op.f("pk_project_country")),
    )
    op.create_table(
        "project_sector",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("vocabulary", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("percentage", cajad.register.types.ExactDecimal(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_sector_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "vocabulary", "code", name=op.f("pk_project_sector")),
    )
    op.create_table(
        "transaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("value", cajad.register.types.ExactDecimal(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("transaction_date", sa.Date(), nullable=True),
        sa.Column("qualifier", sa.String(length=40), nullable=True),
        sa.Column("instrument", sa.String(length=40), nullable=True),
        sa.Column("finance_type", sa.String(length=8), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("provider_org_id", sa.Integer(), nullable=True),
        sa.Column("provider_activity", sa.String(length=200), nullable=True),
        sa.Column("receiver_org_id", sa.Integer(), nullable=True),
        sa.Column("receiver_activity", sa.String(length=200), nullable=True),
        sa.Column("value_jpy", cajad.register.types.Money(), nullable=True),
        sa.Column("value_usd", cajad.register.types.Money(), nullable=True),
        sa.Column("value_eur", cajad.register.types.Money(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_transaction_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_org_id"],
            ["organisation.id"],
            name=op.f("fk_transaction_provider_org_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_org_id"],
            ["organisation.id"],
            name=op.f("fk_transaction_receiver_org_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transaction")),
        sa.UniqueConstraint("project_id", "ref", name="uq_transaction_ref"),
    )
    with op.batch_alter_table("transaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transaction_project_id"), ["project_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_transaction_provider_activity"), ["provider_activity"], unique=False
        )
        batch_op.create_index("ix_transaction_type_date", ["type", "value_date"], unique=False)

    _make_audit_log_append_only()


def _make_audit_log_append_only() -> None:
    """Refuse UPDATE and DELETE on the audit log at the database level."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    with op.batch_alter_table("transaction", schema=None) as batch_op:
        batch_op.drop_index("ix_transaction_type_date")
        batch_op.drop_index(batch_op.f("ix_transaction_provider_activity"))
        batch_op.drop_index(batch_op.f("ix_transaction_project_id"))

    op.drop_table("transaction")
    op.drop_table("project_sector")
    op.drop_table("project_country")
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participation_organisation_id"))

    op.drop_table("participation")
    op.drop_table("location")
    op.drop_table("document")
    op.drop_table("budget")
    op.drop_table("rollup")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_stage"))
        batch_op.drop_index(batch_op.f("ix_project_package_id"))
        batch_op.drop_index(batch_op.f("ix_project_instrument"))

    op.drop_table("project")
    op.drop_table("organisation")
    with op.batch_alter_table("fx_rate", schema=None) as batch_op:
        batch_op.drop_index("ix_fx_rate_lookup")

    op.drop_table("fx_rate")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_entity_key"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
