"""stories

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 08:33:26.619845
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('story',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=512), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('listed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.create_index('ix_story_listed', ['listed_at', 'id'], unique=False)

    op.create_table('termfrequency',
    sa.Column('term', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('articles', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('term')
    )
    op.create_table('storydelivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('sentences', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_id', 'story_id')
    )
    with op.batch_alter_table('storydelivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storydelivery_story_id'), ['story_id'], unique=False)

    op.create_table('storyprofile',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('weights', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
    sa.PrimaryKeyConstraint('article_id')
    )
    op.create_table('storyterm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.BigInteger(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('listed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('storyterm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storyterm_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_storyterm_lookup', ['term', 'listed_at', 'article_id', 'story_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_storyterm_story_id'), ['story_id'], unique=False)

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('story_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_article_story_id'), ['story_id'], unique=False)
        batch_op.create_foreign_key('fk_article_story_id_story', 'story', ['story_id'], ['id'])

    # Articles stored before stories existed: each is a story of its own (pages readers sent
    # stay out of stories), so reading never meets an article without one.
    connection = op.get_bind()
    article = sa.table(
        'article', sa.column('id', sa.Integer), sa.column('source_id', sa.Integer),
        sa.column('title', sa.String), sa.column('listed_at', sa.DateTime(timezone=True)),
        sa.column('story_id', sa.Integer),
        sa.column('owner_chat_id', sa.BigInteger),
    )
    source = sa.table('source', sa.column('id', sa.Integer), sa.column('kind', sa.String))
    story = sa.table(
        'story', sa.column('id', sa.Integer), sa.column('title', sa.String),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('listed_at', sa.DateTime(timezone=True)),
    )
    rows = connection.execute(
        sa.select(article.c.id, article.c.title, article.c.listed_at)
        .join(source, source.c.id == article.c.source_id)
        .where(source.c.kind != 'page', article.c.owner_chat_id.is_(None))
        .order_by(article.c.id)
    ).all()
    for article_id, title, listed_at in rows:
        story_id = connection.execute(
            story.insert().values(title=title, created_at=listed_at, listed_at=listed_at)
            .returning(story.c.id)
        ).scalar_one()
        connection.execute(
            article.update().where(article.c.id == article_id).values(story_id=story_id)
        )


def downgrade() -> None:
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_constraint('fk_article_story_id_story', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_article_story_id'))
        batch_op.drop_column('story_id')

    with op.batch_alter_table('storyterm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storyterm_story_id'))
        batch_op.drop_index('ix_storyterm_lookup')
        batch_op.drop_index(batch_op.f('ix_storyterm_article_id'))

    op.drop_table('storyterm')
    op.drop_table('storyprofile')
    with op.batch_alter_table('storydelivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storydelivery_story_id'))

    op.drop_table('storydelivery')
    op.drop_table('termfrequency')
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.drop_index('ix_story_listed')

    op.drop_table('story')
