"""Recognising what customers type as order numbers and emails.

Plain functions: they accept "#100234", "100234", "pedido 100234", an email in any case with
text around it, and refuse everything else (too long, several candidates, injection strings).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import FrozenSet, Optional

import yaml

from bot.languages import NLU_DIR
from bot.settings import PROJECT_ROOT

# The demo shop's order_number_pattern is ^#?1\d{5}$: six digits starting with 1.
ORDER_NUMBER = re.compile(r"(?<![\w])#?\s?(1\d{5})(?!\d)")
EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![\w@])")
MAX_INPUT_LENGTH = 300


def _as_text(value) -> str:
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if v), "")
    return value if isinstance(value, str) else ""


def order_number_in(value) -> Optional[str]:
    """The single order number in what the customer wrote, or None."""
    text = _as_text(value)
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None
    found = set(ORDER_NUMBER.findall(text))
    return found.pop() if len(found) == 1 else None


def email_in(value) -> Optional[str]:
    """The single email address in what the customer wrote, lower-cased, or None."""
    text = _as_text(value)
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None
    found = {e.lower() for e in EMAIL.findall(text)}
    if len(found) != 1 or _space_inside_address(text.strip()):
        return None
    return found.pop()


def _space_inside_address(text: str) -> bool:
    """"ana garcia@example.com": one bare word before the address is most likely part of it,
    while "mi correo es ana@example.com", "email: ana@example.com" or "its ana@example.com" (a
    lead-in word of data/nlu/<language>/contact_words.yml) read as sentences."""
    words = text.split()
    return (len(words) == 2 and "@" in words[1] and words[0].replace(".", "").replace("_", "").isalnum()
            and words[0].lower() not in contact_lead_ins())


@lru_cache(maxsize=1)
def contact_lead_ins() -> FrozenSet[str]:
    """The `contact_lead_in` lookup of every language's training data."""
    words = set()
    for path in sorted((PROJECT_ROOT / NLU_DIR).glob("*/*.yml")):
        for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu") or []:
            if isinstance(block, dict) and block.get("lookup") == "contact_lead_in":
                words |= {line.lstrip("- ").strip().lower() for line in str(block.get("examples", "")).splitlines() if line.strip()}
    return frozenset(words)


PHONE = re.compile(r"(?<![\w@])\+?\d[\d\s().-]{7,18}\d(?![\w@])")


def phone_in(value) -> Optional[str]:
    """The single phone number (9 to 15 digits) in what the customer wrote, digits only with +, or None."""
    text = _as_text(value)
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None
    found = {re.sub(r"[^\d+]", "", p) for p in PHONE.findall(text)}
    found = {p for p in found if 9 <= len(p.lstrip("+")) <= 15}
    return found.pop() if len(found) == 1 else None


def contact_in(value) -> Optional[str]:
    """An email, or else a phone number: what customers give to prove an order is theirs."""
    return email_in(value) or phone_in(value)


PHONE_KEY = re.compile(r"(?:\+|00)?([0-9]{6,15})")


def phone_key(phone) -> Optional[str]:
    """"+34 600-111-222", "0034600111222" and "34600111222" are one phone: its digits without the
    international prefix. What backends store and compare; None for anything that isn't a phone."""
    if not isinstance(phone, str):
        return None
    match = PHONE_KEY.fullmatch(re.sub(r"[\s\-.()]", "", phone))
    return match.group(1) if match else None
