"""The outside security test's holes, tried again as an attacker would, over the real servers.

The bot here (`isolated_bot`) has its own ports and databases: the guesses below lock orders and
addresses.
Second client addresses come from the rest of 127.0.0.0/8 (the servers listen on 127.0.0.1).
"""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import uuid
from urllib.parse import urlencode
from typing import Dict, Optional, Tuple

import pytest
import socketio

from tests.conftest import ISOLATED_ACTION_SECRET, ISOLATED_PORTS, TEST_TOKEN
from tests.expected import says

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

RASA_PORT, ACTIONS_PORT, WEB_PORT = ISOLATED_PORTS["rasa"], ISOLATED_PORTS["actions"], ISOLATED_PORTS["web"]
ACTION_SECRET = ISOLATED_ACTION_SECRET


@pytest.fixture(scope="module")
def sbot(isolated_bot):
    return isolated_bot


def request(port: int, method: str, path: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
            source: str = "127.0.0.1", timeout: float = 30) -> Tuple[int, Dict[str, str], bytes]:
    """One HTTP request from the client address `source`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def say(sender: str, text: str, source: str = "127.0.0.1", **extra) -> Tuple[int, list]:
    body = json.dumps({"sender": sender, "message": text, **extra}).encode()
    status, _, raw = request(RASA_PORT, "POST", "/webhooks/rest/webhook", body, {"Content-Type": "application/json"}, source)
    return status, (json.loads(raw) if status == 200 else raw)


def texts(sender: str, text: str, source: str = "127.0.0.1", **extra) -> list:
    status, replies = say(sender, text, source, **extra)
    assert status == 200, (status, replies)
    return [r.get("text", "") for r in replies]


def new_sender() -> str:
    return f"attacker-{uuid.uuid4().hex[:12]}"


# --- 1. nobody is "verified" by claiming to be WhatsApp -----------------------------------------

def test_a_rest_client_claiming_to_be_whatsapp_is_not_trusted(sbot):
    spoof = {"input_channel": "whatsapp", "metadata": {"whatsapp": {"phone": "+34600111222"}}}
    sender = new_sender()
    # Ana's order with her (claimed) WhatsApp number: the bot still asks for the email.
    assert texts(sender, "dónde está mi pedido 100234", **spoof) == [says("utter_ask_contact", "es")]
    events = sbot.tracker(sender)["events"]
    user_events = [e for e in events if e["event"] == "user"]
    assert {e["input_channel"] for e in user_events} == {"rest"}
    assert all("whatsapp" not in (e.get("metadata") or {}) for e in user_events)
    assert sbot.tracker(sender)["slots"].get("contact") is None


def test_nobody_writes_into_a_whatsapp_conversation_by_naming_its_number(sbot):
    for sender in ("34600111222", "+34600111222", "34 600 111 222"):
        status, body = say(sender, "hola")
        assert status == 400 and b"phone number" in body, (sender, status, body)
    # socket.io: a phone-like session id gets a fresh conversation id instead
    client = socketio.Client(reconnection=False)
    confirmed = threading.Event()
    session = {}
    client.on("session_confirm", lambda sid: (session.update(id=sid), confirmed.set()))
    client.connect(f"http://127.0.0.1:{RASA_PORT}", socketio_path="/socket.io", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": "34600111222"})
        assert confirmed.wait(10)
        assert session["id"] != "34600111222" and not session["id"].isdigit()
    finally:
        client.disconnect()


def test_an_agent_marker_in_client_metadata_is_dropped(sbot):
    sender = new_sender()
    texts(sender, "hola", metadata={"agent": "Laura", "language": "es"})
    user = [e for e in sbot.tracker(sender)["events"] if e["event"] == "user"][0]
    assert "agent" not in user["metadata"] and user["metadata"]["language"] == "es"


# --- 2. the identity lock holds across conversations ----------------------------------------------

def test_rotating_conversations_does_not_reset_the_identity_lock(sbot):
    # 100778 is João's (joao.silva@example.com.br). Guess from many conversations, one address.
    for attempt in range(6):
        sender = new_sender()
        texts(sender, "where is my order 100778", source="127.0.0.3")
        assert texts(sender, f"guess{attempt}@example.com", source="127.0.0.3") == [says("utter_identity_failed", "en")]
    # Right pair, new conversation, new address: the same answer as a wrong pair, nothing leaks.
    sender = new_sender()
    texts(sender, "where is my order 100778", source="127.0.0.4")
    replies = texts(sender, "joao.silva@example.com.br", source="127.0.0.4")
    assert replies == [says("utter_identity_failed", "en")]
    assert not sbot.tracker(sender)["slots"].get("customer_id")
    # Another order from that address is not affected: the lock is the order's.
    sender = new_sender()
    texts(sender, "where is my order 100502", source="127.0.0.4")
    replies = texts(sender, "lucia.fernandez@example.com", source="127.0.0.4")
    assert replies != [says("utter_identity_failed", "en")] and "100502" in replies[0]


def test_one_address_guessing_many_orders_is_stopped(sbot):
    orders = ["100235", "100503", "100610", "100777", "100801", "100871", "100410", "100920", "100955"]
    for attempt in range(22):
        sender = new_sender()
        texts(sender, f"where is my order {orders[attempt % len(orders)]}", source="127.0.0.5")
        texts(sender, f"someone{attempt}@example.com", source="127.0.0.5")
    # Now even a right pair from that address fails like a wrong one; from elsewhere it works.
    sender = new_sender()
    texts(sender, "where is my order 100234", source="127.0.0.5")
    assert texts(sender, "ana.garcia@example.com", source="127.0.0.5") == [says("utter_identity_failed", "en")]
    sender = new_sender()
    texts(sender, "where is my order 100234", source="127.0.0.6")
    assert "100234" in texts(sender, "ana.garcia@example.com", source="127.0.0.6")[0]


# --- 3. no message stalls the others ---------------------------------------------------------------

def test_long_words_do_not_slow_down_other_customers(sbot):
    texts(new_sender(), "hola")  # warm
    word = "a" * 4096  # the longest message any channel accepts
    results = []

    def attacker():
        for _ in range(3):
            results.append(say(new_sender(), word, source="127.0.0.7")[0])

    threads = [threading.Thread(target=attacker) for _ in range(2)]
    for thread in threads:
        thread.start()
    slowest = 0.0
    while any(t.is_alive() for t in threads):
        started = time.monotonic()
        assert texts(new_sender(), "cuánto cuesta el envío a Canarias?") == [says("utter_faq/shipping_cost", "es")]
        slowest = max(slowest, time.monotonic() - started)
    for thread in threads:
        thread.join()
    assert set(results) == {200}
    assert slowest < 1.0, f"a normal customer waited {slowest:.2f} s"


def test_over_long_messages_get_a_clear_answer_on_every_channel(sbot):
    status, body = say(new_sender(), "a" * 4097)
    assert status == 413 and b"4096" in body
    status, _ = say(new_sender(), "hola", metadata={"padding": "x" * 10_000})
    assert status == 413
    # socket.io: the customer is told, in the page's language, and the server stays responsive
    client = socketio.Client(reconnection=False)
    got = threading.Event()
    received = []
    client.on("bot_uttered", lambda data: (received.append(data.get("text")), got.set()))
    client.connect(f"http://127.0.0.1:{RASA_PORT}", socketio_path="/socket.io", transports=["polling"])
    try:
        session_id = uuid.uuid4().hex
        client.emit("session_request", {"session_id": session_id})
        client.emit("user_uttered", {"message": "b" * 30_000, "session_id": session_id, "customData": {"language": "en"}})
        assert got.wait(10)
        assert received == [says("utter_message_too_long", "en")]
    finally:
        client.disconnect()


def status_for_declared_size(port: int, path: str, size: int, headers: str = "") -> int:
    """The status a server answers to a request that announces a body of `size` bytes: servers
    refuse by the announced size at once, before the client has sent it all."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{headers}"
                      f"Content-Length: {size}\r\n\r\n{{").encode())
        status_line = conn.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_huge_bodies_are_refused_by_every_server(sbot):
    two_megabytes = 2 * 1024 * 1024
    assert status_for_declared_size(RASA_PORT, "/webhooks/rest/webhook", two_megabytes) == 413
    assert status_for_declared_size(ACTIONS_PORT, "/webhook", 5 * 1024 * 1024,
                                    f"X-Aurora-Action-Secret: {ACTION_SECRET}\r\n") == 413
    assert status_for_declared_size(WEB_PORT, "/api/auth/login", two_megabytes) == 413


