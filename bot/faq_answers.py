"""Which FAQ answers a message gets: one, or up to three when it asks several things at once
("how much is shipping to the US, and can I pay with PayPal?"). Plain functions over the parse
result, no Rasa import (actions/faq.py says them)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List

from bot.session_events import this_session

MAX_ANSWERS = 3
# Beside another request, a part is answered as an FAQ when the customer ended it with "?" or the
# part classifier is this sure: "¿el reembolso? ya pagué con tarjeta" tells, it doesn't ask.
SURE_ASIDE = 0.9


def faq_answers(parse: Dict[str, Any]) -> List[str]:
    """The FAQ keys to answer (faq/shipping_cost …): the selector's answer first, then what the
    other parts of the message ask about (bot/nlu/faq_selector.py reads it part by part)."""
    selected = ((parse.get("response_selector") or {}).get("faq") or {})
    top = (selected.get("response") or {}).get("intent_response_key")
    keys = [top] if top else []
    for part in selected.get("parts") or []:
        if part["intent_response_key"] not in keys:
            keys.append(part["intent_response_key"])
    return keys[:MAX_ANSWERS]


def asides_since(events: List[Dict[str, Any]], boundary: Callable[[Dict[str, Any]], bool]) -> List[str]:
    """The FAQ questions asked alongside another request ("where's order 100234? and do you take
    PayPal?"): the FAQ keys of the parts of the customer's messages after the last `boundary`
    event (and within the session) that were asked (SURE_ASIDE), oldest first. Messages the FAQ
    rule already answered (intent faq) are left out."""
    keys: List[str] = []
    for event in reversed(this_session(events)):
        if boundary(event):
            break
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        if (parse.get("intent") or {}).get("name") == "faq":
            continue
        parts = ((parse.get("response_selector") or {}).get("faq") or {}).get("parts") or []
        keys[:0] = [p["intent_response_key"] for p in parts if p.get("asked") or p["confidence"] >= SURE_ASIDE]
    return list(dict.fromkeys(keys))[:MAX_ANSWERS]
