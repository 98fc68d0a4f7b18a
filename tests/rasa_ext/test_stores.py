"""Our tracker and lock stores (bot/rasa_ext/): saved and published once, in order; a waiter
whose ticket expired is served. No outside services: SQLite and a fake Redis."""
from __future__ import annotations

import asyncio


class _Broker:
    def __init__(self):
        self.published = []

    def publish(self, event):
        self.published.append(event)


def test_resilient_store_saves_and_publishes_each_event_once(tmp_path):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    from bot.rasa_ext.tracker_store import ResilientSQLTrackerStore

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

    from bot.rasa_ext.lock_store import RedisTicketLockStore

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

    from bot.rasa_ext.tracker_store import ResilientSQLTrackerStore

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
