from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import settings
from bot.languages import project_languages
from actions.trust import remember_customer, whatsapp_number
from bot.shop.customer_token import customer_id_from


class ActionSessionStart(Action):
    """Starts a session like Rasa's own; takes the language the channel says (widget page,
    WhatsApp profile) until the customer's own words say otherwise, and the customer's identity
    from a signed token."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        # Carry the previous session's slots over, as Rasa does by default.
        events += [
            SlotSet(e["name"], e["value"])
            for e in tracker.events
            if e.get("event") == "slot" and e.get("name") != "requested_slot"
        ]
        metadata = tracker.get_slot("session_started_metadata") or {}
        language = str(metadata.get("language") or "").lower()[:2]
        if language in project_languages():
            events.append(SlotSet("language", language))
        # A logged-in customer's page sends a token signed with the shop's secret: it says who
        # they are, so the order form won't ask for their email. Forged or expired: ignored.
        customer_id = customer_id_from(metadata.get("customer_token"), settings.load().shop.signing_secret or None)
        if customer_id:
            events += remember_customer(tracker, customer_id)
        # WhatsApp vouches for the sender's number (never what a client's metadata claims): the
        # order form won't ask for a contact.
        phone = whatsapp_number(tracker)
        if phone:
            events.append(SlotSet("contact", phone))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionGreet(Action):
    """Hello once per session: a customer who greets after the widget's own greeting (or twice)
    is asked how to help instead of hearing the introduction again."""

    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        greeted = False
        for event in reversed(tracker.events):
            if event.get("event") == "session_started":
                break
            if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == "utter_greet":
                greeted = True
                break
        dispatcher.utter_message(response="utter_how_can_i_help" if greeted else "utter_greet")
        return []
