"""images: an article's picture, the link preview an outbox row shows, a chat's choice of them

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 16:00:00.000000

`article.image_url` is the picture a feed or page gave the article; `outboxmessage.preview_url`
is the link a queued message previews large above its text (a digest's top story's picture);
`chat.images` is /settings images on|off, on for every chat that was there before.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('image_url', sa.String(length=2048), nullable=True)
        )
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('preview_url', sa.String(length=2048), nullable=True)
        )
    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('images', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.drop_column('images')
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_column('preview_url')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_column('image_url')
