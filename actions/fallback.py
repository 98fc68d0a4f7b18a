from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.fallback import likeliest_intents, misses_in_a_row
from bot.responses import response_text


class ActionDidYouMean(Action):
    """First miss: "did you mean …?" with the two likeliest topics as buttons.
    Second miss in a row: offer a person."""

    def name(self) -> Text:
        return "action_did_you_mean"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if misses_in_a_row(tracker.events) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
            return []
        language = tracker.get_slot("language")
        buttons = []
        for intent in likeliest_intents(tracker.latest_message):
            title = response_text(domain, f"utter_label_{intent}", language)
            if not title:
                continue
            # An FAQ answer can't be asked for with a "/intent" payload: send its title as text.
            payload = title if intent.startswith("faq/") else f"/{intent}"
            buttons.append({"title": title, "payload": payload})
        none_of_these = response_text(domain, "utter_none_of_these", language)
        if none_of_these:
            buttons.append({"title": none_of_these, "payload": "/deny"})
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        return []
