"""Who a waiting case is offered to: first the agents online who speak the customer's language and
are in the case's team; when none of them is online, every agent. Supervisors see every case.

Agents' languages and teams: `python -m bot agent NAME --languages es,en --teams returns,general`
(empty = any language, every team).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable

from bot.handoff.store import WAITING


def speaks(agent: Dict[str, Any], language: str) -> bool:
    return not agent.get("languages") or language in agent["languages"]


def in_team(agent: Dict[str, Any], category: str) -> bool:
    return not agent.get("teams") or category in agent["teams"]


def suited(agent: Dict[str, Any], case: Dict[str, Any]) -> bool:
    return speaks(agent, case["language"]) and in_team(agent, case["category"])


def offered_to(case: Dict[str, Any], agent: Dict[str, Any], online: Iterable[Dict[str, Any]]) -> bool:
    """Whether `agent` sees this case in their queue (`online`: the agents online now)."""
    if agent.get("role") == "supervisor" or case["status"] not in WAITING or suited(agent, case):
        return True
    return not any(suited(other, case) for other in online if other.get("role") != "supervisor")
