"""End to end over REST: order status, returns, refunds, cancellations and identity, on the real
servers, against the demo shop in SQLite (embedded default) and in PostgreSQL."""
from decimal import Decimal

import pytest

from bot.shop import customer_token, formatting
from tests.conftest import SIGNING_SECRET, running_bot
from tests.postgres import fresh_schema_url
from tests.expected import day, matches, order_status_text, says

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

@pytest.fixture(scope="module")
def postgres_schema_url():
    with fresh_schema_url("e2e_shop") as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shop_bot(request, tmp_path_factory):
    if request.param == "sqlite":
        yield request.getfixturevalue("bot")
        return
    url = request.getfixturevalue("postgres_schema_url")
    with running_bot(tmp_path_factory.mktemp("bot_pg"), 15205, 15255, SHOP_DATABASE_URL=url) as client:
        yield client


def verify(bot, sender, question, order_id, contact):
    bot.say(sender, question)
    bot.say(sender, order_id)
    return bot.texts(sender, contact)


def test_late_order_gets_an_apology_and_a_person(shop_bot, sender):
    # 100610 (Carlos, Mexico) should have arrived two days ago.
    replies = shop_bot.say(sender, "hola, dónde está mi pedido 100610?")
    assert replies[0]["text"] == says("utter_ask_contact", "es")
    replies = shop_bot.say(sender, "carlos.mendez@example.mx")
    assert [r["text"] for r in replies] == [
        order_status_text("100610", "es"),
        says("utter_order_late", "es", order_id="100610", eta=day(-2, "es"), carrier="DHL"),
    ]
    assert replies[1]["buttons"][0]["payload"] == "/human_handoff"


def test_return_eligibility_line_by_line_then_start_the_return(shop_bot, sender):
    # 100410 (Tom, UK): boots returnable until 30 days after delivery; socks never (hygiene).
    answer = verify(shop_bot, sender, "I want to return something from my order", "100410", "tom.baker@example.org")
    assert answer == [
        says("utter_return_line_ok", "en", title="Hiking Boots Sierra size 42", last_day=day(-2 + 30, "en")),
        says("utter_return_line_hygiene", "en", title="Wool Socks"),
        says("utter_confirm_start_return", "en"),
    ]
    started = shop_bot.texts(sender, "/affirm")
    assert len(started) == 1 and "RMA-" in started[0]
    assert matches(started[0], "utter_return_started_paid_label", "en", label_cost=formatting.money(Decimal("6.95"), "en"))


def test_refund_status_from_the_returns_records(shop_bot, sender):
    answer = verify(shop_bot, sender, "¿cuándo me devuelven el dinero de mi devolución?", "100955", "javier.ruiz@example.es")
    assert answer == [says("utter_refund_issued", "es", amount=formatting.money(79, "es"), order_id="100955",
                           issued_on=day(-2, "es"), refund_to=says("utter_refund_to_card", "es"))]


def test_cancel_an_unshipped_order_after_confirming(shop_bot, sender):
    # 100920 (Emily, US) is waiting for payment: it can still be cancelled.
    answer = verify(shop_bot, sender, "quero cancelar meu pedido", "100920", "emily.chen@example.com")
    assert answer == [says("utter_confirm_cancel", "pt", order_id="100920")]
    assert shop_bot.texts(sender, "/affirm") == [says("utter_order_cancelled_done", "pt", order_id="100920")]
    # now it is cancelled, and its address can't change any more
    assert shop_bot.texts(sender, "e qual é o estado do pedido agora?") == [says("utter_order_status_cancelled", "pt", order_id="100920")]
    shop_bot.say(sender, "quero mudar o endereço de entrega")
    assert shop_bot.texts(sender, "Rua Augusta 100, 01305-000 São Paulo") == [
        says("utter_cannot_change_address_status", "pt", order_id="100920", status=says("utter_status_word_cancelled", "pt"))]


def test_a_shipped_order_cannot_be_cancelled_or_readdressed(shop_bot, sender):
    answer = verify(shop_bot, sender, "quiero cancelar el pedido", "100234", "ana.garcia@example.com")
    assert answer == [says("utter_cannot_cancel_shipped", "es", order_id="100234")]
    replies = shop_bot.texts(sender, "y puedo cambiar la dirección de entrega?")
    assert replies == [says("utter_ask_new_address", "es")]
    replies = shop_bot.texts(sender, "Calle Alcalá 45, 28014 Madrid")
    assert replies == [says("utter_cannot_change_address_shipped", "es", order_id="100234", carrier="SEUR", tracking_number="SE4829910375ES")]


def test_change_the_address_of_an_unshipped_order(shop_bot, sender):
    shop_bot.say(sender, "hola, necesito cambiar la dirección de envío de mi pedido")
    shop_bot.say(sender, "100503")
    assert shop_bot.texts(sender, "lucia.fernandez@example.com") == [says("utter_ask_new_address", "es")]
    assert shop_bot.texts(sender, "calle") == [says("utter_invalid_address", "es"), says("utter_ask_new_address", "es")]
    assert shop_bot.texts(sender, "Avenida de América 10, 28002 Madrid") == [
        says("utter_address_changed", "es", order_id="100503", new_address="Avenida de América 10, 28002 Madrid")]


