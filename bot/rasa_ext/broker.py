"""A turn's events, confirmed by the event broker before the turn's reply goes out (used by our
tracker store and the handoff relay broker); and the publishes still in flight, waited for before
the broker closes."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text


async def publish_and_wait(broker: Any, bodies: List[Dict[Text, Any]]) -> None:
    """Publish a turn's events before its reply goes out. Rasa's pika broker publishes in
    background tasks, which under load lag seconds behind the turns (measured: a replica killed
    under load took 4 s of events with it). Here the turn waits for RabbitMQ's confirmation.
    A broker may offer `async publish_confirmed(event)`; Rasa's PikaEventBroker is awaited
    through its own `_publish`; any other broker gets Rasa's usual `publish`."""
    from rasa.core.brokers.pika import PikaEventBroker
    import rasa.shared.core.events  # noqa: F401  (PikaEventBroker._publish reads it without importing it)

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


async def flush(broker: Any, timeout_s: float = 10.0) -> None:
    """Wait (at most `timeout_s`) for the events Rasa's pika broker is still sending: its plain
    `publish` sends in background tasks of the loop, which closing the connection would cut off,
    losing those events at every shutdown or restart."""
    pending = [task for task in getattr(broker, "_background_tasks", ()) if not task.done()]
    if pending:
        await asyncio.wait(pending, timeout=timeout_s)
