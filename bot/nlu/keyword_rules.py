"""Editors' keywords: "these words mean this intent", per language.

Matching ignores case and accents, compares Snowball stems (so "devolver", "devolución" and
"devoluciones" match each other) and tolerates one typo in words of five letters or more.
A keyword of several words matches those words in a row.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import snowballstemmer
import yaml

TYPO_MIN_LENGTH = 5
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class KeywordMatch:
    intent: str
    keyword: str
    language: str


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> List[str]:
    return _TOKEN.findall(strip_accents(text.lower()))


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance ≤ 1 (one insertion, deletion, substitution or swap)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    shorter, longer = sorted((a, b), key=len)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1:] == shorter:
            return True
    return False


def snowball_name(language: Optional[str]) -> Optional[str]:
    """Snowball's stemmer for a language code ("fr" -> "french"), from CLDR's English name of the
    language (Babel): no table of languages here. None when Snowball has no stemmer for it."""
    from babel import Locale, UnknownLocaleError

    try:
        name = (Locale.parse(language or "").get_language_name("en") or "").lower()
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return name if name in snowballstemmer.algorithms() else None


class _Stemmer:
    def __init__(self, language: str) -> None:
        name = snowball_name(language)
        self._stemmer = snowballstemmer.stemmer(name) if name else None

    def __call__(self, word: str) -> str:
        return self._stemmer.stemWord(word) if self._stemmer else word


def _same_word(message_word: str, message_stem: str, keyword_word: str, keyword_stem: str) -> bool:
    if message_stem == keyword_stem or message_word == keyword_word:
        return True
    if len(keyword_word) < TYPO_MIN_LENGTH:
        return False
    return within_one_edit(message_word, keyword_word) or within_one_edit(message_stem, keyword_stem)


# Keywords rescue short messages the model is unsure of; their cost grows with words × keywords,
# so only a message's first MAX_WORDS words are searched (a long message can't stall the server).
MAX_WORDS = 40


class KeywordMatcher:
    """Finds the editors' keywords in a message."""

    def __init__(self, rules: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
        # rules: language -> intent -> keywords
        self._stemmers = {language: _Stemmer(language) for language in rules}
        self._phrases: Dict[str, List[Tuple[str, str, List[Tuple[str, str]]]]] = {}
        for language, by_intent in rules.items():
            stem = self._stemmers[language]
            self._phrases[language] = [
                (intent, keyword, [(w, stem(w)) for w in tokens(keyword)])
                for intent, keywords in by_intent.items()
                for keyword in keywords or []
                if tokens(keyword)
            ]

    @property
    def languages(self) -> List[str]:
        return list(self._phrases)

    def intents(self) -> Dict[str, List[str]]:
        """language -> intents that have keywords (for validation)."""
        return {lang: sorted({p[0] for p in phrases}) for lang, phrases in self._phrases.items()}

    def matches(self, text: str, language: Optional[str] = None) -> List[KeywordMatch]:
        """Keywords found in `text`: the given language's, or every language's when unknown."""
        languages = [language] if language in self._phrases else list(self._phrases)
        words = tokens(text)[:MAX_WORDS]
        found = []
        for lang in languages:
            stem = self._stemmers[lang]
            message = [(w, stem(w)) for w in words]
            for intent, keyword, phrase in self._phrases[lang]:
                if _phrase_in(phrase, message):
                    found.append(KeywordMatch(intent, keyword, lang))
        return found


def _phrase_in(phrase: List[Tuple[str, str]], message: List[Tuple[str, str]]) -> bool:
    for start in range(len(message) - len(phrase) + 1):
        if all(
            _same_word(message[start + i][0], message[start + i][1], kw, ks)
            for i, (kw, ks) in enumerate(phrase)
        ):
            return True
    return False


def keyword_files(directory: Path) -> List[Path]:
    return sorted(directory.glob("*/keywords.yml"))


def load_rules(directory: Path) -> Dict[str, Dict[str, List[str]]]:
    """language -> intent -> keywords, from `<directory>/<language>/keywords.yml`."""
    rules: Dict[str, Dict[str, List[str]]] = {}
    for path in keyword_files(directory):
        document = yaml.safe_load(path.read_text("utf-8")) or {}
        language = document.get("language") or path.parent.name
        for intent, keywords in (document.get("keywords") or {}).items():
            rules.setdefault(language, {}).setdefault(intent, []).extend(keywords or [])
    return rules


def load_question_joiners(directory: Path) -> List[str]:
    """Every language's words that join two questions in one message, from `question_joiners:` in
    `<directory>/<language>/keywords.yml`."""
    words: List[str] = []
    for path in keyword_files(directory):
        document = yaml.safe_load(path.read_text("utf-8")) or {}
        words.extend(str(w) for w in document.get("question_joiners") or [] if str(w).strip())
    return sorted(set(words))


def choose_intent(matches: Iterable[KeywordMatch], model_ranking: Dict[str, float]) -> Optional[KeywordMatch]:
    """Among keyword matches, the intent the model itself ranks highest (then the longest keyword)."""
    candidates = list(matches)
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda m: (model_ranking.get(m.intent.split("/")[0], 0.0), len(m.keyword)),
    )
