"""article owners: a page a chat sent is that chat's only

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00.000000

Pages users sent were stored for everyone to reach (by number, title words or a button), with
any credentials their links carried, and their quotes fed /actor and follows. Who sent them
was never recorded, so they cannot be handed back to their readers: they are deleted with
everything derived from them (a reader gets a page back by sending its link again), and the
actors only such pages knew go with them. Content stays unique among the articles for
everyone, and within each chat's own pages.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PUBLIC = sa.text("owner_chat_id IS NULL")
OWNED = sa.text("owner_chat_id IS NOT NULL")
# SQLite's copy of the table needs a name for the unnamed UNIQUE (content_hash) of 0001.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _unique_content_name() -> str:
    sqlite = op.get_bind().dialect.name == "sqlite"
    return "uq_article_content_hash" if sqlite else "article_content_hash_key"


PAGES = (
    "SELECT article.id FROM article JOIN source ON source.id = article.source_id "
    "WHERE source.kind = 'page'"
)
ORPHANS = (
    "SELECT actor_id FROM touched_actor WHERE "
    "NOT EXISTS (SELECT 1 FROM mention WHERE mention.actor_id = touched_actor.actor_id) AND "
    "NOT EXISTS (SELECT 1 FROM statement WHERE statement.actor_id = touched_actor.actor_id)"
)


def _forget_unowned_pages() -> None:
    op.execute(
        "CREATE TEMPORARY TABLE touched_actor AS "
        f"SELECT actor_id FROM mention WHERE article_id IN ({PAGES}) "
        f"UNION SELECT actor_id FROM statement WHERE article_id IN ({PAGES})"
    )
    for table in ("summary", "mention", "statement"):
        op.execute(f"DELETE FROM {table} WHERE article_id IN ({PAGES})")
    op.execute("DELETE FROM article WHERE source_id IN (SELECT id FROM source WHERE kind = 'page')")
    op.execute("DELETE FROM source WHERE kind = 'page'")
    op.execute(
        "UPDATE actor SET mention_count = "
        "(SELECT count(*) FROM mention WHERE mention.actor_id = actor.id) "
        "WHERE id IN (SELECT actor_id FROM touched_actor)"
    )
    for table in ("actoralias", "actorfollow"):
        op.execute(f"DELETE FROM {table} WHERE actor_id IN ({ORPHANS})")
    op.execute(f"DELETE FROM actor WHERE id IN ({ORPHANS})")
    op.execute("DROP TABLE touched_actor")


def upgrade() -> None:
    _forget_unowned_pages()
    with op.batch_alter_table('article', schema=None, naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.add_column(sa.Column('owner_chat_id', sa.BigInteger(), nullable=True))
        batch_op.drop_constraint(_unique_content_name(), type_='unique')
        batch_op.create_index(
            'uq_article_public_content', ['content_hash'], unique=True,
            sqlite_where=PUBLIC, postgresql_where=PUBLIC,
        )
        batch_op.create_index(
            'uq_article_owned_content', ['owner_chat_id', 'content_hash'], unique=True,
            sqlite_where=OWNED, postgresql_where=OWNED,
        )


def downgrade() -> None:
    # Without owners, a reader's page would be everyone's: they go, as on the way up.
    owned = "SELECT id FROM article WHERE owner_chat_id IS NOT NULL"
    for table in ("summary", "mention", "statement"):
        op.execute(f"DELETE FROM {table} WHERE article_id IN ({owned})")
    op.execute("DELETE FROM article WHERE owner_chat_id IS NOT NULL")
    with op.batch_alter_table('article', schema=None, naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_index('uq_article_owned_content')
        batch_op.drop_index('uq_article_public_content')
        batch_op.create_unique_constraint(_unique_content_name(), ['content_hash'])
        batch_op.drop_column('owner_chat_id')
