"""Rollup split by composition (basis and evidence tier): the key widens by the composition
code, and the rollup is rebuilt so that the ``c:<dimension>`` rows exist for the money already
in the register.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from cajad.register import rollup

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rollup", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=40), type_=sa.String(length=43))
    session = Session(bind=op.get_bind())
    rollup.rebuild(session)
    session.flush()


def downgrade() -> None:
    op.execute("DELETE FROM rollup WHERE dimension LIKE 'c:%'")
    with op.batch_alter_table("rollup", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=43), type_=sa.String(length=40))
