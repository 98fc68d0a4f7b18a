"""The WhatsApp Cloud API channel (connectors/whatsapp/).

End to end: the real bot (Rasa + action server) with WHATSAPP_* pointing at a local fake of the
Graph API (tests/fake_graph_api.py), fed signed deliveries shaped like Meta's webhook examples.
In process: the output channel against a second fake (error handling), and the pure formatting
and parsing functions.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from connectors import whatsapp
from connectors.whatsapp import graph_client
from tests.agent_client import AgentClient, texts_by
from tests.conftest import PROJECT_ROOT, BotClient, HttpResult, http, running_bot
from tests.expected import DOMAIN, order_status_text, says
from tests.fake_graph_api import FakeGraphApi

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

# Ports of this file only (other test runs use 15005-15355).
RASA_PORT, ACTIONS_PORT = 17005, 17055
UNCONFIGURED_RASA_PORT, UNCONFIGURED_ACTIONS_PORT = 17006, 17056
FAKE_PORT_FOR_BOT, FAKE_PORT_IN_PROCESS = 17100, 17101

APP_SECRET = "test-app-secret"
AGENT_PASSWORD = "whatsapp-agent-password"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"
PHONE_NUMBER_ID = "106540352242922"

_numbers = itertools.count(1)


def new_number(country_code: str) -> str:
    """A wa_id (digits, no +) no other test uses."""
    return f"{country_code}{600000000 + next(_numbers) * 7919}"


# --- deliveries as Meta documents them ------------------------------------------------------------

def webhook_message(wa_id: str, kind: str, content: Dict[str, Any], wamid: Optional[str] = None) -> Dict[str, Any]:
    return {"from": wa_id, "id": wamid or f"wamid.{uuid.uuid4().hex}", "timestamp": str(int(time.time())),
            "type": kind, kind: content}


def delivery(messages=(), contacts=(), statuses=()) -> Dict[str, Any]:
    value: Dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
    }
    if contacts:
        value["contacts"] = list(contacts)
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def outgoing(wa_id: str, kind: str, content: Dict[str, Any]) -> Dict[str, Any]:
    """A message as the Cloud API expects it from us."""
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id, "type": kind, kind: content}


@dataclass
class WhatsAppBot:
    client: BotClient
    fake: FakeGraphApi
    log_path: Path

    @property
    def webhook_url(self) -> str:
        return f"{self.client.base_url}/webhooks/whatsapp/webhook"

    def post(self, body: bytes, signature_header: Optional[str] = "sign") -> HttpResult:
        headers = {"Content-Type": "application/json"}
        if signature_header == "sign":
            signature_header = signature(body)
        if signature_header is not None:
            headers["X-Hub-Signature-256"] = signature_header
        return http("POST", self.webhook_url, body, headers)

    def deliver(self, payload: Dict[str, Any]) -> HttpResult:
        result = self.post(json.dumps(payload).encode())
        assert result.status == 200, (result.status, result.body)
        return result

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class Customer:
    """A WhatsApp user writing to the shop's number."""
    bot: WhatsAppBot
    wa_id: str
    name: str = "Cliente de Prueba"

    def send(self, kind: str, content: Dict[str, Any], wamid: Optional[str] = None) -> Dict[str, Any]:
        message = webhook_message(self.wa_id, kind, content, wamid)
        self.bot.deliver(self.delivery_of(message))
        return message

    def delivery_of(self, *messages: Dict[str, Any]) -> Dict[str, Any]:
        return delivery(messages, contacts=[{"profile": {"name": self.name}, "wa_id": self.wa_id}])

    def says(self, text: str, wamid: Optional[str] = None) -> Dict[str, Any]:
        return self.send("text", {"body": text}, wamid)

    def taps(self, kind: str, option_id: str, title: str) -> Dict[str, Any]:
        return self.send("interactive", {"type": kind, kind: {"id": option_id, "title": title}})

    def replies(self, count: int) -> List[Dict[str, Any]]:
        """Waits for `count` messages sent to this customer, and returns all sent so far."""
        return self.bot.fake.wait_for(self.wa_id, count)

    def replies_through(self, last: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Waits until `last` was sent to this customer, and returns all sent so far."""
        return self.bot.fake.wait_until_sent(self.wa_id, lambda sent: last in sent, f"the message {last}")

    def everything_sent_before_an_answer(self) -> List[Dict[str, Any]]:
        """A barrier for asserting that something was NOT sent: the customer taps "Devoluciones"
        and this waits for the return policy. Rasa handles a conversation's messages one at a
        time, in the order they came (under the conversation's lock), and a turn's replies go out
        before the next turn starts: whatever the bot did with what this customer sent before has
        reached the Graph API by then. Returns every message sent to the customer so far,
        delivered or not; the return policy is the last."""
        self.taps("button_reply", "/return_policy", "Devoluciones")
        return self.bot.fake.wait_until_sent(self.wa_id, lambda sent: self.return_policy() in sent, "the return policy",
                                             delivered_only=False)

    def return_policy(self) -> Dict[str, Any]:
        """The answer to tapping "Devoluciones", on a Spanish number."""
        return outgoing(self.wa_id, "text", {"body": says("utter_return_policy", "es")})

    def user_events(self) -> List[Dict[str, Any]]:
        return [e for e in self.bot.client.tracker(self.wa_id)["events"] if e["event"] == "user"]


@pytest.fixture(scope="module")
def wa(tmp_path_factory) -> WhatsAppBot:
    workdir = tmp_path_factory.mktemp("whatsapp-bot")
    with FakeGraphApi(FAKE_PORT_FOR_BOT) as fake:
        env = dict(
            WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN, WHATSAPP_APP_SECRET=APP_SECRET, WHATSAPP_ACCESS_TOKEN=ACCESS_TOKEN,
            WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID, WHATSAPP_API_BASE_URL=fake.base_url,
            BOT_DEMO_AGENT_PASSWORD=AGENT_PASSWORD, SUPPORT_HOURS_FILE=str(PROJECT_ROOT / "tests" / "handoff" / "always_open.yml"),
        )
        with running_bot(workdir, RASA_PORT, ACTIONS_PORT, **env) as client:
            yield WhatsAppBot(client, fake, workdir / "bot.log")


def customer(wa: WhatsAppBot, country_code: str = "34", name: str = "Cliente de Prueba") -> Customer:
    return Customer(wa, new_number(country_code), name)


# --- an agent answers on WhatsApp ---------------------------------------------------------------------

def test_an_agents_reply_reaches_the_customer_on_whatsapp(wa):
    agent = AgentClient(wa.client.web_url, "demo", AGENT_PASSWORD).log_in()  # online: the customer is queued
    someone = customer(wa)
    someone.says("quiero hablar con una persona")
    [queued] = someone.replies(1)
    case = agent.case_of(someone.wa_id)
    assert (case["channel"], case["contact"]) == ("whatsapp", f"+{someone.wa_id}")
    assert texts_by(case, "bot") == [queued["text"]["body"]]
    agent.ok("POST", f"/api/cases/{case['id']}/claim")
    agent.ok("POST", f"/api/cases/{case['id']}/messages", {"text": "Hola, soy del equipo: cuéntame."}, status=201)
    replies = someone.replies(3)
    assert replies[1:] == [
        outgoing(someone.wa_id, "text", {"body": says("utter_agent_joined", "es", agent_name="Demo")}),
        outgoing(someone.wa_id, "text", {"body": "Hola, soy del equipo: cuéntame."}),
    ]
    someone.says("el pedido no ha llegado")
    # The relay copies the message into the case when Rasa saves the turn, after the turn's
    # replies went out: once the agent sees it, anything the bot answered has been sent.
    case = agent.wait_for_case(case["id"], lambda c: "el pedido no ha llegado" in texts_by(c, "customer"))
    assert texts_by(case, "customer")[-1] == "el pedido no ha llegado"
    assert wa.fake.messages_to(someone.wa_id) == replies  # the bot stays quiet while the agent has it


# --- the verification handshake -------------------------------------------------------------------

def test_handshake_with_the_right_token_answers_the_challenge(wa):
    result = http("GET", f"{wa.webhook_url}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444")
    assert (result.status, result.body) == (200, b"1158201444")


@pytest.mark.parametrize("query", [
    "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444",
    "hub.mode=subscribe&hub.challenge=1158201444",
    "hub.mode=unsubscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=1158201444",
])
def test_handshake_with_a_wrong_token_is_refused(wa, query):
    result = http("GET", f"{wa.webhook_url}?{query}")
    assert result.status == 403 and b"1158201444" not in result.body


# --- what is refused before anything is processed -------------------------------------------------

@pytest.mark.parametrize("header", [None, "", "sha256=" + "0" * 64, "signed-with-another-secret"])
def test_forged_or_missing_signature_gets_403_and_nothing_is_processed(wa, header):
    someone = customer(wa)
    body = json.dumps(someone.delivery_of(webhook_message(someone.wa_id, "text", {"body": "hola"}))).encode()
    if header == "signed-with-another-secret":
        header = signature(body, "another-secret")
    assert wa.post(body, header).status == 403
    assert someone.everything_sent_before_an_answer() == [someone.return_policy()]  # no greeting
    assert [e["text"] for e in someone.user_events()] == ["/return_policy"]


def test_malformed_json_gets_400(wa):
    assert wa.post(b'{"object": "whatsapp_business_account", "entry": [').status == 400
    assert wa.post(b"[1, 2, 3]").status == 400


def test_body_over_1_mb_gets_413(wa):
    someone = customer(wa)
    payload = someone.delivery_of(webhook_message(someone.wa_id, "text", {"body": "x" * (1024 * 1024 + 10)}))
    assert wa.post(json.dumps(payload).encode()).status == 413
    assert someone.everything_sent_before_an_answer() == [someone.return_policy()]
    assert [e["text"] for e in someone.user_events()] == ["/return_policy"]


# --- conversations ------------------------------------------------------------------------------------

@pytest.mark.parametrize("country_code,question,language", [
    ("34", "¿dónde está mi pedido?", "es"),
    ("44", "where is my order?", "en"),
    ("55", "cadê meu pedido?", "pt"),
])
def test_where_is_my_order_asks_for_the_order_number_in_the_customers_language(wa, country_code, question, language):
    someone = customer(wa, country_code)
    someone.says(question)
    assert someone.replies(1) == [outgoing(someone.wa_id, "text", {"body": says("utter_ask_order_id", language)})]
    post = wa.fake.posts_to(someone.wa_id)[0]
    assert post.path == f"/v19.0/{PHONE_NUMBER_ID}/messages"
    assert post.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_every_message_carries_the_whatsapp_phone_and_name_to_rasa(wa):
    someone = customer(wa, "34", name="Ana García")
    someone.says("hola")
    someone.replies(1)
    event = someone.user_events()[-1]
    assert event["metadata"]["whatsapp"] == {"phone": f"+{someone.wa_id}", "name": "Ana García"}
    assert event["input_channel"] == "whatsapp"


def test_greeting_gets_the_three_reply_buttons_of_utter_greet(wa):
    someone = customer(wa, "34")
    someone.says("hola")
    [reply] = someone.replies(1)
    greet = DOMAIN["responses"]["utter_greet"][0]
    assert reply == outgoing(someone.wa_id, "interactive", {
        "type": "button",
        "body": {"text": greet["text"]},
        "action": {"buttons": [
            {"type": "reply", "reply": {"id": b["payload"], "title": b["title"]}} for b in greet["buttons"]
        ]},
    })
    assert all(len(b["reply"]["title"]) <= 20 for b in reply["interactive"]["action"]["buttons"])


@pytest.mark.parametrize("kind", ["button_reply", "list_reply"])
def test_a_tapped_button_sends_its_payload_to_rasa(wa, kind):
    someone = customer(wa, "34")
    someone.taps(kind, "/return_policy", "Devoluciones")
    assert someone.replies(1) == [outgoing(someone.wa_id, "text", {"body": says("utter_return_policy", "es")})]
    assert someone.user_events()[-1]["text"] == "/return_policy"


def test_a_replayed_delivery_is_answered_once(wa):
    someone = customer(wa, "34")
    message = webhook_message(someone.wa_id, "text", {"body": "hola"})
    for _ in range(3):  # Meta retries a delivery it thinks failed, same wamid
        wa.deliver(someone.delivery_of(message))
    someone.says("gracias")  # after this one's reply, any duplicate would already have been sent
    replies = someone.replies_through(outgoing(someone.wa_id, "text", {"body": says("utter_you_are_welcome", "es")}))
    assert len(replies) == 2
    assert replies[0]["type"] == "interactive"
    assert [e["text"] for e in someone.user_events()] == ["hola", "gracias"]


def test_several_messages_in_one_delivery_are_handled_in_order(wa):
    someone = customer(wa, "44")
    first = webhook_message(someone.wa_id, "text", {"body": "hi there"})
    second = webhook_message(someone.wa_id, "text", {"body": "thanks a lot!"})
    wa.deliver(someone.delivery_of(first, second))
    replies = someone.replies(2)
    assert replies[0]["type"] == "interactive"
    assert replies[1] == outgoing(someone.wa_id, "text", {"body": says("utter_you_are_welcome", "en")})
    assert [e["text"] for e in someone.user_events()] == ["hi there", "thanks a lot!"]


def test_a_status_update_gets_no_reply(wa):
    someone = customer(wa, "34")
    status = {"id": f"wamid.{uuid.uuid4().hex}", "status": "delivered", "timestamp": str(int(time.time())),
              "recipient_id": someone.wa_id,
              "conversation": {"id": "abc", "origin": {"type": "service"}},
              "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"}}
    wa.deliver(delivery(statuses=[status]))
    assert someone.everything_sent_before_an_answer() == [someone.return_policy()]
    assert [e["text"] for e in someone.user_events()] == ["/return_policy"]
    assert someone.wa_id not in wa.log()  # logged without the customer's number


def test_garbled_entries_are_ignored_and_the_good_message_is_answered(wa):
    someone = customer(wa, "34")
    payload = someone.delivery_of(
        {"from": someone.wa_id, "type": "text", "text": {"body": "no id"}},
        {"id": "wamid.no-sender", "type": "text", "text": {"body": "no from"}},
        "not an object",
        {"from": someone.wa_id, "id": f"wamid.{uuid.uuid4().hex}", "type": "text", "text": "not an object"},
        webhook_message(someone.wa_id, "text", {"body": "gracias"}),
    )
    payload["entry"] += ["garbage", {"changes": [None, {"field": "messages", "value": 5}, {"field": "other"}]}]
    wa.deliver(payload)
    wa.deliver({"object": "whatsapp_business_account", "entry": "nope"})
    wa.deliver({})
    welcome = outgoing(someone.wa_id, "text", {"body": says("utter_you_are_welcome", "es")})
    assert someone.everything_sent_before_an_answer() == [welcome, someone.return_policy()]


def test_an_image_reaches_the_tracker_with_its_media_id_and_caption(wa):
    someone = customer(wa, "34")
    someone.send("image", {"caption": "así llegó la caja", "mime_type": "image/jpeg",
                           "sha256": "abc", "id": "1003383421387256"})
    someone.replies(1)
    event = someone.user_events()[-1]
    assert event["text"] == "/inform"
    assert event["metadata"]["attachment"] == {"type": "image", "id": "1003383421387256", "caption": "así llegó la caja"}
    assert event["metadata"]["whatsapp"]["phone"] == f"+{someone.wa_id}"


@pytest.mark.parametrize("country_code,language", [("34", "es"), ("447", "en"), ("351", "pt")])
def test_audio_gets_the_unsupported_content_reply_without_rasa(wa, country_code, language):
    someone = customer(wa, country_code)
    someone.send("audio", {"mime_type": "audio/ogg; codecs=opus", "sha256": "abc", "id": "1234", "voice": True})
    assert someone.replies(1) == [outgoing(someone.wa_id, "text", {"body": says("utter_unsupported_content", language)})]
    assert someone.user_events() == []


def test_the_unsupported_content_reply_follows_the_conversation_not_the_number(wa):
    """A Portuguese speaker on a Spanish number: once the conversation is in Portuguese, what the
    channel says itself is in Portuguese too (the language slot, through the model's responses)."""
    someone = customer(wa, "34")
    someone.says("cadê meu pedido?")
    assert someone.replies(1) == [outgoing(someone.wa_id, "text", {"body": says("utter_ask_order_id", "pt")})]
    someone.send("audio", {"mime_type": "audio/ogg; codecs=opus", "sha256": "abc", "id": "1234", "voice": True})
    assert someone.replies(2)[-1] == outgoing(someone.wa_id, "text", {"body": says("utter_unsupported_content", "pt")})


def test_the_whatsapp_number_proves_who_the_customer_is(wa):
    # João's number is the phone on order 100777: the order form doesn't ask for a contact.
    joao = Customer(wa, "5511987654321", "João Silva")
    joao.says("cadê meu pedido?")
    assert joao.replies(1)[0]["text"]["body"] == says("utter_ask_order_id", "pt")
    joao.says("100777")
    assert joao.replies(2)[1]["text"]["body"] == order_status_text("100777", "pt")
    assert wa.client.tracker(joao.wa_id)["slots"]["contact"] == "+5511987654321"


# --- Graph API errors, end to end ------------------------------------------------------------------

def test_a_rate_limit_error_is_retried_and_the_reply_delivered(wa):
    someone = customer(wa, "34")
    wa.fake.fail_next(130429, to=someone.wa_id)
    someone.says("gracias")
    assert someone.replies(1) == [outgoing(someone.wa_id, "text", {"body": says("utter_you_are_welcome", "es")})]
    attempts = wa.fake.posts_to(someone.wa_id, delivered_only=False)
    assert [p.answered for p in attempts] == [400, 200]
    assert attempts[0].json == attempts[1].json


def test_a_closed_24_hour_window_is_logged_masked_and_the_conversation_kept(wa):
    someone = customer(wa, "34")
    wa.fake.fail_next(131047, to=someone.wa_id)
    someone.says("gracias")
    wa.fake.wait_for(someone.wa_id, 1, delivered_only=False)
    # The customer writes again (which reopens a real window); Rasa answers once the first turn,
    # retries included, is over.
    someone.everything_sent_before_an_answer()
    attempts = wa.fake.posts_to(someone.wa_id, delivered_only=False)
    assert [p.answered for p in attempts] == [400, 200]  # the closed window's message not retried
    assert attempts[0].json == outgoing(someone.wa_id, "text", {"body": says("utter_you_are_welcome", "es")})
    assert attempts[1].json == someone.return_policy()
    log = wa.log()
    assert whatsapp.masked(someone.wa_id) in log and someone.wa_id not in log
    assert [e["text"] for e in someone.user_events()] == ["gracias", "/return_policy"]


# --- without WhatsApp settings --------------------------------------------------------------------

def test_the_bot_starts_without_whatsapp_configured_and_the_webhook_answers_503(tmp_path):
    unset = {name: "" for name in whatsapp.ENV_DEFAULTS.values()}
    with running_bot(tmp_path, UNCONFIGURED_RASA_PORT, UNCONFIGURED_ACTIONS_PORT, **unset) as client:
        url = f"{client.base_url}/webhooks/whatsapp/webhook"
        body = json.dumps(delivery([webhook_message("34600000001", "text", {"body": "hola"})])).encode()
        posted = http("POST", url, body, {"X-Hub-Signature-256": signature(body)})
        verified = http("GET", f"{url}?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1")
        assert client.texts("rest-still-works", "hola")  # the rest of the bot is fine
    assert posted.status == 503 and "WHATSAPP_APP_SECRET" in posted.json()["error"]
    assert verified.status == 503
    assert (tmp_path / "bot.log").read_text().count("WhatsApp isn't configured") == 1


# --- the output channel in process, against its own fake --------------------------------------------

@pytest.fixture
def graph(monkeypatch):
    monkeypatch.setattr(graph_client, "RETRY_BASE_DELAY_S", 0.01)
    monkeypatch.setattr(graph_client, "WINDOW_CLOSED", [])
    with FakeGraphApi(FAKE_PORT_IN_PROCESS) as fake:
        yield fake


def output_to(fake: FakeGraphApi) -> whatsapp.WhatsAppOutput:
    environ = {"WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_APP_SECRET": "s", "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
               "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID, "WHATSAPP_API_BASE_URL": fake.base_url}
    return whatsapp.WhatsAppOutput(whatsapp.settings_from(None, environ))


def words(count: int) -> str:
    return " ".join(f"palabra{i % 10}" for i in range(count))


def test_a_5000_character_text_goes_in_two_messages_cut_at_a_space(graph):
    text = words(600)[:5000].rstrip()
    asyncio.run(output_to(graph).send_response("34600000002", {"text": text}))
    bodies = [m["text"]["body"] for m in graph.messages_to("34600000002")]
    assert len(bodies) == 2 and all(len(b) <= 4096 for b in bodies)
    assert " ".join(bodies) == text and not bodies[0].endswith(" ") and text[len(bodies[0])] == " "


def test_five_buttons_go_as_a_list_message(graph):
    buttons = [{"title": f"Pedido #10023{i} · 3 dic.", "payload": f'/inform{{"order_id": "10023{i}"}}'} for i in range(5)]
    asyncio.run(output_to(graph).send_response("5511900000003", {"text": "Qual pedido?", "buttons": buttons}))
    [message] = graph.messages_to("5511900000003")
    assert message["type"] == "interactive" and message["interactive"]["type"] == "list"
    assert message["interactive"]["action"]["button"] == says("utter_list_button_label", "pt")
    rows = message["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [b["payload"] for b in buttons]
    assert all(len(r["title"]) <= 24 for r in rows)


def test_a_0_to_10_score_goes_as_its_values_never_numbered(graph):
    """11 buttons don't fit a list: numbered lines would read "10. 9", so a typed "9" would be
    ambiguous. The NPS question's values go as they are."""
    nps = DOMAIN["responses"]["utter_ask_nps"][0]
    assert [b["title"] for b in nps["buttons"]] == [str(n) for n in range(11)]
    asyncio.run(output_to(graph).send_response("34600000011", {"text": "¿Nos recomendarías?", "buttons": nps["buttons"]}))
    [message] = graph.messages_to("34600000011")
    assert message["type"] == "text"
    assert message["text"]["body"] == "¿Nos recomendarías?\n\n0 · 1 · 2 · 3 · 4 · 5 · 6 · 7 · 8 · 9 · 10"
    assert ". " not in message["text"]["body"].split("\n")[-1]


def test_an_image_is_sent_by_link(graph):
    asyncio.run(output_to(graph).send_response("34600000004", {"image": "https://example.com/a.png"}))
    assert graph.messages_to("34600000004") == [outgoing("34600000004", "image", {"link": "https://example.com/a.png"})]


@pytest.mark.parametrize("code", [130429, 131056])
def test_rate_limits_are_retried_at_most_three_times(graph, code, caplog):
    graph.fail_next(code, times=5)
    delivered = asyncio.run(output_to(graph).send("34600000005", whatsapp.text_message("hola")))
    assert delivered is False
    assert len(graph.posts_to("34600000005", delivered_only=False)) == 3
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_a_closed_window_is_recorded_in_WINDOW_CLOSED(graph, caplog):
    graph.fail_next(131047)
    with caplog.at_level(logging.WARNING, logger="connectors.whatsapp"):
        asyncio.run(output_to(graph).send_text_message("34600000006", "hola"))
    assert [(e["recipient"], e["message_type"]) for e in graph_client.WINDOW_CLOSED] == [("34600000006", "text")]
    assert len(graph.posts_to("34600000006", delivered_only=False)) == 1
    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "+********006" in record.getMessage() and "34600000006" not in record.getMessage()


def test_a_rejected_token_is_logged_as_an_error_and_nothing_raises(graph, caplog):
    graph.fail_next(190)
    asyncio.run(output_to(graph).send_text_message("34600000007", "hola"))
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "ACCESS TOKEN REJECTED" in errors[0]
    assert len(graph.posts_to("34600000007", delivered_only=False)) == 1


def test_an_unreachable_graph_api_is_logged_and_nothing_raises(caplog):
    environ = {"WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "1",
               "WHATSAPP_API_BASE_URL": f"http://127.0.0.1:{FAKE_PORT_IN_PROCESS + 1}/v19.0"}  # nothing listens
    output = whatsapp.WhatsAppOutput(whatsapp.settings_from(None, environ))
    assert asyncio.run(output.send("34600000008", whatsapp.text_message("hola"))) is False
    assert any(r.levelno == logging.ERROR for r in caplog.records)


# --- pure functions ---------------------------------------------------------------------------------

def test_split_text_keeps_short_texts_whole_and_cuts_long_ones_at_whitespace():
    assert whatsapp.split_text("hola") == ["hola"]
    text = words(1000)
    pieces = whatsapp.split_text(text, 4096)
    assert all(len(p) <= 4096 for p in pieces) and " ".join(pieces) == text
    assert whatsapp.split_text("x" * 5000) == ["x" * 4096, "x" * 904]  # no whitespace: a hard cut


def test_up_to_three_buttons_are_reply_buttons_with_short_unique_titles():
    buttons = [{"title": "Hablar con una persona del equipo", "payload": "/human_handoff"},
               {"title": "Hablar con una persona del equipo de soporte", "payload": "/complaint"},
               {"title": "Sí", "payload": "/affirm"}]
    [message] = whatsapp.messages_with_buttons("¿Qué prefieres?", buttons, "es")
    reply_buttons = message["interactive"]["action"]["buttons"]
    titles = [b["reply"]["title"] for b in reply_buttons]
    assert message["interactive"]["type"] == "button" and message["interactive"]["body"] == {"text": "¿Qué prefieres?"}
    assert all(len(t) <= 20 for t in titles) and len(set(titles)) == 3
    assert titles[0] == "Hablar con una pers…" and titles[2] == "Sí"
    assert [b["reply"]["id"] for b in reply_buttons] == ["/human_handoff", "/complaint", "/affirm"]
    assert all(b["type"] == "reply" for b in reply_buttons)


def test_four_to_ten_buttons_are_a_list_and_long_titles_keep_their_full_text_as_description():
    buttons = [{"title": f"Opción número {i} bastante larga", "payload": f"/p{i}"} for i in range(10)]
    [message] = whatsapp.messages_with_buttons("Elige", buttons, "es")
    action = message["interactive"]["action"]
    rows = action["sections"][0]["rows"]
    assert message["interactive"]["type"] == "list" and action["button"] == "Ver opciones" and len(rows) == 10
    assert all(len(r["title"]) <= 24 for r in rows) and len({r["title"] for r in rows}) == 10
    assert rows[3]["description"] == "Opción número 3 bastante larga"
    four = whatsapp.messages_with_buttons("Elige", buttons[:4], "en")[0]
    assert four["interactive"]["type"] == "list" and four["interactive"]["action"]["button"] == "See options"


def test_more_than_ten_buttons_become_numbered_lines():
    buttons = [{"title": f"Opción {i}", "payload": f"/p{i}"} for i in range(1, 12)]
    [message] = whatsapp.messages_with_buttons("Elige una:", buttons, "es")
    assert message == whatsapp.text_message("Elige una:\n\n" + "\n".join(f"{i}. Opción {i}" for i in range(1, 12)))


def test_a_body_longer_than_an_interactive_message_allows_goes_first_as_text():
    text = words(300)  # about 2,700 characters
    messages = whatsapp.messages_with_buttons(text, [{"title": "Sí", "payload": "/affirm"}], "es")
    assert [m["type"] for m in messages] == ["text", "interactive"]
    body = messages[-1]["interactive"]["body"]["text"]
    assert len(body) <= 1024 and messages[0]["text"]["body"] + " " + body == text


def test_language_of_phone_follows_the_country_code():
    assert [whatsapp.language_of_phone(n) for n in ("34600111222", "5215512345678", "5491112345678", "573105550199",
                                                    "56912345678", "5511987654321", "351912345678", "447700900123",
                                                    "14155550123", "")] == \
        ["es", "es", "es", "es", "es", "pt", "pt", "en", "en", "en"]


def test_signature_check():
    body = b'{"a": 1}'
    assert whatsapp.signature_is_valid(body, signature(body), APP_SECRET)
    assert not whatsapp.signature_is_valid(body, signature(body, "other"), APP_SECRET)
    assert not whatsapp.signature_is_valid(body + b" ", signature(body), APP_SECRET)
    assert not whatsapp.signature_is_valid(body, None, APP_SECRET)
    assert not whatsapp.signature_is_valid(body, "sha256=ñ", APP_SECRET)


def test_incoming_messages_by_type():
    names = {"34600111222": "Ana"}

    def incoming(kind, content):
        return whatsapp.incoming_from(webhook_message("34600111222", kind, content, "wamid.1"), names)

    assert incoming("text", {"body": "hola"}).text == "hola"
    assert incoming("interactive", {"type": "button_reply", "button_reply": {"id": "/affirm", "title": "Sí"}}).text == "/affirm"
    assert incoming("interactive", {"type": "list_reply", "list_reply": {"id": "/deny", "title": "No"}}).text == "/deny"
    assert incoming("button", {"payload": "/affirm", "text": "Sí"}).text == "/affirm"
    document = incoming("document", {"id": "77", "filename": "factura.pdf", "mime_type": "application/pdf"})
    assert document.text == "/inform"
    assert document.metadata == {"whatsapp": {"phone": "+34600111222", "name": "Ana"},
                                 "attachment": {"type": "document", "id": "77", "caption": None}}
    for kind in ("audio", "video", "location", "sticker", "contacts", "unsupported"):
        assert incoming(kind, {"id": "1"}).text is None  # answered by the channel itself
    assert incoming("reaction", {"message_id": "wamid.0", "emoji": "👍"}) is None
    assert incoming("text", {"body": "   "}) is None


def test_recent_ids_are_bounded():
    recent = whatsapp.RecentIds(size=2)
    assert recent.first_time("a") and recent.first_time("b") and not recent.first_time("a")
    assert recent.first_time("c")  # forgets "a", the oldest
    assert recent.first_time("a")


def test_not_configured_settings_name_what_is_missing():
    settings = whatsapp.settings_from({"verify_token_env": "MY_VERIFY"}, {"MY_VERIFY": "x"})
    assert not settings.configured and settings.api_base_url == whatsapp.DEFAULT_API_BASE_URL
    assert settings.missing == ["WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"]
    assert whatsapp.WhatsAppInput(settings).get_output_channel() is None
