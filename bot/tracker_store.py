"""Rasa's SQL tracker store, made to ride through a database restart.

Rasa wraps every tracker store in a `FailSafeTrackerStore`: when the database raises, it
returns *no tracker* (the conversation silently starts over) and saves into memory (events lost
from the database). A PostgreSQL restart of a few seconds would do exactly that. This subclass
keeps the same tables and queries but
- retries a retrieve or save that fails with a connection error, with backoff, for up to
  TRACKER_STORE_RETRY_S seconds (default 30), after dropping every pooled connection (those
  left over from before a restart are dead). The conversation's lock is held meanwhile, so the
  order of messages is kept; the customer's turn just takes longer. (No `pool_pre_ping`: a
  round trip before every query cost 8% of a turn, and the retry covers the same case.)

It also saves with one query fewer per turn and publishes to the event broker only what was
committed: Rasa's `save` first re-reads the whole tracker from the database to find the new
events for the broker (a second retrieve per turn), then counts the stored events again to
insert the same new events. Here the count is done once, the new events are inserted and
committed, and then exactly those are published (and confirmed, see `publish_and_wait`), so a
retried save never publishes twice.
And when this process retrieved the conversation just before (every turn does, holding the
conversation's lock, so no other replica can have written since), the number of stored events
is known and the count query is skipped.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRYABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError)


def _retry_window_s() -> float:
    return float(os.environ.get("TRACKER_STORE_RETRY_S", "30"))


async def publish_and_wait(broker: Any, sender_id: Text, events: List[Event]) -> None:
    """Publish a turn's events before its reply goes out. Rasa's pika broker publishes in
    background tasks, which under load lag seconds behind the turns (measured: a replica killed
    under load took 4 s of events with it). Here the turn waits for RabbitMQ's confirmation.
    A broker may offer `async publish_confirmed(event)`; Rasa's PikaEventBroker is awaited
    through its own `_publish`; any other broker gets Rasa's usual `publish`."""
    from rasa.core.brokers.pika import PikaEventBroker

    bodies = [dict({"sender_id": sender_id}, **event.as_dict()) for event in events]
    confirmed = getattr(broker, "publish_confirmed", None)
    if confirmed is None and isinstance(broker, PikaEventBroker):
        if broker._exchange is None:  # not connected (yet): the broker's own backlog, sent on connect
            broker._unpublished_events.extend(bodies)
            return
        confirmed = broker._publish
    if confirmed is None:
        for body in bodies:
            broker.publish(body)
        return
    # one channel: frames leave in this order, so RabbitMQ gets the events in order
    await asyncio.gather(*(confirmed(body) for body in bodies))


class ResilientSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # sender id -> number of events of the latest session, as read by the last retrieve
        self._stored_counts: Dict[Text, int] = {}

    async def _with_retries(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + _retry_window_s()
        delay = 0.2
        while True:
            try:
                return await call()
            except RETRYABLE as error:
                if time.monotonic() + delay > deadline:
                    raise
                logger.warning("tracker_store.%s.retry error=%s", what, type(error).__name__)
                self.engine.dispose()  # drop every pooled connection from before the failure
                self._stored_counts.clear()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self._stored_counts.pop(sender_id, None)
        tracker = await self._with_retries("retrieve", lambda: SQLTrackerStore.retrieve(self, sender_id))
        self._stored_counts[sender_id] = len(tracker.events) if tracker is not None else 0
        if len(self._stored_counts) > 10_000:  # conversations retrieved and never saved
            self._stored_counts.clear()
        return tracker

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._with_retries("retrieve_full", lambda: SQLTrackerStore.retrieve_full_tracker(self, sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        async def insert() -> List[Event]:
            return self._insert_new_events(tracker)

        new_events = await self._with_retries("save", insert)
        if self.event_broker is not None and new_events:
            await publish_and_wait(self.event_broker, tracker.sender_id, new_events)

    def _insert_new_events(self, tracker: DialogueStateTracker) -> List[Event]:
        with self.session_scope() as session:
            stored = self._stored_counts.pop(tracker.sender_id, None)
            if stored is None or stored > len(tracker.events):
                new_events = list(self._additional_events(session, tracker))
            else:
                new_events = list(tracker.events)[stored:]
            for event in new_events:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        return new_events
