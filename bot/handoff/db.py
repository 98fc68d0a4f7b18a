"""The handoff tables and their engine. SQLite (sqlite:///var/handoff.db) is the embedded
default, PostgreSQL the production store: same tables, same code. A change to these tables
needs its revision in bot/migrations/handoff/versions/ (tests/test_migrations.py fails without).

| variable | default | what |
|---|---|---|
| HANDOFF_DATABASE_URL | sqlite:///var/handoff.db | SQLAlchemy URL of the handoff store |
"""
from __future__ import annotations

from sqlalchemy import (
    JSON, Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
)
from sqlalchemy.engine import Engine

from bot import sql_engine
from bot.migrations import runner, stores

DEFAULT_URL = "sqlite:///var/handoff.db"
TIMEOUT_S = 5

metadata = MetaData()

agents = Table(
    "handoff_agents", metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(128), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_seen_at", Float),  # the console was used: the agent counts as online for a while
    Column("role", String(16)),  # agent or supervisor (insights, privacy requests); empty = agent
    Column("language", String(8)),  # the console's language for this agent; empty = the shop's default
    Column("languages", String(64)),  # languages the agent answers in, "es,en"; empty = any
    Column("teams", String(128)),  # teams the agent is in, "returns,general"; empty = general
)

sessions = Table(
    "handoff_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the bearer token, never the token
    Column("username", String(64), ForeignKey("handoff_agents.username"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)

login_failures = Table(
    "handoff_login_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(160), nullable=False, index=True),  # an opaque key: bot/security/attempts.py
    Column("at", Float, nullable=False),
)

cases = Table(
    "handoff_cases", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(256), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("base_priority", Integer, nullable=False),
    Column("status", String(16), nullable=False, index=True),  # pending ticket assigned resolved handed_back
    Column("agent", String(64)),
    Column("customer_key", String(256), index=True),  # verified customer id, else the conversation
    Column("customer_name", String(256)),
    Column("contact", String(256)),
    Column("summary", Text, nullable=False),
    Column("context", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("claimed_at", Float),
    Column("closed_at", Float),
    Column("csat", Integer),
    Column("csat_at", Float),
    Column("category", String(16)),  # the team it belongs to: returns payments shipping general (shop/console.yml)
    Column("stage", String(24)),  # what the customer is told: received in_progress waiting_customer resolved
)

messages = Table(
    "handoff_messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("handoff_cases.id"), nullable=False, index=True),
    Column("sender", String(16), nullable=False),  # customer bot agent
    Column("text", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # message button attachment
    Column("buttons", JSON),
    Column("timestamp", Float, nullable=False),
    Column("channel", String(32)),
    Column("agent", String(64)),
    Column("delivered", Boolean),
    # The Rasa event a message came from ("<sender>@<timestamp>"): the same event reaches the case
    # from the tracker snapshot and from the relay, and must be stored once.
    Column("event_key", String(64)),
    UniqueConstraint("case_id", "event_key", name="uq_handoff_message_event"),
)

notes = Table(
    "handoff_notes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("handoff_cases.id"), nullable=False, index=True),
    Column("agent", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

# The NPS and effort questions (bot/insights/surveys.py): one row per question asked, the score
# once answered. The asked rows also keep a customer from being asked NPS twice within 30 days.
surveys = Table(
    "insights_surveys", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),  # nps (0-10) | effort (1-5)
    Column("conversation_id", String(256), nullable=False, index=True),
    Column("customer_key", String(256), nullable=False, index=True),  # as the cases' customer_key
    Column("channel", String(32)),
    Column("language", String(8)),
    Column("asked_at", Float, nullable=False, index=True),
    Column("score", Integer),
    Column("answered_at", Float),
)

# Insights rollups (bot/insights/rollups.py): one row per conversation, kept up to date from the
# event stream by the relay broker, rebuilt from the tracker store by `python -m bot insights
# backfill`. A date range's figures read these rows, not the tracker's events.
insights_conversations = Table(
    "insights_conversations", metadata,
    Column("key", String(300), primary_key=True),  # sender@started_at, as Conversation.key
    Column("sender_id", String(256), nullable=False),
    Column("started_at", Float, nullable=False, index=True),
    Column("ended_at", Float, nullable=False),
    Column("channel", String(64), nullable=False),
    Column("language", String(16), nullable=False),
    Column("customer_id", String(256)),
    Column("topic", String(128)),
    Column("intents", JSON, nullable=False),
    Column("response_ms", JSON, nullable=False),
    Column("handoff_action", Boolean, nullable=False),
    Column("identity_locked", Boolean, nullable=False),
    Column("order_ids", JSON, nullable=False),
    Column("product_categories", JSON, nullable=False),
    Column("late_order", Boolean, nullable=False),
    Column("last_action", String(128)),  # the fold's state: was the last bot turn a fallback?
    Column("waiting_since", Float),  # the fold's state: a customer message not answered yet
    # Once nothing can change it any more (the conversation ended over 8 days ago): when the same
    # customer next started a conversation on the same topic. Read instead of looked up.
    Column("next_same_topic", Float),
    Column("settled", Boolean),
    # "did the same customer come back on the same topic?": one index probe per conversation
    Index("ix_insights_conversations_sender_topic", "sender_id", "topic", "started_at"),
    Index("ix_insights_conversations_customer_topic", "customer_id", "topic", "started_at"),
)

# What the next event of a sender needs to know (bot/insights/fold.py's SenderState).
insights_senders = Table(
    "insights_senders", metadata,
    Column("sender_id", String(256), primary_key=True),
    Column("language", String(16), nullable=False),
    Column("after_session_start", Boolean, nullable=False),
    Column("current_key", String(300)),  # the current session's conversation, if the customer wrote
)

# Whether the rollups hold every conversation (a fresh store, or after a backfill): until then
# the figures are read from the tracker's events.
insights_rollup_state = Table(
    "insights_rollup_state", metadata,
    Column("name", String(32), primary_key=True),
    Column("built_at", Float, nullable=False),
    Column("how", String(16), nullable=False),  # fresh | backfill
)

# Daily pre-aggregates of the rollups (bot/insights/days.py): per shop day whose conversations are
# all settled, the conversations counted by outcome, and what the day was built with.
insights_days = Table(
    "insights_days", metadata,
    Column("timezone", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD in that timezone
    Column("cases_since", Float, nullable=False),  # the cases its conversations could have opened
    Column("cases_until", Float, nullable=False),
    Column("look_ahead_until", Float, nullable=False),  # a range must look ahead this far to use it
    Column("fingerprint", String(40), nullable=False),  # of those cases: ids, conversations, statuses
    Column("built_at", Float, nullable=False),
)
insights_day_outcomes = Table(
    "insights_day_outcomes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("timezone", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("language", String(16), nullable=False),
    Column("topic", String(128)),
    Column("contained", Boolean, nullable=False),
    Column("resolved", Boolean, nullable=False),  # by a person
    Column("repeat_free", Boolean, nullable=False),  # first contact resolved
    Column("handed", Boolean, nullable=False),
    Column("conversations", Integer, nullable=False),
    Column("first_started", Float, nullable=False),
    Index("ix_insights_day_outcomes_day", "timezone", "day"),
)

# One row per change to a case (new case, message, claim, ...): the console's live updates follow it.
changes = Table(
    "handoff_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, nullable=False),
    Column("at", Float, nullable=False),
)

# Who viewed, exported or erased which case or customer, and when (bot/privacy/audit.py). The
# customer is kept masked with a one-way fingerprint: the log must not undo an erasure.
privacy_audit = Table(
    "privacy_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False, index=True),
    Column("actor", String(128), nullable=False),  # a console username, or os:<user> for the CLI
    Column("action", String(16), nullable=False),  # view export erase retain
    Column("case_id", Integer),
    Column("subject", String(128)),  # "email a***@example.com", never the value itself
    Column("fingerprint", String(32)),
    Column("detail", JSON),
)


def database_url(env=None) -> str:
    """HANDOFF_DATABASE_URL (bot/settings.py), DEFAULT_URL when unset."""
    from bot import settings

    return settings.load(env).handoff.database_url


def make_engine(url: str) -> Engine:
    """An engine for `url`, its database upgraded to the newest schema (bot/migrations/handoff/:
    one query when it is there already). SQLite runs in WAL mode: the action server, the Rasa
    server and the web app all write to it."""
    engine = sql_engine.make_engine(url, TIMEOUT_S, wal=True, create_folder=True)
    runner.upgrade(engine, stores.HANDOFF)
    return engine
