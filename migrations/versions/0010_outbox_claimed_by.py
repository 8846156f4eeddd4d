"""outbox rows name the sender that claimed them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:05:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage') as batch:
        batch.add_column(sa.Column('claimed_by', sa.String(length=128), nullable=True))
        batch.create_index('ix_outboxmessage_claimed_by', ['claimed_by'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage') as batch:
        batch.drop_index('ix_outboxmessage_claimed_by')
        batch.drop_column('claimed_by')
