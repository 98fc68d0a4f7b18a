"""The relay event broker: a waiting customer's message lands in their case, every event also
reaches RabbitMQ (this machine's, own queue), and a store that is down costs nothing."""
from __future__ import annotations

import asyncio
import json
import uuid

import aio_pika
from rasa.utils.endpoints import EndpointConfig

from bot.handoff.relay import HandoffRelayBroker
from bot.handoff.store import HandoffStore

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"


def user_event(sender: str, text: str, timestamp: float) -> dict:
    return {"event": "user", "sender_id": sender, "text": text, "timestamp": timestamp, "input_channel": "socketio",
            "parse_data": {"intent": {"name": "inform", "confidence": 0.9}}}


def open_case(store: HandoffStore, conversation: str) -> dict:
    return store.open_case(conversation_id=conversation, channel="socketio", language="es", reason="customer_request",
                           base_priority=10, status="pending", summary="x\ny", context={}, customer_key=None,
                           customer_name=None, contact=None)


async def drain(queue_name: str, expected: int, timeout: float = 10) -> list:
    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, durable=True)
        received, deadline = [], asyncio.get_event_loop().time() + timeout
        while len(received) < expected and asyncio.get_event_loop().time() < deadline:
            message = await queue.get(no_ack=True, fail=False)
            if message is None:
                await asyncio.sleep(0.1)
                continue
            received.append(json.loads(message.body))
        await queue.delete(if_unused=False, if_empty=False)
        return received


def test_messages_reach_the_open_case_and_every_event_reaches_rabbitmq(tmp_path, monkeypatch):
    queue_name = f"aurora-relay-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("RABBITMQ_URL", RABBITMQ_URL)
    monkeypatch.setenv("RABBITMQ_QUEUE", queue_name)
    # the broker also feeds the insights rollups of the environment's stores: these, not var/'s
    monkeypatch.setenv("HANDOFF_DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.db"))
    store = HandoffStore(f"sqlite:///{tmp_path / 'h.db'}")
    case = open_case(store, "waiting")

    async def scenario():
        broker = await HandoffRelayBroker.from_endpoint_config(EndpointConfig(type="bot.handoff.relay.HandoffRelayBroker"))
        broker._store_factory = lambda: store
        await broker.publish_confirmed(user_event("waiting", "¿sigue ahí?", 10.0))
        await broker.publish_confirmed(user_event("nobody-waiting", "hola", 11.0))
        broker.publish({"event": "action", "sender_id": "waiting", "name": "action_listen", "timestamp": 12.0})
        # Rasa's pika broker sends a plain publish in a background task of this loop: closing at
        # once (a shutdown) waits for it, and for the relay's writes to the case.
        await broker.close()
        return await drain(queue_name, 3)

    received = asyncio.run(scenario())
    assert [(e["sender_id"], e["event"]) for e in received] == [("waiting", "user"), ("nobody-waiting", "user"), ("waiting", "action")]
    assert [m["text"] for m in store.transcript(case["id"])] == ["¿sigue ahí?"]
    assert store.open_case_of("nobody-waiting") is None


def test_a_store_that_is_down_loses_no_turn(caplog):
    def down():
        raise __import__("sqlalchemy").exc.OperationalError("SELECT", {}, Exception("refused"))

    broker = HandoffRelayBroker(store_factory=down)
    broker.publish(user_event("someone", "ana.garcia@example.com", 1.0))
    asyncio.run(broker.close())
    assert "store unavailable" in caplog.text and "ana.garcia" not in caplog.text
