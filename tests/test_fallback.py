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


def test_misses_in_a_row_ignore_button_clicks_and_stop_at_an_understood_message():
    events = [user("hola", "greet"), user("asdf", "nlu_fallback"), user("/deny", "deny"), user("qwerty", "nlu_fallback")]
    assert misses_in_a_row(events) == 2
    assert misses_in_a_row(events[:2]) == 1
    assert misses_in_a_row([user("hola", "greet")]) == 0
