from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from actions.trust import verified_customer_id
from bot.shop.backend import BackendUnavailable
from bot.shop.factory import shop_backend
from bot.shop.formatting import short_day
from bot.shop.identifiers import contact_in, order_number_in

MIN_ADDRESS_LENGTH = 12
MAX_ADDRESS_LENGTH = 200


def _latest_text(tracker: Tracker, value: Any) -> Any:
    """The customer's whole message when the value came from it: judging the whole message catches
    what an entity alone hides ("lucia fernandez@x.com" → "fernandez@x.com"). A value remembered
    from earlier (a form re-activated later) is judged as it is."""
    text = tracker.latest_message.get("text") or ""
    candidate = value[0] if isinstance(value, list) and value else value
    return text if isinstance(candidate, str) and candidate and candidate in text else value


def address_in(value: Any) -> Optional[str]:
    """A plausible postal address: long enough, with a number (street or postcode) in it."""
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if MIN_ADDRESS_LENGTH <= len(text) <= MAX_ADDRESS_LENGTH and any(c.isdigit() for c in text) and any(c.isalpha() for c in text):
        return text
    return None


class ValidateOrderForm(FormValidationAction):
    """Asks for the order number and, unless a signed token already says who the customer is,
    the email or phone on the order (and the new address for an address change). Accepts
    "#100234", "100234", "pedido 100234", an email in any case; re-asks with an example otherwise."""

    def name(self) -> Text:
        return "validate_order_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        slots = ["order_id"]
        if not verified_customer_id(tracker):
            slots.append("contact")
        if tracker.get_slot("order_topic") == "change_address":
            slots.append("new_address")
        return slots

    def validate_order_id(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = _latest_text(tracker, value)
        if order_number_in(text) is None and not any(c.isdigit() for c in str(text)):
            # "ok", "no lo sé", "I don't have it": no number at all, so say where else to find it
            dispatcher.utter_message(response="utter_order_id_other_ways")
            return {"order_id": None}
        return _validated("order_id", order_number_in, "utter_invalid_order_id", value, dispatcher, tracker)

    def validate_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = _latest_text(tracker, value)
        if contact_in(text) is None and order_number_in(text):
            # "sorry, wrong one, it's order 100503": the order number was replaced (from_entity);
            # the contact is simply asked again, without calling the correction a mistake
            return {"contact": None}
        return _validated("contact", contact_in, "utter_invalid_contact", value, dispatcher, tracker)

    def validate_new_address(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return _validated("new_address", address_in, "utter_invalid_address", value, dispatcher, tracker)


def _validated(slot: Text, parse, invalid_response: Text, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
    parsed = parse(_latest_text(tracker, value))
    if parsed is None:
        dispatcher.utter_message(response=invalid_response)
    return {slot: parsed}


class ActionAskOrderId(Action):
    """A customer known by their signed token picks the order from buttons; others type it."""

    def name(self) -> Text:
        return "action_ask_order_id"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        customer_id = verified_customer_id(tracker)
        orders = []
        if customer_id:
            try:
                orders = await shop_backend().orders_of(customer_id)
            except BackendUnavailable:
                orders = []
        if not orders:
            dispatcher.utter_message(response="utter_ask_order_id")
            return []
        language = tracker.get_slot("language")
        buttons = [
            {"title": f"#{o.id} · {short_day(o.placed_on, language)}"[:20], "payload": f'/inform{{"order_id": "{o.id}"}}'}
            for o in orders[:10]
        ]
        dispatcher.utter_message(response="utter_ask_which_order", buttons=buttons)
        return []


class ActionLeaveOrderForm(Action):
    """A "no" ends the order form; asked for the order number, the customer most likely doesn't
    have it at hand, so the bot says where to find it and offers a person."""

    def name(self) -> Text:
        return "action_leave_order_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        asked_for_number = tracker.get_slot("requested_slot") == "order_id"
        dispatcher.utter_message(response="utter_order_id_other_ways" if asked_for_number else "utter_form_stopped")
        return []
