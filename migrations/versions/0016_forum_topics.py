"""forum topics: subscriptions and outbox rows remember the topic they go to

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 09:00:00.000000

/subscribe inside a forum topic subscribes that topic (subscription.message_thread_id), and
every digest and breaking update queued for it names the topic (outboxmessage.message_thread_id).
NULL, as every row before this revision: the chat itself, its general chat in a forum.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLES = ('subscription', 'outboxmessage')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('message_thread_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    # Without the column everything goes to the chat itself, as before topics were known.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('message_thread_id')
