"""Human handoff end to end, on the running servers (Rasa, actions, web app with the agent API):
a customer escalates over REST or the website's socket.io, the case holds the whole conversation
and context, the agent's replies reach the customer, hand back and resolve bring the bot back."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
import socketio
import yaml

from bot.handoff import hours
from bot.shop import formatting
from bot.web.i18n import texts
from tests.agent_client import AgentClient, texts_by
from tests.conftest import PROJECT_ROOT, http, running_bot
from tests.expected import matches, order_status_text, says
from tests.waiting import wait_until

CONSOLE = texts("console", "es")  # the console's words in the shop's default language

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

RASA_PORT, ACTIONS_PORT, WEB_PORT = 19005, 19055, 19080
REDIS_URL = "redis://127.0.0.1:6379/0"
SOCKETIO_CHANNEL = f"aurora-socketio-test-{uuid.uuid4().hex[:8]}"
AGENT_PASSWORD = "demo-agent-password-for-tests"
HOURS = PROJECT_ROOT / "tests" / "handoff"


class HandoffBot:
    def __init__(self, client, workdir: Path) -> None:
        self.client = client
        self.workdir = workdir
        self.hours_file = workdir / "support.yml"

    def support_hours(self, name: str) -> None:
        """The action server reads the hours at every handoff: switch between open and closed."""
        shutil.copy(HOURS / f"{name}.yml", self.hours_file)

    def agent(self, username: str = "demo", password: str = AGENT_PASSWORD) -> AgentClient:
        return AgentClient(self.client.web_url, username, password).log_in()

    def add_agent(self, username: str, password: str, name: str) -> None:
        env = dict(os.environ, AGENT_PASSWORD=password, HANDOFF_DATABASE_URL=f"sqlite:///{self.workdir / 'handoff.db'}",
                   PYTHONPATH=str(PROJECT_ROOT))
        subprocess.run([sys.executable, "-m", "bot", "agent", username, "--name", name], env=env, check=True,
                       cwd=PROJECT_ROOT, capture_output=True)

    def bot_texts(self, sender: str) -> list:
        return [e.get("text") for e in self.client.tracker(sender)["events"] if e["event"] == "bot"]


@pytest.fixture(scope="module")
def hb(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("handoff-bot")
    shutil.copy(HOURS / "always_open.yml", workdir / "support.yml")
    with running_bot(workdir, RASA_PORT, ACTIONS_PORT, WEB_PORT=str(WEB_PORT), BOT_DEMO_AGENT_PASSWORD=AGENT_PASSWORD,
                     SUPPORT_HOURS_FILE=str(workdir / "support.yml"),
                     # Rooms shared through Redis, as with several replicas (connectors/socketio.py).
                     SOCKETIO_REDIS_URL=REDIS_URL, SOCKETIO_REDIS_CHANNEL=SOCKETIO_CHANNEL) as client:
        yield HandoffBot(client, workdir)


@pytest.fixture
def agent(hb):
    hb.support_hours("always_open")
    return hb.agent()


def escalate(hb, sender: str, *before: str) -> list:
    for text in before:
        hb.client.texts(sender, text)
    return hb.client.texts(sender, "quiero hablar con una persona")


def test_an_escalated_order_conversation_reaches_the_agent_with_everything(hb, agent, sender):
    say = hb.client.texts
    say(sender, "hola")
    assert say(sender, "¿dónde está mi pedido 100234?")  # asks for the email
    assert order_status_text("100234", "es") in say(sender, "ana.garcia@example.com")
    [queued] = say(sender, "quiero hablar con una persona")
    assert matches(queued, "utter_handoff_queued", "es")

    case = agent.case_of(sender)
    assert (case["status"], case["language"], case["channel"], case["reason"]) == ("pending", "es", "rest", "customer_request")
    assert case["priority_label"] == "high"  # a VIP
    # written in the agent's language: the demo agent has none set, so the shop's (Spanish)
    assert case["summary"].splitlines()[0].startswith(f"Ana García ({CONSOLE['tier.vip']})")
    assert f"#100234 {CONSOLE['order_status.in_transit']}" in case["summary"]
    assert texts_by(case, "customer") == ["hola", "¿dónde está mi pedido 100234?", "ana.garcia@example.com", "quiero hablar con una persona"]
    assert order_status_text("100234", "es") in texts_by(case, "bot")
    assert all(m["timestamp"] for m in case["transcript"])
    context = case["context"]
    assert context["slots"]["order_id"] == "100234" and context["identity_verified"] is True
    assert context["customer"]["tier"] == "vip" and context["customer"]["orders_count"] >= 2
    assert context["customer"]["customer_since"] and context["customer"]["incidents"]
    assert context["lookups"]["order"]["status"] == "in_transit" and context["lookups"]["order"]["carrier"] == "SEUR"
    assert {"text": "¿dónde está mi pedido 100234?", "intent": "order_status"}.items() <= context["intents"][1].items()

    # Waiting: the bot is quiet, and what the customer adds reaches the case live.
    assert say(sender, "¿sigue ahí alguien? es un regalo") == []
    case = agent.wait_for_case(case["id"], lambda c: "¿sigue ahí alguien? es un regalo" in texts_by(c, "customer"))
    assert texts_by(case, "customer")[-1] == "¿sigue ahí alguien? es un regalo"

    # The agent takes it, answers; both go into the one conversation history.
    assert agent.ok("POST", f"/api/cases/{case['id']}/claim")["status"] == "assigned"
    assert says("utter_agent_joined", "es", agent_name="Demo") in hb.bot_texts(sender)
    sent = agent.ok("POST", f"/api/cases/{case['id']}/messages", {"text": "Hola Ana, soy del equipo. Tu chaqueta llega mañana."}, status=201)
    assert sent["message"]["sender"] == "agent"
    agent_events = [e for e in hb.client.tracker(sender)["events"] if e["event"] == "bot" and (e.get("metadata") or {}).get("agent")]
    assert [e["text"] for e in agent_events] == ["Hola Ana, soy del equipo. Tu chaqueta llega mañana."]
    assert say(sender, "genial, gracias") == []  # still the agent's conversation
    case = agent.wait_for_case(case["id"], lambda c: "genial, gracias" in texts_by(c, "customer"))
    assert texts_by(case, "agent") == ["Hola Ana, soy del equipo. Tu chaqueta llega mañana."]

    # Hand back: the bot is back and answers the next question.
    assert agent.ok("POST", f"/api/cases/{case['id']}/handback")["status"] == "handed_back"
    assert says("utter_handback", "es") in hb.bot_texts(sender)
    assert say(sender, "¿cuánto cuesta el envío?") == [says("utter_faq/shipping_cost", "es")]


def test_resolving_asks_for_a_rating_that_is_kept_with_the_case(hb, agent, sender):
    escalate(hb, sender)
    case = agent.case_of(sender)
    agent.ok("POST", f"/api/cases/{case['id']}/claim")
    assert agent.ok("POST", f"/api/cases/{case['id']}/resolve")["status"] == "resolved"
    assert says("utter_ask_csat", "es") in hb.bot_texts(sender)
    assert hb.client.texts(sender, '/rate_support{"csat_score": "4"}') == [says("utter_csat_thanks", "es")]
    assert agent.case(case["id"])["csat"] == 4
    assert case["id"] not in [c["id"] for c in agent.cases("open")]
    assert case["id"] in [c["id"] for c in agent.cases("closed")]


@contextlib.contextmanager
def website_customer():
    """A socket.io client like the widget: (client, session id, texts received so far), once Rasa
    confirmed the session (the socket is then in the session's room)."""
    session_id = uuid.uuid4().hex
    received = []
    confirmed = threading.Event()
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", lambda data: received.append(data.get("text")))

    @client.on("session_confirm")
    def on_session_confirm(confirmed_id) -> None:
        if confirmed_id == session_id:
            confirmed.set()

    client.connect(f"http://127.0.0.1:{RASA_PORT}", socketio_path="/socket.io", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session_id})
        assert confirmed.wait(20), "Rasa did not confirm the socket.io session"
        yield client, session_id, received
    finally:
        client.disconnect()


