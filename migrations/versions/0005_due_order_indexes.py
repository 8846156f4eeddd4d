"""due indexes in due order, no schedules for inactive chats

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 18:18:30.974474
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

SCHEDULED = sa.text("active AND rhythm <> 'instant'")
INSTANT = sa.text("active AND rhythm = 'instant'")


def upgrade() -> None:
    # Each kind of schedule in due order, so a page of due subscribers is read off an index
    # instead of every due row being collected and sorted (see digest.due_subscriptions).
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_due'))
        batch_op.create_index('ix_subscription_due', ['next_digest_at', 'id'], unique=False, postgresql_where=SCHEDULED, sqlite_where=SCHEDULED)
        batch_op.drop_index(batch_op.f('ix_subscription_instant'))
        batch_op.create_index('ix_subscription_instant', ['next_digest_at', 'id'], unique=False, postgresql_where=INSTANT, sqlite_where=INSTANT)
    # Chats that blocked the bot keep no schedule (deactivate_chat clears it from now on), so
    # the due index no longer holds their long-past slots in front of every due subscriber.
    op.execute(
        "UPDATE subscription SET next_digest_at = NULL "
        "WHERE chat_id IN (SELECT id FROM chat WHERE NOT active)"
    )


def downgrade() -> None:
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index('ix_subscription_instant', postgresql_where=INSTANT, sqlite_where=INSTANT)
        batch_op.create_index(batch_op.f('ix_subscription_instant'), ['rhythm', 'last_article_id'], unique=False)
        batch_op.drop_index('ix_subscription_due', postgresql_where=SCHEDULED, sqlite_where=SCHEDULED)
        batch_op.create_index(batch_op.f('ix_subscription_due'), ['active', 'next_digest_at'], unique=False)
