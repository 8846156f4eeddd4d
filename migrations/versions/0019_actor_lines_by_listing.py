"""actor lines by listing time: /actor reads a page off an index, and counts no statements

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 13:30:00.000000

An actor's statements and mentions were shown newest first by joining every one of them to its
article and sorting: at 100,000 articles a much-quoted actor has tens of thousands, and /actor
counted them all too. Statements and mentions now carry their article's listing time (set at
ingest, never changed), indexed behind the actor, and actors keep their statement count as
they keep their mention count.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

LINES = ("statement", "mention")


def upgrade() -> None:
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('statement_count', sa.Integer(), nullable=False, server_default='0')
        )
    op.execute(
        "UPDATE actor SET statement_count = "
        "(SELECT count(*) FROM statement WHERE statement.actor_id = actor.id)"
    )
    for table in LINES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('listed_at', sa.DateTime(timezone=True), nullable=True))
        op.execute(
            f"UPDATE {table} SET listed_at = "
            f"(SELECT listed_at FROM article WHERE article.id = {table}.article_id)"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                'listed_at', existing_type=sa.DateTime(timezone=True), nullable=False
            )
            batch_op.drop_index(f'ix_{table}_actor_id')
            batch_op.create_index(
                f'ix_{table}_actor_listed', ['actor_id', 'listed_at', 'article_id'], unique=False
            )


def downgrade() -> None:
    for table in LINES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_actor_listed')
            batch_op.create_index(f'ix_{table}_actor_id', ['actor_id'], unique=False)
            batch_op.drop_column('listed_at')
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.drop_column('statement_count')
