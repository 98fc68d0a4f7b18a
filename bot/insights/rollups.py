"""The insights rollups in the handoff store: one summary row per conversation and one fold state
per sender (tables in bot/handoff/db.py), kept up to date event by event (the relay broker calls
`apply_events`) and read back by date range (`conversations_between`). SQLite and PostgreSQL,
same code.

A batch of events costs one read of its senders' states and one write of what changed, in one
transaction: a turn's events (a customer message, the slots, the actions, the replies) arrive
together and are folded together.
"""
from __future__ import annotations

import time
from typing import Any, Dict, Iterable, List, Optional

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.engine import Connection, Engine

from bot.handoff import db
from bot.insights import fold
from bot.insights.conversations import Conversation

CONVERSATIONS, SENDERS, STATE = db.insights_conversations, db.insights_senders, db.insights_rollup_state
BUILT = "conversations"


def summary_row(summary: fold.Summary) -> dict:
    return {"key": summary.key, "sender_id": summary.sender_id, "started_at": summary.started_at,
            "ended_at": summary.ended_at, "channel": summary.channel[:64], "language": summary.language[:16],
            "customer_id": summary.customer_id, "topic": summary.topic, "intents": summary.intents,
            "response_ms": summary.response_ms, "handoff_action": summary.handoff_action,
            "identity_locked": summary.identity_locked, "order_ids": summary.order_ids,
            "product_categories": summary.product_categories, "late_order": summary.late_order,
            "last_action": summary.last_action, "waiting_since": summary.waiting_since,
            "next_same_topic": None, "settled": False}  # changed: to be settled again


def summary_of(row) -> fold.Summary:
    m = row._mapping
    return fold.Summary(
        sender_id=m["sender_id"], started_at=m["started_at"], ended_at=m["ended_at"], channel=m["channel"],
        language=m["language"], customer_id=m["customer_id"], topic=m["topic"], intents=list(m["intents"]),
        response_ms=list(m["response_ms"]), handoff_action=bool(m["handoff_action"]),
        identity_locked=bool(m["identity_locked"]), order_ids=list(m["order_ids"]),
        product_categories=list(m["product_categories"]), late_order=bool(m["late_order"]),
        last_action=m["last_action"], waiting_since=m["waiting_since"])


def state_row(state: fold.SenderState) -> dict:
    return {"sender_id": state.sender_id, "language": state.language[:16], "after_session_start": state.after_session_start,
            "current_key": state.current.key if state.current is not None else None}


# Built once: a turn's fold runs these two statements, and building them cost more than running them.
_STATES = select(SENDERS, *[c.label(f"c_{c.name}") for c in CONVERSATIONS.c]) \
    .select_from(SENDERS.outerjoin(CONVERSATIONS, CONVERSATIONS.c.key == SENDERS.c.current_key)) \
    .where(SENDERS.c.sender_id.in_(bindparam("senders", expanding=True)))
_UPSERTS: Dict[tuple, Any] = {}


def _load_states(conn: Connection, sender_ids: List[str], default_language: str) -> Dict[str, fold.SenderState]:
    rows = conn.execute(_STATES, {"senders": sender_ids}).all()
    states = {sender: fold.new_state(sender, default_language) for sender in sender_ids}
    for row in rows:
        m = row._mapping
        state = states[m["sender_id"]]
        state.language, state.after_session_start = m["language"], bool(m["after_session_start"])
        state.stored = (state.language, state.after_session_start, m["current_key"])
        if m["c_key"] is not None:
            state.current = fold.Summary(
                sender_id=m["c_sender_id"], started_at=m["c_started_at"], ended_at=m["c_ended_at"], channel=m["c_channel"],
                language=m["c_language"], customer_id=m["c_customer_id"], topic=m["c_topic"], intents=list(m["c_intents"]),
                response_ms=list(m["c_response_ms"]), handoff_action=bool(m["c_handoff_action"]),
                identity_locked=bool(m["c_identity_locked"]), order_ids=list(m["c_order_ids"]),
                product_categories=list(m["c_product_categories"]), late_order=bool(m["c_late_order"]),
                last_action=m["c_last_action"], waiting_since=m["c_waiting_since"])
    return states


def _upsert(conn: Connection, table, rows: List[dict], key: str) -> None:
    if not rows:
        return
    statement = _UPSERTS.get((conn.dialect.name, table.name))
    if statement is None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        statement = dialect_insert(table)
        statement = _UPSERTS[(conn.dialect.name, table.name)] = statement.on_conflict_do_update(
            index_elements=[table.c[key]], set_={c.name: statement.excluded[c.name] for c in table.c if c.name != key})
    conn.execute(statement, rows)


def apply_events(engine: Engine, events: Iterable[dict], default_language: str) -> int:
    """Fold published events (each with its `sender_id`, in the order Rasa stored them) into the
    rollups, in one transaction. Returns how many were folded."""
    events = [e for e in events if e.get("sender_id")]
    if not events:
        return 0
    senders = list(dict.fromkeys(e["sender_id"] for e in events))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Derived data: the tracker store keeps the events durably, and the backfill rebuilds
            # from them. Not waiting for the disk here halves what a turn pays for its rollups.
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        states = _load_states(conn, senders, default_language)
        for event in events:
            fold.apply(states[event["sender_id"]], event, default_language)
        save(conn, states.values())
    return len(events)