# --- 4. nobody locks the agent out --------------------------------------------------------------------

def login(password: str, source: str, content_type: str = "application/json") -> Tuple[int, Dict[str, str], bytes]:
    body = json.dumps({"username": "demo", "password": password}).encode()
    return request(WEB_PORT, "POST", "/api/auth/login", body, {"Content-Type": content_type}, source)


def test_guessing_from_another_address_never_locks_out_the_agent(sbot):
    for _ in range(8):
        status, headers, body = login("wrong-guess", source="127.0.0.2")
        if status == 429:
            break
    assert status == 429, status
    assert int(headers["retry-after"]) > 0 and b"try again in" in body and b"second" in body or b"minute" in body
    status, _, body = login("demo-password-for-tests", source="127.0.0.1")
    assert status == 200 and json.loads(body)["token"]


def test_a_cross_origin_text_plain_login_is_refused(sbot):
    status, _, _ = login("demo-password-for-tests", source="127.0.0.1", content_type="text/plain")
    assert status == 415


# --- 5. the action server answers only the Rasa server ---------------------------------------------

def action_call(headers: Dict[str, str]) -> Tuple[int, bytes]:
    call = {"next_action": "action_order_request", "sender_id": "x", "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": "x", "slots": {"customer_id": "c01", "order_id": "100234", "order_topic": "status"},
                        "latest_message": {}, "events": [], "paused": False, "followup_action": None,
                        "active_loop": {}, "latest_action_name": None}}
    status, _, body = request(ACTIONS_PORT, "POST", "/webhook", json.dumps(call).encode(),
                              {"Content-Type": "application/json", **headers})
    return status, body


