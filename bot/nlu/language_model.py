"""The language model behind LanguageDetector, as plain functions and a small class.

probability(language | text) ∝ lingua's confidence^w × Π over known words P(word | language),
where P(word | language) comes from word counts in that language's training examples
(additive smoothing), and lingua's weight w grows with the message's length: lingua is sure of
itself on "ok" (84 % English) although "ok" is as Spanish as it is English. Words no language's
training data contains are left to lingua.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List

from bot.nlu.training_files import examples_in_folder

# Letters only: digits, emails, order numbers and emoji say nothing about the language.
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+")
SMOOTHING = 0.1
# Letters from which lingua gets its full weight.
LINGUA_FULL_WEIGHT_LETTERS = 20


def words(text: str) -> List[str]:
    return _WORD.findall(_EMAIL_OR_URL.sub(" ", text.lower()))


def train_word_counts(training_dir: Path, languages: Iterable[str]) -> Dict[str, Dict[str, int]]:
    """Word frequencies per language from `<training_dir>/<language>/*.yml`."""
    counts = {}
    for language in languages:
        counter: Counter = Counter()
        for _, text in examples_in_folder(training_dir / language):
            counter.update(words(text))
        counts[language] = dict(counter)
    return counts


@lru_cache(maxsize=4)
def _lingua_detector(languages: tuple):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    lingua_languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages
    ]
    return LanguageDetectorBuilder.from_languages(*lingua_languages).with_preloaded_language_models().build()


class LanguageModel:
    def __init__(self, languages: Iterable[str], word_counts: Dict[str, Dict[str, int]]) -> None:
        self.languages = list(languages)
        self._counts = {lang: word_counts.get(lang, {}) for lang in self.languages}
        self._totals = {lang: sum(c.values()) for lang, c in self._counts.items()}
        self._vocabulary_size = len({w for c in self._counts.values() for w in c}) or 1

    def _lingua(self, text: str) -> Dict[str, float]:
        detector = _lingua_detector(tuple(self.languages))
        values = detector.compute_language_confidence_values(text)
        return {v.language.iso_code_639_1.name.lower(): v.value for v in values}

    def _word_log_likelihood(self, word: str, language: str) -> float:
        count = self._counts[language].get(word, 0)
        denominator = self._totals[language] + SMOOTHING * self._vocabulary_size
        return math.log((count + SMOOTHING) / denominator)

    def probabilities(self, text: str) -> Dict[str, float]:
        """P(language | text) for each language; empty when the text has no words."""
        message_words = words(text)
        if not message_words:
            return {}
        lingua = self._lingua(" ".join(message_words))
        weight = min(1.0, sum(map(len, message_words)) / LINGUA_FULL_WEIGHT_LETTERS)
        scores = {lang: weight * math.log(max(lingua.get(lang, 0.0), 1e-4)) for lang in self.languages}
        for word in message_words:
            if any(word in counts for counts in self._counts.values()):
                for lang in self.languages:
                    scores[lang] += self._word_log_likelihood(word, lang)
        top = max(scores.values())
        exp = {lang: math.exp(score - top) for lang, score in scores.items()}
        total = sum(exp.values())
        return {lang: value / total for lang, value in exp.items()}
