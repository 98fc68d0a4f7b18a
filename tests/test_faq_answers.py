"""Several questions in one message get several FAQ answers; one question gets one."""
from bot.faq_answers import MAX_ANSWERS, asides_since, faq_answers


def parse(top, *parts):
    return {"response_selector": {"faq": {
        "response": {"intent_response_key": top},
        "parts": [{"intent_response_key": key, "confidence": 0.9} for key in parts]}}}


def test_each_part_of_the_message_gets_its_answer_the_selectors_first():
    message = parse("faq/shipping_cost", "faq/shipping_cost", "faq/payment_methods")
    assert faq_answers(message) == ["faq/shipping_cost", "faq/payment_methods"]


def test_one_question_gets_one_answer():
    assert faq_answers(parse("faq/shipping_cost")) == ["faq/shipping_cost"]


def test_never_more_than_three_answers():
    assert len(faq_answers(parse("faq/a", "faq/b", "faq/c", "faq/d", "faq/e"))) == MAX_ANSWERS


def _user(intent: str, *parts: str, asked: bool = True, confidence: float = 0.8) -> dict:
    return {"event": "user", "parse_data": {"intent": {"name": intent}, "response_selector": {"faq": {
        "parts": [{"intent_response_key": key, "confidence": confidence, "asked": asked} for key in parts]}}}}


def test_the_questions_asked_beside_an_order_request_are_found_back_to_the_last_answered_one():
    answered = {"event": "slot", "name": "identity_failures", "value": 0}
    events = [
        {"event": "action", "name": "action_session_start"},
        _user("order_status", "faq/shipping_cost"),  # answered with its order, before the boundary
        answered,
        _user("faq", "faq/warranty", "faq/discount_code"),  # the FAQ rule answered these itself
        _user("order_status", "faq/payment_methods"),  # "where's 100503? and do you take Bizum?"
        {"event": "slot", "name": "identity_failures", "value": 1},  # a wrong email first
        _user("inform"),
        _user("inform", "faq/delivery_time", "faq/payment_methods"),
    ]
    assert asides_since(events, lambda e: e == answered) == ["faq/payment_methods", "faq/delivery_time"]
    assert asides_since(events[:2], lambda e: e == answered) == ["faq/shipping_cost"]
    assert asides_since([_user("order_status")], lambda e: False) == []


def test_a_part_that_tells_rather_than_asks_is_not_answered_beside_an_order():
    # "¿y el reembolso? ya lo pagué con tarjeta": no question mark, and the classifier not sure
    told = _user("refund_status", "faq/payment_methods", asked=False, confidence=0.78)
    assert asides_since([told], lambda e: False) == []
    sure = _user("order_status", "faq/international_shipping", asked=False, confidence=0.97)  # "…also do you ship to ireland"
    assert asides_since([sure], lambda e: False) == ["faq/international_shipping"]
