"""The current session's part of a conversation's events (Rasa's event dicts, as actions see them)."""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

SESSION_START = "action_session_start"


def this_session(events: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events after the latest session start (all of them when there is none)."""
    for at in range(len(events) - 1, -1, -1):
        if events[at].get("event") == "action" and events[at].get("name") == SESSION_START:
            return list(events[at + 1:])
    return list(events)