def test_damaged_item_opens_an_incident(shop_bot, sender):
    assert shop_bot.texts(sender, "the boots arrived damaged") == [says("utter_damaged_item_sorry", "en"), says("utter_ask_order_id", "en")]
    shop_bot.say(sender, "100410")
    answer = shop_bot.texts(sender, "tom.baker@example.org")
    # REST can't send pictures, so no photo is asked for here
    assert len(answer) == 1 and "INC-" in answer[0]
    assert matches(answer[0], "utter_damaged_incident_opened", "en", order_id="100410")


def test_general_return_questions_are_answered_from_the_policy(shop_bot, sender):
    assert shop_bot.texts(sender, "can I return swimwear?") == [
        says("utter_category_hygiene", "en", category=says("utter_category_word_swimwear", "en"))]
    assert shop_bot.texts(sender, "se pueden devolver unos auriculares?") == [
        says("utter_category_returnable", "es", category=says("utter_category_word_electronics", "es"), days=15)]


# --- identity --------------------------------------------------------------------------------------

def test_a_wrong_pair_and_a_missing_order_get_the_same_answer(shop_bot, sender):
    wrong_email = verify(shop_bot, sender, "where is my order", "100234", "someone.else@example.com")
    missing = verify(shop_bot, sender + "-2", "where is my order", "199999", "ana.garcia@example.com")
    assert wrong_email == missing == [says("utter_identity_failed", "en")]
    slots = shop_bot.tracker(sender)["slots"]
    # the order number stays (the customer may correct the email); nothing says whether it exists
    assert slots["contact"] is None and not slots.get("customer_id")


def test_three_failures_lock_for_15_minutes_and_offer_a_person(shop_bot, sender):
    for attempt in range(2):
        assert verify(shop_bot, sender, "dónde está mi pedido", "100234", f"intento{attempt}@example.com") == [says("utter_identity_failed", "es")]
    third = shop_bot.say(sender, "dónde está mi pedido") and shop_bot.say(sender, "100234") and shop_bot.say(sender, "otro@example.com")
    assert third[0]["text"] == says("utter_identity_locked", "es") and third[0]["buttons"][0]["payload"] == "/human_handoff"
    # even the right pair is refused while locked
    assert verify(shop_bot, sender, "dónde está mi pedido", "100234", "ana.garcia@example.com") == [says("utter_identity_locked", "es")]


def test_signed_token_identifies_the_customer_and_offers_their_orders(shop_bot, sender):
    token = customer_token.sign("c01", SIGNING_SECRET)
    replies = shop_bot.say(sender, "hola, dónde está mi pedido?", metadata={"customer_token": token})
    assert replies[0]["text"] == says("utter_ask_which_order", "es")
    payloads = [b["payload"] for b in replies[0]["buttons"]]
    assert payloads == ['/inform{"order_id": "100234"}', '/inform{"order_id": "100235"}']
    assert shop_bot.texts(sender, payloads[0]) == [order_status_text("100234", "es")]


def test_verified_customer_never_sees_another_customers_order(shop_bot, sender):
    token = customer_token.sign("c01", SIGNING_SECRET)
    shop_bot.say(sender, "hola", metadata={"customer_token": token})
    replies = shop_bot.texts(sender, "y el pedido 100502?")
    assert replies == [says("utter_identity_failed", "es")]
    assert "Lucía" not in " ".join(replies) and "PQ7711209912ES" not in " ".join(replies)


@pytest.mark.parametrize("token", [
    customer_token.sign("c01", "not-the-shops-secret-but-long-enough-to-sign"),
    customer_token.sign("c01", SIGNING_SECRET, ttl_s=-60),
    "not.a.token",
])
def test_forged_or_expired_tokens_are_ignored(shop_bot, sender, token):
    replies = shop_bot.texts(sender, "dónde está mi pedido?", metadata={"customer_token": token})
    assert replies == [says("utter_ask_order_id", "es")]
    assert not shop_bot.tracker(sender)["slots"].get("customer_id")


# --- the shop system down ----------------------------------------------------------------------------

def test_shop_system_down_gets_a_clear_answer_and_a_person(tmp_path_factory):
    down = "postgresql://postgres@127.0.0.1:1/test"
    with running_bot(tmp_path_factory.mktemp("bot_down"), 15305, 15355, SHOP_DATABASE_URL=down, SHOP_SEED_DEMO="0") as bot:
        bot.say("down-1", "where is my order")
        bot.say("down-1", "100410")
        replies = bot.say("down-1", "tom.baker@example.org")
        assert [r["text"] for r in replies] == [says("utter_backend_down", "en")]
        assert replies[0]["buttons"][0]["payload"] == "/human_handoff"
        # the conversation goes on
        assert bot.texts("down-1", "how much is shipping to Portugal?") == [says("utter_faq/shipping_cost", "en")]
