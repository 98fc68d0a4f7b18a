"""One answer per order topic, for an order whose owner is verified. Sentences come from
domain.yml; these functions choose the response and pass the values, formatted for the
customer's language."""
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.privacy import erasure_request
from bot.languages import default_language, language_of
from bot.responses import response_text
from bot.shop import formatting
from bot.shop.backend import OrderNotChangeable
from bot.shop.factory import shop_backend, shop_policy
from bot.shop.model import NOT_YET_SHIPPED, Order, ReturnRecord
from bot.shop.returns import damaged_item_terms, missing_parcel_investigation_from, order_eligibility, refund_expectation

CHANNELS_WITH_PHOTOS = {"socketio", "whatsapp"}


@dataclass
class Reply:
    dispatcher: CollectingDispatcher
    tracker: Tracker
    domain: Dict[Text, Any]
    today: date

    @property
    def language(self) -> Optional[str]:
        return self.tracker.get_slot("language")

    def say(self, response: str, **values: Any) -> None:
        self.dispatcher.utter_message(response=response, **values)

    def word(self, response: str) -> str:
        """A word from domain.yml in the customer's language (a status, a category)."""
        return response_text(self.domain, response, self.language) or ""

    def day(self, value: Optional[date]) -> str:
        return formatting.day(value, self.language)

    def money(self, amount) -> str:
        return formatting.money(amount, self.language)


async def order_status(reply: Reply, order: Order) -> List[EventType]:
    reply.say(
        f"utter_order_status_{order.status}", order_id=order.id, carrier=order.carrier or "",
        tracking_number=order.tracking_number or "", eta=reply.day(order.estimated_delivery),
        tracking_url=formatting.tracking_url(order.carrier, order.tracking_number),
        delivered_on=reply.day(order.delivered_on),
    )
    if order.is_late(reply.today):
        reply.say("utter_order_late", order_id=order.id, eta=reply.day(order.estimated_delivery), carrier=order.carrier or "")
    return []


async def return_eligibility(reply: Reply, order: Order) -> List[EventType]:
    """Each item's last day to send it back; then the offer to start the return, or the exchange
    when the customer asked for another size or colour."""
    policy = shop_policy()
    lines = order_eligibility(policy, order, reply.today)
    for line in lines:
        response = "utter_return_line_ok" if line.returnable else f"utter_return_line_{line.reason}"
        reply.say(response, title=line.title, last_day=reply.day(line.last_day))
    if not any(line.returnable for line in lines):
        reply.say("utter_nothing_to_return", order_id=order.id)
        records = await shop_backend().returns_for(order.id)
        if records:  # "I returned the jeans, when's my money?": its refund
            say_refund(reply, order, records)
        return []
    if reply.tracker.get_slot("wants_exchange"):
        if policy.exchanges.allowed:
            kinds = f" {reply.word('utter_exchange_kinds_or')} ".join(reply.word(f"utter_exchange_kind_{k}") for k in policy.exchanges.kinds)
            reply.say("utter_exchange_offer_free" if policy.exchanges.free else "utter_exchange_offer_paid", kinds=kinds)
            reply.say("utter_confirm_start_exchange")
            return [SlotSet("pending_confirmation", "start_exchange")]
        reply.say("utter_exchange_not_offered")
    reply.say("utter_confirm_start_return")
    return [SlotSet("pending_confirmation", "start_return")]


async def refund_status(reply: Reply, order: Order) -> List[EventType]:
    records = await shop_backend().returns_for(order.id)
    if not records and order.status == "cancelled":  # no return: the refund of a cancelled order
        reply.say("utter_refund_cancelled_order", order_id=order.id)
    elif not records:
        reply.say("utter_refund_none", order_id=order.id)
    else:
        say_refund(reply, order, records)
    return []


def say_refund(reply: Reply, order: Order, records: List[ReturnRecord]) -> None:
    """The refund of the order's latest return, as the returns records and the policy have it."""
    latest = max(records, key=lambda r: r.opened_on)
    state = refund_expectation(shop_policy(), latest, reply.today)
    values = dict(
        order_id=order.id, amount=reply.money(state.refund_eur), issued_on=reply.day(state.issued_on),
        expected_by=reply.day(state.expected_by), reason=state.reason or "",
        refund_to=reply.word(f"utter_refund_to_{state.refund_to or 'original_payment_method'}") or (state.refund_to or ""),
    )
    response = "overdue" if state.overdue else REFUND_RESPONSES[state.status]
    if response == "rejected" and state.reason and language_of(state.reason) != (reply.language or default_language()):
        response = "rejected_reason_untranslated"  # the shop wrote it in another language: a person explains
    reply.say(f"utter_refund_{response}", **values)


REFUND_RESPONSES = {"not_received_yet": "not_received", "processing": "processing", "issued": "issued", "rejected": "rejected"}


async def cancel(reply: Reply, order: Order) -> List[EventType]:
    if order.shipped:
        reply.say("utter_cannot_cancel_shipped", order_id=order.id)
        return []
    if order.status == "cancelled":  # already: say so, and where its money goes
        reply.say("utter_order_status_cancelled", order_id=order.id)
        return []
    if order.status not in NOT_YET_SHIPPED:
        reply.say("utter_cannot_cancel_status", order_id=order.id, status=reply.word(f"utter_status_word_{order.status}"))
        return []
    reply.say("utter_confirm_cancel", order_id=order.id)
    return [SlotSet("pending_confirmation", "cancel_order")]


