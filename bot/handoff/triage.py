"""Why the bot hands off, how urgent the case is, and the two lines an agent reads first.

Plain functions over Rasa event dicts and plain dicts; the weights and anger words are in
shop/console.yml, the wording in the console's catalogs (bot/handoff/wording.py).
"""
from __future__ import annotations

import re
import time
import unicodedata
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional

import yaml

from bot.languages import default_language
from bot.settings import PROJECT_ROOT

CONSOLE_FILE = PROJECT_ROOT / "shop" / "console.yml"
REASONS = ("customer_request", "complaint", "not_understood", "identity_failed", "late_order", "damaged_item", "backend_down",
           "asked_for_person", "repeated_contact", "double_charge")
# What the bot had just said when the customer asked for a person, and the reason it means.
REASON_OF_RESPONSE = {
    "utter_offer_human": "not_understood",
    "utter_identity_locked": "identity_failed",
    "utter_order_late": "late_order",
    "utter_damaged_item_sorry": "damaged_item",
    "utter_damaged_incident_opened": "damaged_item",
    "utter_damaged_too_late": "damaged_item",
    "utter_backend_down": "backend_down",
}
SHOUTING_WORDS = 3  # this many words of 3+ letters in capitals is shouting


@lru_cache(maxsize=1)
def texts() -> Dict[str, Any]:
    return yaml.safe_load(CONSOLE_FILE.read_text("utf-8"))


def reason_for(latest_intent: Optional[str], responses_before: Iterable[str], escalation: Optional[str] = None) -> str:
    """What the message itself escalated for (bot/nlu/escalation.py: anger, a repeated contact,
    a double charge); a complaint is a complaint; otherwise what the bot had just said (a late
    order, a lock-out, a second miss, the shop system down) explains the request; otherwise the
    customer asked."""
    if escalation in REASONS:
        return escalation
    if latest_intent == "complaint":
        return "complaint"
    for response in responses_before:
        if response in REASON_OF_RESPONSE:
            return REASON_OF_RESPONSE[response]
    return "customer_request"


def _folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def sounds_angry(customer_texts: Iterable[str], intents: Iterable[str]) -> bool:
    if "complaint" in intents:
        return True
    words = {_folded(w) for ws in texts()["anger_words"].values() for w in ws}
    for text in customer_texts:
        if "!!!" in text:
            return True
        if sum(1 for w in re.findall(r"[^\W\d_]{3,}", text) if w.isupper()) >= SHOUTING_WORDS:
            return True
        if words & set(re.findall(r"\w+", _folded(text))):
            return True
    return False


def sounds_urgent(customer_texts: Iterable[str]) -> bool:
    """The customer says it can't wait ("es urgente", "asap"): console.yml's urgent_words."""
    phrases = {_folded(w) for ws in (texts().get("urgent_words") or {}).values() for w in ws}
    for text in customer_texts:
        folded = " " + " ".join(re.findall(r"\w+", _folded(text))) + " "
        if any(f" {phrase} " in folded for phrase in phrases):
            return True
    return False


def base_priority(reason: str, tier: Optional[str], repeated_incident: bool, angry: bool, urgent: bool = False) -> int:
    weights = texts()["priority"]
    points = weights["reasons"].get(reason, 0)
    points += weights["vip"] if tier == "vip" else 0
    points += weights["repeated_incident"] if repeated_incident else 0
    points += weights["anger"] if angry else 0
    points += weights.get("urgency", 0) if urgent else 0
    return points


def category_for(reason: str, intents: Iterable[str]) -> str:
    """The team a case belongs to: its reason's, else its latest recognised intent's that has one, else general."""
    categories = texts().get("categories") or {}
    for name, rule in categories.items():
        if reason in (rule.get("reasons") or []):
            return name
    for intent in reversed(list(intents)):
        for name, rule in categories.items():
            if intent in (rule.get("intents") or []):
                return name
    return "general"


def priority_now(case: Dict[str, Any], now: Optional[float] = None) -> int:
    """The base points plus a point per minute the customer has waited for an answer: until the
    case is closed, so a claimed case keeps its place in the queue."""
    now = now or time.time()
    until = case.get("closed_at") or now
    minutes = int((until - case["created_at"]) // 60)
    return case["base_priority"] + min(max(0, minutes), texts()["priority"]["waiting_cap"])


def priority_label(points: int) -> str:
    weights = texts()["priority"]
    return "urgent" if points >= weights["urgent_from"] else "high" if points >= weights["high_from"] else "normal"


PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2}


def is_live(case: Dict[str, Any]) -> bool:
    """The customer is in the chat waiting for a person (opened in hours with an agent online),
    not a ticket to answer later."""
    if case["status"] == "ticket":
        return False
    if case["status"] == "pending":
        return True
    support = (case.get("context") or {}).get("support") or {}
    return bool(support.get("in_hours") and support.get("agents_online"))


def queue_order(cases: List[Dict[str, Any]], now: Optional[float] = None) -> List[Dict[str, Any]]:
    """By priority (urgent, high, normal); within one, live chats before tickets, then who has
    waited longest. Claiming a case doesn't move it."""
    now = now or time.time()
    return sorted(cases, key=lambda c: (PRIORITY_RANK[priority_label(priority_now(c, now))], not is_live(c),
                                        c["created_at"], c["id"]))


def queue_position(case_id: int, waiting_cases: List[Dict[str, Any]], now: Optional[float] = None) -> int:
    ordered = [c["id"] for c in queue_order([c for c in waiting_cases if c["status"] in ("pending", "ticket")], now)]
    return ordered.index(case_id) + 1 if case_id in ordered else len(ordered) + 1


def summary(*, reason: str, language: str, channel: str, customer: Optional[Dict[str, Any]],
            order: Optional[Dict[str, Any]], last_message: str) -> str:
    """The summary stored with a case (exports, earlier cases), in the shop's default language;
    the console composes it again in each agent's language (bot/handoff/wording.py)."""
    from bot.handoff import wording

    return wording.summary(reason=reason, language=default_language(), customer_language=language, channel=channel,
                           customer=customer, order=order, last_message=last_message)


def reason_label(reason: str, language: Optional[str] = None) -> str:
    from bot.handoff import wording

    return wording.reason_label(reason, language or default_language())
