"""Rasa's production stores from URLs in the environment (bot/settings.py): the SQL tracker store
on PostgreSQL, the Redis lock store and RabbitMQ. The launcher writes them into the run's
endpoints file; without the variables nothing changes (SQLite, in-memory lock, no broker)."""
from __future__ import annotations

from typing import Any, Dict
from urllib.parse import unquote, urlsplit

TRACKER_STORE_CLASS = "bot.rasa_ext.tracker_store.ResilientSQLTrackerStore"
LOCK_STORE_CLASS = "bot.rasa_ext.lock_store.RedisTicketLockStore"


def tracker_store(url: str) -> Dict[str, Any]:
    """postgresql://user:password@host:5432/db → Rasa's SQL tracker store (our resilient subclass)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg2"):
        raise ValueError(f"TRACKER_STORE_URL must be a postgresql:// URL, not {parts.scheme}://")
    store: Dict[str, Any] = {
        "type": TRACKER_STORE_CLASS,
        "dialect": "postgresql",
        "url": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "db": unquote(parts.path.lstrip("/")) or "rasa",
    }
    if parts.username:
        store["username"] = unquote(parts.username)
    if parts.password:
        store["password"] = unquote(parts.password)
    return store


def lock_store(url: str, prefix: str = "") -> Dict[str, Any]:
    """redis://[:password@]host:6379/db → Rasa's Redis lock store (our subclass, lock_store.py)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"LOCK_STORE_URL must be a redis:// URL, not {parts.scheme}://")
    store: Dict[str, Any] = {
        "type": LOCK_STORE_CLASS,
        "url": parts.hostname or "127.0.0.1",
        "port": parts.port or 6379,
        "db": int(parts.path.lstrip("/") or 0),
    }
    if parts.password:
        store["password"] = unquote(parts.password)
    if parts.username:
        store["username"] = unquote(parts.username)
    if parts.scheme == "rediss":
        store["use_ssl"] = True
    if prefix:
        if not prefix.isalnum():
            raise ValueError("LOCK_STORE_PREFIX must be letters and digits only (Rasa ignores any other)")
        store["key_prefix"] = prefix
    return store


def pika_broker(url: str, queue: str, exchange: str = "") -> Dict[str, Any]:
    """amqp://user:password@host:5672/vhost → Rasa's pika event broker on one queue. Rasa publishes
    to a fanout exchange (`rasa-exchange` unless `exchange` names another): every queue bound to
    it gets every event, so two bots that must not see each other's events need two exchanges."""
    parts = urlsplit(url)
    broker: Dict[str, Any] = {
        "type": "pika",
        "url": parts.hostname or "127.0.0.1",
        "port": parts.port or 5672,
        "username": unquote(parts.username or "guest"),
        "password": unquote(parts.password or "guest"),
        "queues": [queue],
    }
    if exchange:
        broker["exchange_name"] = exchange
    if unquote(parts.path[1:]) not in ("", "/"):
        raise ValueError("RABBITMQ_URL: Rasa 3.6's pika broker only uses the default virtual host '/'")
    return broker
