from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.faq_answers import faq_answers


class ActionAnswerFaq(Action):
    """The FAQ answer, or each answer (up to three) of a message that asks several things."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        for key in faq_answers(tracker.latest_message):
            dispatcher.utter_message(response=f"utter_{key}")
        return []
