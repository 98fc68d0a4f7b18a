"""Never a false fact: every demo order walked through every order flow, and everything the bot
states checked against the shop's data.

For each order and each question, over REST on the real servers (the owner identified by a
signed token, so the walk is about facts, not identity):
- each date the bot writes must be one the order's records make true (placed, shipped, expected,
  delivered, a return's last day, the damage-report deadline, a refund's dates, …);
- each answer that implies a state (delivered, not delivered, waiting for payment, a given
  status) must match the order's status.
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Dict, List, Set, Tuple

import pytest

from bot.shop import customer_token, formatting
from bot.shop.returns import add_business_days, load_policy
from tests.conftest import SIGNING_SECRET
from tests.expected import ORDERS, SHOP

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

QUESTIONS = ["order_status", "return_request", "exchange", "refund_status", "damaged_item", "delivery_not_received",
             "payment_problem", "invoice_request", "case_status"]
# Questions that are an intent with more entities than the order: "can I swap it for another size?"
ASKED_AS = {"exchange": ("return_request", {"exchange_wish": "another size"})}
LANGUAGE = "en"


def _day(offset) -> date:
    return date.today() + timedelta(days=offset) if offset is not None else None


def true_dates(order: dict) -> Set[date]:
    """Every date the shop's records make true for this order."""
    policy = load_policy()
    dates = {_day(order[k]) for k in ("placed_days", "shipped_days", "estimated_delivery_days", "delivered_days")}
    delivered = _day(order["delivered_days"])
    if delivered:
        windows = {policy.default_window_days, *policy.window_days_by_category.values(),
                   policy.damaged.report_within_days, policy.missing_parcel_wait_days}
        dates |= {delivered + timedelta(days=w) for w in windows}
    for record in SHOP["returns"]:
        if record["order"] == order["id"]:
            for key in ("opened_days", "received_days", "refund_issued_days"):
                dates.add(_day(record[key]))
            if record["received_days"] is not None:
                dates.add(add_business_days(_day(record["received_days"]), policy.refund_business_days))
    for incident in SHOP["incidents"]:  # "how is my case going" lists the customer's incidents
        if incident["customer"] == order["customer"]:
            dates.add(_day(incident["opened_days"]))
    dates.add(date.today())  # an incident or a return opened now
    return {d for d in dates if d}


CANDIDATE_DAYS = [date.today() + timedelta(days=n) for n in range(-400, 400)]


def dates_in(text: str) -> Set[date]:
    written = {formatting.day(d, LANGUAGE): d for d in CANDIDATE_DAYS}
    # "29 November" must not also count as "9 November"
    return {d for words, d in written.items() if re.search(r"(?<!\d)" + re.escape(words), text)}


# What an answer says about the order's state: response name -> the statuses it may be said of.
NOT_DELIVERED = {"pending_payment", "paid", "preparing", "shipped", "in_transit", "cancelled"}
STATE_OF_RESPONSE = {
    "utter_damaged_not_delivered": NOT_DELIVERED,
    "utter_damaged_too_late": {"delivered", "returned"},
    "utter_damaged_incident_opened": {"delivered", "returned"},
    "utter_not_received_wait": {"delivered", "returned"},
    "utter_not_received_investigate": {"delivered", "returned"},
    "utter_order_payment_pending": {"pending_payment"},
    "utter_order_payment_received": {"paid", "preparing", "shipped", "in_transit", "delivered", "returned"},
}


def ask(bot, order_id: str, question: str) -> List[Tuple[str, str]]:
    """(response name, text) of the bot's answer to `question` about `order_id`, asked by its owner."""
    sender = f"facts-{order_id}-{question}-{date.today().isoformat()}"
    token = customer_token.sign(ORDERS[order_id]["customer"], SIGNING_SECRET)
    bot.say(sender, "hello", metadata={"customer_token": token, "language": LANGUAGE})
    intent, entities = ASKED_AS.get(question, (question, {}))
    bot.say(sender, f'/{intent}{json.dumps({"order_id": order_id, **entities})}')
    events = bot.tracker(sender)["events"]
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    return [((e.get("metadata") or {}).get("utter_action") or "", e.get("text") or "")
            for e in events[last_user:] if e["event"] == "bot"]


@pytest.fixture(scope="module")
def answers(isolated_bot) -> Dict[Tuple[str, str], List[Tuple[str, str]]]:
    return {(order_id, question): ask(isolated_bot, order_id, question) for order_id in ORDERS for question in QUESTIONS}


@pytest.mark.parametrize("order_id", sorted(ORDERS))
def test_every_date_the_bot_states_is_true(answers, order_id):
    allowed = true_dates(ORDERS[order_id])
    for question in QUESTIONS:
        for name, text in answers[(order_id, question)]:
            wrong = dates_in(text) - allowed
            assert not wrong, f"{order_id} {question}: {name} states {sorted(wrong)}: {text}"


@pytest.mark.parametrize("order_id", sorted(ORDERS))
def test_every_state_the_bot_implies_is_the_orders(answers, order_id):
    status = ORDERS[order_id]["status"]
    for question in QUESTIONS:
        replies = answers[(order_id, question)]
        assert replies, f"{order_id} {question}: no answer"
        for name, text in replies:
            assert name, f"{order_id} {question}: an answer that isn't a response of domain.yml: {text}"
            if name.startswith("utter_order_status_"):
                assert name == f"utter_order_status_{status}", (order_id, question, name)
            if name in STATE_OF_RESPONSE:
                assert status in STATE_OF_RESPONSE[name], (order_id, question, name, status)
            assert "{" not in text, f"{order_id} {question}: a value was missing: {text}"
