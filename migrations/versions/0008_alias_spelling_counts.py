"""alias spelling counts: actors are shown under the spelling most articles use

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 10:00:00.000000

Existing aliases start at zero, but for the name each actor is shown under today, which counts
as one article, so nothing changes until new articles vote.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('actoralias') as batch:
        batch.add_column(sa.Column('articles', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('occurrences', sa.Integer(), nullable=False, server_default='0'))
    op.execute(
        "UPDATE actoralias SET articles = 1 WHERE alias = "
        "(SELECT actor.name FROM actor WHERE actor.id = actoralias.actor_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table('actoralias') as batch:
        batch.drop_column('occurrences')
        batch.drop_column('articles')
