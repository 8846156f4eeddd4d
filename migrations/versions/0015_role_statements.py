"""role statements: what someone known only by a role said, until the role names a person

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 12:00:00.000000

"The Russian president stated …" in an article that names Putin without that title waits here
until an article says who holds the role; then it becomes Putin's statement.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rolestatement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=256), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('sentence', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['article.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rolestatement_article_id', 'rolestatement', ['article_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rolestatement_article_id', table_name='rolestatement')
    op.drop_table('rolestatement')
