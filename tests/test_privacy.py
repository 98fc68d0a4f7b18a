"""Customers' data under their control, on the running servers (Rasa, actions, web app, launched as
`make run` launches them, SQLite stores, RabbitMQ as the event stream, WhatsApp against a fake
Graph API): real conversations over REST, the widget's socket.io and WhatsApp, a handoff with an
agent, then an access request and an erasure as a supervisor would make them, and a search of
every file the bot wrote for the customer's email, phone and name. Card numbers typed by
customers appear nowhere, and the customer is warned in their language.

The same requests on the stores alone (and the tracker store on PostgreSQL): test_privacy_stores.py.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import socketio

from tests.agent_client import AgentClient, texts_by
from tests.conftest import PROJECT_ROOT, http, running_bot
from tests.expected import matches, says
from tests.fake_graph_api import FakeGraphApi
from tests.test_whatsapp import ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, VERIFY_TOKEN, delivery, signature, webhook_message
from tests.waiting import wait_until

pytestmark = pytest.mark.integration  # real servers, RabbitMQ, a browser

RASA_PORT, ACTIONS_PORT, WEB_PORT, GRAPH_PORT = 16105, 16155, 16180, 16190
AGENT_PASSWORD = "privacy-demo-password"
ACTION_SECRET = "privacy-test-action-secret-0123456789"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
QUEUE = f"privacy_e2e_{uuid.uuid4().hex[:8]}"

ANA_EMAIL, ANA_PHONE, ANA_WA_ID = "ana.garcia@example.com", "600111222", "34600111222"
TOM_EMAIL = "tom.baker@example.org"
CARD = "4111 1111 1111 1111"
CARD_DIGITS = [CARD, CARD.replace(" ", ""), "5555 5555 5555 4444", "5555555555554444"]


class PrivacyBot:
    def __init__(self, client, workdir: Path, graph: FakeGraphApi) -> None:
        self.client, self.workdir, self.graph = client, workdir, graph
        self.ids: Dict[str, str] = {}

    @property
    def env(self) -> Dict[str, str]:
        """What the command line needs to find this bot's stores."""
        return dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), TRACKER_DB=str(self.workdir / "tracker.db"),
                    HANDOFF_DATABASE_URL=f"sqlite:///{self.workdir / 'handoff.db'}",
                    SHOP_DATABASE_URL=f"sqlite:///{self.workdir / 'shop.db'}", REVIEW_OUTPUT=str(self.workdir / "review.yml"))

    def command(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=60)

    def agent(self, username: str = "demo", password: str = AGENT_PASSWORD) -> AgentClient:
        return AgentClient(self.client.web_url, username, password).log_in()

    def whatsapp(self, wa_id: str, text: str, name: str = "Ana García") -> None:
        body = json.dumps(delivery([webhook_message(wa_id, "text", {"body": text})],
                                   contacts=[{"profile": {"name": name}, "wa_id": wa_id}])).encode()
        result = http("POST", f"{self.client.base_url}/webhooks/whatsapp/webhook", body,
                      {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body)})
        assert result.status == 200, result.body

    def files(self) -> List[Path]:
        """Every file this bot wrote, but the shop's own records (which erasure doesn't touch)."""
        return [p for p in self.workdir.iterdir() if p.is_file() and not p.name.startswith("shop.db")]


def widget_conversation(texts: List[str], language: str, last_reply: str) -> tuple:
    """A socket.io client like the widget: sends each text, waits for its reply, and at the end for
    `last_reply`; (session id, replies)."""
    session_id, received = uuid.uuid4().hex, []
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", lambda data: received.append(data.get("text")))
    client.on("session_confirm", lambda _: received.append("<session>"))
    client.connect(f"http://127.0.0.1:{RASA_PORT}", socketio_path="/socket.io", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session_id})
        wait_until(lambda: "<session>" in received, message="the session")
        for text in texts:
            count = len(received)
            client.emit("user_uttered", {"message": text, "session_id": session_id, "customData": {"language": language}})
            wait_until(lambda: len(received) > count, message=f"a reply to {text!r}")
        wait_until(lambda: received[-1] == last_reply, message=last_reply)
    finally:
        client.disconnect()
    return session_id, [r for r in received if r != "<session>"]


