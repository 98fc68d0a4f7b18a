"""The churn signal: customers whose last contact went badly (a CSAT of 2 or less, a case left
unresolved, a complaint, or the identity check locked) and who have not ordered since, from the
shop backend. Only customers the bot verified can be looked up; the others are counted."""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Dict, List

from bot.handoff.store import OPEN
from bot.insights.conversations import Conversation
from bot.insights.reading import Data
from bot.shop.backend import BackendUnavailable

MAX_CUSTOMERS = 200  # backend look-ups per request


def what_went_badly(conversation: Conversation, data: Data) -> List[str]:
    case = data.case_of.get(conversation.key) or {}
    reasons = []
    if case.get("csat") is not None and case["csat"] <= 2:
        reasons.append("low_csat")
    if case.get("status") in OPEN:
        reasons.append("unresolved_case")
    if conversation.complaint:
        reasons.append("complaint")
    if conversation.identity_locked:
        reasons.append("identity_locked")
    return reasons


def last_contacts(data: Data) -> List[Conversation]:
    """Each customer's last conversation, when it falls in the range (nothing came after it)."""
    latest: Dict[str, Conversation] = {}
    for conversation in data.later:
        key = conversation.customer_id or f"sender:{conversation.sender_id}"
        if key not in latest or conversation.started_at > latest[key].started_at:
            latest[key] = conversation
    in_range = {c.key for c in data.conversations}
    return [c for c in latest.values() if c.key in in_range]


async def churn_signal(data: Data, backend) -> Dict[str, Any]:
    bad = [(c, what_went_badly(c, data)) for c in last_contacts(data)]
    bad = [(c, reasons) for c, reasons in bad if reasons]
    identified = [(c, reasons) for c, reasons in bad if c.customer_id][:MAX_CUSTOMERS]
    rows = await asyncio.gather(*(_row(c, reasons, data, backend) for c, reasons in identified))
    return {"customers": sorted([r for r in rows if r is not None], key=lambda r: r["last_contact"], reverse=True),
            "unidentified": len(bad) - len([c for c, _ in bad if c.customer_id])}


async def _row(conversation: Conversation, reasons: List[str], data: Data, backend):
    contact_day = datetime.fromtimestamp(conversation.started_at, data.window.timezone).date()
    try:
        orders = await backend.orders_of(conversation.customer_id)
        customer = await backend.find_customer(conversation.customer_id)
    except BackendUnavailable:
        orders, customer = None, None
    if orders is not None and any(o.placed_on > contact_day for o in orders):
        return None  # ordered since: not a churn signal
    case = data.case_of.get(conversation.key) or {}
    last_order = max((o.placed_on for o in orders), default=None) if orders else None
    return {
        "customer_id": conversation.customer_id, "name": customer.name if customer else None,
        "last_contact": contact_day.isoformat(), "reasons": reasons, "channel": conversation.channel,
        "language": conversation.language, "conversation_id": conversation.sender_id, "case_id": case.get("id"),
        "last_order": last_order.isoformat() if last_order else None,
        "orders_checked": orders is not None,  # false: the shop backend didn't answer
    }
