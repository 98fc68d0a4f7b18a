"""Who a privacy request is about: exactly one of an email, a phone number, a customer id (the
shop's) or a conversation id. Checked and bounded here, once, for the CLI and the API alike."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Dict, Optional

from bot.shop.identifiers import EMAIL, phone_key

KINDS = ("email", "phone", "customer", "conversation")
MAX_VALUE_LENGTH = 256
PHONE_DIGITS_COMPARED = 9  # national number: "+34 600 111 222" and "600111222" are one phone
_CUSTOMER_ID = re.compile(r"^[\w.:@-]{1,128}$")


class BadSubject(ValueError):
    pass


def phone_tail(value: Any) -> Optional[str]:
    """The last 9 digits of a phone (9 to 15 digits), the part compared; None if it isn't one."""
    key = phone_key(value) if isinstance(value, str) else None
    if key is None or not 9 <= len(key) <= 15:
        return None
    return key[-PHONE_DIGITS_COMPARED:]


@dataclass(frozen=True)
class Subject:
    kind: str
    value: str

    @property
    def label(self) -> str:
        """For logs, the audit log and printed reports: enough to recognise, not the value."""
        if self.kind == "email":
            local, _, domain = self.value.partition("@")
            return f"email {local[:1]}***@{domain}"
        if self.kind == "phone":
            return f"phone ***{self.value[-3:]}"
        return f"{self.kind} {self.value[:2]}***" if len(self.value) > 4 else f"{self.kind} ***"

    @property
    def fingerprint(self) -> str:
        """A one-way tag of the value, so the audit log can tell two requests about one person
        apart without keeping who it was."""
        return hashlib.sha256(f"{self.kind}:{self.value}".encode()).hexdigest()[:16]


def subject(kind: str, value: Any) -> Subject:
    if kind not in KINDS:
        raise BadSubject(f"say who: one of {', '.join(KINDS)}")
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_VALUE_LENGTH:
        raise BadSubject(f"{kind} must be a string of 1 to {MAX_VALUE_LENGTH} characters")
    value = value.strip()
    if kind == "email":
        if not EMAIL.fullmatch(value):
            raise BadSubject("not an email address")
        return Subject(kind, value.lower())
    if kind == "phone":
        key = phone_key(value)
        if phone_tail(value) is None or key is None:
            raise BadSubject("not a phone number (9 to 15 digits)")
        return Subject(kind, key)
    if kind == "customer" and not _CUSTOMER_ID.match(value):
        raise BadSubject("not a customer id (letters, digits and . : @ _ -)")
    return Subject(kind, value)


def from_request(body: Any) -> Subject:
    """The one selector in a JSON body: {"email": "…"}, {"phone": "…"}, {"customer": "…"} or
    {"conversation": "…"}."""
    if not isinstance(body, dict):
        raise BadSubject("send a JSON object with one of: " + ", ".join(KINDS))
    given: Dict[str, Any] = {k: v for k, v in body.items() if k in KINDS and v not in (None, "")}
    if len(given) != 1:
        raise BadSubject("give exactly one of: " + ", ".join(KINDS))
    (kind, value), = given.items()
    return subject(kind, value)