async def change_address(reply: Reply, order: Order) -> List[EventType]:
    new_address = reply.tracker.get_slot("new_address")
    if not order.shipped and order.status not in NOT_YET_SHIPPED:  # cancelled, returned
        reply.say("utter_cannot_change_address_status", order_id=order.id, status=reply.word(f"utter_status_word_{order.status}"))
        return [SlotSet("new_address", None)]
    try:
        if order.shipped:
            raise OrderNotChangeable(order.id)
        await shop_backend().change_address(order.id, new_address)
    except OrderNotChangeable:
        reply.say("utter_cannot_change_address_shipped", order_id=order.id, carrier=order.carrier or "",
                  tracking_number=order.tracking_number or "")
        return [SlotSet("new_address", None)]
    reply.say("utter_address_changed", order_id=order.id, new_address=new_address)
    return [SlotSet("new_address", None)]


async def invoice(reply: Reply, order: Order) -> List[EventType]:
    reply.say("utter_invoice_available", order_id=order.id)
    return []


async def damaged(reply: Reply, order: Order) -> List[EventType]:
    terms = damaged_item_terms(shop_policy(), order, reply.today)
    status = reply.word(f"utter_status_word_{order.status}")
    if order.delivered_on is None:
        # Only a delivery date makes a report window: any other state is said as it is.
        reply.say("utter_damaged_not_delivered", order_id=order.id, status=status)
        return []
    if terms.report_by is None:  # delivered, then cancelled or the like: a person decides
        reply.say("utter_order_needs_person", order_id=order.id, status=status)
        return []
    if not terms.within_report_window:
        reply.say("utter_damaged_too_late", order_id=order.id, delivered_on=reply.day(order.delivered_on),
                  report_by=reply.day(terms.report_by))
        return []
    incident = await shop_backend().open_incident(order.customer_id, order.id, "damaged or wrong item reported to the bot", reply.today)
    reply.say("utter_damaged_incident_opened", incident_id=incident.id, order_id=order.id)
    if terms.photo_requested and reply.tracker.get_latest_input_channel() in CHANNELS_WITH_PHOTOS:
        reply.say("utter_damaged_ask_photo")
    return []


async def payment(reply: Reply, order: Order) -> List[EventType]:
    """The order's payment as the shop's records have it: still pending, or received."""
    values = dict(order_id=order.id, total=reply.money(order.total_eur),
                  method=reply.word(f"utter_payment_word_{order.payment}") or order.payment)
    if order.status == "pending_payment":
        reply.say("utter_order_payment_pending", **values)
    elif order.status == "cancelled":
        reply.say("utter_order_status_cancelled", order_id=order.id)
    else:
        reply.say("utter_order_payment_received", placed_on=reply.day(order.placed_on), **values)
    return []


async def not_received(reply: Reply, order: Order) -> List[EventType]:
    """"Tracking says delivered, but nothing's here": the carrier's proof, where to look, and a
    person from the shop's waiting day on. Not delivered yet: its real status instead."""
    if order.delivered_on is None:
        return await order_status(reply, order)
    investigate_from = missing_parcel_investigation_from(shop_policy(), order)
    values = dict(order_id=order.id, carrier=order.carrier or "", tracking_number=order.tracking_number or "",
                  tracking_url=formatting.tracking_url(order.carrier, order.tracking_number),
                  delivered_on=reply.day(order.delivered_on), investigate_from=reply.day(investigate_from))
    if investigate_from is not None and reply.today >= investigate_from:
        reply.say("utter_not_received_investigate", **values)
    else:
        reply.say("utter_not_received_wait", **values)
    return []


def say_incidents(reply: Reply, incidents) -> None:
    """Each incident's state in words, oldest first."""
    for incident in sorted(incidents, key=lambda i: i.opened_on):
        reply.say(f"utter_case_incident_{incident.status}", incident_id=incident.id, order_id=incident.order_id or "",
                  opened_on=reply.day(incident.opened_on))


async def case_state(reply: Reply, order: Order) -> List[EventType]:
    """How this order's incidents and returns are going, from the shop's records."""
    incidents = [i for i in await shop_backend().incidents_of(order.customer_id) if i.order_id == order.id]
    returns = await shop_backend().returns_for(order.id)
    say_incidents(reply, incidents)
    for record in sorted(returns, key=lambda r: r.opened_on):
        reply.say(f"utter_case_return_{record.status}", rma=record.rma, order_id=order.id,
                  opened_on=reply.day(record.opened_on))
    if not incidents and not returns:
        reply.say("utter_case_none_for_order", order_id=order.id)
    return []


HANDLERS = {
    "status": order_status, "return": return_eligibility, "refund": refund_status, "cancel": cancel,
    "change_address": change_address, "invoice": invoice, "damaged": damaged,
    "not_received": not_received, "case": case_state, "payment": payment,
    "erasure": erasure_request,  # "delete my data", once the form checked who is asking (actions/privacy.py)
}
