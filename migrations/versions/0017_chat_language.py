"""chat language: the language a chat chose, and the one its people's Telegram speaks

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 12:10:00.000000

`language` is the chat's own choice in /settings (empty: follow its people); `seen_language`
is the `language_code` Telegram last reported for someone writing in the chat, so digests and
notices, which answer nobody's message, still go out in the reader's language.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('seen_language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.drop_column('seen_language')
        batch_op.drop_column('language')
