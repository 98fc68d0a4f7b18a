"""The website widget in a real browser (Debian's chromium driven by Playwright): the demo shop
page, the embed snippet on another site, socket.io with session persistence, the language and
the signed customer token in customData, the allowed origins, and the demo token route.

Ports 18000-18999 only (other test runs use 15005-15355 and 17000-17999). Screenshots go to
tests/artifacts/.
"""
from __future__ import annotations

import contextlib
import html
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import List

import pytest

from bot.shop import customer_token
from tests.conftest import PROJECT_ROOT, SIGNING_SECRET, http, running_bot
from tests.expected import says

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

RASA_PORT, ACTIONS_PORT, WEB_PORT = 18005, 18055, 18080
OTHER_SHOP_PORT = 18081  # a shop's own site that embeds the widget: allowed
STRANGER_PORT = 18082  # a site that is not allowed to open the socket
STANDALONE_WEB_PORT = 18090  # the web app alone, not in demo mode
WEB = f"http://127.0.0.1:{WEB_PORT}"
RASA = f"http://127.0.0.1:{RASA_PORT}"
ALLOWED_ORIGINS = f"http://localhost:{WEB_PORT},{WEB},http://127.0.0.1:{OTHER_SHOP_PORT}"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
REPLY_TIMEOUT_S = 30

# What a shop pastes into its pages (the README's snippet), with the token its server signs.
EMBED_SNIPPET = '<script src="{web}/embed.js" async data-customer-token="{token}"></script>'


def _normalized(text: str) -> str:
    return " ".join(text.split())


def bot_texts(page) -> List[str]:
    return [_normalized(t) for t in page.locator(".rw-response").all_inner_texts()]


def wait_for_reply(page, expected: str, timeout_s: float = REPLY_TIMEOUT_S) -> None:
    expected = _normalized(expected)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if expected in bot_texts(page):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"the bot never said {expected!r}; it said {bot_texts(page)}")


def open_chat(page) -> None:
    page.wait_for_selector(".rw-launcher, .rw-conversation-container", timeout=REPLY_TIMEOUT_S * 1000)
    if not page.locator(".rw-conversation-container").is_visible():
        page.click(".rw-launcher")
    page.wait_for_selector(".rw-new-message", timeout=REPLY_TIMEOUT_S * 1000)


def send(page, text: str) -> None:
    page.fill(".rw-new-message", text)
    page.click(".rw-send")


def session_id(page) -> str:
    stored = page.evaluate("window.localStorage.getItem('chat_session')")
    assert stored, "the widget keeps no session in localStorage"
    return json.loads(stored)["session_id"]


def user_texts(tracker: dict) -> List[str]:
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture(scope="module")
def web_bot(tmp_path_factory):
    """The whole bot (`python -m bot run`: actions, Rasa, web app) in demo mode."""
    with running_bot(tmp_path_factory.mktemp("web"), RASA_PORT, ACTIONS_PORT,
                     WEB_PORT=str(WEB_PORT), BOT_ALLOWED_ORIGINS=ALLOWED_ORIGINS) as client:
        yield client