def test_the_website_customer_gets_the_agents_reply_live(hb, agent):
    with website_customer() as (client, session_id, received):
        def say_and_wait(text: str, count: int) -> None:
            client.emit("user_uttered", {"message": text, "session_id": session_id, "customData": {"language": "es"}})
            wait_until(lambda: len(received) >= count, message=lambda: f"a reply to {text!r} (got {received})")

        say_and_wait("hola", 1)
        say_and_wait("quiero hablar con una persona", 2)
        assert matches(received[-1], "utter_handoff_queued", "es")
        case = agent.case_of(session_id)
        assert case["channel"] == "socketio"
        agent.ok("POST", f"/api/cases/{case['id']}/claim")
        wait_until(lambda: says("utter_agent_joined", "es", agent_name="Demo") in received, message="the agent joined")
        sent = agent.ok("POST", f"/api/cases/{case['id']}/messages", {"text": "Hola, te leo. ¿Qué talla necesitas?"}, status=201)
        assert sent["message"]["delivered"] is True
        wait_until(lambda: "Hola, te leo. ¿Qué talla necesitas?" in received, message="the agent's reply")
        client.emit("user_uttered", {"message": "<script>window.__xss=1</script> la M", "session_id": session_id})
        case = agent.wait_for_case(case["id"], lambda c: any("la M" in t for t in texts_by(c, "customer")))
        assert texts_by(case, "customer")[-1] == "<script>window.__xss=1</script> la M"  # stored as typed: the page renders text
        agent.ok("POST", f"/api/cases/{case['id']}/handback")
        wait_until(lambda: says("utter_handback", "es") in received, message="the hand back")


