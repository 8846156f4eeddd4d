"""backlog: what a feed listed before it was added is stored, never sent in digests

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:00:00.000000

An article's `backlog` marks the entries a feed already listed when it was first read; a
source's `fill` says how far its past has been read (new, filling, current). Articles and
feeds stored before this revision count as news and as read up to now.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('article') as batch:
        batch.add_column(
            sa.Column('backlog', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('source') as batch:
        batch.add_column(
            sa.Column('fill', sa.String(length=8), nullable=False, server_default='current')
        )


def downgrade() -> None:
    with op.batch_alter_table('source') as batch:
        batch.drop_column('fill')
    with op.batch_alter_table('article') as batch:
        batch.drop_column('backlog')
