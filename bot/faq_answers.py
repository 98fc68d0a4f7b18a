"""Which FAQ answers a message gets: one, or up to three when it asks several things at once
("how much is shipping to the US, and can I pay with PayPal?"). Plain functions over the parse
result, no Rasa import (actions/faq.py says them)."""
from __future__ import annotations

import re
from typing import Any, Dict, List

MAX_ANSWERS = 3
# A second topic must be this likely, in a message that has several parts, to be answered too.
SECOND_TOPIC_CONFIDENCE = 0.15
_PARTS = re.compile(r"\?\s*\S|\b(?:and|also|plus|y|e|también|tambien|además|ademas|tb|tbm|and also)\b", re.IGNORECASE)


def asks_several_things(text: str) -> bool:
    return bool(_PARTS.search(text or ""))


def faq_answers(parse: Dict[str, Any]) -> List[str]:
    """The FAQ keys to answer (faq/shipping_cost …), the likeliest first."""
    selected = ((parse.get("response_selector") or {}).get("faq") or {})
    ranking = selected.get("ranking") or []
    if not ranking:
        key = (selected.get("response") or {}).get("intent_response_key")
        return [key] if key else []
    keys = [ranking[0]["intent_response_key"]]
    if asks_several_things(parse.get("text") or ""):
        keys += [r["intent_response_key"] for r in ranking[1:MAX_ANSWERS] if r.get("confidence", 0) >= SECOND_TOPIC_CONFIDENCE]
    return keys
