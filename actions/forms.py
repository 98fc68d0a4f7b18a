from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.shop.identifiers import email_in, order_number_in


def _latest_text(tracker: Tracker, value: Any) -> Any:
    """What the customer wrote: slot values come from their latest message, and judging the whole
    message catches what an entity alone hides ("lucia fernandez@x.com" → "fernandez@x.com")."""
    return tracker.latest_message.get("text") or value


class ValidateOrderForm(FormValidationAction):
    """Accepts "#100234", "100234", "pedido 100234" and an email in any case; re-asks with an
    example of the right format otherwise."""

    def name(self) -> Text:
        return "validate_order_form"

    def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return _validated("order_id", order_number_in, "utter_invalid_order_id", value, dispatcher, tracker)

    def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return _validated("email", email_in, "utter_invalid_email", value, dispatcher, tracker)


def _validated(slot: Text, parse, invalid_response: Text, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
    parsed = parse(_latest_text(tracker, value))
    if parsed is None:
        dispatcher.utter_message(response=invalid_response)
    return {slot: parsed}


class ActionOrderRequestNoted(Action):
    """Says what will happen with the order request (until order lookups are connected)."""

    def name(self) -> Text:
        return "action_order_request_noted"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        topic = tracker.get_slot("order_topic") or "status"
        dispatcher.utter_message(response=f"utter_order_noted_{topic}")
        return []