@pytest.fixture
def context(browser):
    """A fresh browser profile (its own localStorage) for each test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    yield ctx
    ctx.close()


# --- the demo page ---------------------------------------------------------------------------------

def test_demo_page_greets_answers_and_quick_replies_work(web_bot, context):
    requested: List[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(f"{WEB}/")
    assert "Aurora" in page.locator("header").inner_text()
    open_chat(page)
    wait_for_reply(page, says("utter_greet", "es"))
    assert page.locator(".rw-reply").all_inner_texts()[:3] == ["Dónde está mi pedido", "Devoluciones", "Hablar con alguien"]

    # quick replies are clickable (the widget shows them under the latest bot message only)
    page.locator(".rw-reply", has_text="Devoluciones").first.click()
    wait_for_reply(page, says("utter_return_policy", "es"))

    send(page, "¿cuánto cuesta el envío?")
    wait_for_reply(page, says("utter_faq/shipping_cost", "es"))
    assert "¿cuánto cuesta el envío?" in page.locator(".rw-client").all_inner_texts()
    screenshot(page, "demo_page_conversation")

    # The widget and its script come from the web app, the conversation from the Rasa server:
    # nothing is fetched from a CDN or any other host.
    outside = [u for u in requested if not u.startswith((WEB, RASA, "data:"))]
    assert not outside, outside
    assert any(u.startswith(f"{WEB}/static/webchat.js") for u in requested)
    tracker = web_bot.tracker(session_id(page))
    assert tracker["slots"]["language"] == "es"
    assert user_texts(tracker) == ["/greet", "/return_policy", "¿cuánto cuesta el envío?"]


def test_reload_and_second_tab_continue_the_same_conversation(web_bot, context):
    page = context.new_page()
    page.goto(f"{WEB}/")
    open_chat(page)
    wait_for_reply(page, says("utter_greet", "es"))
    send(page, "¿cuánto cuesta el envío?")
    wait_for_reply(page, says("utter_faq/shipping_cost", "es"))
    first_session = session_id(page)

    page.reload()
    open_chat(page)
    # the earlier messages are still there, and the widget didn't greet again
    wait_for_reply(page, says("utter_faq/shipping_cost", "es"))
    assert bot_texts(page).count(_normalized(says("utter_greet", "es"))) == 1
    send(page, "¿qué formas de pago aceptáis?")
    wait_for_reply(page, says("utter_faq/payment_methods", "es"))
    assert session_id(page) == first_session
    screenshot(page, "after_reload")

    second_tab = context.new_page()
    second_tab.goto(f"{WEB}/")
    open_chat(second_tab)
    wait_for_reply(second_tab, says("utter_faq/payment_methods", "es"))
    send(second_tab, "¿cuál es vuestro horario de atención?")
    wait_for_reply(second_tab, says("utter_faq/support_hours", "es"))
    assert session_id(second_tab) == first_session
    screenshot(second_tab, "second_tab")

    tracker = web_bot.tracker(first_session)
    assert user_texts(tracker) == [
        "/greet", "¿cuánto cuesta el envío?", "¿qué formas de pago aceptáis?", "¿cuál es vuestro horario de atención?",
    ]


def test_the_page_language_reaches_the_bot(web_bot, context):
    page = context.new_page()
    page.goto(f"{WEB}/?lang=pt")
    assert page.evaluate("document.documentElement.lang") == "pt"
    open_chat(page)
    wait_for_reply(page, says("utter_greet", "pt"))
    screenshot(page, "portuguese")
    tracker = web_bot.tracker(session_id(page))
    assert tracker["slots"]["language"] == "pt"
    assert tracker["slots"]["session_started_metadata"]["language"] == "pt"


def test_demo_log_in_passes_a_signed_token_and_log_out_starts_afresh(web_bot, context):
    page = context.new_page()
    page.goto(f"{WEB}/")
    open_chat(page)
    wait_for_reply(page, says("utter_greet", "es"))
    anonymous_session = session_id(page)

    with page.expect_navigation():
        page.click("#demo-login")  # logs in and reloads: a new conversation as Ana
    assert "Ana García" in page.locator("#demo-login").inner_text()
    open_chat(page)
    wait_for_reply(page, says("utter_greet", "es"))
    ana_session = session_id(page)
    assert ana_session != anonymous_session
    send(page, "¿dónde está mi pedido?")
    wait_for_reply(page, says("utter_ask_which_order", "es"))
    replies = page.locator(".rw-reply").all_inner_texts()
    assert any(r.startswith("#100234") for r in replies) and any(r.startswith("#100235") for r in replies), replies
    screenshot(page, "logged_in_as_ana")
    tracker = web_bot.tracker(ana_session)
    assert tracker["slots"]["customer_id"] == "c01"
    assert customer_token.customer_id_from(tracker["slots"]["session_started_metadata"]["customer_token"], SIGNING_SECRET) == "c01"

    with page.expect_navigation():
        page.click("#demo-login")  # logs out: Ana's conversation isn't shown to the next person
    open_chat(page)
    wait_for_reply(page, says("utter_greet", "es"))
    assert session_id(page) not in (ana_session, anonymous_session)
    assert _normalized(says("utter_ask_which_order", "es")) not in bot_texts(page)
    assert not web_bot.tracker(session_id(page))["slots"].get("customer_id")


# --- the embed snippet on another site, and the allowed origins -----------------------------------------

class _ShopSite(BaseHTTPRequestHandler):
    """A shop's own page with the embed snippet; ?token= is what the shop's server signed."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        snippet = EMBED_SNIPPET.format(web=WEB, token=html.escape(query.get("token", [""])[0]))
        body = f'<!doctype html><html lang="es"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Mi tienda</title></head><body><h1>Mi tienda</h1>{snippet}</body></html>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def shop_site(port: int):
    server = ThreadingHTTPServer(("127.0.0.1", port), _ShopSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def test_embed_snippet_on_an_allowed_shop_site_with_its_signed_token(web_bot, context):
    token = customer_token.sign("c01", SIGNING_SECRET)
    with shop_site(OTHER_SHOP_PORT):
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{OTHER_SHOP_PORT}/?token={token}")
        open_chat(page)
        wait_for_reply(page, says("utter_greet", "es"))
        screenshot(page, "embedded_on_a_shop_site")
        assert web_bot.tracker(session_id(page))["slots"]["customer_id"] == "c01"


def test_a_forged_token_from_the_page_is_ignored(web_bot, context):
    forged = customer_token.sign("c01", "not-the-shops-secret-but-long-enough-to-sign")
    with shop_site(OTHER_SHOP_PORT):
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{OTHER_SHOP_PORT}/?token={forged}")
        open_chat(page)
        wait_for_reply(page, says("utter_greet", "es"))
        send(page, "¿dónde está mi pedido?")
        wait_for_reply(page, says("utter_ask_order_id", "es"))
        assert not web_bot.tracker(session_id(page))["slots"].get("customer_id")


def test_a_page_from_a_disallowed_origin_cannot_open_the_socket(web_bot, context):
    refused, answered = [], []
    context.on("requestfailed", lambda r: "/socket.io/" in r.url and refused.append(r.url))
    context.on("response", lambda r: "/socket.io/" in r.url and answered.append(r.url))
    with shop_site(STRANGER_PORT):
        page = context.new_page()
        page.goto(f"http://localhost:{STRANGER_PORT}/")
        page.wait_for_function("window.WebChat !== undefined", timeout=REPLY_TIMEOUT_S * 1000)
        deadline = time.monotonic() + 15
        while len(refused) < 2 and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        screenshot(page, "disallowed_origin")
        # the handshake gets a 400 without CORS headers: the browser blocks it, retries, never connects
        assert len(refused) >= 2 and not answered, (refused, answered)
        assert bot_texts(page) == []
        assert page.evaluate("window.localStorage.getItem('chat_session')") in (None, "") or \
            json.loads(page.evaluate("window.localStorage.getItem('chat_session')")).get("session_id") is None


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_socket_handshake_checks_the_origin(web_bot, transport):
    url = f"{RASA}/socket.io/?EIO=4&transport={transport}"
    headers = {} if transport == "polling" else {
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    refused = http("GET", url, headers={**headers, "Origin": "http://evil.example"})
    assert refused.status in (400, 403), refused
    if transport == "polling":
        allowed = http("GET", url, headers={"Origin": WEB})
        assert allowed.status == 200 and allowed.body.startswith(b"0{"), allowed


def test_an_allowed_shop_site_gets_cors_headers(web_bot):
    request = urllib.request.Request(f"{RASA}/socket.io/?EIO=4&transport=polling", headers={"Origin": f"http://127.0.0.1:{OTHER_SHOP_PORT}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == f"http://127.0.0.1:{OTHER_SHOP_PORT}"


# --- the web app's routes ---------------------------------------------------------------------------

def test_web_app_health_widget_and_demo_token_in_demo_mode(web_bot):
    assert http("GET", f"{WEB}/healthz").status == 200
    widget = http("GET", f"{WEB}/static/webchat.js")
    assert widget.status == 200 and b"WebChat" in widget.body and b"fonts.googleapis.com" not in widget.body
    issued = http("GET", f"{WEB}/demo/customer-token?customer=c01")
    assert issued.status == 200
    assert customer_token.customer_id_from(issued.json()["token"], SIGNING_SECRET) == "c01"
    assert http("GET", f"{WEB}/demo/customer-token?customer=nobody").status == 404


@contextlib.contextmanager
def standalone_web_app(tmp_path: Path, **env_overrides: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "WEB_", "BOT_"))}
    env.update(PYTHONPATH=str(PROJECT_ROOT), WEB_PORT=str(STANDALONE_WEB_PORT), **env_overrides)
    log_path = tmp_path / "web.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot.web"], cwd=PROJECT_ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while http_status(f"http://127.0.0.1:{STANDALONE_WEB_PORT}/healthz") != 200:
                assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.3)
            yield f"http://127.0.0.1:{STANDALONE_WEB_PORT}"
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def http_status(url: str) -> int:
    try:
        return http("GET", url, timeout=2).status
    except OSError:
        return 0


@pytest.mark.parametrize("env", [
    pytest.param({"SHOP_DATABASE_URL": "sqlite:///var/not-the-demo-shop.db", "SHOP_SIGNING_SECRET": SIGNING_SECRET}, id="real-shop"),
    pytest.param({}, id="demo-shop-without-secret"),
])
def test_no_demo_token_route_outside_demo_mode(tmp_path, env):
    with standalone_web_app(tmp_path, **env) as web:
        assert http("GET", f"{web}/demo/customer-token?customer=c01").status == 404
        page = http("GET", f"{web}/")
        assert page.status == 200 and b"Aurora" in page.body
        assert not re.search(rb'id="demo-login"', page.body)