def save(conn: Connection, states: Iterable[fold.SenderState], fresh: bool = False) -> None:
    """Write the states and the conversations their fold touched (`fresh`: into empty tables,
    plain inserts)."""
    states = list(states)
    states_by_id = {state.sender_id: state for state in states}
    conversations = {s.key: summary_row(s) for state in states for s in state.touched}
    sender_rows = [row for row in map(state_row, states) if _changed(row, states_by_id[row["sender_id"]])]
    if fresh:
        for table, rows in ((CONVERSATIONS, list(conversations.values())), (SENDERS, sender_rows)):
            if rows:
                conn.execute(insert(table), rows)
    else:
        _upsert(conn, CONVERSATIONS, list(conversations.values()), "key")
        _upsert(conn, SENDERS, sender_rows, "sender_id")
        _forget_changed_days(conn, [row["started_at"] for row in conversations.values()])
    for state in states:
        state.touched.clear()
        state.stored = (state.language, state.after_session_start, state.current.key if state.current else None)


def _forget_changed_days(conn: Connection, started_ats: List[float]) -> None:
    """A conversation old enough to be in a built day changed (rare: a session resumed after days):
    that day is worked out again."""
    from bot.insights import days

    old = [at for at in started_ats if at < time.time() - SETTLE_AFTER_S]
    if old:
        days.forget_started(conn, old)


def _changed(row: dict, state: fold.SenderState) -> bool:
    return state.stored != (row["language"], row["after_session_start"], row["current_key"])


def clear(conn: Connection) -> None:
    from bot.insights import days

    days.clear(conn)
    for table in (CONVERSATIONS, SENDERS, STATE):
        conn.execute(delete(table))


def mark_built(conn: Connection, how: str, now: Optional[float] = None) -> None:
    conn.execute(delete(STATE).where(STATE.c.name == BUILT))
    conn.execute(insert(STATE).values(name=BUILT, built_at=now or time.time(), how=how))


def is_built(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(STATE.c.name).where(STATE.c.name == BUILT)).first() is not None


def conversations_between(engine: Engine, since: float, until: float, limit: Optional[int] = None) -> List[Conversation]:
    """The conversations started in [since, until), oldest first (at most `limit`)."""
    query = select(CONVERSATIONS).where(CONVERSATIONS.c.started_at >= since, CONVERSATIONS.c.started_at < until) \
        .order_by(CONVERSATIONS.c.started_at)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        return [summary_of(row).conversation() for row in conn.execute(query)]


def anonymise(engine: Engine, sender_ids: Iterable[str]) -> int:
    """Privacy (bot/privacy/ erase and retention): the summaries of these senders' conversations
    keep their figures and lose the link to the person: an opaque sender per person (repeats stay
    repeats), no customer, orders or products; the senders' fold states go."""
    import uuid

    from sqlalchemy import update

    from bot.insights import days
    from bot.privacy.case_records import ERASED_PREFIX

    started_ats: List[float] = []
    with engine.begin() as conn:
        for sender_id in sorted({s for s in sender_ids if not s.startswith(ERASED_PREFIX)}):
            opaque = f"{ERASED_PREFIX}{uuid.uuid4().hex[:16]}"
            for key, started_at in conn.execute(select(CONVERSATIONS.c.key, CONVERSATIONS.c.started_at)
                                                .where(CONVERSATIONS.c.sender_id == sender_id)).all():
                conn.execute(update(CONVERSATIONS).where(CONVERSATIONS.c.key == key).values(
                    key=f"{opaque}@{started_at:.3f}", sender_id=opaque, customer_id=None, order_ids=[],
                    product_categories=[]))
                started_ats.append(started_at)
            conn.execute(delete(SENDERS).where(SENDERS.c.sender_id == sender_id))
        days.forget_started(conn, started_ats)  # their days are rebuilt with the anonymised rows
    return len(started_ats)


# A conversation's next same-topic contact only counts within 7 days of its end (FCR; 72 h for
# containment). Once it ended longer ago than that, new conversations can't change it: it is
# worked out once and kept (the feed does it every few minutes, the backfill at the end).
SETTLE_AFTER_S = 8 * 86400
NEXT_SAME_TOPIC = """(SELECT MIN(n.started_at) FROM insights_conversations n WHERE n.{who} = insights_conversations.{who}
    AND n.topic = insights_conversations.topic AND n.started_at > insights_conversations.ended_at)"""
SETTLE = f"""UPDATE insights_conversations SET settled = :yes, next_same_topic = CASE
    WHEN topic IS NULL THEN NULL
    WHEN customer_id IS NULL THEN {NEXT_SAME_TOPIC.format(who="sender_id")}
    ELSE (SELECT MIN(t) FROM (SELECT {NEXT_SAME_TOPIC.format(who="sender_id")} AS t
                              UNION ALL SELECT {NEXT_SAME_TOPIC.format(who="customer_id")}) AS nexts) END
    WHERE (settled IS NULL OR settled = :no) AND ended_at < :cutoff"""


def settle(conn: Connection, now: Optional[float] = None) -> int:
    """Work out and keep the next same-topic contact of the conversations that ended long enough ago."""
    from sqlalchemy import text

    cutoff = (now or time.time()) - SETTLE_AFTER_S
    return conn.execute(text(SETTLE), {"yes": True, "no": False, "cutoff": cutoff}).rowcount
