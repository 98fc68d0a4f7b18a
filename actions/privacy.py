"""The customer's questions about their data.

"What do you do with my data?": what is kept and for how long, from shop/privacy.yml (the same
days the retention applies), and the shop's privacy page when it has one.

"Delete my data": once the bot knows who is asking (a verified customer id, or the WhatsApp
number the platform vouches for), a supervisor gets the request as a ticket in the console
(reason `erasure_request`) and erases with `python -m bot privacy erase` or the API. Otherwise
the order form checks who it is first (order number + the email or phone on it), and its
"erasure" topic opens the request for that order's customer.
"""
import asyncio
import time
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.trust import verified_customer_id, whatsapp_number
from bot.handoff import triage
from bot.handoff.context import latest_channel
from bot.handoff.store import default_store
from bot.languages import default_language
from bot.privacy import config
from bot.shop.backend import BackendUnavailable
from bot.shop.factory import shop_backend

REASON = "erasure_request"


class ActionDataPrivacy(Action):
    def name(self) -> Text:
        return "action_data_privacy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        settings = config.load()
        dispatcher.utter_message(response="utter_data_privacy", conversations_days=settings.retention.conversations_days,
                                 cases_days=settings.retention.cases_days)
        if settings.notice_link:
            dispatcher.utter_message(response="utter_data_privacy_link", link=settings.notice_link)
        return []


class ActionErasureRequest(Action):
    def name(self) -> Text:
        return "action_erasure_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        customer_id, phone = verified_customer_id(tracker), whatsapp_number(tracker)
        if customer_id or phone:
            await open_erasure_request(dispatcher, tracker, customer_id, phone)
            return []
        dispatcher.utter_message(response="utter_erasure_verify_first")
        return [SlotSet("order_topic", "erasure"), FollowupAction("order_form")]


async def erasure_request(reply: Any, order: Any) -> List[EventType]:
    """The order form's "erasure" topic: the customer proved the order is theirs."""
    await open_erasure_request(reply.dispatcher, reply.tracker, order.customer_id, None)
    return []


async def _customer(customer_id: Optional[str], phone: Optional[str]) -> Any:
    try:
        if customer_id:
            return await shop_backend().find_customer(customer_id)
        return await shop_backend().find_customer_by_phone(phone) if phone else None
    except BackendUnavailable:
        return None  # the supervisor still gets the request, with what the conversation says


async def open_erasure_request(dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: Optional[str],
                               phone: Optional[str]) -> None:
    customer = await _customer(customer_id, phone)
    events = list(tracker.events or [])
    language = tracker.get_slot("language") or default_language()
    channel = latest_channel(events)
    who = {"name": customer.name, "tier": customer.tier} if customer else None
    store = default_store()
    try:
        case = await asyncio.to_thread(
            store.open_case, conversation_id=tracker.sender_id, channel=channel, language=language, reason=REASON,
            base_priority=triage.base_priority(REASON, None, False, False), status="ticket",
            summary=triage.summary(reason=REASON, language=language, channel=channel, customer=who, order=None,
                                   last_message=(tracker.latest_message or {}).get("text") or ""),
            context={"erasure_request": {"customer_id": customer.id if customer else customer_id,
                                         "verified_by": "whatsapp" if phone and not customer_id else "identity check",
                                         "asked_at": time.time()}},
            customer_key=f"customer:{customer.id if customer else customer_id}" if (customer or customer_id)
            else f"conversation:{tracker.sender_id}",
            customer_name=customer.name if customer else None,
            contact=(customer.email if customer else None) or phone,
        )
        if case["reason"] != REASON:  # the conversation already had an open case: the agent reads it there
            await asyncio.to_thread(store.add_note, case["id"], "bot", triage.reason_label(REASON))
    except SQLAlchemyError:
        dispatcher.utter_message(response="utter_backend_down")
        return
    dispatcher.utter_message(response="utter_erasure_request_opened")
