"""Exact decimals of any precision on PostgreSQL: ``NUMERIC`` without a declared scale.

``ExactDecimal`` columns were ``NUMERIC(38, 12)`` on PostgreSQL, so a value with more than 12
decimals (43 of the bundled exchange rates, such as 79.8070198321892) was rounded there while
SQLite, which keeps the canonical text, kept it whole: the same register read differently on the
two stores, and a SQLite register restored into PostgreSQL was not the same register. Widening
``NUMERIC(38, 12)`` to ``NUMERIC`` changes no stored value. SQLite is left unchanged.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: Every ``ExactDecimal`` column: (table, column, nullable).
COLUMNS = (
    ("fx_rate", "rate", False),
    ("budget", "value", False),
    ("location", "latitude", True),
    ("location", "longitude", True),
    ("organisation_budget", "value", False),
    ("organisation_budget_line", "value", False),
    ("project_country", "percentage", False),
    ("project_sector", "percentage", False),
    ("screening", "score", True),
    ("transaction", "value", False),
)


def _retype(new: sa.Numeric[Decimal], old: sa.Numeric[Decimal]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, nullable in COLUMNS:
        op.alter_column(table, column, type_=new, existing_type=old, existing_nullable=nullable)


def upgrade() -> None:
    _retype(sa.Numeric(asdecimal=True), sa.Numeric(38, 12))


def downgrade() -> None:
    _retype(sa.Numeric(38, 12), sa.Numeric(asdecimal=True))
