"""shared send slots

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 18:52:20.394650
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sendslot',
    sa.Column('slot', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('slot')
    )


def downgrade() -> None:
    op.drop_table('sendslot')
