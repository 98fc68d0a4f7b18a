"""What the channels need from Rasa's agent beyond its public attributes."""
from __future__ import annotations

from typing import Any


def own_tracker_store(agent: Any) -> Any:
    """Our tracker store class behind Rasa's `FailSafeTrackerStore`, which the agent wraps around
    every store (private attribute `_tracker_store`, checked by tests/rasa_ext/test_contracts.py).
    The REST channel asks it for a conversation's unpublished events on a client's retry."""
    store = agent.tracker_store
    return getattr(store, "_tracker_store", store)
