"""Run-time settings, all from environment variables with embedded defaults.

| variable | default | what |
|---|---|---|
| BOT_HOST | 127.0.0.1 | interface the Rasa server listens on (0.0.0.0 behind a proxy in production) |
| RASA_PORT | 5005 | Rasa server: channel webhooks, socket.io, token-protected HTTP API |
| ACTIONS_PORT | 5055 | action server (always on 127.0.0.1 unless ACTION_SERVER_URL points elsewhere) |
| ACTION_SERVER_URL | http://127.0.0.1:$ACTIONS_PORT/webhook | where Rasa calls the actions |
| RASA_AUTH_TOKEN | generated and printed (demo mode) | token for Rasa's HTTP API |
| ACTION_SERVER_SECRET | generated per run by `make run` | shared by the Rasa and action servers: the action server refuses calls without it (at least 16 characters; required by `bot serve`) |
| TRACKER_DB | var/rasa_tracker.db | SQLite file of the embedded tracker store |
| TRACKER_STORE_URL | (none: the SQLite file above) | production tracker store, e.g. postgresql://user:pass@host:5432/rasa |
| LOCK_STORE_URL | (none: in memory, one process) | Redis lock store shared by replicas and Sanic workers, e.g. redis://host:6379/1 |
| LOCK_STORE_PREFIX | (none) | alphanumeric prefix of the lock keys, to share one Redis database |
| SANIC_WORKERS | 1 | Rasa server worker processes (Rasa accepts more than 1 only with LOCK_STORE_URL) |
| RASA_MODEL | models | model file or folder the Rasa server loads (the newest in a folder) |
| RABBITMQ_URL, RABBITMQ_QUEUE | (none), rasa_events | event broker: every event to this RabbitMQ queue |
| RABBITMQ_EXCHANGE | rasa-exchange | the fanout exchange the events go through (every queue bound to it gets them all) |
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.security.shared_secret import action_server_secret

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    host: str
    rasa_port: int
    actions_port: int
    action_server_url: str
    auth_token: str
    auth_token_generated: bool
    tracker_db: str
    tracker_store_url: str = ""
    lock_store_url: str = ""
    lock_store_prefix: str = ""
    sanic_workers: int = 1
    model: str = "models"
    rabbitmq_url: str = ""
    rabbitmq_queue: str = "rasa_events"
    action_secret: str = ""
    action_secret_generated: bool = False

    @property
    def rasa_url(self) -> str:
        return f"http://{'127.0.0.1' if self.host == '0.0.0.0' else self.host}:{self.rasa_port}"


def from_environment(env=os.environ) -> Settings:
    actions_port = int(env.get("ACTIONS_PORT", "5055"))
    token = env.get("RASA_AUTH_TOKEN", "")
    action_secret = action_server_secret(env)
    return Settings(
        host=env.get("BOT_HOST", "127.0.0.1"),
        rasa_port=int(env.get("RASA_PORT", "5005")),
        actions_port=actions_port,
        action_server_url=env.get("ACTION_SERVER_URL", f"http://127.0.0.1:{actions_port}/webhook"),
        auth_token=token or secrets.token_urlsafe(24),
        auth_token_generated=not token,
        tracker_db=env.get("TRACKER_DB", "var/rasa_tracker.db"),
        tracker_store_url=env.get("TRACKER_STORE_URL", ""),
        lock_store_url=env.get("LOCK_STORE_URL", ""),
        lock_store_prefix=env.get("LOCK_STORE_PREFIX", ""),
        sanic_workers=int(env.get("SANIC_WORKERS", "1") or 1),
        model=env.get("RASA_MODEL", "models"),
        rabbitmq_url=env.get("RABBITMQ_URL", ""),
        rabbitmq_queue=env.get("RABBITMQ_QUEUE", "rasa_events") or "rasa_events",
        action_secret=action_secret or secrets.token_urlsafe(32),
        action_secret_generated=not action_secret,
    )
