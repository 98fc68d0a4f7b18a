"""Shop databases made before migrations (stamped at the baseline) get the tables, nullable columns
and indexes of the baseline they lack (a shop made by an older bot/shop/seed.py, or only partly);
a database made by 0001 already has them all.

Revision ID: 0002
Revises: 0001
"""
from bot.migrations.catch_up import add_what_is_missing
from bot.migrations.shop import baseline_schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_what_is_missing(baseline_schema.metadata)


def downgrade() -> None:
    """Nothing to undo: the baseline itself has all of it."""
