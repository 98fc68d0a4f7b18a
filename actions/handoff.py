"""Handing the conversation to a person, the ticket's contact, the agent joining, the bot taking
over again, and the customer's rating. The case itself is built in bot/handoff/intake.py."""
import asyncio
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.surveys import ask_nps_if_due, record_survey_answer
from actions.trust import verified_customer_id, whatsapp_number
from bot.handoff import hours
from bot.handoff.csat import score_in
from bot.handoff.intake import open_or_find_case
from bot.handoff.store import default_store
from bot.languages import default_language
from bot.shop import formatting
from bot.shop.factory import shop_backend, shop_policy
from bot.shop.identifiers import contact_in

logger = logging.getLogger(__name__)
# Channels that can reach the customer later by themselves (WhatsApp knows the number); on the
# others a ticket asks for an email or phone unless the bot already has one.
CHANNELS_THAT_REACH_BACK = {"whatsapp"}


def _verified_slots(tracker: Tracker) -> Dict[str, Any]:
    """The slots for the case, with the customer id only when its proof holds."""
    return {**tracker.current_slot_values(), "customer_id": verified_customer_id(tracker)}


class ActionHandoff(Action):
    """Opens a case with the whole conversation and context, then tells the customer what
    happens: a place in the queue and the wait (and the bot goes quiet), or, out of hours or with
    nobody online, when the team will answer (asking how to reach them if needed)."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        language = tracker.get_slot("language") or default_language()
        try:
            intake = await open_or_find_case(
                store=default_store(), backend=shop_backend(), policy=shop_policy(), config=support_config(),
                conversation_id=tracker.sender_id, events=tracker.events, slots=_verified_slots(tracker),
                latest_intent=(tracker.latest_message.get("intent") or {}).get("name"),
                whatsapp_phone=whatsapp_number(tracker),
            )
        except SQLAlchemyError as error:
            # Only the error's type: its text can carry the customer's data (bound parameters).
            logger.error("handoff store unavailable, the case could not be opened (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_handoff_unavailable")
            return []
        events: List[EventType] = [SlotSet("handoff_case_id", float(intake.case["id"]))]
        if intake.queued:
            response = "utter_handoff_queued" if intake.new else "utter_handoff_already_queued"
            dispatcher.utter_message(response=response, position=intake.position, wait_minutes=intake.wait_minutes)
            return events + [ConversationPaused()]
        self._announce_ticket(dispatcher, intake, language)
        if intake.case.get("contact"):
            dispatcher.utter_message(response="utter_ticket_reach_you_at", contact=intake.case["contact"])
        elif tracker.get_latest_input_channel() not in CHANNELS_THAT_REACH_BACK:
            return events + [FollowupAction("ticket_contact_form")]
        return events

    @staticmethod
    def _announce_ticket(dispatcher: CollectingDispatcher, intake, language: str) -> None:
        if intake.opens_at is None or intake.case["context"].get("support", {}).get("in_hours"):
            dispatcher.utter_message(response="utter_handoff_ticket_no_agent" if intake.new else "utter_handoff_already_ticket")
            return
        dispatcher.utter_message(
            response="utter_handoff_ticket_closed" if intake.new else "utter_handoff_already_ticket_closed",
            opens_day=formatting.weekday_day(intake.opens_at.date(), language),
            opens_time=formatting.clock(intake.opens_at.time(), language),
        )


def support_config() -> hours.SupportConfig:
    return hours.load_config()


class ValidateTicketContactForm(FormValidationAction):
    """The email or phone the team answers a ticket at."""

    def name(self) -> Text:
        return "validate_ticket_contact_form"

    def validate_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact = contact_in(tracker.latest_message.get("text") or value)
        if contact is None:
            dispatcher.utter_message(response="utter_ticket_contact_invalid")
        return {"contact": contact}


class ActionTicketContactSaved(Action):
    def name(self) -> Text:
        return "action_ticket_contact_saved"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        contact = tracker.get_slot("contact")
        store = default_store()
        case = await asyncio.to_thread(store.open_case_of, tracker.sender_id)
        if case and contact:
            await asyncio.to_thread(store.update_case, case["id"], contact=contact)
        dispatcher.utter_message(response="utter_ticket_contact_saved", contact=contact or "")
        return []


class ActionAgentJoined(Action):
    """Run by the console when an agent takes the case (the conversation is paused)."""

    def name(self) -> Text:
        return "action_agent_joined"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_agent_joined", agent_name=tracker.get_slot("handoff_agent") or "")
        return [ActionExecuted("action_listen")]


class ActionHandback(Action):
    """Run by the console when the agent gives the conversation back: the bot says it's back."""

    def name(self) -> Text:
        return "action_handback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_handback")
        return [SlotSet("handoff_case_id", None), ActionExecuted("action_listen")]


class ActionAskCsat(Action):
    """Run by the console when the agent resolves the case: the bot asks for a 1-5 rating."""

    def name(self) -> Text:
        return "action_ask_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_ask_csat")
        return [ActionExecuted("action_listen")]


class ActionRecordCsat(Action):
    """Stores the rating with the conversation's latest resolved case."""

    def name(self) -> Text:
        return "action_record_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        survey = await record_survey_answer(dispatcher, tracker)  # the same buttons carry NPS and effort
        if survey is not None:
            return survey
        score = score_in(next(tracker.get_latest_entity_values("csat_score"), None) or tracker.latest_message.get("text"))
        store = default_store()
        case = await asyncio.to_thread(store.latest_case_of, tracker.sender_id)
        if score is None or case is None or case["status"] != "resolved":
            dispatcher.utter_message(response="utter_csat_not_understood" if case and score is None else "utter_csat_thanks")
            return []
        await asyncio.to_thread(store.record_csat, case["id"], score)
        dispatcher.utter_message(response="utter_csat_thanks")
        await ask_nps_if_due(dispatcher, tracker)  # the conversation is over: now and then, NPS
        return []
