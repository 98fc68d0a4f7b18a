"""What the server writes for agents, in the agent's language: a reason as a sentence, a case's
two-line summary. The words are in the console's catalogs (bot/web/i18n/console/<lang>.yml,
`reason.*`, `summary_*`), so editors translate them with the rest of the console.

Summaries are composed when read, from the case and its context: each agent reads them in their
own language, and a changed wording applies to every case.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

from bot.web.i18n import texts

SECTION = "console"
# A button's payload ("/greet") is not something the customer said.
PAYLOAD = re.compile(r"^/[A-Za-z_][\w/]*(\{.*\})?$", re.DOTALL)
LAST_MESSAGE_CHARS = 90


def reason_label(reason: str, language: str) -> str:
    return texts(SECTION, language).get(f"reason.{reason}", reason.replace("_", " "))


def summary(*, reason: str, language: str, customer_language: str, channel: str,
            customer: Optional[Dict[str, Any]], order: Optional[Dict[str, Any]], last_message: str) -> str:
    """Two lines: who, why, in which language and channel; the order and the last message."""
    t = texts(SECTION, language)
    tier = t.get(f"tier.{(customer or {}).get('tier') or ''}", "")
    order_text = t["summary_no_order"]
    if order:
        status = str(order.get("status") or "")
        order_text = t["summary_order"].format(
            order_id=order.get("id", "?"), status=t.get(f"order_status.{status}", status.replace("_", " ")),
            late=t["summary_late"].format(eta=order.get("estimated_delivery") or "") if order.get("late") else "",
            verified=t["summary_verified"] if order.get("verified") else t["summary_unverified"],
        )
    last = " ".join((last_message or "").split())
    last = last if len(last) <= LAST_MESSAGE_CHARS else last[:LAST_MESSAGE_CHARS - 1] + "…"
    line1 = t["summary_line1"].format(
        name=(customer or {}).get("name") or t["unknown_customer"],
        tier=t["summary_tier"].format(tier=tier) if tier else "",
        reason=reason_label(reason, language),
        language=t.get(f"lang.{customer_language}", customer_language),
        channel=t.get(f"channel.{channel}", channel),
    )
    return line1 + "\n" + t["summary_line2"].format(order=order_text, last_message=last)


def case_summary(case: Dict[str, Any], language: str) -> str:
    """A stored case's summary in `language`, from what its context recorded."""
    context = case.get("context") or {}
    customer = context.get("customer") if isinstance(context.get("customer"), dict) else None
    if customer is None and case.get("customer_name"):
        customer = {"name": case["customer_name"]}
    recorded = context.get("lookups")
    lookups: Dict[str, Any] = recorded if isinstance(recorded, dict) else {}
    order = lookups.get("order") if isinstance(lookups.get("order"), dict) else None
    said = [i["text"] for i in context.get("intents") or [] if isinstance(i, dict) and i.get("text") and not PAYLOAD.match(i["text"])]
    return summary(reason=case["reason"], language=language, customer_language=case["language"], channel=case["channel"],
                   customer=customer, order=order, last_message=said[-1] if said else "")
