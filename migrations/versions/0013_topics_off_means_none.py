"""topics: "off" and "none" saved as topics meant no topics

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:00:00.000000

`/settings include off` used to keep "off" as the one topic (and matched it inside "offer"); it
now clears the list, as it does for quiet hours, so the rows it wrote are read as it meant.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

COLUMNS = ("include_keywords", "exclude_keywords")


def upgrade() -> None:
    for column in COLUMNS:
        op.execute(
            sa.text(f"UPDATE subscription SET {column} = '' WHERE {column} IN ('off', 'none')")
        )


def downgrade() -> None:
    """Nothing to undo: an empty list is what those rows asked for under either version."""
