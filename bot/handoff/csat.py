"""The customer's 1-5 rating from a button payload or what they typed ("un 4", "⭐⭐⭐⭐⭐", "4/5")."""
from __future__ import annotations

import re
from typing import Any, Optional

NUMBER_WORDS = {
    # es, en, pt: the words for one to five
    "uno": 1, "un": None, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4,
}


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
    for word in re.findall(r"\w+", text):
        if NUMBER_WORDS.get(word):
            return NUMBER_WORDS[word]
    return None
