"""Accounts (issue 15): people who sign in, their organisations, sessions, API tokens and
sign-in attempts; the audit log's author account (``audit_log.account_id``); and each
project's owning organisation (``project.owner``).

The upgrade gives every existing project the owner an import would give it
(:mod:`cajad.register.ownership`): an IATI-imported project its publisher (the stored
activity's ``reporting-org``), any other its parties' rule. Those owners are set in place, not
audited: the audit log is append-only, and no one changed the projects.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op
from lxml import etree

from cajad.register.ownership import organisation_identifier, owner_of
from cajad.register.specs import OrganisationSpec, ParticipationSpec

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_PROJECT = sa.table("project", sa.column("id", sa.Integer), sa.column("owner", sa.String))
_PARTICIPATION = sa.table(
    "participation",
    sa.column("project_id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("role", sa.Integer),
)
_ORGANISATION = sa.table(
    "organisation",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("ref", sa.String),
)
_IATI = sa.table("iati_activity", sa.column("project_id", sa.Integer), sa.column("xml", sa.Text))
#: Stored activities are parsed as the importer parses files: no entities, no network.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def upgrade() -> None:
    _account_tables()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_account_id"), ["account_id"], unique=False)
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f("ix_project_owner"), ["owner"], unique=False)
    _backfill_owners()


def _account_tables() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_set_at", sa.DateTime(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
    )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempt_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempt_at"), ["at"], unique=False)
    op.create_table(
        "account_organisation",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        _account_fk("account_organisation"),
        sa.PrimaryKeyConstraint("account_id", "organisation", name=op.f("pk_account_organisation")),
    )
    op.create_table(
        "account_session",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        _account_fk("account_session"),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_account_session")),
    )
    with op.batch_alter_table("account_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_session_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_account_session_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        _account_fk("api_token"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("digest", name="uq_api_token_digest"),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_account_id"), ["account_id"], unique=False)


def _account_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["account_id"],
        ["account.id"],
        name=op.f(f"fk_{table}_account_id_account"),
        ondelete="CASCADE",
    )


def _backfill_owners() -> None:
    bind = op.get_bind()
    owners = _publishers(bind)
    parties: dict[int, list[ParticipationSpec]] = defaultdict(list)
    query = sa.select(
        _PARTICIPATION.c.project_id,
        _PARTICIPATION.c.role,
        _ORGANISATION.c.name,
        _ORGANISATION.c.ref,
    ).join(_ORGANISATION, _ORGANISATION.c.id == _PARTICIPATION.c.organisation_id)
    for pid, role, name, ref in bind.execute(query):
        org = OrganisationSpec(name=name, ref=ref)
        parties[pid].append(ParticipationSpec(organisation=org, role=role))
    for pid, found in parties.items():
        if pid not in owners and (owner := owner_of(found)) is not None:
            owners[pid] = owner
    if owners:
        bind.execute(
            _PROJECT.update()
            .where(_PROJECT.c.id == sa.bindparam("b_id"))
            .values(owner=sa.bindparam("b_owner")),
            [{"b_id": pid, "b_owner": owner} for pid, owner in sorted(owners.items())],
        )


def _publishers(bind: sa.Connection) -> dict[int, str]:
    """The ``reporting-org`` of each project imported from IATI: its ref, else its name."""
    found: dict[int, str] = {}
    for pid, xml in bind.execute(sa.select(_IATI.c.project_id, _IATI.c.xml)):
        try:
            reporting = etree.fromstring(xml.encode("utf-8"), _PARSER).find("reporting-org")
        except etree.XMLSyntaxError:
            continue
        if reporting is None:
            continue
        ref = (reporting.get("ref") or "").strip()
        name = " ".join((reporting.findtext("narrative") or "").split())
        if ref and len(ref) <= 120:
            found[pid] = ref
        elif name:
            found[pid] = organisation_identifier(OrganisationSpec(name=name[:300]))
    return found


def downgrade() -> None:
    # SQLite (3.35 and later) drops a column in place: rebuilding ``project`` would delete every
    # row that references it (ON DELETE CASCADE), and rebuilding ``audit_log`` lose its triggers.
    for table, column in (("project", "owner"), ("audit_log", "account_id")):
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
            batch_op.drop_column(column)
    for table in ("api_token", "account_session", "account_organisation", "login_attempt"):
        op.drop_table(table)
    op.drop_table("account")
