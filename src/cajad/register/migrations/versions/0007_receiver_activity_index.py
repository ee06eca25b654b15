"""Index the receiver activity of transactions: funding chains are followed from both ends.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_transaction_receiver_activity", "transaction", ["receiver_activity"])


def downgrade() -> None:
    op.drop_index("ix_transaction_receiver_activity", table_name="transaction")
