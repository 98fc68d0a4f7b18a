"""Editors' keywords as a Rasa NLU component, placed after the intent classifier.

The rule (README "Keywords"): when the model's confidence in its top intent is at least
`trust_model_above`, the model decides and keywords are only recorded. Below it, a keyword
found in the message (in the message's language) decides: its intent becomes the top intent
with confidence `trust_model_above`; if keywords of several intents are found, the one the
model ranks highest wins. A keyword of an FAQ (`faq/warranty`) also picks that answer.
Every parse result says what matched and whether it decided, under `keywords`.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.keyword_rules import KeywordMatcher, choose_intent, keyword_files, load_rules

RESPONSE_SELECTOR = "response_selector"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class KeywordIntentMatcher(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"keywords_dir": "data/nlu", "trust_model_above": 0.5}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # Keyword files are not Rasa training data: make a change to them retrain the model.
        digest = hashlib.sha256()
        for path in keyword_files(Path(config.get("keywords_dir", "data/nlu"))):
            digest.update(str(path).encode() + path.read_bytes())
        return digest.hexdigest()

    def __init__(self, config: Dict[Text, Any], rules: Dict[str, Dict[str, List[str]]]) -> None:
        self._threshold = config["trust_model_above"]
        self._matcher = KeywordMatcher(rules)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KeywordIntentMatcher:
        return cls(config, load_rules(Path(config["keywords_dir"])))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_message(message)
        return messages

    def _process_message(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        matches = self._matcher.matches(message.get(TEXT) or "", _language_of(message))
        decided = False
        if matches and (intent.get("confidence") or 0.0) < self._threshold:
            ranking = {r["name"]: r["confidence"] for r in message.get(INTENT_RANKING_KEY) or []}
            chosen = choose_intent(matches, ranking)
            if chosen is not None:  # always, since there are matches
                self._make_top_intent(message, chosen.intent)
                decided = True
        message.set(
            "keywords",
            {"matched": [m.__dict__ for m in matches], "decided": decided},
            add_to_output=True,
        )

    def _make_top_intent(self, message: Message, full_intent: str) -> None:
        base, _, response_key = full_intent.partition("/")
        top = {"name": base, "confidence": self._threshold}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != base]
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)
        if response_key:
            _select_response(message, base, full_intent, self._threshold)


def _language_of(message: Message) -> Optional[str]:
    for entity in message.get(ENTITIES) or []:
        if entity.get("entity") == "language":
            return entity.get("value")
    return None


def _select_response(message: Message, retrieval_intent: str, full_intent: str, confidence: float) -> None:
    """Make the response selector answer `full_intent` unless it was already surer of it."""
    selector = message.get(RESPONSE_SELECTOR) or {}
    prediction = (selector.get(retrieval_intent) or {}).get("response")
    if prediction is None or prediction.get("intent_response_key") == full_intent:
        return
    prediction.update(
        {
            "intent_response_key": full_intent,
            "utter_action": f"utter_{full_intent}",
            "confidence": confidence,
            "responses": [],
        }
    )
