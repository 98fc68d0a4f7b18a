"""Several questions in one message get several FAQ answers; one question gets one."""
from bot.faq_answers import MAX_ANSWERS, faq_answers


def parse(text, *ranked):
    ranking = [{"intent_response_key": key, "confidence": confidence} for key, confidence in ranked]
    return {"text": text, "response_selector": {"faq": {"ranking": ranking, "response": {"intent_response_key": ranked[0][0]}}}}


def test_two_questions_get_two_answers_the_likeliest_first():
    message = parse("how much is shipping to the US and can I pay with PayPal?",
                    ("faq/shipping_cost", 0.52), ("faq/payment_methods", 0.31), ("faq/warranty", 0.02))
    assert faq_answers(message) == ["faq/shipping_cost", "faq/payment_methods"]


def test_one_question_gets_one_answer_even_when_a_second_topic_is_likely():
    assert faq_answers(parse("shipping cost to the US", ("faq/shipping_cost", 0.6), ("faq/international_shipping", 0.35))) == [
        "faq/shipping_cost"]


def test_never_more_than_three_answers():
    ranked = [(f"faq/k{i}", 0.2) for i in range(6)]
    assert len(faq_answers(parse("a? b? c? d? e? y f?", *ranked))) == MAX_ANSWERS
