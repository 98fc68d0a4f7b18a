"""Order requests after the order form: check who is asking, then answer from the shop's data."""
import asyncio
import time
from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import order_topics
from actions.trust import client_address, remember_customer, verified_customer_id
from bot.shop.backend import BackendUnavailable
from bot.shop.factory import shop_backend
from bot.security.identity_guard import default_guard
from bot.shop.identity import after_failure, is_locked, verified_order

FORGET_ORDER = [SlotSet("order_id", None), SlotSet("contact", None)]


# Questions that name an order get that order's own answer, not the general one.
TOPIC_OF_INTENT = {"return_policy": "return", "payment_problem": "payment"}


class ActionOrderTopic(Action):
    """"¿Todavía puedo devolver lo del pedido 100502?", "the payment for order N failed": the
    order form then answers for that order (its items and last days, its payment)."""

    def name(self) -> Text:
        return "action_order_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return [SlotSet("order_topic", TOPIC_OF_INTENT.get(intent, "status"))]


class ActionOrderRequest(Action):
    """Verifies the order number with the email/phone (or the signed customer token), then
    answers the customer's topic: status, return, refund, cancel, address, invoice, damage."""

    def name(self) -> Text:
        return "action_order_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        now = time.time()
        if is_locked(tracker.get_slot("identity_locked_until"), now):
            dispatcher.utter_message(response="utter_identity_locked")
            return FORGET_ORDER
        order_id, contact, customer_id = tracker.get_slot("order_id"), tracker.get_slot("contact"), verified_customer_id(tracker)
        guard, client = default_guard(), client_address(tracker)
        try:
            # Over the limits across conversations: the same answer as a wrong pair, whatever the pair.
            checked = not customer_id and await asyncio.to_thread(guard.blocked, order_id, contact, client, now)
            order = None if checked else await verified_order(shop_backend(), order_id, contact=contact, customer_id=customer_id)
            if order is None:
                if not customer_id:
                    await asyncio.to_thread(guard.failed, order_id, contact, client, now)
                failures, locked_until = after_failure(tracker.get_slot("identity_failures"), now)
                dispatcher.utter_message(response="utter_identity_locked" if locked_until else "utter_identity_failed")
                return FORGET_ORDER + [SlotSet("identity_failures", failures), SlotSet("identity_locked_until", locked_until)]
            if not customer_id:
                await asyncio.to_thread(guard.succeeded, order_id, contact)
            topic = tracker.get_slot("order_topic") or "status"
            answer = order_topics.HANDLERS[topic]
            events = await answer(order_topics.Reply(dispatcher, tracker, domain, date.today()), order)
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_backend_down")
            return []
        return [SlotSet("identity_failures", 0)] + remember_customer(tracker, order.customer_id) + events
