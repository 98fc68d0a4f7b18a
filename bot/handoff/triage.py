"""Why the bot hands off, how urgent the case is, and the two lines an agent reads first.

Plain functions over Rasa event dicts and plain dicts; the wording and the weights are in
shop/console.yml.
"""
from __future__ import annotations

import re
import time
import unicodedata
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional

import yaml

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


def base_priority(reason: str, tier: Optional[str], repeated_incident: bool, angry: bool) -> int:
    weights = texts()["priority"]
    points = weights["reasons"].get(reason, 0)
    points += weights["vip"] if tier == "vip" else 0
    points += weights["repeated_incident"] if repeated_incident else 0
    points += weights["anger"] if angry else 0
    return points


def priority_now(case: Dict[str, Any], now: Optional[float] = None) -> int:
    """The base points plus a point per minute a waiting case has waited."""
    now = now or time.time()
    waiting = case["status"] in ("pending", "ticket")
    minutes = int((now - case["created_at"]) // 60) if waiting else 0
    return case["base_priority"] + min(max(0, minutes), texts()["priority"]["waiting_cap"])


def priority_label(points: int) -> str:
    weights = texts()["priority"]
    return "urgent" if points >= weights["urgent_from"] else "high" if points >= weights["high_from"] else "normal"


def queue_order(cases: List[Dict[str, Any]], now: Optional[float] = None) -> List[Dict[str, Any]]:
    """Most urgent first; equally urgent: who waited longest. Owned cases after waiting ones."""
    now = now or time.time()
    return sorted(cases, key=lambda c: (c["status"] == "assigned", -priority_now(c, now), c["created_at"], c["id"]))


def queue_position(case_id: int, waiting_cases: List[Dict[str, Any]], now: Optional[float] = None) -> int:
    ordered = [c["id"] for c in queue_order([c for c in waiting_cases if c["status"] in ("pending", "ticket")], now)]
    return ordered.index(case_id) + 1 if case_id in ordered else len(ordered) + 1


def summary(*, reason: str, language: str, channel: str, customer: Optional[Dict[str, Any]],
            order: Optional[Dict[str, Any]], last_message: str) -> str:
    t = texts()
    s = t["summary"]
    tier = t["tiers"].get((customer or {}).get("tier") or "", "")
    order_text = s["no_order"]
    if order:
        order_text = s["order"].format(
            order_id=order["id"], status=order["status"].replace("_", " "),
            late=s["late"].format(eta=order.get("estimated_delivery") or "") if order.get("late") else "",
            verified=s["verified"] if order.get("verified") else s["unverified"],
        )
    last = " ".join(last_message.split())
    last = last if len(last) <= 90 else last[:89] + "…"
    line1 = s["line1"].format(tier=f"{tier} · " if tier else "", name=(customer or {}).get("name") or s["unknown_customer"],
                              reason=t["reasons"].get(reason, reason), language=language, channel=channel)
    return line1 + "\n" + s["line2"].format(order=order_text, last_message=last)


def reason_label(reason: str) -> str:
    return texts()["reasons"].get(reason, reason)
