"""Tells the consumers of the RabbitMQ event stream that conversations were erased, so they can
erase their copies too: one message on the same queue as the conversation events,
{"event": "customer_erased", "conversation_ids": [...], "at": <Unix seconds>}.
Sent only when RABBITMQ_URL is set, and confirmed by the broker before the erase reports it."""
from __future__ import annotations

import json
import time
from typing import Iterable, Optional

from bot.rasa_ext.endpoints import pika_broker

TIMEOUT_S = 5


def message(conversation_ids: Iterable[str], now: Optional[float] = None) -> dict:
    return {"event": "customer_erased", "conversation_ids": sorted(set(conversation_ids)), "at": now or time.time()}


async def publish(url: str, queue: str, body: dict) -> None:
    """Publishes `body` on `queue` (declared durable, as Rasa's pika broker declares it) and waits
    for the broker's confirmation; raises when the broker is down or refuses it."""
    import aio_pika

    config = pika_broker(url, queue)
    connection = await aio_pika.connect(host=config["url"], port=config["port"], login=config["username"],
                                        password=config["password"], timeout=TIMEOUT_S)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.declare_queue(queue, durable=True)
        await channel.default_exchange.publish(
            aio_pika.Message(json.dumps(body).encode(), content_type="application/json",
                             delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=queue, timeout=TIMEOUT_S,
        )
