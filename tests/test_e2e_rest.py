"""End to end: the real Rasa server and action server, driven over REST like a customer's channel."""
import time

import pytest

from bot.handoff import hours
from bot.shop import formatting
from tests.conftest import TEST_RASA_PORT, http
from tests.expected import order_status_text, says

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`


def language_slot(bot, sender):
    return bot.tracker(sender)["slots"]["language"]


# --- conversations in each language --------------------------------------------------------

@pytest.mark.parametrize("language,greeting,question,typed_order,contact,order_id", [
    ("es", "hola buenas", "dónde está mi pedido", "#100234", "Ana.Garcia@Example.com", "100234"),
    ("en", "hi there", "where's my parcel? it hasn't arrived", "100410", "tom.baker@example.org", "100410"),
    ("pt", "oi, boa tarde", "cadê meu pedido? ainda não chegou", "pedido 100777", "+55 11 98765-4321", "100777"),
])
def test_order_status_after_the_number_and_the_email_or_phone(bot, sender, language, greeting, question, typed_order, contact, order_id):
    assert bot.texts(sender, greeting)[0] == says("utter_greet", language)
    assert bot.texts(sender, question) == [says("utter_ask_order_id", language)]
    assert bot.texts(sender, typed_order) == [says("utter_ask_contact", language)]
    answer = bot.texts(sender, contact)
    assert answer == [order_status_text(order_id, language)]
    slots = bot.tracker(sender)["slots"]
    assert slots["order_id"] == order_id and slots["language"] == language and slots["customer_id"]


@pytest.mark.parametrize("language,text,faq", [
    ("es", "cuanto cuesta el envio a portugal", "faq/shipping_cost"),
    ("en", "what payment methods do you accept?", "faq/payment_methods"),
    ("pt", "qual é a garantia dos produtos?", "faq/warranty"),
])
def test_faq_answered_in_the_customers_language(bot, sender, language, text, faq):
    assert bot.texts(sender, text) == [says(f"utter_{faq}", language)]


def test_greeting_offers_quick_replies_that_work(bot, sender):
    reply = bot.say(sender, "hola")[0]
    payloads = [b["payload"] for b in reply["buttons"]]
    assert payloads == ["/order_status", "/return_policy", "/human_handoff"]
    assert bot.texts(sender, "/return_policy") == [says("utter_return_policy", "es")]


def test_malformed_order_number_is_re_asked_with_an_example(bot, sender):
    bot.say(sender, "quiero cancelar mi pedido")
    assert bot.texts(sender, "pedido 12") == [says("utter_invalid_order_id", "es"), says("utter_ask_order_id", "es")]
    # An injection string is refused and the order number asked again (its English words may
    # switch the language: what matters is that nothing is accepted or leaked).
    injection = bot.texts(sender, "'; DROP TABLE orders; --")
    assert injection[-1] in {says("utter_ask_order_id", language) for language in ("es", "en", "pt")}
    assert bot.tracker(sender)["slots"]["order_id"] is None
    assert bot.texts(sender, "vale, es el 100502") == [says("utter_ask_contact", "es")]
    assert bot.texts(sender, "lucia fernandez@example.com") == [says("utter_invalid_contact", "es"), says("utter_ask_contact", "es")]


def test_question_in_the_middle_of_the_form_is_answered_and_the_form_goes_on(bot, sender):
    bot.say(sender, "I want to return the boots I bought")
    assert bot.texts(sender, "wait, are returns free?") == [says("utter_return_policy", "en"), says("utter_ask_order_id", "en")]


# --- language: detection, stickiness, switching, channel metadata ----------------------------

def test_one_word_ok_does_not_flip_the_language(bot, sender):
    bot.say(sender, "hola, cuánto tarda el envío a Brasil?")
    assert language_slot(bot, sender) == "es"
    assert bot.texts(sender, "ok") == [says("utter_how_can_i_help", "es")]
    assert language_slot(bot, sender) == "es"


def test_switching_language_mid_conversation_switches_the_answers(bot, sender):
    bot.say(sender, "hola, cuánto cuesta el envío?")
    assert bot.texts(sender, "sorry, do you ship to the United States?") == [says("utter_faq/international_shipping", "en")]
    assert bot.texts(sender, "e quanto tempo demora a entrega?") == [says("utter_faq/delivery_time", "pt")]


def test_channel_metadata_sets_the_language_at_session_start(bot, sender):
    # An order number says nothing about the language; the widget's page language does.
    assert bot.texts(sender, "100801", metadata={"language": "pt"}) == [says("utter_ask_contact", "pt")]


def test_parse_result_carries_the_language_entity(bot):
    parse = bot.parse("quiero devolver unas zapatillas")
    language = [e for e in parse["entities"] if e["entity"] == "language"]
    assert language and language[0]["value"] == "es" and "role" not in language[0]
    assert bot.parse("ok")["entities"][0].get("role") == "tentative"


# --- not understood: did you mean, then a person ---------------------------------------------

def test_not_understood_twice_offers_a_person(bot, sender):
    first = bot.say(sender, "Привет как дела")[0]
    assert first["text"] == says("utter_did_you_mean", "es")
    assert first["buttons"][-1]["payload"] == "/deny" and len(first["buttons"]) >= 2
    second = bot.say(sender, "zzqx blorp fnord")[0]
    assert second["text"] == says("utter_offer_human", "es")
    assert "/human_handoff" in [b["payload"] for b in second["buttons"]]
    # Nobody is logged in to the console here: a ticket (reason and queue: tests/test_handoff_e2e.py).
    first_reply = bot.texts(sender, "/human_handoff")[0]
    opens = hours.next_opening(hours.load_config(), time.time())
    assert first_reply in (says("utter_handoff_ticket_no_agent", "es"), says(
        "utter_handoff_ticket_closed", "es", opens_day=formatting.weekday_day(opens.date(), "es"),
        opens_time=formatting.clock(opens.time(), "es")))


def test_keyword_decides_when_the_model_is_unsure(bot):
    parse = bot.parse("factura??")
    assert parse["intent"]["name"] == "invoice_request"


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body,status", [
    (b'{"sender": "x"}', 400),
    (b'{"sender": "x", "message": ""}', 400),
    (b'{"sender": "x", "message": "   \\n "}', 400),
    (b'{"message": "hola"}', 400),
    (b'{"sender": "x", "message": 42}', 400),
    (b'[1, 2, 3]', 400),
    (b'{not json', 400),
    (b'{"sender": "x", "message": "hola", "metadata": "nope"}', 400),
])
def test_malformed_requests_get_a_clear_4xx(bot, body, status):
    result = bot.post_raw(body)
    assert result.status == status
    assert b"Traceback" not in result.body and result.json()["message"]


def test_huge_message_gets_an_answer_and_a_bigger_one_a_413(bot, sender):
    from connectors.limits import MAX_MESSAGE_LENGTH

    question = "dónde está mi pedido "
    replies = bot.texts(sender, question * (MAX_MESSAGE_LENGTH // len(question)))  # ~4,000 characters
    assert replies == [says("utter_ask_order_id", "es")]
    import json

    too_long = bot.post_raw(json.dumps({"sender": sender, "message": "a" * (MAX_MESSAGE_LENGTH + 1)}).encode())
    assert too_long.status == 413


@pytest.mark.parametrize("text", ["👍👍👍", "🙂", "hola hello olá 你好", "Привет", "<script>alert(1)</script>", "\u202e\u0000odd"])
def test_odd_messages_get_a_reply_and_the_server_keeps_serving(bot, sender, text):
    replies = bot.say(sender, text)
    assert replies and all(r.get("text") for r in replies)
    # greeted once per session: a second hello is asked how to help
    assert bot.texts(sender, "hola")[0] in (says("utter_greet", "es"), says("utter_how_can_i_help", "es"))


def test_a_second_hello_is_not_greeted_again(bot, sender):
    assert bot.texts(sender, "/greet")[0] == says("utter_greet", "es")  # the widget's own greeting
    assert bot.texts(sender, "hola buenas") == [says("utter_how_can_i_help", "es")]


# --- the HTTP API is never open ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/conversations/someone/tracker", "/conversations/someone/messages", "/status", "/model/parse"])
def test_http_api_refuses_requests_without_the_token(bot, path):
    method = "POST" if path.endswith(("messages", "parse")) else "GET"
    result = http(method, f"http://127.0.0.1:{TEST_RASA_PORT}{path}", b"{}", {"Content-Type": "application/json"})
    assert result.status in (401, 403)
    wrong = http(method, f"http://127.0.0.1:{TEST_RASA_PORT}{path}?token=wrong", b"{}", {"Content-Type": "application/json"})
    assert wrong.status in (401, 403)
