"""Hiding personal data in text.

- Card numbers (PANs): 13 to 19 digits, spaces or dashes allowed between them, that pass the
  Luhn check and start as cards do (2 to 6: Mastercard, Visa, Amex, Discover, JCB, UnionPay…).
  Never stored: the channels hide them before Rasa sees the text. The Luhn check keeps order
  numbers and tracking numbers as they are; the first digit and a leading "+" keep phones
  ("0034…", "+55 11 9…"), one in ten of which would pass the Luhn check by chance.
- Emails and phone numbers: hidden in every log line, and in case transcripts when the shop
  asks for it (shop/privacy.yml).
"""
from __future__ import annotations

import re
from typing import List, Tuple

from bot.shop.identifiers import EMAIL, PHONE

CARD_MASK = "[card number hidden]"
EMAIL_MASK = "<email>"
PHONE_MASK = "<phone>"
# A run of digits with single spaces or dashes between them, not touching letters or digits.
_DIGIT_RUN = re.compile(r"(?<![\w])\d+(?:[ -]\d+)*(?![\w])")
_GROUP = re.compile(r"\d+")
CARD_FIRST_DIGITS = "23456"
MAX_CARD_GROUPS = 19  # a card has at most 19 digits, so at most 19 groups: bounds the search


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        number = int(char)
        if position % 2 == 1:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0


def _card_spans(run: str, after_plus: bool = False) -> List[Tuple[int, int]]:
    """Where card numbers are in a run of digit groups ("+34 600 11 22 33 4539 5787 6362 1486"
    holds a phone and a card): consecutive groups of 13-19 digits that pass the Luhn check, the
    longest first, left to right, never overlapping."""
    groups = [(m.start(), m.end()) for m in _GROUP.finditer(run)]
    spans: List[Tuple[int, int]] = []
    first = 0
    while first < len(groups):
        found = None
        if run[groups[first][0]] not in CARD_FIRST_DIGITS or (first == 0 and after_plus):
            first += 1
            continue
        for last in range(min(len(groups), first + MAX_CARD_GROUPS) - 1, first - 1, -1):
            digits = "".join(run[a:b] for a, b in groups[first:last + 1])
            if 13 <= len(digits) <= 19 and luhn_valid(digits):
                found = last
                break
        if found is None:
            first += 1
            continue
        spans.append((groups[first][0], groups[found][1]))
        first = found + 1
    return spans


def mask_cards(text: str) -> Tuple[str, int]:
    """The text with every card number replaced, and how many there were."""
    if not text or not any(c.isdigit() for c in text):
        return text, 0
    found = 0

    def replace(match: "re.Match[str]") -> str:
        nonlocal found
        run = match.group(0)
        spans = _card_spans(run, after_plus=match.start() > 0 and text[match.start() - 1] == "+")
        for start, end in reversed(spans):
            run = run[:start] + CARD_MASK + run[end:]
        found += len(spans)
        return run

    return _DIGIT_RUN.sub(replace, text), found


def _is_phone(match: "re.Match[str]") -> bool:
    """9 digits or more, and not a file's name ("models/20261201-200211.tar.gz")."""
    text, start, end = match.string, match.start(), match.end()
    if (start > 0 and text[start - 1] == "/") or re.match(r"\.[A-Za-z]", text[end:end + 2]):
        return False
    return len(re.sub(r"\D", "", match.group(0))) >= 9


def mask_contacts(text: str) -> str:
    """Emails and phone numbers (9 digits or more) replaced."""
    text = EMAIL.sub(EMAIL_MASK, text)
    return PHONE.sub(lambda m: PHONE_MASK if _is_phone(m) else m.group(0), text)


def mask_all(text: str) -> str:
    """Card numbers, then emails and phones: what a log line may not carry."""
    return mask_contacts(mask_cards(text)[0])
