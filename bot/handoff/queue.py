"""The queue an agent sees: the cases of a tab (open or closed) in triage order, narrowed by view
(mine, unassigned, all), filters and a search, offered by routing, and with the same customer's
other open cases folded into the oldest one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from bot.handoff import routing, triage
from bot.handoff.store import OPEN, WAITING, HandoffStore

VIEWS = ("all", "mine", "unassigned")
FILTERS = ("channel", "language", "reason", "priority", "team")
LIST_LIMIT = 500


@dataclass
class QueueRequest:
    statuses: Sequence[str]
    view: str = "all"
    search: str = ""
    filters: Dict[str, str] = field(default_factory=dict)


def category_of(case: Dict[str, Any]) -> str:
    """The stored category, or (cases opened before categories) the one its reason and intents give."""
    if case.get("category"):
        return case["category"]
    recorded = (case.get("context") or {}).get("intents") or []
    # an entry without an intent name can't match a team's intents: left out
    intents = [i["intent"] for i in recorded if isinstance(i, dict) and isinstance(i.get("intent"), str)]
    return triage.category_for(case["reason"], intents)


def _matches(case: Dict[str, Any], agent: Dict[str, Any], request: QueueRequest, now: float) -> bool:
    if request.view == "mine" and not (case["status"] == "assigned" and case["agent"] == agent["username"]):
        return False
    if request.view == "unassigned" and case["status"] not in WAITING:
        return False
    wanted = request.filters
    if wanted.get("priority") and triage.priority_label(triage.priority_now(case, now)) != wanted["priority"]:
        return False
    if wanted.get("team") and case["category"] != wanted["team"]:
        return False
    return all(case[name] == wanted[name] for name in ("channel", "language", "reason") if wanted.get(name))


def _fold_linked(cases: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One entry per verified customer with open cases: the oldest, the others listed in it."""
    primary: Dict[str, Dict[str, Any]] = {}
    shown = []
    for case in sorted(cases, key=lambda c: (c["created_at"], c["id"])):
        key = case.get("customer_key") or ""
        if case["status"] in OPEN and key.startswith("customer:"):
            if key in primary:
                primary[key]["linked_cases"].append({"id": case["id"], "channel": case["channel"], "status": case["status"]})
                continue
            primary[key] = case
        shown.append(case)
    return shown


def agent_queue(store: HandoffStore, agent: Dict[str, Any], online: List[Dict[str, Any]], request: QueueRequest,
                now: float) -> List[Dict[str, Any]]:
    """The cases `agent` sees for `request`, in queue order."""
    found = store.search(request.search, request.statuses) if request.search else store.cases(request.statuses, LIST_LIMIT)
    cases = [{**c, "category": category_of(c), "linked_cases": []} for c in found]
    cases = [c for c in cases if routing.offered_to(c, agent, online) and _matches(c, agent, request, now)]
    if not request.search:
        cases = _fold_linked(cases)
    return triage.queue_order(cases, now)


def open_cases_of_customer(store: HandoffStore, case: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The same verified customer's other open cases (other conversations or channels)."""
    key = case.get("customer_key") or ""
    if not key.startswith("customer:"):
        return []
    return [{"id": c["id"], "channel": c["channel"], "status": c["status"]}
            for c in store.cases(OPEN, LIST_LIMIT) if c["customer_key"] == key and c["id"] != case["id"]]


def request_from_args(args: Dict[str, Optional[str]], statuses: Sequence[str]) -> QueueRequest:
    """A QueueRequest from query arguments, each bounded; unknown values mean "any"."""
    view = args.get("view") or "all"
    filters = {name: (args.get(name) or "")[:32] for name in FILTERS if args.get(name)}
    return QueueRequest(statuses=statuses, view=view if view in VIEWS else "all", search=(args.get("q") or "")[:100],
                        filters=filters)
