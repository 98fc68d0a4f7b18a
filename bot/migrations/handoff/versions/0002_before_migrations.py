"""Databases made before migrations (stamped at the baseline) get what their version of the code
didn't make: tables (surveys, insights rollups, privacy audit), nullable columns (agents' role,
languages and teams, cases' category and stage, rollups' settled state) and indexes added since.
This was add_missing_columns' job at every start; a database made by 0001 already has them all.

Revision ID: 0002
Revises: 0001
"""
from bot.migrations.catch_up import add_what_is_missing
from bot.migrations.handoff import baseline_schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_what_is_missing(baseline_schema.metadata)


def downgrade() -> None:
    """Nothing to undo: the baseline itself has all of it."""