def test_a_message_sent_by_another_replica_reaches_the_socket_through_redis(hb):
    with website_customer() as (_, session_id, received):
        # Rasa's socket.io server subscribes to the channel in the background after its first
        # connection: what is published before that reaches no one.
        wait_until(lambda: redis_subscribers(SOCKETIO_CHANNEL) >= 1, message=f"Rasa subscribed to {SOCKETIO_CHANNEL}")
        other_replica = socketio.RedisManager(REDIS_URL, channel=SOCKETIO_CHANNEL, write_only=True)
        other_replica.emit("bot_uttered", {"text": "from the other replica"}, room=session_id)
        wait_until(lambda: "from the other replica" in received, message="the other replica's message")


def redis_subscribers(channel: str) -> int:
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        return dict(connection.pubsub_numsub(channel)).get(channel.encode(), 0)
    finally:
        connection.close()


def test_out_of_hours_a_ticket_is_opened_and_the_customer_says_how_to_reach_them(hb, agent, sender):
    hb.support_hours("always_closed")
    replies = escalate(hb, sender)
    opens = hours.next_opening(hours.load_config(HOURS / "always_closed.yml"), time.time())
    assert replies == [
        says("utter_handoff_ticket_closed", "es", opens_day=formatting.weekday_day(opens.date(), "es"),
             opens_time=formatting.clock(opens.time(), "es")),
        says("utter_ask_ticket_contact_form_contact", "es"),
    ]
    assert hb.client.texts(sender, "600 11") == [says("utter_ticket_contact_invalid", "es"), says("utter_ask_ticket_contact_form_contact", "es")]
    assert hb.client.texts(sender, "lucia.fernandez@example.com") == [says("utter_ticket_contact_saved", "es", contact="lucia.fernandez@example.com")]
    case = agent.case_of(sender, "open")
    assert (case["status"], case["contact"]) == ("ticket", "lucia.fernandez@example.com")
    # The bot keeps helping meanwhile.
    assert hb.client.texts(sender, "¿cuánto cuesta el envío?") == [says("utter_faq/shipping_cost", "es")]
    # An agent sees it first thing, and can take it from there.
    assert agent.ok("POST", f"/api/cases/{case['id']}/claim")["status"] == "assigned"


