"""settings that meant nothing: "off" and "none" as topics, quiet hours from a time to itself

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:00:00.000000

`/settings include off` used to keep "off" as the one topic (and matched it inside "offer"); it
now clears the list, as it does for quiet hours, so the rows it wrote are read as it meant.
Quiet hours from 07:00 to 07:00 held nothing back yet showed on the card as if they did; they
are refused now, and the ones kept before are none.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TOPICS = ("include_keywords", "exclude_keywords")


def upgrade() -> None:
    for column in TOPICS:
        op.execute(
            sa.text(f"UPDATE subscription SET {column} = '' WHERE {column} IN ('off', 'none')")
        )
    op.execute(
        sa.text(
            "UPDATE subscription SET quiet_start = NULL, quiet_end = NULL "
            "WHERE quiet_start = quiet_end"
        )
    )


def downgrade() -> None:
    """Nothing to undo: no topics and no quiet hours are what those rows asked for."""
