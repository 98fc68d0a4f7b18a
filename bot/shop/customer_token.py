"""Signed customer tokens: how a logged-in customer's page tells the bot who they are.

The shop's site signs a JWT (HS256) with the shop's secret (SHOP_SIGNING_SECRET) holding the
customer id in `sub` and an expiry in `exp`; the widget sends it as `customer_token` in the
channel metadata. A forged, expired or malformed token is ignored, never trusted.
"""
from __future__ import annotations

import time
from typing import Optional

import jwt

ALGORITHM = "HS256"


def sign(customer_id: str, secret: str, ttl_s: int = 3600, now: Optional[float] = None) -> str:
    issued = int(now if now is not None else time.time())
    return jwt.encode({"sub": customer_id, "iat": issued, "exp": issued + ttl_s}, secret, algorithm=ALGORITHM)


def customer_id_from(token: object, secret: Optional[str]) -> Optional[str]:
    if not secret or not isinstance(token, str) or len(token) > 4096:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) and subject else None
