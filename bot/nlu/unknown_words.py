"""No word of this message was ever seen in training? Then the classifier is guessing.

A message like "Привет как дела" or "zzqx blorp" gets a confident-looking intent from character
n-gram priors. This component, placed before FallbackClassifier, sets the intent's confidence to
0 when none of the message's words is in the training vocabulary (accents and case ignored, one
typo tolerated in words of five letters or more), so the usual fallback ("did you mean …?",
then a person) takes over. Messages without words (order numbers, emails, emoji) are left alone.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, List, Set

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.keyword_rules import TYPO_MIN_LENGTH, strip_accents
from bot.nlu.language_model import words as unicode_words

VOCABULARY_FILE = "vocabulary.json"
# No word of any language the bot speaks is longer; a longer "word" is unknown without trying
# its one-typo variants, whose number grows with its length (and their cost with its square).
MAX_WORD_LENGTH = 40


def _deletions(word: str) -> Set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Vocabulary:
    """Known words, with a deletion index so "one typo away" is a set lookup."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = set(words)
        self._one_deletion = set()
        for word in self.words:
            if len(word) >= TYPO_MIN_LENGTH:
                self._one_deletion |= _deletions(word)

    def knows(self, word: str) -> bool:
        if word in self.words:
            return True
        if len(word) < TYPO_MIN_LENGTH - 1 or len(word) > MAX_WORD_LENGTH:
            return False
        # insertion/deletion/substitution of one letter
        return word in self._one_deletion or any(d in self.words or d in self._one_deletion for d in _deletions(word))


def letter_words(text: str) -> List[str]:
    """Words of letters in any script, lower-cased and without accents."""
    return unicode_words(strip_accents(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnknownWordsFallback(GraphComponent):
    def __init__(self, model_storage: ModelStorage, resource: Resource, vocabulary: Vocabulary) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext) -> UnknownWordsFallback:
        return cls(model_storage, resource, Vocabulary([]))

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs: Any) -> UnknownWordsFallback:
        with model_storage.read_from(resource) as directory:
            words = json.loads((directory / VOCABULARY_FILE).read_text("utf-8"))
        return cls(model_storage, resource, Vocabulary(words))

    def train(self, training_data: TrainingData) -> Resource:
        words = sorted({w for m in training_data.training_examples for w in letter_words(m.get(TEXT) or "")})
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(words), "utf-8")
        self._vocabulary = Vocabulary(words)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            words = letter_words(message.get(TEXT) or "")
            intent = message.get(INTENT)
            decided_by_keyword = (message.get("keywords") or {}).get("decided")
            if words and intent and not decided_by_keyword and not any(self._vocabulary.knows(w) for w in words):
                message.set(INTENT, {**intent, "confidence": 0.0}, add_to_output=True)
                message.set("unknown_words", True, add_to_output=True)
        return messages
