"""What to suggest when the bot didn't understand: plain functions over Rasa's event dicts."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List

FALLBACK_INTENT = "nlu_fallback"
# An FAQ answer this likely is suggested beside the likeliest one.
FAQ_CONTENDER = 0.2
# Intents that make no sense as a "did you mean …?" suggestion.
NOT_SUGGESTED = {FALLBACK_INTENT, "affirm", "deny", "inform", "greet", "goodbye", "thank", "out_of_scope"}


def likeliest_intents(parse_data: Dict[str, Any], how_many: int = 2) -> List[str]:
    """The model's likeliest suggestible intents; an FAQ becomes its likeliest answer key."""
    faq_ranking = ((parse_data.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
    suggestions: List[str] = []
    for ranked in parse_data.get("intent_ranking") or []:
        name = ranked.get("name")
        if name in NOT_SUGGESTED or name in suggestions:
            continue
        if name == "faq":  # its likeliest answers: the second too when it is a real contender
            keys = [r["intent_response_key"] for n, r in enumerate(faq_ranking)
                    if n == 0 or r.get("confidence", 0.0) >= FAQ_CONTENDER]
            suggestions.extend(k for k in keys if k not in suggestions)
        else:
            suggestions.append(name)
        if len(suggestions) >= how_many:
            break
    return suggestions[:how_many]


def misses_in_a_row(events: Iterable[Dict[str, Any]]) -> int:
    """How many of the customer's latest typed messages in a row the bot failed to understand.

    Button clicks (payloads starting with "/") neither count nor break the run.
    """
    misses = 0
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        if (event.get("text") or "").startswith("/"):
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != FALLBACK_INTENT:
            break
        misses += 1
    return misses
