"""chat sources: chats turn sources off, and may own feeds

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:30:00.000000

A chat's /sources choices are the sources it turned off (mutedsource), so a source added later
reaches everyone until they turn it off. A feed a chat added for itself (USER_FEEDS) names that
chat (source.owner_chat_id); addresses stay unique among the shared sources, and within each
chat's own, so two chats can each own the same feed.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

SHARED = sa.text("owner_chat_id IS NULL")
OWNED = sa.text("owner_chat_id IS NOT NULL")
# SQLite's copy of the table needs a name for the unnamed UNIQUE (url) of 0001.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _unique_url_name() -> str:
    return "uq_source_url" if op.get_bind().dialect.name == "sqlite" else "source_url_key"


def upgrade() -> None:
    op.create_table(
        'mutedsource',
        sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['source_id'], ['source.id']),
        sa.PrimaryKeyConstraint('chat_id', 'source_id'),
    )
    op.create_index('ix_mutedsource_source_id', 'mutedsource', ['source_id'], unique=False)
    with op.batch_alter_table('source', schema=None, naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.add_column(sa.Column('owner_chat_id', sa.BigInteger(), nullable=True))
        batch_op.drop_constraint(_unique_url_name(), type_='unique')
        batch_op.create_index(
            'uq_source_shared_url', ['url'], unique=True,
            sqlite_where=SHARED, postgresql_where=SHARED,
        )
        batch_op.create_index(
            'uq_source_owned_url', ['owner_chat_id', 'url'], unique=True,
            sqlite_where=OWNED, postgresql_where=OWNED,
        )


def downgrade() -> None:
    # Without owners a chat's own feed would be everyone's: its articles go with it.
    owned_sources = "SELECT id FROM source WHERE owner_chat_id IS NOT NULL"
    owned = f"SELECT id FROM article WHERE source_id IN ({owned_sources})"
    for table in ("summary", "mention", "statement"):
        op.execute(f"DELETE FROM {table} WHERE article_id IN ({owned})")
    op.execute(f"DELETE FROM article WHERE source_id IN ({owned_sources})")
    op.drop_index('ix_mutedsource_source_id', table_name='mutedsource')
    op.drop_table('mutedsource')
    op.execute("DELETE FROM source WHERE owner_chat_id IS NOT NULL")
    with op.batch_alter_table('source', schema=None, naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_index('uq_source_owned_url')
        batch_op.drop_index('uq_source_shared_url')
        batch_op.create_unique_constraint(_unique_url_name(), ['url'])
        batch_op.drop_column('owner_chat_id')
