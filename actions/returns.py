"""General return questions: answered from the shop's policy file (one that names an order goes
to that order's own return lines)."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.orders import about_a_named_order

from bot.responses import response_text
from bot.shop.factory import shop_policy
from bot.shop.returns import category_rule


class ActionReturnPolicy(Action):
    """"Can I return swimwear?" gets the rule for swimwear; anything else the general policy."""

    def name(self) -> Text:
        return "action_return_policy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        named = about_a_named_order(tracker, "return")
        if named:
            return named
        category = next(tracker.get_latest_entity_values("product_category"), None)
        if not category:
            dispatcher.utter_message(response="utter_return_policy")
            return []
        rule = category_rule(shop_policy(), category)
        name = response_text(domain, f"utter_category_word_{category}", tracker.get_slot("language")) or category
        if rule.returnable:
            dispatcher.utter_message(response="utter_category_returnable", category=name, days=rule.window_days)
        else:
            dispatcher.utter_message(response=f"utter_category_{rule.reason}", category=name)
        return []
