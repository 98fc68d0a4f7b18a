"""The secret the Rasa server and the action server share (ACTION_SERVER_SECRET).

Rasa sends it in a header with every action call (the launcher writes it into the runtime
endpoints file); the action server refuses calls without it. The actions also sign what they
verified (who the customer is) with it, so a slot is trusted only with a valid signature.
In demo mode the launcher generates one per run; in production it must be set.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Mapping, Optional

from bot import settings

SECRET_VARIABLE = "ACTION_SERVER_SECRET"
HEADER = "X-Aurora-Action-Secret"
MIN_LENGTH = settings.ACTION_SECRET_MIN_LENGTH


def action_server_secret(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """ACTION_SERVER_SECRET (bot/settings.py checks its length), None when unset."""
    return settings.load(env).actions.secret


def header_matches(value: Optional[str], secret: str) -> bool:
    if not value:
        return False
    return hmac.compare_digest(value.encode(), secret.encode())


def signature(*parts: str, secret: Optional[str] = None) -> str:
    key = (secret or action_server_secret() or "").encode()
    message = "\x1f".join(parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_matches(given: Optional[str], *parts: str, secret: Optional[str] = None) -> bool:
    key = secret or action_server_secret()
    if not key or not isinstance(given, str):
        return False
    return hmac.compare_digest(given, signature(*parts, secret=key))
