"""Our one table in Rasa's tracker store database: per conversation, the id of the last event the
event broker confirmed (the outbox mark, bot/rasa_ext/tracker_store.py). Its schema is migrated by
bot/migrations/tracker/; Rasa's own tables are Rasa's."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

outbox = sa.Table(
    "aurora_event_outbox", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("published_id", sa.Integer, nullable=False),
)
