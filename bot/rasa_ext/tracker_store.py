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
committed, and then exactly those are published (and confirmed, see broker.py), so a
retried save never publishes twice. A replica that dies between the commit and RabbitMQ's
confirmation leaves events stored but unpublished: a small outbox mark per conversation
(`aurora_event_outbox`: the last event id confirmed) lets the next save of that conversation, or
a client's retry, publish them first (at least once, in order).
And when this process retrieved the conversation just before (every turn does, holding the
conversation's lock, so no other replica can have written since), the number of stored events
is known and the count query is skipped.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot import settings
from bot.migrations import runner, stores
from bot.rasa_ext.broker import publish_and_wait
from bot.tracker_outbox import outbox

logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRYABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError)


def _retry_window_s() -> float:
    return settings.load().rasa.tracker_store_retry_s


class ResilientSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # sender id -> number of events of the latest session, as read by the last retrieve
        self._stored_counts: Dict[Text, int] = {}
        # per conversation, the id of the last event the broker confirmed (the outbox mark)
        self._outbox = outbox
        if self.event_broker is not None:
            try:  # our table at the newest schema (bot/migrations/tracker/); replicas starting together wait their turn
                runner.upgrade(self.engine, stores.TRACKER)
            except sa.exc.OperationalError as error:
                logger.warning("tracker_store.outbox.upgrade error=%s", type(error).__name__)  # the database is down: saves retry

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
        async def insert() -> Tuple[List[Dict[Text, Any]], Optional[int]]:
            return self._insert_new_events(tracker)

        to_publish, last_id = await self._with_retries("save", insert)
        await self._publish(tracker.sender_id, to_publish, last_id)

    async def publish_backlog(self, sender_id: Text) -> int:
        """Publish the conversation's stored events the broker never got (a replica died between
        commit and publish); the REST channel calls this when a client retries a message the
        conversation already holds. Returns how many were published."""
        if self.event_broker is None:
            return 0

        async def read() -> Tuple[List[Dict[Text, Any]], Optional[int]]:
            with self.session_scope() as session:
                return self._backlog(session, sender_id, None)

        backlog, last_id = await self._with_retries("backlog", read)
        await self._publish(sender_id, backlog, last_id)
        return len(backlog)

    async def _publish(self, sender_id: Text, bodies: List[Dict[Text, Any]], last_id: Optional[int]) -> None:
        if self.event_broker is None or not bodies or last_id is None:
            return
        await publish_and_wait(self.event_broker, bodies)

        async def mark() -> None:
            self._mark_published(sender_id, last_id)

        await self._with_retries("mark_published", mark)

    def _backlog(self, session: Any, sender_id: Text, before_id: Optional[int]) -> Tuple[List[Dict[Text, Any]], Optional[int]]:
        """Stored events after the conversation's published mark (and before `before_id`). A
        conversation without a mark gets one just before `before_id`, in the same transaction."""
        marker = session.execute(
            sa.select(self._outbox.c.published_id).where(self._outbox.c.sender_id == sender_id)
        ).scalar()
        if marker is None:
            if before_id is not None:
                session.execute(self._outbox.insert().values(sender_id=sender_id, published_id=before_id - 1))
            return [], None
        query = session.query(self.SQLEvent.id, self.SQLEvent.data).filter(
            self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > marker)
        if before_id is not None:
            query = query.filter(self.SQLEvent.id < before_id)
        rows = query.order_by(self.SQLEvent.id).all()
        return [dict({"sender_id": sender_id}, **json.loads(data)) for _, data in rows], (rows[-1][0] if rows else None)

    def _mark_published(self, sender_id: Text, last_id: int) -> None:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(self._outbox).values(sender_id=sender_id, published_id=last_id)
        statement = statement.on_conflict_do_update(
            index_elements=[self._outbox.c.sender_id],
            set_={"published_id": sa.func.greatest(self._outbox.c.published_id, last_id)
                  if self.engine.dialect.name == "postgresql" else sa.func.max(self._outbox.c.published_id, last_id)},
        )
        with self.session_scope() as session:
            session.execute(statement)
            session.commit()

    def _insert_new_events(self, tracker: DialogueStateTracker) -> Tuple[List[Dict[Text, Any]], Optional[int]]:
        """Inserts the new events and commits; returns what to publish: any backlog the broker
        never got, then the new events, and the id of the last one."""
        with self.session_scope() as session:
            stored = self._stored_counts.pop(tracker.sender_id, None)
            if stored is None or stored > len(tracker.events):
                new_events = list(self._additional_events(session, tracker))
            else:
                new_events = list(tracker.events)[stored:]
            rows = []
            for event in new_events:
                data = event.as_dict()
                row = self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                )
                session.add(row)
                rows.append((row, data))
            session.flush()
            backlog: List[Dict[Text, Any]] = []
            if self.event_broker is not None and rows:
                backlog, _ = self._backlog(session, tracker.sender_id, rows[0][0].id)
            session.commit()
            to_publish = backlog + [dict({"sender_id": tracker.sender_id}, **data) for _, data in rows]
            return to_publish, (rows[-1][0].id if rows else None)
