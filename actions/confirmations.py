"""Yes/no answers to what the bot just proposed (start a return, cancel an order)."""
from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.trust import verified_customer_id
from bot.session_events import this_session
from bot.shop.backend import BackendUnavailable, OrderNotChangeable
from bot.shop.factory import shop_backend, shop_policy
from bot.shop.formatting import money
from bot.shop.identity import verified_order
from bot.shop.returns import order_eligibility, return_label_cost

CLEAR = [SlotSet("pending_confirmation", None)]


class ActionConfirmPending(Action):
    """"Yes": do what the bot proposed. With nothing proposed, ask how to help."""

    def name(self) -> Text:
        return "action_confirm_pending"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        pending = tracker.get_slot("pending_confirmation")
        if pending not in ("start_return", "start_exchange", "cancel_order"):
            dispatcher.utter_message(response="utter_how_can_i_help")
            return CLEAR
        try:
            order = await verified_order(shop_backend(), tracker.get_slot("order_id"), contact=tracker.get_slot("contact"),
                                         customer_id=verified_customer_id(tracker))
            if order is None:  # the slots changed since the proposal: start over
                dispatcher.utter_message(response="utter_how_can_i_help")
            elif pending == "start_return":
                await _start_return(dispatcher, order, tracker.get_slot("language"))
            elif pending == "start_exchange":
                await _start_exchange(dispatcher, order)
            else:
                await _cancel(dispatcher, order)
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_backend_down")
        return CLEAR


async def _start_return(dispatcher: CollectingDispatcher, order, language) -> None:
    policy = shop_policy()
    today = date.today()
    skus = [line.sku for line in order_eligibility(policy, order, today) if line.returnable]
    record = await shop_backend().open_return(order.id, skus, "requested through the bot", today)
    label_cost = return_label_cost(policy, order.ship_to_country)
    if label_cost:
        dispatcher.utter_message(response="utter_return_started_paid_label", rma=record.rma, label_cost=money(label_cost, language))
    else:
        dispatcher.utter_message(response="utter_return_started_free", rma=record.rma)


async def _start_exchange(dispatcher: CollectingDispatcher, order) -> None:
    """An exchange travels as a return the shop's team reads as such: the customer names the new
    size or colour in reply to the label's email."""
    skus = [line.sku for line in order_eligibility(shop_policy(), order, date.today()) if line.returnable]
    record = await shop_backend().open_return(order.id, skus, "exchange for another size or colour, requested through the bot",
                                              date.today())
    dispatcher.utter_message(response="utter_exchange_started", rma=record.rma)


async def _cancel(dispatcher: CollectingDispatcher, order) -> None:
    try:
        await shop_backend().cancel_order(order.id)
    except OrderNotChangeable:
        dispatcher.utter_message(response="utter_cannot_cancel_shipped", order_id=order.id)
        return
    dispatcher.utter_message(response="utter_order_cancelled_done", order_id=order.id)


class ActionDeclinePending(Action):
    """"No": drop what the bot proposed."""

    def name(self) -> Text:
        return "action_decline_pending"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        pending = tracker.get_slot("pending_confirmation")
        if pending:
            dispatcher.utter_message(response="utter_anything_else")
        elif _asked_before(tracker):  # "no, leave it, thanks" after an answer: done, not a new start
            dispatcher.utter_message(response="utter_fine_here_if_needed")
        else:
            dispatcher.utter_message(response="utter_how_can_i_help")
        return CLEAR


def _asked_before(tracker: Tracker) -> bool:
    """The customer wrote something before this message, in this session."""
    return sum(event.get("event") == "user" for event in this_session(tracker.events)) > 1
