"""A case's status as the customer can be told it: received → in progress → waiting for the
customer → resolved. Agents set it (resolving a case sets `resolved`); for the statuses the shop
lists in shop/console.yml (`tell_customer_stages`) the customer gets the matching response of
domain.yml (utter_case_stage_<status>) in their language, on their own channel.
"""
from __future__ import annotations

from typing import Optional

from bot.handoff.triage import texts as console_settings
from bot.responses import domain_response_text

STAGES = ("received", "in_progress", "waiting_customer", "resolved")
SET_BY_AGENTS = ("received", "in_progress", "waiting_customer")


def categories() -> tuple:
    return tuple(console_settings().get("categories") or {"general": {}})


def customer_message(stage: str, language: str) -> Optional[str]:
    """What the customer is told about `stage`, or None when the shop doesn't tell them."""
    if stage not in (console_settings().get("tell_customer_stages") or []):
        return None
    return domain_response_text(f"utter_case_stage_{stage}", language)
