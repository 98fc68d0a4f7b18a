"""Production settings from the environment (bot/production.py, the launcher's runtime
endpoints), the resilient SQL tracker store and the Rasa speedups: no outside services needed."""
from __future__ import annotations

import asyncio

import pytest
import yaml

from bot import launcher, production
from bot.settings import from_environment


def test_tracker_store_from_url():
    store = production.tracker_store("postgresql://bot:s%40cret@db.internal:6543/conversations")
    assert store == {"type": "bot.tracker_store.ResilientSQLTrackerStore", "dialect": "postgresql",
                     "url": "db.internal", "port": 6543, "db": "conversations", "username": "bot", "password": "s@cret"}
    with pytest.raises(ValueError):
        production.tracker_store("mysql://x@y/z")


def test_lock_store_and_broker_from_urls():
    assert production.lock_store("redis://:pw@cache:6380/4", "shop1") == {
        "type": "bot.lock_store.RedisTicketLockStore", "url": "cache", "port": 6380, "db": 4, "password": "pw", "key_prefix": "shop1"}
    with pytest.raises(ValueError):
        production.lock_store("redis://cache/1", "not-alnum")
    assert production.pika_broker("amqp://u:p@mq:5673/%2F", "events") == {
        "type": "pika", "url": "mq", "port": 5673, "username": "u", "password": "p", "queues": ["events"]}


def _endpoints(tmp_path, monkeypatch, env):
    monkeypatch.setattr(launcher, "RUNTIME_DIR", tmp_path)
    return yaml.safe_load(launcher.runtime_endpoints(from_environment(env)).read_text())


def test_embedded_default_needs_no_outside_service(tmp_path, monkeypatch):
    endpoints = _endpoints(tmp_path, monkeypatch, {"TRACKER_DB": str(tmp_path / "t.db")})
    assert endpoints["tracker_store"] == {"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "t.db")}
    assert "lock_store" not in endpoints
    # The handoff relay only: it forwards to RabbitMQ only when RABBITMQ_URL is set (tests/handoff/test_relay.py).
    assert endpoints["event_broker"] == {"type": "bot.handoff.relay.HandoffRelayBroker"}


def test_production_endpoints_from_environment(tmp_path, monkeypatch):
    endpoints = _endpoints(tmp_path, monkeypatch, {
        "TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/rasa", "LOCK_STORE_URL": "redis://127.0.0.1:6379/2",
        "LOCK_STORE_PREFIX": "aurora", "RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/%2F", "RABBITMQ_QUEUE": "q1",
        "ACTION_SERVER_URL": "http://lb:5055/webhook"})
    assert endpoints["tracker_store"]["type"] == production.TRACKER_STORE_CLASS
    assert endpoints["lock_store"]["type"] == production.LOCK_STORE_CLASS and endpoints["lock_store"]["key_prefix"] == "aurora"
    assert endpoints["event_broker"]["type"] == "bot.handoff.relay.HandoffRelayBroker"  # forwards to RABBITMQ_URL
    assert endpoints["action_endpoint"]["url"] == "http://lb:5055/webhook"


def test_speedups_validate_like_rasa():
    from jsonschema import ValidationError, validate
    from rasa.core.actions.action import RemoteAction

    from bot import rasa_speedups

    rasa_speedups.apply()
    action = RemoteAction("action_x", None)
    good = {"events": [{"event": "slot", "name": "a", "value": 1}], "responses": [{"response": "utter_x"}]}
    bad = {"events": "not a list"}
    validate(good, RemoteAction.action_response_format_spec())
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(bad)
    with pytest.raises(ValidationError) as rasas:
        validate(bad, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(rasas.value.message)


def test_speedups_resolve_events_like_rasa():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    from bot import rasa_speedups

    rasa_speedups.apply()
    for _ in range(2):
        assert Event.resolve_by_type("user") is UserUttered
        assert Event.resolve_by_type("slot") is SlotSet
        assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("nonsense", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("nonsense")


class _Broker:
    def __init__(self):
        self.published = []

    def publish(self, event):
        self.published.append(event)


def test_resilient_store_saves_and_publishes_each_event_once(tmp_path):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    from bot.tracker_store import ResilientSQLTrackerStore

    broker = _Broker()
    store = ResilientSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"), event_broker=broker)

    async def turn(text):
        tracker = await store.get_or_create_tracker("c1")
        tracker.update(UserUttered(text, message_id=text))
        tracker.update(BotUttered(f"re: {text}"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)

    async def play():
        for text in ("one", "two", "three"):
            await turn(text)
        await store.save(await store.retrieve("c1"))  # nothing new: nothing stored or published
        return await store.retrieve("c1")

    tracker = asyncio.run(play())
    users = [e.message_id for e in tracker.events if isinstance(e, UserUttered)]
    assert users == ["one", "two", "three"]
    assert len(broker.published) == len(tracker.events)
    assert [e["event"] for e in broker.published] == [e.as_dict()["event"] for e in tracker.events]


def test_a_waiter_whose_ticket_expired_is_served(monkeypatch):
    """Rasa 3.6 waits forever when the dead holder's ticket and then the waiter's own expire."""
    import time

    from bot.lock_store import RedisTicketLockStore

    class FakeRedis:
        def __init__(self):
            self.data = {}

        def get(self, key):
            return self.data.get(key)

        def set(self, key, value):
            self.data[key] = value

        def delete(self, key):
            return self.data.pop(key, None) is not None

    store = RedisTicketLockStore.__new__(RedisTicketLockStore)
    store.red, store.key_prefix = FakeRedis(), "lock:"  # the real constructor wants a server
    store.issue_ticket("c", 0.6)  # a replica that died holding the conversation

    async def wait():
        started = time.monotonic()
        async with store.lock("c", lock_lifetime=0.3):  # expires before the dead one
            return time.monotonic() - started

    waited = asyncio.run(asyncio.wait_for(wait(), 5))
    assert 0.5 < waited < 2
    assert store.get_lock("c") is None  # nothing left behind


def test_events_stored_but_never_published_go_out_with_the_next_turn(tmp_path):
    """A replica that dies between the commit and the broker's confirmation loses no event."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, UserUttered

    from bot.tracker_store import ResilientSQLTrackerStore

    broker = _Broker()
    store = ResilientSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"), event_broker=broker)
    publish = store._publish

    async def dies_before_publishing(*args):
        return None

    async def turn(text):
        tracker = await store.get_or_create_tracker("c1")
        tracker.update(UserUttered(text, message_id=text))
        tracker.update(BotUttered(f"re: {text}"))
        await store.save(tracker)

    async def play():
        await turn("one")
        store._publish = dies_before_publishing
        await turn("two")  # stored, never published
        store._publish = publish
        await turn("three")
        return await store.retrieve("c1")

    tracker = asyncio.run(play())
    published = [(e["event"], e.get("text")) for e in broker.published]
    stored = [(e.as_dict()["event"], e.as_dict().get("text")) for e in tracker.events]
    assert published == stored  # every event once, in order
