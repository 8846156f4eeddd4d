"""feed polling state and actor follows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 17:32:55.352289
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actorfollow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('last_statement_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscription.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subscription_id', 'actor_id')
    )
    with op.batch_alter_table('actorfollow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actorfollow_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actorfollow_subscription_id'), ['subscription_id'], unique=False)

    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_url', sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('trusted', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('poll_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('next_poll_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('etag', sa.String(length=512), nullable=True))
        batch_op.add_column(sa.Column('last_modified', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('last_fetched_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=512), nullable=True))
        batch_op.add_column(sa.Column('error_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('admins_told', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_source_next_poll_at'), ['next_poll_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_next_poll_at'))
        batch_op.drop_column('admins_told')
        batch_op.drop_column('error_count')
        batch_op.drop_column('last_error')
        batch_op.drop_column('last_fetched_at')
        batch_op.drop_column('last_modified')
        batch_op.drop_column('etag')
        batch_op.drop_column('next_poll_at')
        batch_op.drop_column('poll_seconds')
        batch_op.drop_column('trusted')
        batch_op.drop_column('active')
        batch_op.drop_column('site_url')

    with op.batch_alter_table('actorfollow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actorfollow_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_actorfollow_actor_id'))

    op.drop_table('actorfollow')