def test_with_nobody_online_the_customer_gets_a_ticket_and_may_decline_to_leave_a_contact(hb, sender):
    hb.support_hours("always_open")
    agent = hb.agent()
    agent.ok("POST", "/api/auth/logout", status=204)
    assert escalate(hb, sender) == [says("utter_handoff_ticket_no_agent", "es"), says("utter_ask_ticket_contact_form_contact", "es")]
    assert hb.client.texts(sender, "no") == [says("utter_ticket_contact_skipped", "es")]
    assert escalate(hb, sender)[0] == says("utter_handoff_already_ticket", "es")


def test_every_console_route_refuses_a_missing_or_ended_session(hb):
    agent = hb.agent()
    agent.ok("POST", "/api/auth/logout", status=204)
    ended = agent.token
    spec = yaml.safe_load((PROJECT_ROOT / "bot" / "web" / "openapi.yml").read_text())
    checked = 0
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method == "parameters" or operation.get("security") == []:
                continue
            url_path = path.replace("{id}", "1")
            for token in (None, "forged-token", ended):
                result = agent.request(method.upper(), url_path, {"text": "x"} if method == "post" else None, token=token)
                assert result.status == 401, (method, path, token, result.status)
            checked += 1
    assert checked >= 11
    page = http("GET", f"{hb.client.web_url}/agent")
    assert page.status == 200 and b'id="login-form"' in page.body


def test_wrong_passwords_are_rate_limited(hb):
    guesser = AgentClient(hb.client.web_url, "mallory", "guess")
    statuses = [guesser.request("POST", "/api/auth/login", {"username": "mallory", "password": f"guess{i}"}, token=None).status
                for i in range(6)]
    assert statuses == [401] * 5 + [429]
    assert hb.agent().token  # other agents are not locked out


def test_an_agent_cannot_act_on_a_case_another_agent_owns(hb, agent, sender):
    hb.add_agent("bea", "bea-password-123", "Bea")
    bea = hb.agent("bea", "bea-password-123")
    escalate(hb, sender)
    case_id = agent.case_of(sender)["id"]
    agent.ok("POST", f"/api/cases/{case_id}/claim")
    for path, body in [("messages", {"text": "hola"}), ("handback", None), ("resolve", None), ("claim", None)]:
        refused = bea.request("POST", f"/api/cases/{case_id}/{path}", body)
        assert refused.status == 409 and refused.json()["owner"] == "demo", (path, refused.status)
    assert bea.ok("POST", f"/api/cases/{case_id}/claim", {"takeover": True})["agent"] == "bea"
    assert agent.request("POST", f"/api/cases/{case_id}/messages", {"text": "hola"}).status == 409
    assert says("utter_agent_joined", "es", agent_name="Bea") in hb.bot_texts(sender)
    bea.ok("POST", f"/api/cases/{case_id}/resolve")


def test_after_two_misses_the_person_button_opens_a_case_that_says_why(hb, agent, sender):
    hb.client.texts(sender, "Привет как дела")
    assert hb.client.texts(sender, "zzqx blorp fnord") == [says("utter_offer_human", "es")]
    assert matches(hb.client.texts(sender, "/human_handoff")[0], "utter_handoff_queued", "es")
    case = agent.case_of(sender)
    assert (case["reason"], case["reason_label"]) == ("not_understood", CONSOLE["reason.not_understood"])
    assert [m["kind"] for m in case["transcript"] if m["sender"] == "customer"][-1] == "button"
    assert texts_by(case, "customer")[-1] == "Sí, con una persona"  # the button's title, not its payload


def test_an_angry_complaint_jumps_the_queue(hb, agent, sender):
    calm = f"{sender}-calm"
    escalate(hb, calm)
    hb.client.texts(sender, "ESTO ES UNA VERGÜENZA, QUIERO PONER UNA RECLAMACIÓN")
    queue = [c["conversation_id"] for c in agent.cases("pending")]
    assert queue.index(sender) < queue.index(calm)
    case = agent.case_of(sender)
    assert case["reason"] == "complaint" and case["context"]["anger"] is True
