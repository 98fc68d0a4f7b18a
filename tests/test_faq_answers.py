"""Several questions in one message get several FAQ answers; one question gets one."""
from bot.faq_answers import MAX_ANSWERS, faq_answers


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
