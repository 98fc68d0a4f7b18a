"""Messages that go to a person straight away: "no quiero un robot", "second time I ask",
"charged twice", or an angry message that shouts (shop/escalation.yml, console.yml's anger words).

The intent stays what the customer asked (a late order is still `order_status`, and the NLU
figures stay honest); this component adds `escalation: {reason, phrase}` to the parse result,
and bot/escalation_policy.py hands the conversation over with that reason.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.keyword_rules import tokens
from bot.settings import PROJECT_ROOT

ESCALATION_FILE = PROJECT_ROOT / "shop" / "escalation.yml"
CONSOLE_FILE = PROJECT_ROOT / "shop" / "console.yml"
ESCALATION = "escalation"
SHOUTING_WORDS = 3
MAX_WORDS = 300  # phrase search is linear; the cap keeps a huge message cheap anyway


@lru_cache(maxsize=1)
def _phrases() -> Dict[str, List[str]]:
    """reason -> phrases (every language), as padded token strings."""
    config = yaml.safe_load(ESCALATION_FILE.read_text("utf-8")) or {}
    return {reason: [f" {' '.join(tokens(p))} " for phrases in by_language.values() for p in phrases or []]
            for reason, by_language in (config.get("escalate") or {}).items()}


@lru_cache(maxsize=1)
def _anger_words() -> frozenset:
    config = yaml.safe_load(CONSOLE_FILE.read_text("utf-8")) or {}
    return frozenset(w for words in (config.get("anger_words") or {}).values() for word in words for w in tokens(word))


def escalation_in(text: str) -> Optional[Dict[str, str]]:
    """{reason, phrase} when this message should go to a person now, else None."""
    words = tokens(text)[:MAX_WORDS]
    padded = f" {' '.join(words)} "
    for reason, phrases in _phrases().items():
        for phrase in phrases:
            if phrase.strip() and phrase in padded:
                return {"reason": reason, "phrase": phrase.strip()}
    angry = [w for w in words if w in _anger_words()]
    shouting = "!!!" in text or sum(1 for w in re.findall(r"[^\W\d_]{3,}", text[:4096]) if w.isupper()) >= SHOUTING_WORDS
    if angry and shouting:
        return {"reason": "complaint", "phrase": angry[0]}
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EscalationDetector(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage, resource, execution_context: ExecutionContext) -> "EscalationDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = escalation_in(message.get(TEXT) or "")
            if found:
                message.set(ESCALATION, found, add_to_output=True)
        return messages
