"""Production settings from the environment (bot/rasa_ext/endpoints.py, the launcher's runtime
endpoints): no outside services needed. The store classes and patches themselves are tested in
tests/rasa_ext/."""
from __future__ import annotations

import pytest
import yaml

from bot import launcher
from bot.rasa_ext import endpoints as production
from bot.settings import from_environment


def test_tracker_store_from_url():
    store = production.tracker_store("postgresql://bot:s%40cret@db.internal:6543/conversations")
    assert store == {"type": "bot.rasa_ext.tracker_store.ResilientSQLTrackerStore", "dialect": "postgresql",
                     "url": "db.internal", "port": 6543, "db": "conversations", "username": "bot", "password": "s@cret"}
    with pytest.raises(ValueError):
        production.tracker_store("mysql://x@y/z")


def test_lock_store_and_broker_from_urls():
    assert production.lock_store("redis://:pw@cache:6380/4", "shop1") == {
        "type": "bot.rasa_ext.lock_store.RedisTicketLockStore", "url": "cache", "port": 6380, "db": 4, "password": "pw", "key_prefix": "shop1"}
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
