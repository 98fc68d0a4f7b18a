"""Order requests after the order form: check who is asking, then answer from the shop's data."""
import asyncio
import time
from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import order_topics
from actions.trust import client_address, remember_customer, verified_customer_id
from bot.faq_answers import asides_since
from bot.security.identity_guard import default_guard
from bot.shop.backend import BackendUnavailable
from bot.shop.factory import shop_backend
from bot.shop.identity import after_failure, is_locked, verified_order
from bot.shop.model import Order
from bot.shop.vip import vip_problems

FORGET_ORDER = [SlotSet("order_id", None), SlotSet("contact", None)]
# After a wrong pair only the contact is asked again: "me equivoqué, el email bueno es …" then
# carries on with the same order (the answer still doesn't tell whether the order exists).
FORGET_CONTACT = [SlotSet("contact", None)]


def about_a_named_order(tracker: Tracker, topic: str) -> List[EventType]:
    """"¿Todavía puedo devolver lo del pedido 100502?", "the payment for order N failed": a question
    that names an order gets that order's own answer (its items and last days, its payment), so
    the order form takes over with that topic. Empty when no order is named, or a form is open."""
    if tracker.active_loop_name or not next(tracker.get_latest_entity_values("order_id"), None):
        return []
    return [SlotSet("order_topic", topic), FollowupAction("order_form")]


def answered_an_order(event: Dict[str, Any]) -> bool:
    """The last order request answered: it set the identity failures back to 0 (`answered` below)."""
    return event.get("event") == "slot" and event.get("name") == "identity_failures" and event.get("value") == 0


async def vip_with_a_problem(order: Order, topic: str, today: date) -> bool:
    """A VIP whose order has a problem the shop lists in escalation.yml gets a person at once."""
    problem: Optional[str] = topic
    if topic in ("status", "not_received") and order.delivered_on is None:  # still on its way: a problem only when late
        problem = "late" if order.is_late(today) else None
    if problem not in vip_problems():
        return False
    customer = await shop_backend().find_customer(order.customer_id)
    return bool(customer and customer.tier == "vip")


class ActionPaymentProblem(Action):
    """A payment problem: that order's payment when one is named, the general advice otherwise."""

    def name(self) -> Text:
        return "action_payment_problem"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        named = about_a_named_order(tracker, "payment")
        if not named:
            dispatcher.utter_message(response="utter_payment_problem")
        return named


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
            blocked = not customer_id and await asyncio.to_thread(guard.blocked, order_id, contact, client, now)
            order = None if blocked else await verified_order(shop_backend(), order_id, contact=contact, customer_id=customer_id)
            if order is None:
                if not customer_id:
                    await asyncio.to_thread(guard.failed, order_id, contact, client, now)
                failures, locked_until = after_failure(tracker.get_slot("identity_failures"), now)
                dispatcher.utter_message(response="utter_identity_locked" if locked_until else "utter_identity_failed")
                # a known customer naming an order that isn't theirs: that number is of no use
                forget = FORGET_ORDER if locked_until or customer_id else FORGET_CONTACT
                return forget + [SlotSet("identity_failures", failures), SlotSet("identity_locked_until", locked_until)]
            if not customer_id:
                await asyncio.to_thread(guard.succeeded, order_id, contact)
            topic = tracker.get_slot("order_topic") or "status"
            answer = order_topics.HANDLERS[topic]
            events = await answer(order_topics.Reply(dispatcher, tracker, domain, date.today()), order)
            if await vip_with_a_problem(order, topic, date.today()):
                dispatcher.utter_message(response="utter_vip_to_person")
                events = events + [FollowupAction("action_handoff")]
            else:  # what else the request asked ("…and do you take PayPal?"), answered after the order
                for key in asides_since(tracker.events, answered_an_order):
                    dispatcher.utter_message(response=f"utter_{key}")
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_backend_down")
            return []
        answered = [SlotSet("identity_failures", 0), SlotSet("wants_exchange", None)]
        return answered + remember_customer(tracker, order.customer_id) + events
