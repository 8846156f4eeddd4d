"""send shares: instances split the overall rate into leased shares instead of booking slots

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 12:30:00.000000

Booked send slots spaced the moments sends started, but Telegram counts a message when it
arrives, and arrivals bunch (a late event loop, a slow trip): two instances drew 429s. Each
instance now holds a share of the window's places (sendshare) and counts every send in it until
a second after its answer, as one instance always did. Slots are only ever a few seconds ahead,
so dropping them loses nothing.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sendshare',
        sa.Column('owner', sa.String(length=32), nullable=False),
        sa.Column('places', sa.Integer(), nullable=False),
        sa.Column('wants', sa.Boolean(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('owner'),
    )
    op.drop_table('sendslot')


def downgrade() -> None:
    op.create_table(
        'sendslot',
        sa.Column('slot', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('slot'),
    )
    op.drop_table('sendshare')
