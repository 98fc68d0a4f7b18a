"""Where the project keeps customer data, from the settings the servers read (bot/settings.py):
the tracker store (TRACKER_STORE_URL, else the SQLite file TRACKER_DB), the handoff store
(HANDOFF_DATABASE_URL), `make review`'s file (REVIEW_OUTPUT) and the event stream (RABBITMQ_URL,
RABBITMQ_QUEUE), whose consumers are told of erasures."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from bot import settings
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


def tracker_url(env: Optional[Mapping[str, str]] = None) -> str:
    rasa = settings.load(env).rasa
    return rasa.tracker_store_url or f"sqlite:///{_project_path(rasa.tracker_db)}"


def from_environment(env: Optional[Mapping[str, str]] = None) -> Places:
    loaded = settings.load(env)
    return Places(
        tracker_url=tracker_url(env),
        handoff_url=loaded.handoff.database_url,
        review_file=_project_path(str(loaded.privacy.review_output)),
        rabbitmq_url=loaded.rasa.rabbitmq_url,
        rabbitmq_queue=loaded.rasa.rabbitmq_queue,
    )
