"""Tracker events folded one at a time into conversation summaries: the incremental twin of
conversations.py (which reads a whole session at once). Same cuts, same fields, same values;
tests/test_insights_rollups.py checks both agree on every event stream they are given.

A sender's fold state (SenderState) is what the next event needs to know: the current session's
language so far, whether its last event was action_session_start (Rasa writes it before
session_started: one cut, not two), and the session's conversation once a customer has written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from bot.editor.review import FALLBACK_INTENT
from bot.insights.conversations import FALLBACKS, LATE_ORDER_RESPONSE, NOT_A_TOPIC, Conversation, intent_of


@dataclass
class Summary:
    """One conversation's row, and the two things its next event needs (last_action, waiting_since)."""
    sender_id: str
    started_at: float
    ended_at: float
    channel: str
    language: str
    customer_id: Optional[str] = None
    topic: Optional[str] = None
    intents: List[str] = field(default_factory=list)
    response_ms: List[float] = field(default_factory=list)
    handoff_action: bool = False
    identity_locked: bool = False
    order_ids: List[str] = field(default_factory=list)
    product_categories: List[str] = field(default_factory=list)
    late_order: bool = False
    last_action: Optional[str] = None
    waiting_since: Optional[float] = None

    @property
    def key(self) -> str:
        return f"{self.sender_id}@{self.started_at:.3f}"

    @property
    def last_turn_fallback(self) -> bool:
        return self.last_action in FALLBACKS or self.last_action == FALLBACK_INTENT

    def conversation(self) -> Conversation:
        return Conversation(
            sender_id=self.sender_id, started_at=self.started_at, ended_at=self.ended_at, channel=self.channel,
            language=self.language, customer_id=self.customer_id, intents=list(self.intents),
            response_ms=list(self.response_ms), last_turn_fallback=self.last_turn_fallback,
            handoff_action=self.handoff_action, identity_locked=self.identity_locked, order_ids=list(self.order_ids),
            product_categories=list(self.product_categories), late_order=self.late_order)


@dataclass
class SenderState:
    sender_id: str
    language: str
    after_session_start: bool = False
    current: Optional[Summary] = None  # the session's conversation, once the customer has written
    touched: List[Summary] = field(default_factory=list)  # conversations this fold changed (to be saved)
    stored: Optional[tuple] = None  # (language, after_session_start, current key) as last saved: unchanged isn't saved

    def _touch(self, summary: Summary) -> None:
        if not any(s is summary for s in self.touched):
            self.touched.append(summary)


def new_state(sender_id: str, default_language: str) -> SenderState:
    return SenderState(sender_id, default_language)


def apply(state: SenderState, event: dict, default_language: str) -> None:
    """Fold one event of `state.sender_id` into its state (and its conversation)."""
    kind, name = event.get("event"), event.get("name")
    starts = (kind == "action" and name == "action_session_start") or (
        kind == "session_started" and not state.after_session_start)
    if starts:
        state.language, state.current = default_language, None
    state.after_session_start = name == "action_session_start"
    at = float(event.get("timestamp") or 0)
    summary = state.current
    if kind == "slot":
        value = event.get("value")
        if name == "language" and value:
            state.language = str(value)
            if summary is not None:
                summary.language = state.language
                state._touch(summary)
        elif summary is not None and value not in (None, ""):
            _slot(summary, name, str(value))
            state._touch(summary)
        return
    if kind == "user":
        if summary is None:
            summary = state.current = Summary(state.sender_id, at, at, event.get("input_channel") or "unknown", state.language)
        intent = intent_of(event.get("parse_data") or {})
        summary.intents.append(intent)
        if summary.topic is None and intent not in NOT_A_TOPIC:
            summary.topic = intent
        summary.last_action = FALLBACK_INTENT if intent == FALLBACK_INTENT else None
        summary.waiting_since = at
    elif summary is None:
        return
    elif kind == "bot" and not (event.get("metadata") or {}).get("agent"):
        if summary.waiting_since is not None:
            summary.response_ms.append(max(0.0, (at - summary.waiting_since) * 1000))
            summary.waiting_since = None
        if (event.get("metadata") or {}).get("utter_action") == LATE_ORDER_RESPONSE:
            summary.late_order = True
    elif kind == "action" and name not in (None, "action_listen"):
        summary.last_action = name
        if name == "action_handoff":
            summary.handoff_action = True
    summary.ended_at = max(summary.ended_at, at)
    state._touch(summary)


def _slot(summary: Summary, name: Optional[str], value: str) -> None:
    if name == "customer_id":
        summary.customer_id = value
    elif name == "identity_locked_until":
        summary.identity_locked = True
    elif name == "order_id" and value not in summary.order_ids:
        summary.order_ids.append(value)
    elif name == "product_category" and value not in summary.product_categories:
        summary.product_categories.append(value)
