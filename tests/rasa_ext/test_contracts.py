"""Contracts with Rasa's private internals: one test per patch or subclass of bot/rasa_ext/ that
reaches into a name Rasa doesn't promise to keep. Each checks that the name still exists with the
signature and behaviour our code relies on, on the installed Rasa, so an upgrade fails here, by
name, instead of misbehaving in production. Unit tests: no server, no network."""
from __future__ import annotations

import asyncio
import inspect
from collections import deque

import pytest
from jsonschema import ValidationError


def _parameters(function) -> list:
    return list(inspect.signature(function).parameters)


def test_the_package_refuses_another_rasa_version():
    import rasa.version

    from bot.rasa_ext.compat import UnsupportedRasaVersion, require_supported_rasa

    require_supported_rasa(rasa.version.__version__)  # the installed one: importing bot.rasa_ext worked
    for other in ("3.5.17", "3.7.0", "4.0.0"):
        with pytest.raises(UnsupportedRasaVersion) as error:
            require_supported_rasa(other)
        assert f"Rasa {other} is installed" in str(error.value) and ">=3.6.21,<3.7" in str(error.value)


def test_old_store_class_paths_still_load():
    """Shops' endpoints.yml may name the stores' old paths (bot.tracker_store, bot.lock_store)."""
    from rasa.shared.utils.common import class_from_module_path

    from bot.rasa_ext.lock_store import RedisTicketLockStore
    from bot.rasa_ext.tracker_store import ResilientSQLTrackerStore

    assert class_from_module_path("bot.tracker_store.ResilientSQLTrackerStore") is ResilientSQLTrackerStore
    assert class_from_module_path("bot.lock_store.RedisTicketLockStore") is RedisTicketLockStore


def test_remote_action_validate_action_result():
    """speedups.py replaces RemoteAction._validate_action_result(self, result) -> True, raising
    jsonschema's ValidationError with Rasa's hint; it reuses action_response_format_spec() and
    DOCS_BASE_URL."""
    from jsonschema import validate
    from rasa.core.actions import action as rasa_action

    from bot.rasa_ext.patches import speedups

    original = speedups.rasa_originals()["RemoteAction._validate_action_result"]
    assert _parameters(original) == ["self", "result"]
    assert isinstance(inspect.getattr_static(rasa_action.RemoteAction, "action_response_format_spec"), staticmethod)
    assert isinstance(rasa_action.DOCS_BASE_URL, str)
    action = rasa_action.RemoteAction("action_x", None)
    good = {"events": [{"event": "slot", "name": "a", "value": 1}], "responses": [{"response": "utter_x"}]}
    validate(good, rasa_action.RemoteAction.action_response_format_spec())
    assert original(action, good) is True
    with pytest.raises(ValidationError) as error:
        original(action, {"events": "not a list"})
    assert "Failed to validate Action server response from API" in error.value.message


def test_event_resolve_by_type():
    """speedups.py caches Event.resolve_by_type(type_name, default=None), a static method that
    returns the class, the default for an unknown name, None for "topic", or raises ValueError."""
    from rasa.shared.core.events import Event, SlotSet, UserUttered

    from bot.rasa_ext.patches import speedups

    original = speedups.rasa_originals()["Event.resolve_by_type"]
    assert isinstance(inspect.getattr_static(Event, "resolve_by_type"), staticmethod)
    assert _parameters(original) == ["type_name", "default"]
    assert original("user") is UserUttered
    assert original("nonsense", SlotSet) is SlotSet
    assert original("topic") is None
    with pytest.raises(ValueError):
        original("nonsense")


def test_remote_action_run_and_default_request_timeout():
    """action_failures.py wraps RemoteAction.run(self, output_channel, nlg, tracker, domain) and
    sets the module global DEFAULT_REQUEST_TIMEOUT, which run() must read at call time."""
    from rasa.core.actions import action as rasa_action

    from bot.rasa_ext.patches import action_failures

    originals = action_failures.rasa_originals()
    run = originals["RemoteAction.run"]
    assert inspect.iscoroutinefunction(run)
    assert _parameters(run) == ["self", "output_channel", "nlg", "tracker", "domain"]
    assert isinstance(originals["DEFAULT_REQUEST_TIMEOUT"], (int, float))
    assert hasattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT")
    assert "DEFAULT_REQUEST_TIMEOUT" in run.__code__.co_names  # a global looked up on each call, not a default
    for name in ("ActionExecutionRejection", "ActionSessionStart", "create_bot_utterance"):
        assert hasattr(rasa_action, name), name


