"""Rasa's tracker events → one record per conversation.

A conversation is one Rasa session of a sender (a new one starts after the session expires,
domain.yml's session_config) that has at least one customer message. Its topic is the first
thing the customer asked about (an intent that names a need, not "hello" or "yes"); repeats are
found by topic and customer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

from bot.editor.review import FALLBACK_ACTIONS, FALLBACK_INTENT

# Intents that say nothing about what the customer needs: they never make a topic.
NOT_A_TOPIC = {
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "inform", "out_of_scope", "rate_support",
    "human_handoff", "complaint", FALLBACK_INTENT, "session_start", "",
}
# Rasa's own fallbacks, besides our "did you mean …?".
FALLBACKS = set(FALLBACK_ACTIONS) | {"action_default_fallback", "action_two_stage_fallback"}
LATE_ORDER_RESPONSE = "utter_order_late"


@dataclass
class Conversation:
    sender_id: str
    started_at: float  # the customer's first message
    ended_at: float  # the last event of the session
    channel: str
    language: str
    customer_id: Optional[str] = None  # the verified customer, if the bot verified one
    intents: List[str] = field(default_factory=list)  # every customer turn's intent, in order
    response_ms: List[float] = field(default_factory=list)  # customer message → the bot's reply
    last_turn_fallback: bool = False
    handoff_action: bool = False
    identity_locked: bool = False
    order_ids: List[str] = field(default_factory=list)
    product_categories: List[str] = field(default_factory=list)
    late_order: bool = False  # the bot told the customer their order is late

    @property
    def key(self) -> str:
        return f"{self.sender_id}@{self.started_at:.3f}"

    @property
    def customer_key(self) -> str:
        """As the handoff cases key customers (bot/handoff/intake.py)."""
        return f"customer:{self.customer_id}" if self.customer_id else f"conversation:{self.sender_id}"

    @property
    def topic(self) -> Optional[str]:
        return next((i for i in self.intents if i not in NOT_A_TOPIC), None)

    @property
    def complaint(self) -> bool:
        return "complaint" in self.intents


def intent_of(parse: dict) -> str:
    """The intent, with the FAQ's own key for the FAQ retrieval intent (faq/shipping_cost)."""
    intent = parse.get("intent") or {}
    name = intent.get("name") or ""
    if name == "faq":
        selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        return selected.get("intent_response_key") or intent.get("full_retrieval_intent_name") or name
    return name


def _is_agent(event: dict) -> bool:
    return bool((event.get("metadata") or {}).get("agent"))


def sessions(events: Iterable[dict]) -> List[List[dict]]:
    """A sender's events cut at each session start."""
    cut: List[List[dict]] = [[]]
    for event in events:
        starts = event.get("event") == "action" and event.get("name") == "action_session_start"
        # Rasa writes action_session_start, then session_started: cut once, before the pair.
        starts = starts or (event.get("event") == "session_started" and not (
            cut[-1] and cut[-1][-1].get("name") == "action_session_start"))
        if starts and cut[-1]:
            cut.append([])
        cut[-1].append(event)
    return [session for session in cut if session]


def from_session(sender_id: str, events: List[dict], default_language: str) -> Optional[Conversation]:
    """None for a session without a customer message."""
    conversation: Optional[Conversation] = None
    language, last_action, waiting_since = default_language, None, None
    for event in events:
        kind, at = event.get("event"), float(event.get("timestamp") or 0)
        if kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name == "language" and value:
                language = str(value)
            elif conversation is not None and value not in (None, ""):
                if name == "customer_id":
                    conversation.customer_id = str(value)
                elif name == "identity_locked_until":
                    conversation.identity_locked = True
                elif name == "order_id" and str(value) not in conversation.order_ids:
                    conversation.order_ids.append(str(value))
                elif name == "product_category" and str(value) not in conversation.product_categories:
                    conversation.product_categories.append(str(value))
            continue
        if kind == "user":
            if conversation is None:
                conversation = Conversation(sender_id, at, at, event.get("input_channel") or "unknown", language)
            intent = intent_of(event.get("parse_data") or {})
            conversation.intents.append(intent)
            last_action = FALLBACK_INTENT if intent == FALLBACK_INTENT else None
            waiting_since = at
        elif conversation is None:
            continue
        elif kind == "bot" and not _is_agent(event):
            if waiting_since is not None:
                conversation.response_ms.append(max(0.0, (at - waiting_since) * 1000))
                waiting_since = None
            if (event.get("metadata") or {}).get("utter_action") == LATE_ORDER_RESPONSE:
                conversation.late_order = True
        elif kind == "action" and event.get("name") not in (None, "action_listen"):
            last_action = event["name"]
            if last_action == "action_handoff":
                conversation.handoff_action = True
        conversation.ended_at = max(conversation.ended_at, at)
    if conversation is None:
        return None
    conversation.language = language  # where the conversation ended up (a customer may switch)
    conversation.last_turn_fallback = last_action in FALLBACKS or last_action == FALLBACK_INTENT
    return conversation


def conversations_of(by_sender: Dict[str, List[dict]], default_language: str = "es") -> List[Conversation]:
    found = []
    for sender_id, events in by_sender.items():
        for session in sessions(events):
            conversation = from_session(sender_id, session, default_language)
            if conversation is not None:
                found.append(conversation)
    return sorted(found, key=lambda c: c.started_at)
