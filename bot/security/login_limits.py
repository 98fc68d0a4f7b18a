"""Wrong passwords at the console's login, limited per client address and username together.

Counting per username alone let anyone lock the rightful agent out from anywhere. Here an
address that keeps guessing one username waits longer after each wrong password beyond
FREE_TRIES (30 s, doubling, at most 15 minutes), and an address that sprays many usernames is
stopped as a whole; the owner logging in from another address is never affected.
"""
from __future__ import annotations

import hashlib
from typing import Optional

from bot.security.attempts import Attempts

WINDOW_S = 15 * 60
FREE_TRIES = 5
FIRST_WAIT_S = 30
MAX_WAIT_S = 15 * 60
ADDRESS_LIMIT = 30  # wrong passwords from one address, whatever the usernames


def _keys(username: str, address: Optional[str]):
    who = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    where = (address or "unknown")[:64]
    return f"login:{where}:{who}", f"login:{where}"


def wait_after(failures: int) -> int:
    """Seconds to wait after the last wrong password, given how many there were in the window."""
    if failures < FREE_TRIES:
        return 0
    return min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** (failures - FREE_TRIES))


class LoginLimits:
    def __init__(self, attempts: Attempts) -> None:
        self.attempts = attempts

    def retry_after(self, username: str, address: Optional[str], now: float) -> int:
        """0 when this address may try this username now, else the seconds to wait."""
        pair, whole = _keys(username, address)
        times = self.attempts.times(pair, now - WINDOW_S)
        waits = [int(times[-1] + wait_after(len(times)) - now) + 1] if times and wait_after(len(times)) else []
        spray = self.attempts.times(whole, now - WINDOW_S)
        if len(spray) >= ADDRESS_LIMIT:
            waits.append(int(spray[len(spray) - ADDRESS_LIMIT] + WINDOW_S - now) + 1)
        return max([w for w in waits if w > 0], default=0)

    def failed(self, username: str, address: Optional[str], now: float) -> None:
        for key in _keys(username, address):
            self.attempts.add(key, now)

    def succeeded(self, username: str, address: Optional[str]) -> None:
        self.attempts.clear(_keys(username, address)[0])