def test_ticket_lock_ticket_for_ticket_number():
    """lock_store.py asks TicketLock._ticket_for_ticket_number(number) whether its ticket still
    exists: the Ticket while it lives, None once it expired; and uses RedisLockStore's
    issue_ticket, get_lock, update_lock and cleanup."""
    from rasa.core.lock import Ticket, TicketLock
    from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore

    assert _parameters(TicketLock._ticket_for_ticket_number) == ["self", "ticket_number"]
    lock = TicketLock("c", deque())
    alive = lock.issue_ticket(60)
    found = lock._ticket_for_ticket_number(alive)
    assert isinstance(found, Ticket) and found.number == alive
    expired = lock.issue_ticket(-1)
    assert lock._ticket_for_ticket_number(expired) is None
    assert lock._ticket_for_ticket_number(alive + 100) is None
    assert isinstance(LOCK_LIFETIME, (int, float))
    for name in ("issue_ticket", "get_lock", "update_lock", "cleanup"):
        assert callable(getattr(RedisLockStore, name)), name
    assert {"host", "port", "db", "password", "use_ssl", "key_prefix"} <= set(_parameters(RedisLockStore.__init__))


def test_pika_event_broker_unpublished_events():
    """broker.py awaits PikaEventBroker._publish(event) for a confirmed publish, and while not
    connected (_exchange is None) appends to _unpublished_events, which Rasa sends on reconnect."""
    from rasa.core.brokers.pika import PikaEventBroker

    loop = asyncio.new_event_loop()
    try:
        broker = PikaEventBroker("localhost", "guest", "guest", queues=["q"], event_loop=loop)
        assert broker._exchange is None
        assert isinstance(broker._unpublished_events, deque)
        assert inspect.iscoroutinefunction(PikaEventBroker._publish)
        assert _parameters(PikaEventBroker._publish)[:2] == ["self", "event"]
        assert loop.run_until_complete(broker._publish({"event": "user"})) is None  # not connected: no-op
        sent = []
        broker.publish = sent.append
        broker._unpublished_events.extend([{"n": 1}, {"n": 2}])
        broker._publish_unpublished_messages()
        assert sent == [{"n": 1}, {"n": 2}] and not broker._unpublished_events
    finally:
        loop.close()


def test_pika_event_broker_background_tasks():
    """broker.flush waits for PikaEventBroker._background_tasks: the set of tasks its plain
    publish() creates on the loop, each removed once done."""
    from rasa.core.brokers.pika import PikaEventBroker

    from bot.rasa_ext.broker import flush

    async def scenario():
        broker = PikaEventBroker("localhost", "guest", "guest", queues=["q"], event_loop=asyncio.get_running_loop())
        assert isinstance(broker._background_tasks, set) and not broker._background_tasks
        sent = []

        async def slow_publish(event, headers=None):
            await asyncio.sleep(0.05)  # stands in for RabbitMQ's round trip
            sent.append(event)

        broker._publish = slow_publish
        broker.publish({"event": "user"})
        assert len(broker._background_tasks) == 1
        await flush(broker)
        return sent, broker._background_tasks

    sent, left = asyncio.run(scenario())
    assert sent == [{"event": "user"}] and not left


def test_sql_tracker_store_internals():
    """tracker_store.py subclasses SQLTrackerStore and uses its session_scope, SQLEvent, engine
    and _additional_events(session, tracker) to count and insert only the new events."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    assert _parameters(SQLTrackerStore._additional_events) == ["self", "session", "tracker"]
    store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=":memory:")
    assert {"sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"} <= set(
        store.SQLEvent.__table__.columns.keys())
    with store.session_scope() as session:
        assert session is not None
    assert store.engine.dialect.name == "sqlite"


def test_fail_safe_tracker_store_wraps_ours():
    """agent.py finds our store behind Rasa's FailSafeTrackerStore in its _tracker_store."""
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    from bot.rasa_ext.agent import own_tracker_store

    inner = InMemoryTrackerStore(Domain.empty())

    class Agent:
        tracker_store = FailSafeTrackerStore(inner)

    assert own_tracker_store(Agent()) is inner
