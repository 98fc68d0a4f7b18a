"""Daily pre-aggregates of the insights rollups (bot/insights/days.py): the shop days already
worked out, and their conversations counted by outcome. Built by the relay broker's feed and the
backfill; until then a range is worked out from the summary rows, as before.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insights_days",
        sa.Column("timezone", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("cases_since", sa.Float, nullable=False),
        sa.Column("cases_until", sa.Float, nullable=False),
        sa.Column("look_ahead_until", sa.Float, nullable=False),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.Column("built_at", sa.Float, nullable=False),
    )
    op.create_table(
        "insights_day_outcomes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(128)),
        sa.Column("contained", sa.Boolean, nullable=False),
        sa.Column("resolved", sa.Boolean, nullable=False),
        sa.Column("repeat_free", sa.Boolean, nullable=False),
        sa.Column("handed", sa.Boolean, nullable=False),
        sa.Column("conversations", sa.Integer, nullable=False),
        sa.Column("first_started", sa.Float, nullable=False),
    )
    op.create_index("ix_insights_day_outcomes_day", "insights_day_outcomes", ["timezone", "day"])


def downgrade() -> None:
    op.drop_index("ix_insights_day_outcomes_day", "insights_day_outcomes")
    op.drop_table("insights_day_outcomes")
    op.drop_table("insights_days")
