"""Limits on guessing who owns an order, across conversations and replicas.

The conversation's own lock (3 wrong pairs, bot/shop/identity.py) is reset by starting a new
conversation, so wrong pairs are also counted per order, per contact (email or phone, hashed)
and per client address. Over any limit, the check answers exactly as for a wrong pair, even
when the pair is right: an attacker rotating conversations learns nothing, and the real owner
is offered a person after their own three tries.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Tuple

from bot.security.attempts import Attempts, attempts_from_environment
from bot.shop.identifiers import phone_key

WINDOW_S = 15 * 60
LIMITS = {"order": 5, "contact": 5, "client": 20}


def _contact_fingerprint(contact: str) -> Optional[str]:
    contact = (contact or "").strip().lower()
    if not contact:
        return None
    normal = contact if "@" in contact else (phone_key(contact) or contact)[-9:]
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


@dataclass
class IdentityGuard:
    attempts: Attempts

    def _keys(self, order_id: Optional[str], contact: Optional[str], client: Optional[str]) -> List[Tuple[str, int]]:
        keys = []
        if order_id:
            keys.append((f"identity:order:{order_id}", LIMITS["order"]))
        fingerprint = _contact_fingerprint(contact or "")
        if fingerprint:
            keys.append((f"identity:contact:{fingerprint}", LIMITS["contact"]))
        if client:
            keys.append((f"identity:client:{client[:64]}", LIMITS["client"]))
        return keys

    def blocked(self, order_id: Optional[str], contact: Optional[str], client: Optional[str], now: float) -> bool:
        return any(len(self.attempts.times(key, now - WINDOW_S)) >= limit
                   for key, limit in self._keys(order_id, contact, client))

    def failed(self, order_id: Optional[str], contact: Optional[str], client: Optional[str], now: float) -> None:
        for key, _ in self._keys(order_id, contact, client):
            self.attempts.add(key, now)

    def succeeded(self, order_id: Optional[str], contact: Optional[str]) -> None:
        """The owner proved it: their order and contact start afresh (the address keeps its count)."""
        for key, _ in self._keys(order_id, contact, None):
            self.attempts.clear(key)


@lru_cache(maxsize=1)
def default_guard() -> IdentityGuard:
    """One per process, on GUESS_LIMIT_REDIS_URL or the handoff database."""
    return IdentityGuard(attempts_from_environment())
