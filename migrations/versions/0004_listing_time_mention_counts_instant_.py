"""listing time, mention counts, instant index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 17:43:28.708643
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('mention_count', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.create_index(batch_op.f('ix_actor_mention_count'), ['mention_count'], unique=False)
    op.execute(
        "UPDATE actor SET mention_count = "
        "(SELECT count(*) FROM mention WHERE mention.actor_id = actor.id)"
    )

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed_at', sa.DateTime(timezone=True), nullable=True))
    # Existing articles: publication time unless missing or in the future, else ingest time.
    op.execute(
        "UPDATE article SET listed_at = CASE WHEN published_at IS NOT NULL "
        "AND published_at <= ingested_at THEN published_at ELSE ingested_at END"
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.alter_column('listed_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_index(batch_op.f('ix_article_published'))
        batch_op.create_index('ix_article_listed', ['listed_at', 'id'], unique=False)

    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index('ix_subscription_instant', ['rhythm', 'last_article_id'], unique=False)

    # Alias keys become the key of the surname alone (the last word of the full name's key).
    connection = op.get_bind()
    aliases = sa.table('actoralias', sa.column('id', sa.Integer), sa.column('key', sa.String))
    for alias_id, key in connection.execute(sa.select(aliases.c.id, aliases.c.key)).all():
        words = (key or "").split()
        surname = words[-1] if words else ""
        if surname != key:
            connection.execute(
                aliases.update().where(aliases.c.id == alias_id).values(key=surname)
            )


def downgrade() -> None:
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index('ix_subscription_instant')

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index('ix_article_listed')
        batch_op.create_index(batch_op.f('ix_article_published'), ['published_at'], unique=False)
        batch_op.drop_column('listed_at')

    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_mention_count'))
        batch_op.drop_column('mention_count')

