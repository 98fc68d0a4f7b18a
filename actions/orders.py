"""Order requests after the order form: check who is asking, then answer from the shop's data."""
import time
from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import order_topics
from bot.shop.backend import BackendUnavailable
from bot.shop.factory import shop_backend
from bot.shop.identity import after_failure, is_locked, verified_order

FORGET_ORDER = [SlotSet("order_id", None), SlotSet("contact", None)]


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
        try:
            order = await verified_order(
                shop_backend(), tracker.get_slot("order_id"),
                contact=tracker.get_slot("contact"), customer_id=tracker.get_slot("customer_id"),
            )
            if order is None:
                failures, locked_until = after_failure(tracker.get_slot("identity_failures"), now)
                dispatcher.utter_message(response="utter_identity_locked" if locked_until else "utter_identity_failed")
                return FORGET_ORDER + [SlotSet("identity_failures", failures), SlotSet("identity_locked_until", locked_until)]
            topic = tracker.get_slot("order_topic") or "status"
            answer = order_topics.HANDLERS[topic]
            events = await answer(order_topics.Reply(dispatcher, tracker, domain, date.today()), order)
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_backend_down")
            return []
        return [SlotSet("identity_failures", 0), SlotSet("customer_id", order.customer_id)] + events
