"""A project's composition and counting date as columns: ``basis`` (itemised or aggregate),
``evidence`` (its tier) and ``counting_date`` (the curated day that places a project without
money in time). Until now the composition was a tag at the end of the decision text
(``[aggregate; evidence: press]``); the upgrade moves each tag into the columns and takes it out
of the text, the downgrade puts it back. The rollup is rebuilt from the columns (this is the
rebuild 0009 announced).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from cajad.register import rollup

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TAG = re.compile(
    r"\s*\[(itemised|aggregate); evidence: (financier|company|government|press|unknown)\]"
)
_PROJECT = sa.table(
    "project",
    sa.column("id", sa.Integer),
    sa.column("count_decision", sa.Text),
    sa.column("basis", sa.String),
    sa.column("evidence", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("basis", sa.String(length=10), server_default="itemised", nullable=False)
        )
        batch_op.add_column(
            sa.Column("evidence", sa.String(length=12), server_default="unknown", nullable=False)
        )
        batch_op.add_column(sa.Column("counting_date", sa.Date(), nullable=True))
    bind = op.get_bind()
    tagged = bind.execute(
        sa.select(_PROJECT.c.id, _PROJECT.c.count_decision).where(
            _PROJECT.c.count_decision.like("%; evidence: %")
        )
    ).all()
    for pid, decision in tagged:
        found = _TAG.findall(decision)
        if not found:
            continue
        basis, evidence = found[-1]  # merged rows listed theirs in order; the last one won
        bind.execute(
            _PROJECT.update()
            .where(_PROJECT.c.id == pid)
            .values(count_decision=_TAG.sub("", decision), basis=basis, evidence=evidence)
        )
    session = Session(bind=bind)
    rollup.rebuild(session)
    session.flush()


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_PROJECT.c.id, _PROJECT.c.count_decision, _PROJECT.c.basis, _PROJECT.c.evidence)
    ).all()
    for pid, decision, basis, evidence in rows:
        tag = f"[{basis}; evidence: {evidence}]"
        bind.execute(
            _PROJECT.update()
            .where(_PROJECT.c.id == pid)
            .values(count_decision=f"{decision} {tag}" if decision else tag)
        )
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of the table would drop
    # and recreate it, and with foreign keys on the drop cascades to every project's parts.
    for column in ("counting_date", "evidence", "basis"):
        op.execute(f"ALTER TABLE project DROP COLUMN {column}")
