"""Why, how urgent, what the agent reads first; support hours; the customer's rating; the
transcript built from Rasa events."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.handoff import context, hours, triage, wording
from bot.handoff.csat import score_in
from tests.conftest import PROJECT_ROOT

MADRID = ZoneInfo("Europe/Madrid")


def at(*args) -> float:
    return datetime(*args, tzinfo=MADRID).timestamp()


@pytest.fixture(scope="module")
def shop_hours():
    return hours.load_config(PROJECT_ROOT / "shop" / "support.yml")


@pytest.mark.parametrize("moment, open_", [
    ((2026, 11, 23, 8, 59), False), ((2026, 11, 23, 9, 0), True), ((2026, 11, 23, 19, 59), True),
    ((2026, 11, 23, 20, 0), False), ((2026, 11, 28, 13, 0), True), ((2026, 11, 28, 14, 0), False),
    ((2026, 11, 29, 12, 0), False),
])
def test_support_hours_follow_the_shop_file(shop_hours, moment, open_):
    assert hours.is_open(shop_hours, at(*moment)) is open_


def test_next_opening_skips_sunday(shop_hours):
    assert hours.next_opening(shop_hours, at(2026, 11, 28, 15, 0)) == datetime(2026, 11, 30, 9, 0, tzinfo=MADRID)
    assert hours.next_opening(shop_hours, at(2026, 11, 24, 7, 0)) == datetime(2026, 11, 24, 9, 0, tzinfo=MADRID)


def test_bad_hours_are_refused_with_the_file_named(tmp_path):
    bad = tmp_path / "support.yml"
    bad.write_text("timezone: Europe/Madrid\nhours: {mon: '9-20'}\n")
    with pytest.raises(ValueError, match="support.yml: hours for mon"):
        hours.load_config(bad)


def test_wait_estimate_grows_with_the_queue_and_shrinks_with_agents():
    assert hours.wait_minutes(1, 1, 360) == 6
    assert hours.wait_minutes(3, 1, 360) == 18
    assert hours.wait_minutes(3, 3, 360) == 6
    assert hours.wait_minutes(2, 0, 30) == 1


@pytest.mark.parametrize("intent, said, reason", [
    ("complaint", ["utter_order_late"], "complaint"),
    ("human_handoff", ["utter_order_status_in_transit", "utter_order_late"], "late_order"),
    ("human_handoff", ["utter_identity_locked"], "identity_failed"),
    ("human_handoff", ["utter_offer_human"], "not_understood"),
    ("human_handoff", ["utter_backend_down"], "backend_down"),
    ("human_handoff", ["utter_damaged_incident_opened"], "damaged_item"),
    ("human_handoff", ["utter_greet"], "customer_request"),
])
def test_reason_comes_from_the_intent_or_what_the_bot_had_just_said(intent, said, reason):
    assert triage.reason_for(intent, said) == reason


@pytest.mark.parametrize("text, angry", [
    ("esto es una vergüenza", True), ("THIS IS NOT WHAT I ORDERED", True), ("where is it!!!", True),
    ("é um absurdo", True), ("hola, ¿dónde está mi pedido?", False), ("ok SEUR", False),
])
def test_anger_signs(text, angry):
    assert triage.sounds_angry([text], ["order_status"]) is angry


def test_vip_angry_repeat_customer_is_urgent():
    points = triage.base_priority("complaint", "vip", repeated_incident=True, angry=True)
    assert triage.priority_label(points) == "urgent"
    assert triage.priority_label(triage.base_priority("customer_request", "regular", False, False)) == "normal"


def test_summary_fits_in_two_lines_in_the_shops_language():
    text = triage.summary(
        reason="late_order", language="es", channel="socketio",
        customer={"name": "Ana García", "tier": "vip"},
        order={"id": "100234", "status": "in_transit", "late": True, "estimated_delivery": "2026-11-20", "verified": True},
        last_message="quiero hablar con una persona " * 10,
    )
    first, second = text.split("\n")
    assert first == "Ana García (VIP) su pedido llega tarde. Escribe en español · Chat web."
    assert second.startswith("Pedido #100234 en camino, con retraso desde el 2026-11-20, identidad comprobada. Último mensaje: «quiero hablar")
    assert len(second) < 200


def test_each_agent_reads_the_summary_and_reason_in_their_language():
    case = {"reason": "complaint", "language": "pt", "channel": "whatsapp", "customer_name": None,
            "context": {"customer": {"name": "João Silva", "tier": "regular"}, "lookups": {},
                        "intents": [{"text": "isto é uma vergonha", "intent": "complaint"}]}}
    assert wording.case_summary(case, "en") == ("João Silva made a complaint. Writes in Portuguese · WhatsApp.\n"
                                                "No verified order. Last message: “isto é uma vergonha”")
    assert wording.case_summary(case, "es").startswith("João Silva ha puesto una queja. Escribe en portugués · WhatsApp.")
    assert wording.reason_label("double_charge", "pt") == "foi cobrado duas vezes"
    assert triage.reason_label("double_charge") == "le han cobrado dos veces"  # the shop's default language


@pytest.mark.parametrize("typed, score", [
    ("5", 5), ("un 4", 4), ("⭐⭐⭐", 3), ("4/5", 4), ("cinco", 5), ("quatro estrelas", 4), ("two out of five", 2),
    ("100234", None), ("10", None), ("muy bien", None),
])
def test_rating_read_from_what_the_customer_typed(typed, score):
    assert score_in(typed) == score


EVENTS = [
    {"event": "user", "timestamp": 1.0, "text": "hola", "input_channel": "socketio",
     "parse_data": {"intent": {"name": "greet", "confidence": 0.98}, "entities": [{"entity": "language", "value": "es"}]}},
    {"event": "bot", "timestamp": 1.1, "text": "¡Hola!", "metadata": {"utter_action": "utter_greet"},
     "data": {"buttons": [{"title": "Hablar con alguien", "payload": "/human_handoff"}]}},
    {"event": "user", "timestamp": 2.0, "text": "pedido 100234", "input_channel": "socketio",
     "parse_data": {"intent": {"name": "order_status", "confidence": 0.91}, "entities": [{"entity": "order_id", "value": "100234", "extractor": "RegexEntityExtractor"}]}},
    {"event": "bot", "timestamp": 2.1, "text": "Tu pedido va con retraso", "metadata": {"utter_action": "utter_order_late"}},
    {"event": "bot", "timestamp": 2.2, "text": "Hola, soy Marta", "metadata": {"agent": "marta"}},
    {"event": "user", "timestamp": 3.0, "text": "/human_handoff", "input_channel": "socketio",
     "parse_data": {"intent": {"name": "human_handoff", "confidence": 1.0}}},
]


def test_transcript_shows_who_said_what_and_which_button_was_clicked():
    lines = context.transcript(EVENTS)
    assert [(m.sender, m.text, m.kind) for m in lines] == [
        ("customer", "hola", "message"), ("bot", "¡Hola!", "message"), ("customer", "pedido 100234", "message"),
        ("bot", "Tu pedido va con retraso", "message"), ("agent", "Hola, soy Marta", "message"),
        ("customer", "/human_handoff", "message"),  # the last bot message offered no such button
    ]
    assert lines[1].buttons == ["Hablar con alguien"]


def test_intents_and_entities_the_bot_recognised():
    found = context.recognised(EVENTS)
    assert found["intents"][1] == {"text": "pedido 100234", "intent": "order_status", "confidence": 0.91}
    assert found["entities"] == [{"entity": "order_id", "value": "100234", "extractor": "RegexEntityExtractor"}]


def test_what_the_bot_said_before_the_handoff_request():
    assert context.bot_responses_before_last_message(EVENTS) == ["utter_order_late"]
