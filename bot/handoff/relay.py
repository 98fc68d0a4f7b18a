"""A Rasa event broker (endpoints.yml `event_broker`) that copies what happens in a conversation
with an open case into the case's transcript: the messages a customer sends while waiting reach
the agent live, on every channel, from every Rasa replica.

It also forwards every event to RabbitMQ when RABBITMQ_URL is set (amqp://user:pass@host:5672/,
queue RABBITMQ_QUEUE, default `rasa_events`), using Rasa's own PikaEventBroker, so production keeps
its event stream. `publish_confirmed` lets the production tracker store (bot/rasa_ext/tracker_store.py)
wait for RabbitMQ's confirmation before a turn's reply goes out.

Writes run in one background thread, in order: publishing never blocks the bot's event loop, and
a handoff store that is down costs a logged warning, never a conversation.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.exc import SQLAlchemyError

from bot import settings
from bot.handoff.context import message_from_event
from bot.handoff.store import HandoffStore, default_store

logger = logging.getLogger(__name__)
RELAYED_EVENTS = {"user", "bot"}


class HandoffRelayBroker(EventBroker):
    def __init__(self, store_factory=default_store, forward: Optional[EventBroker] = None, rollups=None) -> None:
        self._store_factory = store_factory
        self._forward = forward
        self._rollups = rollups  # bot/insights/feed.py: every event also folded into the insights rollups
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="handoff-relay")
        self._last_bot_event: Dict[str, Dict[str, Any]] = {}  # per conversation, for button titles

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig, event_loop=None) -> "HandoffRelayBroker":
        from bot.insights.feed import from_environment

        return cls(forward=await _rabbitmq_from_environment(event_loop), rollups=from_environment())

    def publish(self, event: Dict[Text, Any]) -> None:
        if self._forward is not None:
            self._forward.publish(event)
        self._copy_to_case(event)
        if self._rollups is not None:
            self._rollups.add(event)

    async def publish_confirmed(self, event: Dict[Text, Any]) -> None:
        from bot.rasa_ext.broker import publish_and_wait

        self._copy_to_case(event)
        folded = asyncio.wrap_future(self._rollups.add(event)) if self._rollups is not None else None  # queued in order
        if self._forward is not None:
            await publish_and_wait(self._forward, [event])
        if folded is not None:
            await folded  # the conversation's next turn, maybe on another replica, finds its row up to date

    def _copy_to_case(self, event: Dict[Text, Any]) -> None:
        if event.get("event") not in RELAYED_EVENTS or not event.get("sender_id"):
            return
        previous_bot = self._last_bot_event.get(event["sender_id"])
        if event.get("event") == "bot":
            self._last_bot_event[event["sender_id"]] = event
            if len(self._last_bot_event) > 10000:
                self._last_bot_event.clear()
        self._writer.submit(self._relay, event, previous_bot)

    def _relay(self, event: Dict[str, Any], previous_bot: Optional[Dict[str, Any]]) -> None:
        message = message_from_event(event, previous_bot)
        # Agent messages are recorded by the console itself, with their delivery state.
        if message is None or message.sender == "agent":
            return
        try:
            store: HandoffStore = self._store_factory()
            case = store.open_case_of(event["sender_id"])
            if case is not None:
                store.add_message(case["id"], message)
        except SQLAlchemyError as error:
            logger.warning("handoff relay: store unavailable, message not copied to its case (%s)", type(error).__name__)

    def is_ready(self) -> bool:
        return self._forward.is_ready() if self._forward is not None else True

    async def close(self) -> None:
        self._writer.shutdown(wait=True)
        if self._rollups is not None:
            self._rollups.close()
        if self._forward is not None:
            from bot.rasa_ext.broker import flush

            await flush(self._forward)  # the events still being sent go out before the connection closes
            await self._forward.close()


async def _rabbitmq_from_environment(event_loop) -> Optional[EventBroker]:
    rasa = settings.load().rasa
    if not rasa.rabbitmq_url:
        return None
    from rasa.core.brokers.pika import PikaEventBroker

    from bot.rasa_ext.endpoints import pika_broker

    config = pika_broker(rasa.rabbitmq_url, rasa.rabbitmq_queue, rasa.rabbitmq_exchange)
    config.pop("type")
    return await PikaEventBroker.from_endpoint_config(EndpointConfig(**config), event_loop or asyncio.get_event_loop())
