"""The handoff store on SQLite and PostgreSQL: one owner per case even under concurrent claims,
queue order, transcript de-duplication, persistence across restarts, live-update versions."""
from __future__ import annotations

import threading
import time

import pytest

from bot.handoff import db, triage
from bot.handoff.store import ClaimRefused, HandoffStore, NewMessage
from tests.postgres import fresh_schema_url


@pytest.fixture(scope="module")
def postgres_url():
    with fresh_schema_url("handoff_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'handoff.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(url):
    store = HandoffStore(url)
    with store.engine.begin() as conn:  # PostgreSQL's schema lives for the module: start empty
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    return store


def open_case(store, conversation="c1", base_priority=10, now=None, **extra):
    values = dict(conversation_id=conversation, channel="socketio", language="es", reason="customer_request",
                  base_priority=base_priority, status="pending", summary="two\nlines", context={"slots": {}},
                  customer_key=f"conversation:{conversation}", customer_name=None, contact=None, now=now)
    values.update(extra)
    return store.open_case(**values)


def test_a_conversation_has_one_open_case(store):
    first = open_case(store, "c1")
    again = open_case(store, "c1")
    assert again["id"] == first["id"]
    assert len(store.cases()) == 1


def test_exactly_one_of_many_simultaneous_claims_wins(store):
    case = open_case(store)
    winners, refusals = [], []
    start = threading.Barrier(8)

    def claim(agent):
        start.wait()
        try:
            store.claim(case["id"], agent)
            winners.append(agent)
        except ClaimRefused as refused:
            refusals.append(refused.owner)

    threads = [threading.Thread(target=claim, args=(f"agent{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    assert refusals == [winners[0]] * 7
    assert store.case(case["id"])["agent"] == winners[0]


def test_an_owned_case_needs_an_explicit_takeover(store):
    case = open_case(store)
    store.claim(case["id"], "ana")
    with pytest.raises(ClaimRefused) as refused:
        store.claim(case["id"], "bea")
    assert refused.value.owner == "ana"
    with pytest.raises(ClaimRefused):
        store.close(case["id"], "bea", "resolved")
    assert store.claim(case["id"], "bea", takeover=True)["agent"] == "bea"
    assert store.close(case["id"], "bea", "resolved")["status"] == "resolved"
    with pytest.raises(ClaimRefused):
        store.claim(case["id"], "ana", takeover=True)  # closed stays closed


def test_queue_puts_urgent_cases_first_then_the_longest_waiting(store):
    now = time.time()
    calm = open_case(store, "calm", base_priority=10, now=now - 120)
    vip = open_case(store, "vip", base_priority=40, now=now - 10)
    older_calm = open_case(store, "older", base_priority=10, now=now - 300)
    ordered = [c["id"] for c in triage.queue_order(store.cases(), now)]
    assert ordered == [vip["id"], older_calm["id"], calm["id"]]
    assert triage.queue_position(calm["id"], store.cases(), now) == 3


def test_waiting_raises_priority(store):
    now = time.time()
    case = open_case(store, base_priority=10, now=now - 25 * 60)
    assert triage.priority_now(store.case(case["id"]), now) == 35


def test_the_same_event_is_stored_once_and_messages_stay_in_order(store):
    case = open_case(store, transcript=[NewMessage("customer", "hola", 100.0, event_key="customer@100.0")])
    assert store.add_message(case["id"], NewMessage("customer", "hola", 100.0, event_key="customer@100.0")) is None
    store.add_message(case["id"], NewMessage("agent", "¿en qué te ayudo?", 102.0, agent="ana"))
    store.add_message(case["id"], NewMessage("customer", "mi pedido", 101.0, event_key="customer@101.0"))
    assert [m["text"] for m in store.transcript(case["id"])] == ["hola", "mi pedido", "¿en qué te ayudo?"]


def test_cases_survive_a_restart(url, store):
    case = open_case(store, transcript=[NewMessage("customer", "hola", 1.0)])
    store.claim(case["id"], "ana")
    store.add_note(case["id"], "ana", "VIP, be nice")
    store.engine.dispose()
    reopened = HandoffStore(url)
    assert reopened.case(case["id"])["agent"] == "ana"
    assert [m["text"] for m in reopened.transcript(case["id"])] == ["hola"]
    assert [n["text"] for n in reopened.notes(case["id"])] == ["VIP, be nice"]


def test_changes_tell_which_cases_moved(store):
    start = store.version()
    first = open_case(store, "a")
    second = open_case(store, "b")
    version, changed = store.changes_since(start)
    assert changed == sorted([first["id"], second["id"]])
    store.add_note(first["id"], "ana", "x")
    assert store.changes_since(version)[1] == [first["id"]]
    assert store.changes_since(store.version())[1] == []


def test_csat_is_kept_with_the_case(store):
    case = open_case(store)
    store.claim(case["id"], "ana")
    store.close(case["id"], "ana", "resolved")
    store.record_csat(case["id"], 4)
    assert store.case(case["id"])["csat"] == 4
    assert store.earlier_cases("conversation:c1")[0]["csat"] == 4
