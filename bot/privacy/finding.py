"""All of a person's conversations and cases.

Who the person is: the value asked for, widened with the shop's own record of that customer
(an email also finds the conversations where they gave their phone, and their verified
customer id), read only. Then:
- conversations whose events carry the email, the phone (in what they typed, a `contact` slot,
  WhatsApp's verified number) or the customer id (the verified `customer_id` slot), and
  WhatsApp conversations, whose id is the customer's number;
- cases of those conversations, cases whose customer key, contact or customer profile name them,
  and the conversations of those cases.
A conversation id names just that conversation and its cases.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Set

from sqlalchemy.engine import Engine

from bot.privacy import case_records
from bot.privacy.subject import Subject, phone_tail
from bot.tracker_events import TrackerEvents
from bot.shop.identifiers import PHONE

logger = logging.getLogger(__name__)


@dataclass
class Identity:
    emails: Set[str] = field(default_factory=set)
    phone_tails: Set[str] = field(default_factory=set)
    customer_ids: Set[str] = field(default_factory=set)
    conversation_ids: Set[str] = field(default_factory=set)
    shop_checked: bool = False  # the shop's records were read to widen it

    def add_customer(self, customer: Any) -> None:
        self.customer_ids.add(customer.id)
        if customer.email:
            self.emails.add(customer.email.lower())
        tail = phone_tail(customer.phone or "")
        if tail:
            self.phone_tails.add(tail)


@dataclass
class Found:
    subject: Subject
    identity: Identity
    conversation_ids: Set[str]
    case_ids: Set[int]


def identity_of(subject: Subject) -> Identity:
    identity = Identity()
    if subject.kind == "email":
        identity.emails.add(subject.value)
    elif subject.kind == "phone":
        identity.phone_tails.add(phone_tail(subject.value) or subject.value)
    elif subject.kind == "customer":
        identity.customer_ids.add(subject.value)
    else:
        identity.conversation_ids.add(subject.value)
    return identity


async def widened_by_shop(subject: Subject, backend: Any) -> Identity:
    """The identity, with the shop's record of that customer when there is one. A shop that
    doesn't answer leaves it as asked (the report says so)."""
    identity = identity_of(subject)
    if backend is None or subject.kind == "conversation":
        return identity
    try:
        if subject.kind == "customer":
            customer = await backend.find_customer(subject.value)
        elif subject.kind == "email":
            customer = await backend.find_customer_by_email(subject.value)
        else:
            customer = await backend.find_customer_by_phone(subject.value)
        identity.shop_checked = True
    except Exception as error:  # any backend failure: the request goes on with what was given
        logger.warning("privacy: the shop's records could not be read (%s)", type(error).__name__)
        return identity
    if customer is not None:
        identity.add_customer(customer)
    return identity


def _phones_in(text: str) -> Set[str]:
    return {t for t in (phone_tail(re.sub(r"[^\d+]", "", p)) for p in PHONE.findall(text or "")) if t}


def event_matches(identity: Identity, sender_id: str, event: Dict[str, Any]) -> bool:
    if sender_id.isdigit() and phone_tail(sender_id) in identity.phone_tails:
        return True  # a WhatsApp conversation: its id is the customer's number
    kind = event.get("event")
    if kind == "slot":
        name, value = event.get("name"), event.get("value")
        if not isinstance(value, str):
            return False
        if name == "customer_id":
            return value in identity.customer_ids
        if name == "contact":
            return value.lower() in identity.emails or phone_tail(value) in identity.phone_tails
        return False
    text = json.dumps({k: event.get(k) for k in ("text", "metadata", "parse_data", "data")}, ensure_ascii=False)
    if any(email in text.lower() for email in identity.emails):
        return True
    return bool(identity.phone_tails and _phones_in(text) & identity.phone_tails)


def case_matches(identity: Identity, conversation_ids: Set[str], case: Dict[str, Any]) -> bool:
    if case["conversation_id"] in conversation_ids:
        return True
    if case["customer_key"] in {f"customer:{c}" for c in identity.customer_ids}:
        return True
    context = case.get("context") or {}
    customer = context.get("customer") or {}
    contacts = [case.get("contact"), customer.get("email"), customer.get("phone"), (context.get("slots") or {}).get("contact")]
    for contact in contacts:
        if isinstance(contact, str) and (contact.lower() in identity.emails or phone_tail(contact) in identity.phone_tails):
            return True
    return customer.get("id") in identity.customer_ids


def find(subject: Subject, identity: Identity, tracker: TrackerEvents, handoff: Engine) -> Found:
    if subject.kind == "conversation":
        conversations = set(identity.conversation_ids)
    else:
        conversations = tracker.conversations_where(lambda sender, event: event_matches(identity, sender, event))
        conversations |= {c for c in tracker.conversation_ids() if c.isdigit() and phone_tail(c) in identity.phone_tails}
    if subject.kind == "conversation":
        cases = case_records.cases_where(handoff, lambda case: case["conversation_id"] in conversations)
    else:
        cases = case_records.cases_where(handoff, lambda case: case_matches(identity, conversations, case))
    conversations |= {c["conversation_id"] for c in case_records.read(handoff, cases)}
    return Found(subject, identity, conversations, cases)
