"""The queue an agent can trust, on the store: order, views, filters, search, linked cases,
routing by language and team, categories; and agent assist's suggestions."""
from __future__ import annotations

import shutil
import time

import pytest

from bot.handoff import assist, queue, routing, triage
from bot.handoff.accounts import Accounts
from bot.handoff.store import OPEN, HandoffStore
from tests.console_world import PASSWORD, seed

NOW = time.time()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The world made once (agents' passwords take a moment to hash); each test gets a copy."""
    path = tmp_path_factory.mktemp("world") / "handoff.db"
    return path, seed(f"sqlite:///{path}", now=NOW)


@pytest.fixture
def world(seeded, tmp_path):
    path, cases = seeded
    shutil.copy(path, tmp_path / "handoff.db")
    store = HandoffStore(f"sqlite:///{tmp_path / 'handoff.db'}")
    agents = {a["username"]: a for a in Accounts(store.engine).agents()}
    return store, cases, agents


def listing(store, agent, online=(), now=NOW, **wanted):
    request = queue.request_from_args(wanted, OPEN)
    return queue.agent_queue(store, agent, list(online), request, now)


def names(cases):
    return [c["customer_name"] for c in cases]


def test_a_vip_who_says_it_is_urgent_comes_first_then_by_waiting_time_live_chats_before_tickets(world):
    store, cases, agents = world
    ordered = listing(store, agents["jefa"])
    assert ordered[0]["id"] == cases["vip"]["id"]
    # the night's tickets, urgent by now, come after the live urgent chat, oldest first
    assert [c["id"] for c in ordered[1:6]] == [cases[f"ticket{i}"]["id"] for i in range(5)]
    assert [c["customer_name"] for c in ordered[6:]] == ["Tom Baker", "Lucía Fernández"]  # high, then normal


def test_a_claimed_case_keeps_its_place(world):
    store, cases, agents = world
    before = [c["id"] for c in listing(store, agents["jefa"])]
    store.claim(cases["vip"]["id"], "jefa")
    store.claim(cases["ticket2"]["id"], "lucia")
    assert [c["id"] for c in listing(store, agents["jefa"])] == before


def test_views_mine_and_unassigned(world):
    store, cases, agents = world
    store.claim(cases["refund_es"]["id"], "lucia")
    assert names(listing(store, agents["lucia"], view="mine")) == ["Lucía Fernández"]
    unassigned = listing(store, agents["jefa"], view="unassigned")
    assert cases["refund_es"]["id"] not in [c["id"] for c in unassigned] and len(unassigned) == 7


@pytest.mark.parametrize("filters, expected", [
    ({"channel": "whatsapp"}, {"Ana García", "Cliente Nocturno 0", "Cliente Nocturno 1", "Cliente Nocturno 2", "Cliente Nocturno 3", "Cliente Nocturno 4"}),
    ({"language": "en"}, {"Tom Baker"}),
    ({"reason": "double_charge"}, {"Tom Baker"}),
    ({"priority": "normal"}, {"Lucía Fernández"}),
    ({"team": "returns"}, {"Lucía Fernández"}),
    ({"team": "payments", "language": "es"}, set()),
])
def test_filters(world, filters, expected):
    store, _, agents = world
    assert set(names(listing(store, agents["jefa"], **filters))) == expected


@pytest.mark.parametrize("typed, who", [
    ("100234", "Ana García"), ("#100234", "Ana García"), ("ANA.GARCIA@example.com", "Ana García"),
    ("600 111 222", "Ana García"), ("tom baker", "Tom Baker"), ("reembolso", "Lucía Fernández"),
])
def test_search_by_order_email_phone_name_or_words(world, typed, who):
    store, _, agents = world
    found = listing(store, agents["jefa"], q=typed)
    assert found and set(names(found)) == {who}


def test_search_is_bounded_and_needs_two_characters(world):
    store, _, _ = world
    assert store.search("a") == []
    assert len(store.search("x" * 5000)) == 0  # cut to 100 characters, found nothing
    assert len(store.search("cliente nocturno", limit=3)) == 3


def test_one_entry_per_customer_with_the_other_open_cases_linked(world):
    store, cases, agents = world
    ordered = listing(store, agents["jefa"])
    ana = [c for c in ordered if c["customer_name"] == "Ana García"]
    assert [c["id"] for c in ana] == [cases["vip"]["id"]]
    assert [linked["id"] for linked in ana[0]["linked_cases"]] == [cases["vip_whatsapp"]["id"]]
    assert [c["id"] for c in queue.open_cases_of_customer(store, cases["vip_whatsapp"])] == [cases["vip"]["id"]]
    # a search shows each case
    assert len(listing(store, agents["jefa"], q="Ana García")) == 2


def test_cases_are_offered_first_to_agents_who_speak_the_language_and_are_in_the_team(world):
    store, cases, agents = world
    online = [agents["lucia"], agents["tom"]]
    lucia = names(listing(store, agents["lucia"], online=online))
    tom = names(listing(store, agents["tom"], online=online))
    assert "Tom Baker" in tom and "Tom Baker" not in lucia  # English, payments
    assert "Lucía Fernández" in lucia and "Lucía Fernández" not in tom  # Spanish, returns
    # nobody online for Spanish shipping questions: offered to everyone
    assert "Ana García" in lucia and "Ana García" in tom
    # a supervisor sees every case
    assert len(listing(store, agents["jefa"], online=online)) == 8
    # with Tom offline, his English payment case reaches Lucía
    assert "Tom Baker" in names(listing(store, agents["lucia"], online=[agents["lucia"]]))


def test_routing_rules():
    agent = {"username": "a", "role": "agent", "languages": ["es"], "teams": ["returns"]}
    case = {"language": "es", "category": "returns", "status": "pending"}
    assert routing.suited(agent, case)
    assert not routing.suited(agent, {**case, "language": "pt"})
    assert routing.suited({**agent, "languages": [], "teams": []}, {**case, "language": "pt", "category": "payments"})
    # a claimed case is visible to everyone
    assert routing.offered_to({**case, "status": "assigned", "language": "pt"}, agent, [{**agent, "languages": ["pt"]}])


@pytest.mark.parametrize("reason, intents, category", [
    ("double_charge", ["greet"], "payments"),
    ("late_order", [], "shipping"),
    ("customer_request", ["return_request", "human_handoff"], "returns"),
    ("customer_request", ["payment_problem", "order_status", "human_handoff"], "shipping"),  # the latest that has a team
    ("complaint", ["greet"], "general"),
])
def test_a_case_gets_a_category_from_its_reason_and_intents(reason, intents, category):
    assert triage.category_for(reason, intents) == category


@pytest.mark.parametrize("text, urgent", [
    ("es urgente, mi pedido no llega", True), ("I need it ASAP", True), ("preciso com urgência", True),
    ("hola, ¿dónde está mi pedido?", False), ("ya llegó", False),
])
def test_urgency_words(text, urgent):
    assert triage.sounds_urgent([text]) is urgent


def test_the_bots_own_answer_in_the_customers_language():
    parse = {"intent": {"name": "faq", "confidence": 0.93},
             "response_selector": {"faq": {"response": {"intent_response_key": "faq/shipping_cost"}}}}
    [answer] = assist.bot_answers(parse, "pt")
    assert answer["source"] == "bot" and answer["key"] == "faq/shipping_cost" and answer["text"].startswith("Custo de envio")
    assert assist.bot_answers({"intent": {"name": "return_policy", "confidence": 0.8}}, "en")[0]["text"].startswith("You can return")
    assert assist.bot_answers({**parse, "intent": {"name": "faq", "confidence": 0.2}}, "es") == []


def test_canned_replies_ranked_by_fit():
    replies = [{"key": "greeting", "title": "Saludo", "text": "Hola, soy del equipo."},
               {"key": "refund_done", "title": "Reembolso hecho", "text": "Acabo de tramitar el reembolso."},
               {"key": "late_order", "title": "Pedido retrasado", "text": "Siento el retraso."}]
    ranked = assist.ranked_canned(replies, "¿dónde está mi reembolso?", "customer_request", "returns")
    assert [r["key"] for r in ranked] == ["refund_done"]
    assert assist.ranked_canned(replies, "hola", "late_order", "shipping")[0]["key"] == "late_order"


def test_the_last_message_is_what_the_customer_typed():
    transcript = [{"sender": "customer", "kind": "message", "text": "¿cuánto cuesta el envío?"},
                  {"sender": "bot", "kind": "message", "text": "…"},
                  {"sender": "customer", "kind": "button", "text": "Hablar con alguien"},
                  {"sender": "customer", "kind": "message", "text": '/inform{"order_id": "100234"}'}]
    assert assist.last_customer_message(transcript) == "¿cuánto cuesta el envío?"


def test_the_world_agents_can_log_in(world):
    store, _, _ = world
    session = Accounts(store.engine).log_in("tom", PASSWORD)
    assert session.languages == ("en",) and session.teams == ("payments",) and session.language is None


def test_agents_get_languages_and_teams_from_the_command_line(tmp_path, monkeypatch, capsys):
    from bot.handoff import agents_cli, db

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HANDOFF_DATABASE_URL", url)
    monkeypatch.setenv("AGENT_PASSWORD", "a-long-enough-password")
    assert agents_cli.set_agent("pepe", "Pepe", None, "es, EN", "returns,general") == 0
    [pepe] = Accounts(db.make_engine(url)).agents()
    assert (pepe["languages"], pepe["teams"]) == (["es", "en"], ["returns", "general"])
    with pytest.raises(SystemExit, match="Unknown team: kitchen"):
        agents_cli.set_agent("pepe", None, None, None, "kitchen")
    # a new password leaves languages and teams as they were
    assert agents_cli.set_agent("pepe", "Pepe", None) == 0
    assert Accounts(db.make_engine(url)).agents()[0]["teams"] == ["returns", "general"]


def test_the_customer_is_told_of_the_statuses_the_shop_lists(world):
    from bot.handoff import stages

    assert stages.customer_message("waiting_customer", "pt").startswith("Para continuar com o seu pedido")
    assert stages.customer_message("in_progress", "en").startswith("Someone from the team")
    assert stages.customer_message("received", "es") is None  # not in shop/console.yml's tell_customer_stages
    store, cases, _ = world
    store.update_case(cases["vip"]["id"], stage="in_progress", category="returns")
    assert (store.case(cases["vip"]["id"])["stage"], store.case(cases["vip"]["id"])["category"]) == ("in_progress", "returns")
    store.claim(cases["vip"]["id"], "lucia")
    assert store.close(cases["vip"]["id"], "lucia", "resolved")["stage"] == "resolved"


def test_a_payload_is_never_quoted_as_what_the_customer_said():
    from bot.handoff import wording

    case = {"reason": "not_understood", "language": "es", "channel": "socketio", "customer_name": None,
            "context": {"intents": [{"text": "zzqx blorp", "intent": "nlu_fallback"}, {"text": "/human_handoff", "intent": "human_handoff"}]}}
    assert wording.case_summary(case, "es").endswith("Último mensaje: «zzqx blorp»")
    replies = [{"key": "late_order", "title": "Pedido retrasado", "text": "Te escribiremos en cuanto tengamos respuesta."}]
    assert assist.ranked_canned(replies, "¿cuánto cuesta el envío?", "customer_request", "general") == []
