""""Has anyone looked at my complaint?": the state of what the customer already reported.

First the conversation's own case with the team (queued, a ticket, with an agent, resolved);
then, for a verified customer, the shop's incidents and returns; otherwise the order form asks
which order, and the "case" topic (actions/order_topics.py) reads that order's records.
"""
import asyncio
from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.order_topics import Reply, say_incidents
from actions.trust import verified_customer_id
from bot.handoff.store import default_store
from bot.shop.backend import BackendUnavailable
from bot.shop.factory import shop_backend


class ActionCaseStatus(Action):
    def name(self) -> Text:
        return "action_case_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        reply = Reply(dispatcher, tracker, domain, date.today())
        try:
            case = await asyncio.to_thread(default_store().latest_case_of, tracker.sender_id)
        except SQLAlchemyError:
            case = None
        if case:
            reply.say(f"utter_case_handoff_{case['status']}", case_id=case["id"], agent=case.get("agent") or "",
                      opened_on=reply.day(date.fromtimestamp(case["created_at"])))
            return []
        customer_id = verified_customer_id(tracker)
        if customer_id:
            try:
                incidents = await shop_backend().incidents_of(customer_id)
            except BackendUnavailable:
                dispatcher.utter_message(response="utter_backend_down")
                return []
            say_incidents(reply, sorted(incidents, key=lambda i: i.opened_on)[-3:])
            if incidents:
                return []
        # Which order? The order form asks (and checks who is asking), then the "case" topic answers.
        return [SlotSet("order_topic", "case"), FollowupAction("order_form")]
