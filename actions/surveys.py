"""NPS ("would you recommend us?", 0-10) and effort ("how easy was it?", 1-5) after a
conversation: asked after a goodbye or a resolved case's rating, at the shop's sampling rate and
never twice in 30 days to the same customer (bot/insights/surveys.py decides and stores). The
answers come back as rate_support buttons carrying nps_score or effort_score, like CSAT."""
import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.trust import verified_customer_id
from bot.handoff.store import default_store
from bot.insights import settings, surveys

logger = logging.getLogger(__name__)


def _customer_key(tracker: Tracker) -> str:
    """As the cases key customers: the verified shop customer, else this conversation."""
    customer_id = verified_customer_id(tracker)
    return f"customer:{customer_id}" if customer_id else f"conversation:{tracker.sender_id}"


async def ask_nps_if_due(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    engine = default_store().engine
    key = _customer_key(tracker)
    try:
        if not await asyncio.to_thread(surveys.should_ask_nps, engine, key, settings.load()):
            return
        await asyncio.to_thread(surveys.record_asked, engine, "nps", tracker.sender_id, key,
                                tracker.get_latest_input_channel(), tracker.get_slot("language"))
    except SQLAlchemyError as error:  # no question rather than a question whose answer is lost
        logger.error("surveys unavailable, NPS not asked (%s)", type(error).__name__)
        return
    dispatcher.utter_message(response="utter_ask_nps")


async def _typed_answer(tracker: Tracker):
    """(kind, typed value) when the customer typed a score ("9", "un 4") while an NPS or effort
    question is the conversation's latest open question (not a CSAT asked after it)."""
    if next(tracker.get_latest_entity_values("csat_score"), None) is not None:
        return None
    store = default_store()
    question = await asyncio.to_thread(surveys.latest_pending, store.engine, tracker.sender_id)
    if question is None:
        return None
    case = await asyncio.to_thread(store.latest_case_of, tracker.sender_id)
    if case and case["status"] == "resolved" and case["csat"] is None and (case["closed_at"] or 0) > question["asked_at"]:
        return None  # the rating of a case resolved after the question
    text = tracker.latest_message.get("text") or ""
    return (question["kind"], text) if surveys.score_in(question["kind"], text) is not None else None


async def record_survey_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """Handles an NPS or effort answer, tapped or typed; None when the message is neither."""
    typed = await _typed_answer(tracker)
    for kind, entity in (("nps", "nps_score"), ("effort", "effort_score")):
        value = next(tracker.get_latest_entity_values(entity), None)
        if value is None and typed and typed[0] == kind:
            value = typed[1]
        if value is None:
            continue
        score = surveys.score_in(kind, value)
        engine = default_store().engine
        question = await asyncio.to_thread(surveys.pending, engine, tracker.sender_id, kind)
        if score is not None and question is not None:
            await asyncio.to_thread(surveys.record_answer, engine, question, score)
            if kind == "nps":
                await asyncio.to_thread(surveys.record_asked, engine, "effort", tracker.sender_id, _customer_key(tracker),
                                        tracker.get_latest_input_channel(), tracker.get_slot("language"))
                dispatcher.utter_message(response="utter_ask_effort")
                return []
        dispatcher.utter_message(response="utter_survey_thanks")
        return []
    return None


class ActionAskNps(Action):
    """After a goodbye: now and then, the NPS question."""

    def name(self) -> Text:
        return "action_ask_nps"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        await ask_nps_if_due(dispatcher, tracker)
        return []
