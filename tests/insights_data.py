"""A tracker store and a handoff store filled with known conversations, for the insights tests:
every expected figure in tests/test_insights.py is worked out by hand from SCRIPT below."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import List, Optional, Tuple

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine

from bot.handoff import db
from bot.handoff.store import HandoffStore, NewMessage
from bot.insights import surveys

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc).timestamp()  # Monday 2 November 2026, 10:00 UTC
HOUR, DAY = 3600.0, 86400.0


@dataclass
class Turn:
    intent: str
    reply_ms: Optional[float]  # None: the bot didn't answer (paused for an agent)
    actions: Tuple[str, ...] = ("utter_ok",)
    text: str = "..."
    slots: Tuple[Tuple[str, object], ...] = ()


@dataclass
class Session:
    sender: str
    at: float
    channel: str
    language: str
    turns: List[Turn]
    case: Optional[dict] = None  # reason, status, claim_after, reply_after, close_after, csat
    rows: list = field(default_factory=list)


def events_of(session: Session) -> List[dict]:
    at = session.at - 1
    events = [{"event": "action", "name": "action_session_start", "timestamp": at},
              {"event": "session_started", "timestamp": at},
              {"event": "slot", "name": "language", "value": session.language, "timestamp": at},
              {"event": "action", "name": "action_listen", "timestamp": at}]
    at = session.at
    for turn in session.turns:
        events.append({"event": "user", "text": turn.text, "timestamp": at, "input_channel": session.channel,
                       "parse_data": {"intent": {"name": turn.intent.split("/")[0], "confidence": 0.9,
                                                 "full_retrieval_intent_name": turn.intent}, "entities": []}})
        for name, value in turn.slots:
            events.append({"event": "slot", "name": name, "value": value, "timestamp": at})
        if turn.reply_ms is not None:
            reply_at = at + turn.reply_ms / 1000
            for action in turn.actions:
                events.append({"event": "action", "name": action, "timestamp": reply_at})
                if action.startswith("utter_"):
                    events.append({"event": "bot", "text": action, "timestamp": reply_at, "metadata": {"utter_action": action}})
                else:
                    events.append({"event": "bot", "text": "(from an action)", "timestamp": reply_at, "metadata": {}})
            events.append({"event": "action", "name": "action_listen", "timestamp": reply_at})
        at += 60
    return events


def write_tracker(url: str, sessions: List[Session]) -> str:
    """Rasa's SQLTrackerStore table `events` (the columns it has), filled with the sessions."""
    metadata = MetaData()
    events = Table("events", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                   Column("sender_id", String(255), nullable=False), Column("type_name", String(255), nullable=False),
                   Column("timestamp", Float), Column("intent_name", String(255)), Column("action_name", String(255)),
                   Column("data", Text))
    engine = create_engine(url, future=True)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for session in sorted(sessions, key=lambda s: s.at):
            conn.execute(events.insert(), [{"sender_id": session.sender, "type_name": e["event"], "timestamp": e["timestamp"],
                                            "data": json.dumps(e)} for e in events_of(session)])
    engine.dispose()
    return url


def open_cases(store: HandoffStore, sessions: List[Session]) -> dict:
    """sender → case id, for the sessions with a case (opened one second after the last turn)."""
    ids = {}
    for session in sessions:
        if not session.case:
            continue
        spec = session.case
        opened = session.at + 60 * (len(session.turns) - 1) + 1
        customer = dict(session.turns[0].slots).get("customer_id") or next(
            (dict(t.slots)["customer_id"] for t in session.turns if "customer_id" in dict(t.slots)), None)
        case = store.open_case(conversation_id=session.sender, channel=session.channel, language=session.language,
                               reason=spec["reason"], base_priority=1, status="pending", summary="s", context={},
                               customer_key=f"customer:{customer}" if customer else f"conversation:{session.sender}",
                               customer_name=None, contact=None, now=opened)
        if "claim_after" in spec:
            store.claim(case["id"], "demo", now=opened + spec["claim_after"])
        if "reply_after" in spec:
            store.add_message(case["id"], NewMessage(sender="agent", text="hola", timestamp=opened + spec["reply_after"],
                                                     agent="demo", event_key=f"agent@{opened}"))
        if "close_after" in spec:
            store.close(case["id"], "demo", spec.get("status", "resolved"), now=opened + spec["close_after"])
        if "csat" in spec:
            store.record_csat(case["id"], spec["csat"], now=opened + spec["close_after"] + 30)
        ids[session.sender] = case["id"]
    return ids


def answer_surveys(store: HandoffStore, answers: List[Tuple[str, str, int, float, str, str]]) -> None:
    """(kind, sender, score, at, channel, language) for each answered question."""
    for kind, sender, score, at, channel, language in answers:
        survey_id = surveys.record_asked(store.engine, kind, sender, f"conversation:{sender}", channel, language, now=at - 10)
        surveys.record_answer(store.engine, survey_id, score, now=at)


def survey_rows(store: HandoffStore) -> list:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(db.surveys.select())]
