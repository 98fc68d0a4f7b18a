"""Choosing "did you mean" suggestions and counting misses."""
from bot.fallback import likeliest_intents, misses_in_a_row

import pytest

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`


def user(text, intent):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def test_suggests_the_two_likeliest_meaningful_intents():
    parse = {"intent_ranking": [
        {"name": "nlu_fallback"}, {"name": "greet"}, {"name": "order_status"}, {"name": "affirm"},
        {"name": "refund_status"}, {"name": "cancel_order"}]}
    assert likeliest_intents(parse) == ["order_status", "refund_status"]


def test_an_faq_becomes_its_likeliest_answer():
    parse = {"intent_ranking": [{"name": "faq"}, {"name": "order_status"}],
             "response_selector": {"faq": {"ranking": [{"intent_response_key": "faq/warranty"}]}}}
    assert likeliest_intents(parse) == ["faq/warranty", "order_status"]


def test_an_unsure_faq_offers_its_two_likeliest_answers():
    # "my daughter gave me a gift card, how do I use it?": password 0.51 or payment 0.43?
    parse = {"intent_ranking": [{"name": "nlu_fallback"}, {"name": "faq"}, {"name": "order_status"}],
             "response_selector": {"faq": {"ranking": [{"intent_response_key": "faq/account_password", "confidence": 0.51},
                                                       {"intent_response_key": "faq/payment_methods", "confidence": 0.43},
                                                       {"intent_response_key": "faq/discount_code", "confidence": 0.03}]}}}
    assert likeliest_intents(parse) == ["faq/account_password", "faq/payment_methods"]
    parse["response_selector"]["faq"]["ranking"][1]["confidence"] = 0.1  # no real contender
    assert likeliest_intents(parse) == ["faq/account_password", "order_status"]


def test_misses_in_a_row_ignore_button_clicks_and_stop_at_an_understood_message():
    events = [user("hola", "greet"), user("asdf", "nlu_fallback"), user("/deny", "deny"), user("qwerty", "nlu_fallback")]
    assert misses_in_a_row(events) == 2
    assert misses_in_a_row(events[:2]) == 1
    assert misses_in_a_row([user("hola", "greet")]) == 0
