"""Rasa's Redis lock store, without the wait that never ends.

Rasa 3.6 gives every message a ticket for its conversation and serves tickets in order; a
ticket expires TICKET_LOCK_LIFETIME seconds after it was issued, so the ticket of a replica that
died mid-turn frees the conversation eventually. But the waiting message's own ticket expires
too, usually just after the dead one: from then on Rasa's loop waits for a ticket that no longer
exists, forever (measured: a turn retried after a replica kill hung until nginx gave up at
90 s). Here a waiter whose ticket expired takes a new one and keeps its place in line, and the
lock is polled every 0.25 s instead of every second.
"""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

POLL_S = 0.25


class RedisTicketLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = dict(endpoint_config.kwargs, host=endpoint_config.url or "localhost", **kwargs)
        super().__init__(**kwargs)

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = POLL_S) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            while True:
                lock = self.get_lock(conversation_id)
                if lock is None or lock._ticket_for_ticket_number(ticket) is None:
                    ticket = self.issue_ticket(conversation_id, lock_lifetime)  # ours expired while waiting
                    continue
                if not lock.is_locked(ticket):
                    break
                await asyncio.sleep(min(wait_time_in_seconds, POLL_S))
                self.update_lock(conversation_id)
            yield lock
        finally:
            self.cleanup(conversation_id, ticket)
