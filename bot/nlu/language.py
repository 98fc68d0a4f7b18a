"""Which language is this message in? A Rasa NLU component.

Two signals are combined, because neither is enough alone on chat text:
- lingua's statistical detector, good on sentences, weak on one-word chat ("hola" 0.45);
- word frequencies learnt at training time from each language's training folder
  (`data/nlu/<lang>/`), which teach it the chat words lingua has never seen ("vc", "xq", "thx").

Every message with at least one word gets a `language` entity spanning the whole text, so
`/model/parse` and `rasa test` show it. A detection is *decisive* when the winner's probability
reaches `decisive_probability`; otherwise the entity carries the role `tentative`, which the
`language` slot's mapping ignores: a one-word "ok" never flips the conversation's language.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.languages import default_language, language_folders
from bot.nlu.language_model import LanguageModel, train_word_counts

WORD_COUNTS_FILE = "word_counts.json"


def _languages(config: Dict[Text, Any]) -> List[Text]:
    """The configured languages, or else one per training folder (adding a language is data)."""
    if config.get("languages"):
        return list(config["languages"])
    folders = language_folders(Path(config.get("training_data_dir") or "data/nlu"))
    default = default_language(Path.cwd())
    return sorted(folders, key=lambda code: code != default)  # the default first, as before


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True
)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Adds the `language` entity (and a `language_detection` explanation) to messages."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Supported languages; each has a training folder `<training_data_dir>/<code>/`.
            # None: every folder of training_data_dir that holds training files (bot/languages.py).
            "languages": None,
            "training_data_dir": "data/nlu",
            "decisive_probability": 0.75,
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # Which folder (language) an example sits in is not part of Rasa's fingerprint.
        digest = hashlib.sha256()
        root = Path(config.get("training_data_dir", "data/nlu"))
        for language in _languages(config):
            for path in sorted((root / language).rglob("*.yml")):
                digest.update(str(path).encode() + path.read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        word_counts: Optional[Dict[Text, Dict[Text, int]]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        # A trained model knows its languages (its word counts); only training reads the folders.
        self._languages = list(word_counts) if word_counts else _languages(config)
        self._model = LanguageModel(self._languages, word_counts or {})

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageDetector:
        with model_storage.read_from(resource) as directory:
            counts = json.loads((directory / WORD_COUNTS_FILE).read_text("utf-8"))
        return cls(config, model_storage, resource, counts)

    def train(self, training_data: TrainingData) -> Resource:
        # Rasa's training data doesn't say which file an example came from, so the
        # per-language folders are read here (they are part of the training data too,
        # which makes Rasa retrain this component when they change).
        counts = train_word_counts(Path(self._config["training_data_dir"]), self._languages)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / WORD_COUNTS_FILE).write_text(json.dumps(counts), "utf-8")
        self._model = LanguageModel(self._languages, counts)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_message(message)
        return messages

    def _process_message(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        probabilities = self._model.probabilities(text)
        if not probabilities:
            return
        language = max(probabilities, key=probabilities.__getitem__)
        confidence = probabilities[language]
        decisive = confidence >= self._config["decisive_probability"]
        entity = {
            "entity": "language",
            "value": language,
            "start": 0,
            "end": len(text),
            "confidence_entity": round(confidence, 4),
        }
        if not decisive:
            entity["role"] = "tentative"
        entities = self.add_extractor_name([entity])
        message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        message.set(
            "language_detection",
            {
                "language": language,
                "decisive": decisive,
                "probabilities": {k: round(v, 4) for k, v in probabilities.items()},
            },
            add_to_output=True,
        )

