from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.faq_answers import faq_answers


class ActionMoreFaqAnswers(Action):
    """After utter_faq (Rasa's own, which answers even with this server down): the other answers,
    up to three in all, of a message that asks several things at once."""

    def name(self) -> Text:
        return "action_more_faq_answers"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        for key in faq_answers(tracker.latest_message)[1:]:
            dispatcher.utter_message(response=f"utter_{key}")
        return []
