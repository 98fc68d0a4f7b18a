"""Which FAQ answers a message gets: one, or up to three when it asks several things at once
("how much is shipping to the US, and can I pay with PayPal?"). Plain functions over the parse
result, no Rasa import (actions/faq.py says them)."""
from __future__ import annotations

from typing import Any, Dict, List

MAX_ANSWERS = 3


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
