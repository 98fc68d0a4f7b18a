"""Baseline: the handoff store as create_all made it when migrations began (commit c629cdf).

Revision ID: 0001
Revises:
"""
from alembic import op

from bot.migrations.handoff import baseline_schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    baseline_schema.metadata.create_all(op.get_bind(), checkfirst=False)


def downgrade() -> None:
    baseline_schema.metadata.drop_all(op.get_bind(), checkfirst=False)
