"""The customer's 1-5 rating from a button payload or what they typed ("un 4", "⭐⭐⭐⭐⭐", "4/5")."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

from bot.settings import PROJECT_ROOT

# The words for one to five, per language: data (a new language adds its words there).
RATING_WORDS_FILE = PROJECT_ROOT / "shop" / "rating_words.yml"


@lru_cache(maxsize=1)
def number_words(path: Path = RATING_WORDS_FILE) -> Dict[str, int]:
    """word -> 1..5, every language's words together (a rating is read before its language is)."""
    by_language = yaml.safe_load(path.read_text("utf-8")) or {}
    return {str(word).lower(): int(score) for words in by_language.values() for word, score in (words or {}).items()
            if 1 <= int(score) <= 5}


def score_in(value: Any) -> Optional[int]:
    text = str(value or "").strip().lower()
    if not text:
        return None
    stars = text.count("⭐") + text.count("★")
    if 1 <= stars <= 5:
        return stars
    digits = re.findall(r"(?<!\d)([1-5])(?:\s*(?:/|de|of|out of)\s*5)?(?!\d)", text)
    if digits:
        return int(digits[0])
    words = number_words()
    for word in re.findall(r"\w+", text):
        if word in words:
            return words[word]
    return None