def test_the_action_server_refuses_callers_without_the_secret(sbot):
    for headers in ({}, {"X-Aurora-Action-Secret": "guessed"}):
        status, body = action_call(headers)
        assert status == 401 and b"SE4829910375ES" not in body


def test_a_made_up_customer_id_is_not_trusted_even_with_the_secret(sbot):
    status, body = action_call({"X-Aurora-Action-Secret": ACTION_SECRET})
    assert status == 200 and b"SE4829910375ES" not in body and b"utter_identity_failed" in body


# --- smaller ones -----------------------------------------------------------------------------------

def test_case_ids_beyond_the_database_range_are_not_found(sbot):
    status, _, body = login("demo-password-for-tests", source="127.0.0.1")
    token = json.loads(body)["token"]
    for path in ("/api/cases/99999999999999999999", "/api/cases/9223372036854775808"):
        status, headers, _ = request(WEB_PORT, "GET", path, headers={"Authorization": f"Bearer {token}"})
        assert status == 404 and headers.get("cache-control") == "no-store"


def test_pages_say_where_they_may_be_framed_and_what_they_may_load(sbot):
    status, headers, _ = request(WEB_PORT, "GET", "/")
    assert status == 200
    assert "frame-ancestors" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"


def test_the_rasa_token_is_not_on_the_command_line(sbot):
    import subprocess

    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert TEST_TOKEN not in listing and ACTION_SECRET not in listing


# --- fuzz: odd input never makes a server fail -------------------------------------------------------

ODD_VALUES = [None, True, -1, 0, 2 ** 64, 1e308, "", " ", "x" * 5000, "😀" * 50, "' OR 1=1 --", "<script>", [], {},
              [1, "a", None], {"nested": {"deeper": [{}]}}, "\x00\x01", "%s%n"]


def test_the_agent_api_and_the_rest_channel_never_answer_5xx_to_odd_input(sbot):
    status, _, body = login("demo-password-for-tests", source="127.0.0.1")
    token = json.loads(body)["token"]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    spec = json.loads(request(WEB_PORT, "GET", "/api/openapi.json")[2])
    failures = []
    for path, operations in spec["paths"].items():
        if "events" in path or "logout" in path:
            continue  # the live stream never ends; logging out would end this session
        for method in operations:
            if method not in ("get", "post"):
                continue
            for case_id in ("1", "0", "-5", "18446744073709551616", "abc"):
                concrete = path.replace("{id}", case_id)
                for value in ODD_VALUES:
                    body = json.dumps({"text": value, "takeover": value, "username": value, "password": value,
                                       "status": value, "score": value}).encode() if method == "post" else None
                    query = "" if method == "post" else "?" + urlencode({"status": str(value), "q": str(value)})
                    code, _, _ = request(WEB_PORT, method.upper(), concrete + query, body, auth)
                    if code >= 500:
                        failures.append((method, concrete, value, code))
    for value in ODD_VALUES:
        for field in ("sender", "message", "metadata", "message_id"):
            payload = {"sender": new_sender(), "message": "hola", field: value}
            code, _, _ = request(RASA_PORT, "POST", "/webhooks/rest/webhook", json.dumps(payload).encode(),
                                 {"Content-Type": "application/json"}, source="127.0.0.8")
            if code >= 500:
                failures.append(("rest", field, value, code))
    assert not failures, failures[:10]
