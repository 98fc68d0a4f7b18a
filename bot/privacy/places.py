"""Where the project keeps customer data, from the same environment variables the servers read.

| variable | default | what |
|---|---|---|
| TRACKER_STORE_URL, TRACKER_DB | sqlite:///var/rasa_tracker.db | Rasa's tracker store (bot/settings.py) |
| HANDOFF_DATABASE_URL | sqlite:///var/handoff.db | cases, transcripts, notes, ratings, the audit log |
| REVIEW_OUTPUT | reports/review.yml | `make review`'s file (and review.json beside it) |
| RABBITMQ_URL, RABBITMQ_QUEUE | (none), rasa_events | the event stream: consumers are told of erasures |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from bot.settings import PROJECT_ROOT


@dataclass(frozen=True)
class Places:
    tracker_url: str
    handoff_url: str
    review_file: Path
    rabbitmq_url: str = ""
    rabbitmq_queue: str = "rasa_events"


def _project_path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def tracker_url(env: Mapping[str, str] = os.environ) -> str:
    if env.get("TRACKER_STORE_URL"):
        return env["TRACKER_STORE_URL"]
    return f"sqlite:///{_project_path(env.get('TRACKER_DB') or 'var/rasa_tracker.db')}"


def from_environment(env: Mapping[str, str] = os.environ) -> Places:
    from bot.handoff import db

    return Places(
        tracker_url=tracker_url(env),
        handoff_url=db.database_url(env),
        review_file=_project_path(env.get("REVIEW_OUTPUT") or "reports/review.yml"),
        rabbitmq_url=env.get("RABBITMQ_URL", ""),
        rabbitmq_queue=env.get("RABBITMQ_QUEUE") or "rasa_events",
    )
