"""What an agent gets from the conversation so far: plain functions over Rasa's event dicts (the
tracker the action server receives), no Rasa import.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from bot.handoff.store import NewMessage

# Slots worth showing an agent (the rest is the bot's bookkeeping).
AGENT_SLOTS = ("language", "order_id", "contact", "customer_id", "order_topic", "product_category",
               "identity_failures", "pending_confirmation")


def _is_agent_message(event: Dict[str, Any]) -> bool:
    return bool((event.get("metadata") or {}).get("agent"))


def message_from_event(event: Dict[str, Any], previous_bot: Optional[Dict[str, Any]] = None) -> Optional[NewMessage]:
    """A transcript line from a `user` or `bot` event; None for anything else (or an empty bot turn).

    A button click arrives as its payload ("/human_handoff"): the agent sees the button's title."""
    kind = event.get("event")
    timestamp = float(event.get("timestamp") or 0)
    if kind == "user":
        text = event.get("text") or ""
        metadata = event.get("metadata") or {}
        message_kind = "message"
        if metadata.get("attachment"):
            attachment = metadata["attachment"]
            message_kind, text = "attachment", f"[{attachment.get('type', 'file')}] {attachment.get('caption') or ''}".strip()
        elif text.startswith("/"):
            title = _button_title(previous_bot, text)
            if title:
                message_kind, text = "button", title
        return NewMessage(sender="customer", text=text, timestamp=timestamp, kind=message_kind,
                          channel=event.get("input_channel"), event_key=f"customer@{timestamp!r}"[:64])
    if kind == "bot":
        data = event.get("data") or {}
        buttons = [b.get("title", "") for b in data.get("buttons") or [] if isinstance(b, dict)]
        text = event.get("text") or ""
        if not text and not buttons:
            return None
        if _is_agent_message(event):
            agent = (event.get("metadata") or {}).get("agent")
            return NewMessage(sender="agent", text=text, timestamp=timestamp, agent=agent, event_key=f"agent@{timestamp!r}"[:64])
        return NewMessage(sender="bot", text=text, timestamp=timestamp, buttons=buttons or None, event_key=f"bot@{timestamp!r}"[:64])
    return None


def _button_title(bot_event: Optional[Dict[str, Any]], payload: str) -> Optional[str]:
    for button in ((bot_event or {}).get("data") or {}).get("buttons") or []:
        if isinstance(button, dict) and button.get("payload") == payload:
            return button.get("title")
    return None


def transcript(events: Iterable[Dict[str, Any]]) -> List[NewMessage]:
    """Every customer, bot and agent message of the conversation, in order."""
    lines: List[NewMessage] = []
    previous_bot = None
    for event in events:
        message = message_from_event(event, previous_bot)
        if event.get("event") == "bot":
            previous_bot = event
        if message is not None:
            lines.append(message)
    return lines


def recognised(events: Iterable[Dict[str, Any]]) -> Dict[str, List[Dict[str, Any]]]:
    """The intents (with confidence) and entities the bot recognised in each customer message."""
    intents, entities = [], []
    for event in events:
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        intent = parse.get("intent") or {}
        if intent.get("name"):
            intents.append({"text": event.get("text") or "", "intent": intent["name"],
                            "confidence": round(float(intent.get("confidence") or 0), 3)})
        for entity in parse.get("entities") or []:
            if entity.get("entity") != "language":
                entities.append({"entity": entity.get("entity"), "value": entity.get("value"),
                                 "extractor": entity.get("extractor")})
    return {"intents": intents, "entities": entities}


def agent_slots(slots: Dict[str, Any]) -> Dict[str, Any]:
    return {name: slots.get(name) for name in AGENT_SLOTS if slots.get(name) not in (None, "", [])}


def latest_channel(events: Iterable[Dict[str, Any]]) -> str:
    channel = ""
    for event in events:
        if event.get("event") == "user" and event.get("input_channel"):
            channel = event["input_channel"]
    return channel or "rest"


def bot_responses_before_last_message(events: List[Dict[str, Any]]) -> List[str]:
    """The bot responses (utter_* names) that answered the customer's previous message: what the
    bot had just said (a late order, a lock-out, "I didn't understand") when the customer asked
    for a person, whether by typing or with a button."""
    names: List[str] = []
    seen_last_message = False
    for event in reversed(events):
        if event.get("event") == "user":
            if seen_last_message:
                break
            seen_last_message = True
        elif event.get("event") == "bot" and seen_last_message:
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                names.append(name)
    return names


def escalation_reason(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """Why the customer's last message was sent to a person at once (bot/nlu/escalation.py), if it was."""
    for event in reversed(list(events)):
        if event.get("event") == "user":
            return ((event.get("parse_data") or {}).get("escalation") or {}).get("reason")
    return None
