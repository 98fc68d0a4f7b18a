"""Baseline: the event outbox mark in the tracker store database, as bot/rasa_ext/tracker_store.py
created it when migrations began (commit c629cdf).

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aurora_event_outbox",
        sa.Column("sender_id", sa.String(255), primary_key=True),
        sa.Column("published_id", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("aurora_event_outbox")