def queue_messages() -> List[Dict[str, Any]]:
    """Everything on this test's RabbitMQ queue (the event stream's consumers' view)."""
    import aio_pika

    async def drain():
        connection = await aio_pika.connect(RABBITMQ_URL.replace("%2F", ""))
        bodies = []
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(QUEUE, durable=True)
            while True:
                message = await queue.get(fail=False, timeout=5)
                if message is None:
                    return bodies
                await message.ack()
                bodies.append(json.loads(message.body))

    return asyncio.run(drain())


def delete_queue() -> None:
    import aio_pika

    async def delete():
        connection = await aio_pika.connect(RABBITMQ_URL.replace("%2F", ""))
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(QUEUE)

    try:
        asyncio.run(delete())
    except Exception:
        pass


@pytest.fixture(scope="module")
def pb(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("privacy-bot")
    with FakeGraphApi(GRAPH_PORT) as graph:
        env = dict(
            WEB_PORT=str(WEB_PORT), BOT_DEMO_AGENT_PASSWORD=AGENT_PASSWORD, ACTION_SERVER_SECRET=ACTION_SECRET,
            SUPPORT_HOURS_FILE=str(PROJECT_ROOT / "tests" / "handoff" / "always_open.yml"),
            REVIEW_OUTPUT=str(workdir / "review.yml"), RABBITMQ_URL=RABBITMQ_URL, RABBITMQ_QUEUE=QUEUE, RABBITMQ_EXCHANGE=f"{QUEUE}_exchange",
            WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN, WHATSAPP_APP_SECRET=APP_SECRET, WHATSAPP_ACCESS_TOKEN=ACCESS_TOKEN,
            WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID, WHATSAPP_API_BASE_URL=graph.base_url,
        )
        try:
            with running_bot(workdir, RASA_PORT, ACTIONS_PORT, **env) as client:
                yield PrivacyBot(client, workdir, graph)
        finally:
            delete_queue()


@pytest.fixture(scope="module")
def conversations(pb: PrivacyBot) -> PrivacyBot:
    """Ana on three channels with a handoff, an agent's reply, a note and a rating; Tom with a
    handoff; card numbers typed on every channel; the editors' review file written afterwards."""
    say, agent = pb.client.texts, pb.agent()
    ana = pb.ids["ana_rest"] = f"ana-{uuid.uuid4().hex[:8]}"
    say(ana, "hola, soy Ana García")
    say(ana, "¿dónde está mi pedido 100234?")
    say(ana, ANA_EMAIL)
    assert matches(say(ana, "quiero hablar con una persona")[0], "utter_handoff_queued", "es")
    case = agent.case_of(ana)
    pb.ids["ana_case"] = case["id"]
    agent.ok("POST", f"/api/cases/{case['id']}/claim")
    agent.ok("POST", f"/api/cases/{case['id']}/messages", {"text": "Hola Ana, te ayudo con el pedido."}, status=201)
    agent.ok("POST", f"/api/cases/{case['id']}/notes", {"text": "Ana prefiere que la llamen por la tarde"}, status=201)
    agent.ok("POST", f"/api/cases/{case['id']}/resolve")
    assert say(ana, '/rate_support{"csat_score": "4"}')[0] == says("utter_csat_thanks", "es")

    pb.ids["ana_widget"], pb.widget_replies = widget_conversation(
        [f"mi correo es {ANA_EMAIL}", f"mi tarjeta es {CARD}"], "es", says("utter_card_number_hidden", "es"))
    pb.whatsapp(ANA_WA_ID, "hola, pago con la 5555 5555 5555 4444")
    whatsapp_texts = lambda: [m["text"]["body"] for m in pb.graph.messages_to(ANA_WA_ID) if m.get("type") == "text"]  # noqa: E731
    wait_until(lambda: says("utter_card_number_hidden", "es") in whatsapp_texts(), message="the warning on WhatsApp")
    pb.whatsapp_replies = whatsapp_texts()

    tom = pb.ids["tom_rest"] = f"tom-{uuid.uuid4().hex[:8]}"
    say(tom, "where is my order 100410?")
    say(tom, TOM_EMAIL)
    pb.tom_card_replies = say(tom, f"my card is {CARD}, can you charge it again?")
    say(tom, "I want to talk to a person")
    pb.ids["tom_case"] = agent.case_of(tom)["id"]

    pt = pb.ids["pt_card"] = f"pt-{uuid.uuid4().hex[:8]}"
    pb.pt_card_replies = say(pt, f"o meu cartão é {CARD.replace(' ', '-')}", metadata={"language": "pt"})

    review = pb.command("review", "--tracker-store", f"sqlite:///{pb.workdir / 'tracker.db'}", "--out", str(pb.workdir / "review.yml"))
    assert review.returncode == 0, review.stderr
    return pb


# --- card numbers ------------------------------------------------------------------------------------

def test_a_card_number_is_hidden_on_every_channel_and_the_customer_warned_in_their_language(conversations):
    pb = conversations
    assert pb.tom_card_replies[-1] == says("utter_card_number_hidden", "en")
    assert pb.pt_card_replies[-1] == says("utter_card_number_hidden", "pt")
    assert pb.widget_replies[-1] == says("utter_card_number_hidden", "es")
    assert pb.whatsapp_replies[-1] == says("utter_card_number_hidden", "es")
    typed = [e["text"] for e in pb.client.tracker(pb.ids["pt_card"])["events"] if e["event"] == "user"]
    assert typed == ["o meu cartão é [card number hidden]"]
    tom_case = pb.agent().case(pb.ids["tom_case"])
    assert "my card is [card number hidden], can you charge it again?" in texts_by(tom_case, "customer")
    for path in [*pb.files(), pb.workdir / "shop.db"]:
        data = path.read_bytes()
        for digits in CARD_DIGITS:
            assert digits.encode() not in data, (path.name, digits)


def test_log_lines_carry_no_email_or_phone(conversations):
    log = (conversations.workdir / "bot.log").read_text(errors="replace")
    for needle in (ANA_EMAIL, TOM_EMAIL, ANA_WA_ID, "600 111 222", *CARD_DIGITS):
        assert needle not in log


# --- access and erasure, as a supervisor ------------------------------------------------------------------

def test_the_export_holds_that_customer_and_nobody_else(conversations):
    pb = conversations
    exported = pb.agent().ok("POST", "/api/privacy/export", {"email": ANA_EMAIL})
    assert sorted(c["id"] for c in exported["conversations"]) == sorted([pb.ids["ana_rest"], pb.ids["ana_widget"], ANA_WA_ID])
    [case] = exported["cases"]
    assert case["id"] == pb.ids["ana_case"] and case["rating"] == 4
    assert [n["text"] for n in case["notes"]] == ["Ana prefiere que la llamen por la tarde"]
    assert "Hola Ana, te ayudo con el pedido." in [m["text"] for m in case["transcript"]]
    assert any("Ana García" in s["text"] for s in exported["review_sentences"])
    text = json.dumps(exported, ensure_ascii=False)
    assert TOM_EMAIL not in text and pb.ids["tom_rest"] not in text and pb.ids["pt_card"] not in text

    on_the_command_line = pb.command("privacy", "export", "--email", TOM_EMAIL)
    assert on_the_command_line.returncode == 0, on_the_command_line.stderr
    tom = json.loads(on_the_command_line.stdout)
    assert [c["id"] for c in tom["conversations"]] == [pb.ids["tom_rest"]] and len(tom["cases"]) == 1
    assert ANA_EMAIL not in on_the_command_line.stdout and "Ana" not in on_the_command_line.stdout


def test_a_plain_agent_gets_403_and_other_content_types_415(conversations):
    pb = conversations
    added = subprocess.run([sys.executable, "-m", "bot", "agent", "bea", "--role", "agent"], cwd=PROJECT_ROOT,
                           env=dict(pb.env, AGENT_PASSWORD="bea-password-123"), capture_output=True, timeout=60)
    assert added.returncode == 0, added.stderr
    bea = pb.agent("bea", "bea-password-123")
    for method, path, body in [("POST", "/api/privacy/erase", {"email": ANA_EMAIL}),
                               ("POST", "/api/privacy/export", {"email": ANA_EMAIL}), ("GET", "/api/privacy/audit", None)]:
        assert bea.request(method, path, body).status == 403, path
        assert bea.request(method, path, body, token=None).status == 401, path
    supervisor = pb.agent()
    plain = http("POST", f"{pb.client.web_url}/api/privacy/erase", json.dumps({"email": ANA_EMAIL}).encode(),
                 {"Content-Type": "text/plain", "Authorization": f"Bearer {supervisor.token}"})
    assert plain.status == 415
    assert supervisor.request("POST", "/api/privacy/erase", {"email": "nope"}).status == 400
    assert supervisor.request("POST", "/api/privacy/erase", {"email": ANA_EMAIL, "phone": ANA_PHONE}).status == 400


def test_erasing_a_customer_leaves_no_trace_of_them_in_any_store_or_log(conversations):
    pb = conversations
    supervisor = pb.agent()
    preview = supervisor.ok("POST", "/api/privacy/erase", {"phone": f"+34 {ANA_PHONE}", "preview": True})["preview"]
    assert (preview["conversations"], preview["cases"]) == (3, 1) and preview["review_messages"] >= 1

    report = supervisor.ok("POST", "/api/privacy/erase", {"phone": f"+34 {ANA_PHONE}"})

    stores = report["stores"]
    assert stores["tracker_store"]["conversations"] == 3 and stores["tracker_store"]["events"] > 20
    assert stores["handoff_store"]["cases_anonymised"] == 1 and stores["handoff_store"]["notes"] == 1
    assert stores["handoff_store"]["ratings_kept_anonymous"] == 1
    assert stores["review_files"]["messages"] >= 1
    assert stores["event_broker"] == {"published": True, "queue": QUEUE}
    erased = wait_until(lambda: [m for m in queue_messages() if m.get("event") == "customer_erased"], message="the erase event")
    assert sorted(erased[0]["conversation_ids"]) == sorted([pb.ids["ana_rest"], pb.ids["ana_widget"], ANA_WA_ID])

    # The bot no longer knows her; the console keeps the case as a number with its rating.
    assert [e for e in pb.client.tracker(pb.ids["ana_rest"])["events"] if e["event"] == "user"] == []
    case = supervisor.case(pb.ids["ana_case"])
    assert (case["csat"], case["customer_name"], case["contact"], case["transcript"], case["notes"]) == (4, None, None, [], [])
    assert supervisor.ok("POST", "/api/privacy/export", {"email": ANA_EMAIL})["conversations"] == []

    for path in pb.files():
        data = path.read_bytes().lower()
        for needle in (ANA_EMAIL, ANA_PHONE, "600 111 222", "garcía", "garcia", "garc\\u00eda", "prefiere que la llamen"):
            assert needle.encode() not in data, (path.name, needle)
    assert TOM_EMAIL.encode() in (pb.workdir / "tracker.db").read_bytes()  # nobody else was touched


def test_the_audit_log_says_who_viewed_exported_and_erased_what(conversations):
    pb = conversations
    entries = pb.agent().ok("GET", "/api/privacy/audit?limit=50")["entries"]
    seen = {(e["actor"], e["action"], e["subject"] or e["case_id"]) for e in entries}
    assert ("demo", "view", pb.ids["ana_case"]) in seen
    assert ("demo", "export", "email a***@example.com") in seen
    assert ("demo", "erase", "phone ***222") in seen
    assert any(actor.startswith("os:") and action == "export" and subject == "email t***@example.org"
               for actor, action, subject in seen)
    assert ANA_EMAIL not in json.dumps(entries) and TOM_EMAIL not in json.dumps(entries)


def test_the_command_line_asks_before_erasing_and_then_says_what_went(conversations):
    pb = conversations
    declined = pb.command("privacy", "erase", "--conversation", pb.ids["pt_card"], stdin="n\n")
    assert declined.returncode == 1 and "Nothing was erased." in declined.stdout
    assert [e for e in pb.client.tracker(pb.ids["pt_card"])["events"] if e["event"] == "user"]
    done = pb.command("privacy", "erase", "--conversation", pb.ids["pt_card"], "--yes")
    assert done.returncode == 0, done.stderr
    assert "tracker store: conversations 1" in done.stdout and "shop records" in done.stdout
    assert [e for e in pb.client.tracker(pb.ids["pt_card"])["events"] if e["event"] == "user"] == []


def test_retention_on_the_command_line_with_a_later_clock(conversations):
    pb = conversations
    in_a_year = time.time() + 400 * 86400
    result = pb.command("privacy", "retain", "--now", str(in_a_year))
    assert result.returncode == 0, result.stderr
    assert "tracker store: conversations" in result.stdout
    # Tom's case is still open: his conversation stays; the pt one (erased) and the others are gone.
    assert [e for e in pb.client.tracker(pb.ids["tom_rest"])["events"] if e["event"] == "user"]
    assert pb.agent().case(pb.ids["tom_case"])["contact"] == TOM_EMAIL


def test_the_shop_page_shows_the_privacy_notice_with_the_shops_link(pb):
    page = http("GET", f"{pb.client.web_url}/?lang=en").body.decode()
    assert "This chat keeps what you write" in page and 'href="https://shop.example.com/privacy"' in page
    assert "Como tratamos os seus dados" in http("GET", f"{pb.client.web_url}/?lang=pt").body.decode()


# --- the customer asks about their data ------------------------------------------------------------

def test_what_do_you_do_with_my_data_is_answered_with_the_shops_days_and_link(pb):
    from bot.privacy import config

    days = config.load().retention
    sender = f"ask-{uuid.uuid4().hex[:8]}"
    assert pb.client.texts(sender, "what do you do with my data?") == [
        says("utter_data_privacy", "en", conversations_days=days.conversations_days, cases_days=days.cases_days),
        says("utter_data_privacy_link", "en", link=config.load().notice_link),
    ]


def test_delete_my_data_checks_who_asks_then_a_supervisor_gets_the_request(pb):
    sender = f"erase-me-{uuid.uuid4().hex[:8]}"
    first = pb.client.texts(sender, "quiero que borréis mis datos")
    assert first == [says("utter_erasure_verify_first", "es"), says("utter_ask_order_id", "es")]
    assert pb.client.texts(sender, "100955") == [says("utter_ask_contact", "es")]
    assert pb.client.texts(sender, "javier.ruiz@example.es") == [says("utter_erasure_request_opened", "es")]
    case = pb.agent().case_of(sender, "open")
    assert (case["reason"], case["status"], case["customer_name"], case["contact"]) == (
        "erasure_request", "ticket", "Javier Ruiz", "javier.ruiz@example.es")


def test_on_whatsapp_the_number_is_proof_enough_to_file_the_request(pb):
    joao = "5511987654321"  # João Silva's number in the demo shop
    pb.whatsapp(joao, "quero que apaguem os meus dados", name="João Silva")
    wait_until(lambda: says("utter_erasure_request_opened", "pt") in
               [m["text"]["body"] for m in pb.graph.messages_to(joao) if m.get("type") == "text"], message="the request")
    case = pb.agent().case_of(joao, "open")
    assert (case["reason"], case["customer_name"]) == ("erasure_request", "João Silva")


# --- the supervisors' page ---------------------------------------------------------------------------

def test_a_supervisor_erases_a_customer_from_the_privacy_page(pb):
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    supervisor = pb.agent()
    sender = f"page-{uuid.uuid4().hex[:8]}"
    pb.client.texts(sender, "hi, my email is emily.chen@example.com")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.add_init_script(f"sessionStorage.setItem('aurora_agent_token', {supervisor.token!r});"
                                 "localStorage.setItem('aurora_privacy_language', 'en');")
            page.goto(f"{pb.client.web_url}/agent/privacy")
            page.wait_for_selector("#audit tbody tr")
            assert page.locator("h1").inner_text() == "Privacy: customers' data"
            page.fill("#value", "emily.chen@example.com")
            page.click("#show")
            page.wait_for_selector("#download:not([hidden])")
            assert page.locator("#result-text").inner_text() == "emily.chen@example.com: 1 conversations and 0 cases."
            page.on("dialog", lambda dialog: dialog.accept())
            page.click("#erase")
            page.wait_for_selector("#result-stores li")
            assert page.locator("#result-text").inner_text() == "Erased email e***@example.com:"
            assert "bot conversations: conversations 1" in page.locator("#result-stores").inner_text()
            page.wait_for_function("document.querySelector('#audit tbody').innerText.includes('erased')")
        finally:
            browser.close()
    assert [e for e in pb.client.tracker(sender)["events"] if e["event"] == "user"] == []
