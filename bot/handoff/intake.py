"""Opening a case when the bot hands off: everything the agent needs, gathered once.

    open_or_find_case(...) -> Intake: the case, and what to tell the customer (queue position and
    wait, or when the team will answer).
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Dict, List, Optional

from bot.handoff import context, hours, lookups, triage
from bot.handoff.accounts import Accounts
from bot.handoff.store import WAITING, HandoffStore
from bot.languages import default_language


@dataclass
class Intake:
    case: Dict[str, Any]
    new: bool
    queued: bool  # in the live queue (an agent is online, within hours); else a ticket
    position: int
    wait_minutes: int
    opens_at: Optional[datetime]  # when the team is next in, for a ticket


def _customer_key(customer: Optional[Dict[str, Any]], conversation_id: str) -> str:
    return f"customer:{customer['id']}" if customer else f"conversation:{conversation_id}"


async def open_or_find_case(
    *, store: HandoffStore, backend, policy, config: hours.SupportConfig, conversation_id: str,
    events: List[Dict[str, Any]], slots: Dict[str, Any], latest_intent: Optional[str],
    whatsapp_phone: Optional[str], now: Optional[float] = None, today: Optional[date] = None,
) -> Intake:
    now = now or time.time()
    accounts = Accounts(store.engine)
    online = await asyncio.to_thread(accounts.online_agents, config.agent_online_s, now)
    existing = await asyncio.to_thread(store.open_case_of, conversation_id)
    if existing is None:
        case = await _open_case(store, backend, policy, config, conversation_id, events, slots, latest_intent,
                                whatsapp_phone, now, today or date.today(), online)
        new = True
    else:
        case, new = existing, False
    waiting = await asyncio.to_thread(store.cases, WAITING)
    handle_s = hours.handle_seconds(config, await asyncio.to_thread(store.recent_handle_times))
    position = triage.queue_position(case["id"], waiting, now)
    return Intake(
        case=case, new=new, queued=case["status"] == "pending", position=position,
        wait_minutes=hours.wait_minutes(position, online, handle_s), opens_at=hours.next_opening(config, now),
    )


async def _open_case(store, backend, policy, config, conversation_id, events, slots, latest_intent,
                     whatsapp_phone, now, today, online: int) -> Dict[str, Any]:
    found = await lookups.customer_and_lookups(
        backend, policy, today, customer_id=slots.get("customer_id"), whatsapp_phone=whatsapp_phone,
        order_id=slots.get("order_id"),
    )
    customer = found["customer"]
    recognised = context.recognised(events)
    lines = context.transcript(events)
    customer_texts = [m.text for m in lines if m.sender == "customer" and m.kind == "message"]
    reason = triage.reason_for(latest_intent, context.bot_responses_before_last_message(events),
                               context.escalation_reason(events))
    key = _customer_key(customer, conversation_id)
    earlier = await asyncio.to_thread(store.earlier_cases, key)
    intents = [i["intent"] for i in recognised["intents"]]
    angry = triage.sounds_angry(customer_texts, intents)
    urgent = triage.sounds_urgent(customer_texts)
    repeated = bool(customer and customer["open_incidents"]) or bool(earlier)
    language = slots.get("language") or default_language()
    channel = context.latest_channel(events)
    in_hours = hours.is_open(config, now)
    order = found["lookups"].get("order")
    case_context = {
        "slots": context.agent_slots(slots),
        "identity_verified": customer is not None,
        **recognised,
        "lookups": found["lookups"],
        "customer": customer,
        "earlier_cases": earlier,
        "anger": angry,
        "repeated_incident": repeated,
        "support": {"in_hours": in_hours, "agents_online": online},
    }
    return await asyncio.to_thread(
        store.open_case,
        conversation_id=conversation_id, channel=channel, language=language, reason=reason,
        base_priority=triage.base_priority(reason, (customer or {}).get("tier"), repeated, angry, urgent),
        category=triage.category_for(reason, intents),
        status="pending" if in_hours and online > 0 else "ticket",
        summary=triage.summary(reason=reason, language=language, channel=channel, customer=customer, order=order,
                               last_message=customer_texts[-1] if customer_texts else ""),
        context=case_context, customer_key=key, customer_name=(customer or {}).get("name"),
        contact=slots.get("contact") or (customer or {}).get("email"), transcript=lines, now=now,
    )
