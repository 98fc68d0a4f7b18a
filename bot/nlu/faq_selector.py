"""Which FAQ answer? A light replacement for Rasa's TensorFlow ResponseSelector.

A logistic regression over the same sparse features the intent classifier uses, trained on the
`faq/<key>` examples. Measured on this project (README): it selects as well as the
ResponseSelector, trains in seconds instead of minutes, and keeps TensorFlow out of the server.
It writes Rasa's own `response_selector` structure, so `utter_faq`, RulePolicy and `rasa test`
work unchanged.

A message that asks several things ("¿cuánto cuesta el envío a Canarias y puedo pagar con
Bizum?") is also read part by part: a second, small regression over the sentence encoder's
embeddings alone (bot/nlu/sentence_encoder.py) classifies each part, and `parts` lists the FAQ
keys the parts ask about (bot/faq_answers.py answers up to three).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

import re
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.linear_model import LogisticRegression

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.keyword_rules import load_question_joiners

RESPONSE_SELECTOR = "response_selector"
MODEL_FILE = "faq_selector.skops"


def part_separators(joiners: List[str]) -> "re.Pattern[str]":
    """Where a message splits into questions: "?", ";", and the words that join two questions
    (`question_joiners:` of each language's keywords.yml, read at training), longest first."""
    words = "|".join(re.escape(w) for w in sorted(joiners, key=len, reverse=True))
    return re.compile(r"\?+|;" + (rf"|\b(?:{words})\b" if words else ""), re.IGNORECASE)


MIN_PART_WORDS = 2
MAX_PARTS = 4
PART_CONFIDENCE = 0.5
NOT_AN_FAQ = "(not an faq)"  # the part classifier's class for every other intent's examples


def _features(messages: List[Message]) -> csr_matrix:
    rows = []
    for message in messages:
        sparse = message.get_sparse_features(TEXT)[1]
        dense = message.get_dense_features(TEXT)[1]
        rows.append(hstack([csr_matrix(sparse.features if sparse else []), csr_matrix(dense.features if dense else [])]))
    return vstack(rows).tocsr()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqSelector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"retrieval_intent": "faq", "C": 10.0, "max_iter": 500, "ranking_length": 5, "keywords_dir": "data/nlu"}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: Optional[LogisticRegression] = None,
        responses: Optional[Dict[Text, List[Dict[Text, Any]]]] = None,
        part_classifier: Optional[LogisticRegression] = None,
        joiners: Optional[List[str]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier
        self._responses = responses or {}
        self._part_classifier = part_classifier
        self._joiners = joiners or []
        self._separators = part_separators(self._joiners)

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext) -> FaqSelector:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        retrieval_intent = self._config["retrieval_intent"]
        examples = [
            m for m in training_data.intent_examples
            if m.get(INTENT) == retrieval_intent and m.get(INTENT_RESPONSE_KEY) and m.get(TEXT)
        ]
        if not examples:
            return self._resource
        classifier = LogisticRegression(
            C=self._config["C"], max_iter=self._config["max_iter"], class_weight="balanced", random_state=42
        )
        classifier.fit(_features(examples), [m.get(INTENT_RESPONSE_KEY) for m in examples])
        self._classifier = classifier
        others = [m for m in training_data.intent_examples if m.get(INTENT) != retrieval_intent and m.get(TEXT)]
        self._part_classifier = _part_classifier(examples, others)
        self._joiners = load_question_joiners(Path(self._config["keywords_dir"]))
        self._separators = part_separators(self._joiners)
        self._responses = {
            key: training_data.responses.get(f"utter_{key}", []) for key in classifier.classes_
        }
        self._persist()
        return self._resource

    def _persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump({"classifier": self._classifier, "responses": self._responses,
                      "part_classifier": self._part_classifier, "joiners": self._joiners}, directory / MODEL_FILE)

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs: Any) -> FaqSelector:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                saved = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        except ValueError:  # nothing was trained: no FAQ examples
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, saved["classifier"], saved["responses"], saved.get("part_classifier"),
                   saved.get("joiners"))

    def process(self, messages: List[Message]) -> List[Message]:
        classifier = self._classifier
        if classifier is None or not messages:
            return messages
        probabilities = classifier.predict_proba(_features(messages))
        for message, row in zip(messages, probabilities):
            self._set_prediction(message, row, classifier.classes_)
            self._as_sure_as_its_answer(message, float(row.max()))
            parts = self._faq_parts(message.get(TEXT) or "")
            if parts:
                message.get(RESPONSE_SELECTOR)[self._config["retrieval_intent"]]["parts"] = parts
        return messages

    def _faq_parts(self, text: str) -> List[Dict[Text, Any]]:
        """The FAQ key each part of a several-question message asks about (confident parts only),
        and whether the customer ended that part with a question mark (`asked`)."""
        text = text[:1000]
        pieces: List[Tuple[str, bool]] = []
        start = 0
        for separator in [*self._separators.finditer(text), None]:
            end = separator.start() if separator else len(text)
            piece = text[start:end].strip()
            if piece and len(piece.split()) >= MIN_PART_WORDS:
                pieces.append((piece, separator is not None and separator.group().startswith("?")))
            start = separator.end() if separator else end
        if self._part_classifier is None or len(pieces) < 2:
            return []
        from bot.nlu.sentence_encoder import encoder

        pieces = pieces[:MAX_PARTS]
        probabilities = self._part_classifier.predict_proba(_unit(np.atleast_2d(encoder().encode([p for p, _ in pieces]))))
        parts: List[Dict[Text, Any]] = []
        for row, (_, asked) in zip(probabilities, pieces):
            best = int(np.argmax(row))
            key = str(self._part_classifier.classes_[best])
            if key != NOT_AN_FAQ and row[best] >= PART_CONFIDENCE and key not in [p["intent_response_key"] for p in parts]:
                parts.append({"intent_response_key": key, "confidence": float(row[best]), "asked": asked})
        return parts

    def _as_sure_as_its_answer(self, message: Message, answer_confidence: float) -> None:
        """An FAQ is only as sure as the choice of its answer: "my daughter gave me a gift card, how
        do I use it?" is surely an FAQ, but password (0.51) or payment (0.43)? The FAQ intent gets
        the lower of the two confidences, so an unsure choice asks "did you mean…?" (the
        FallbackClassifier's threshold) instead of giving a wrong answer."""
        intent = message.get(INTENT) or {}
        if intent.get("name") != self._config["retrieval_intent"] or (intent.get("confidence") or 0.0) <= answer_confidence:
            return
        sure = dict(intent, confidence=answer_confidence)
        ranking = [dict(r, confidence=answer_confidence) if r.get("name") == sure["name"] else r
                   for r in message.get(INTENT_RANKING_KEY) or []]
        message.set(INTENT, sure, add_to_output=True)
        message.set(INTENT_RANKING_KEY, sorted(ranking, key=lambda r: -r["confidence"]), add_to_output=True)

    def _set_prediction(self, message: Message, probabilities: np.ndarray, classes: np.ndarray) -> None:
        """`probabilities` are the classifier's, in the order of its `classes`."""
        retrieval_intent = self._config["retrieval_intent"]
        order = np.argsort(-probabilities)[: self._config["ranking_length"]]
        ranking: List[Dict[Text, Any]] = [
            {"intent_response_key": str(classes[i]), "confidence": float(probabilities[i])}
            for i in order
        ]
        top = ranking[0]
        properties = message.get(RESPONSE_SELECTOR) or {}
        properties["all_retrieval_intents"] = [retrieval_intent]
        properties[retrieval_intent] = {
            "response": {
                "responses": self._responses.get(top["intent_response_key"], []),
                "confidence": top["confidence"],
                "intent_response_key": top["intent_response_key"],
                "utter_action": f"utter_{top['intent_response_key']}",
            },
            "ranking": ranking,
        }
        message.set(RESPONSE_SELECTOR, properties, add_to_output=True)


def _part_classifier(examples: List[Message], others: List[Message]) -> Optional[LogisticRegression]:
    """FAQ key from the sentence embedding alone (the part of a message has no n-gram features).
    The examples of every other intent are one more class, NOT_AN_FAQ: "where is order 100234"
    or "it still hasn't come", beside a question, are not FAQs."""
    rows = [(m.get_dense_features(TEXT)[1], m.get(INTENT_RESPONSE_KEY)) for m in examples]
    rows += [(m.get_dense_features(TEXT)[1], NOT_AN_FAQ) for m in others]
    rows = [(features.features.reshape(-1), key) for features, key in rows if features is not None]
    if len({key for _, key in rows} - {NOT_AN_FAQ}) < 2:
        return None
    classifier = LogisticRegression(C=1.0, max_iter=300, class_weight="balanced", random_state=42)
    classifier.fit(_unit(np.stack([f for f, _ in rows])), [k for _, k in rows])
    return classifier


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1: the featurizer's `scale` doesn't matter to the part classifier."""
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
