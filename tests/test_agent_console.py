"""The agent console (/agent) in a real browser, against the real bot (`python -m bot run`):
a customer on the demo shop's widget asks for a person, an agent sees the case arrive live,
reads the transcript and the context, claims it, replies, sees the customer's next message live,
and hands the conversation back to the bot. Also: customer text stays inert; taking over another
agent's case asks first, and resolving closes it; a wrong password and too many attempts are
explained; a dead session leads back to the login form.

Debian's chromium driven by Playwright (no browser download). Ports 19500-19599 only.
Screenshots go to tests/artifacts/agent_console_*.png.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from typing import Callable, List, Optional

import pytest
from playwright.sync_api import Page

from bot.web.i18n import texts
from tests.conftest import PROJECT_ROOT, http, running_bot
from tests.expected import matches, says

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

RASA_PORT, ACTIONS_PORT, WEB_PORT = 19505, 19555, 19580
WEB = f"http://127.0.0.1:{WEB_PORT}"
AGENT, PASSWORD = "demo", "console-test-password"
OTHER_AGENT, OTHER_PASSWORD = "maria", "another-test-password"

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
TIMEOUT_MS = 30_000
TOKEN_KEY = "aurora_agent_token"  # static/console/api.js keeps the session token under this sessionStorage key
# The console speaks the shop's default language (Spanish for the demo shop) until an agent picks another.
ES = texts("console", "es")


# --- fixtures ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def console_bot(tmp_path_factory):
    """The whole bot in demo mode, support always open, the demo agent's password set, and a
    second agent (`python -m bot agent`) in the same handoff database."""
    workdir = tmp_path_factory.mktemp("console")
    with running_bot(workdir, RASA_PORT, ACTIONS_PORT, WEB_PORT=str(WEB_PORT),
                     BOT_DEMO_AGENT_PASSWORD=PASSWORD,
                     SUPPORT_HOURS_FILE=str(PROJECT_ROOT / "tests" / "handoff" / "always_open.yml")) as client:
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "AGENT_PASSWORD": OTHER_PASSWORD,
               "HANDOFF_DATABASE_URL": f"sqlite:///{workdir / 'handoff.db'}"}
        added = subprocess.run([sys.executable, "-m", "bot", "agent", OTHER_AGENT, "--name", "María"], cwd=PROJECT_ROOT,
                               env=env, capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added.stdout + added.stderr
        yield client




@pytest.fixture
def new_context(browser):
    """Fresh browser profiles (own storage): one per person in the test."""
    contexts = []

    def make():
        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
        ctx.set_default_timeout(TIMEOUT_MS)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


# --- helpers -----------------------------------------------------------------------------------------

def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _normalized(text: str) -> str:
    return " ".join(text.split())


def wait_until(page: Page, what, condition: Callable[[], bool], timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Polls `condition` (the page's CSP forbids wait_for_function's string predicates); `what`
    is a description, or a function returning one, for the failure message."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        page.wait_for_timeout(150)
    raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")


# the customer's side: the demo shop page's chat widget (rasa-webchat; see test_web_widget.py)

def bot_texts(page: Page) -> List[str]:
    return [_normalized(t) for t in page.locator(".rw-response").all_inner_texts()]


def open_chat(page: Page) -> None:
    page.wait_for_selector(".rw-launcher, .rw-conversation-container")
    if not page.locator(".rw-conversation-container").is_visible():
        page.click(".rw-launcher")
    page.wait_for_selector(".rw-new-message")


def customer_says(page: Page, text: str, then: Callable[[str], bool], what: str) -> None:
    """Sends `text` from the widget and waits for a new bot message for which `then` is true."""
    before = len(bot_texts(page))
    page.fill(".rw-new-message", text)
    page.click(".rw-send")
    wait_until(page, lambda: f"the bot's answer to {text!r}: {what} (it said {bot_texts(page)[before:]})",
               lambda: any(then(t) for t in bot_texts(page)[before:]))


def is_response(name: str, **values) -> Callable[[str], bool]:
    return lambda text: matches(text, name, "es", **values)


# the agent's side

def log_in(page: Page, password: str = PASSWORD) -> None:
    page.goto(f"{WEB}/agent")
    page.fill("#username", AGENT)
    page.fill("#password", password)
    page.click("#login-submit")


def case_of(page: Page, conversation_id: str) -> int:
    """The id of the conversation's case, as the API lists it, once it is in the page's queue."""
    token = page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    found: List[int] = []

    def listed() -> bool:
        answer = http("GET", f"{WEB}/api/cases?status=all", headers={"Authorization": f"Bearer {token}"})
        found[:] = [c["id"] for c in answer.json()["cases"] if c["conversation_id"] == conversation_id]
        return bool(found) and page.locator(f"#queue .case[data-case-id='{found[0]}']").count() == 1

    wait_until(page, f"a case for {conversation_id} in the queue", listed)
    return found[0]


def transcript(page: Page, sender: str) -> List[str]:
    return [_normalized(t) for t in page.locator(f"#transcript .item[data-sender='{sender}'] .text").all_inner_texts()]


# --- the whole hand-over ---------------------------------------------------------------------------

def test_agent_takes_over_a_live_conversation_and_hands_it_back(console_bot, new_context):
    agent_context = new_context()
    requested: List[str] = []
    agent_context.on("request", lambda request: requested.append(request.url))
    agent = agent_context.new_page()
    page_errors: List[str] = []
    agent.on("pageerror", lambda error: page_errors.append(str(error)))

    # The agent logs in first: with the live stream open, the agent counts as online.
    log_in(agent)
    agent.wait_for_selector("#app:not([hidden])")
    agent.wait_for_selector("#live-status[data-state='live']")
    assert AGENT in agent.inner_text("#agent-name")
    agent.evaluate("window.__not_reloaded = true")

    customer = new_context().new_page()
    customer.goto(f"{WEB}/?lang=es")
    open_chat(customer)
    customer_says(customer, "¿dónde está mi pedido 100234?", is_response("utter_ask_contact"), "asks for the email or phone")
    customer_says(customer, "ana.garcia@example.com", lambda t: "100234" in t and "SEUR" in t, "the order's status")
    customer_says(customer, "quiero hablar con una persona", is_response("utter_handoff_queued"), "queued for a person")

    # The case appears at the top of the queue without a reload.
    first = agent.locator("#queue .case").first
    agent.wait_for_selector("#queue .case:first-child:has-text('Ana García')")
    assert agent.evaluate("window.__not_reloaded") is True
    case_id = first.get_attribute("data-case-id")
    assert first.get_attribute("data-status") == "pending"
    assert first.get_attribute("data-priority") in ("urgent", "high", "normal")
    assert first.locator(".priority").text_content().strip() == ES[f"priority.{first.get_attribute('data-priority')}"]
    assert first.locator(".summary").inner_text().strip()
    screenshot(agent, "agent_console_queue")

    # The case: transcript and context.
    first.click()
    agent.wait_for_selector(f"#case[data-case-id='{case_id}']")
    agent.wait_for_selector(f"#context[data-case-id='{case_id}'] #ctx-tier[data-tier='vip']")
    assert agent.inner_text("#ctx-tier").strip() == "VIP"
    assert agent.get_attribute("#ctx-identity", "data-verified") == "true"
    assert "100234" in agent.inner_text("#ctx-lookups")
    said = transcript(agent, "customer")
    for text in ("¿dónde está mi pedido 100234?", "ana.garcia@example.com", "quiero hablar con una persona"):
        assert text in said, said
    assert transcript(agent, "bot"), "the bot's answers are in the transcript"
    assert agent.is_enabled("#claim") and agent.inner_text("#claim").strip() == ES["claim"]
    assert not agent.is_enabled("#reply-text") and not agent.is_enabled("#handback") and not agent.is_enabled("#resolve")

    # Claim, and reply with Enter.
    agent.click("#claim")
    agent.wait_for_selector("#case[data-mine='true'][data-status='assigned']")
    assert agent.is_enabled("#handback") and agent.is_enabled("#resolve") and not agent.is_enabled("#claim")
    # A canned reply goes into the box (for editing), not straight to the customer.
    agent.wait_for_selector("#canned:enabled")
    agent.select_option("#canned", index=1)
    assert agent.input_value("#reply-text").startswith("Hola, soy del equipo de Aurora Shop")
    reply = "Hola Ana, soy del equipo de soporte"
    agent.fill("#reply-text", reply)
    agent.press("#reply-text", "Enter")
    agent.wait_for_selector(f"#transcript .item[data-sender='agent']:has-text('{reply}')")
    assert agent.input_value("#reply-text") == ""
    wait_until(customer, "the agent's reply in the widget", lambda: reply in bot_texts(customer))
    screenshot(customer, "agent_console_customer_widget")

    # What the customer writes now reaches the agent live (the bot stays quiet).
    question = "¿me llegará antes del viernes?"
    bot_before = len(bot_texts(customer))
    customer.fill(".rw-new-message", question)
    customer.click(".rw-send")
    agent.wait_for_selector(f"#transcript .item[data-sender='customer']:has-text('{question}')")
    assert agent.evaluate("window.__not_reloaded") is True
    screenshot(agent, "agent_console_case")

    # An internal note stays in the console.
    agent.fill("#note-text", "Cliente VIP: seguimiento con SEUR")
    agent.click("#note-add")
    agent.wait_for_selector("#notes li.note:has-text('Cliente VIP: seguimiento con SEUR')")
    assert len(bot_texts(customer)) == bot_before, "the bot answered while the agent owned the case"

    # Hand back, once confirmed: the bot answers the next question again.
    agent.click("#handback")
    agent.wait_for_selector("#confirm-dialog[open]")
    assert agent.inner_text("#confirm-text") == ES["confirm_handback"]
    agent.click("#confirm-ok")
    agent.wait_for_selector(f"#case[data-case-id='{case_id}'][data-status='handed_back']")
    agent.wait_for_selector(f"#queue .case[data-case-id='{case_id}']", state="detached")
    assert not agent.is_enabled("#reply-text")
    customer_says(customer, "¿cuánto cuesta el envío?", lambda t: t == _normalized(says("utter_faq/shipping_cost", "es")),
                  "the shipping-cost FAQ")

    agent.click("#tab-closed")
    agent.wait_for_selector(f"#queue[data-status='closed'] .case[data-case-id='{case_id}'][data-status='handed_back']")
    screenshot(agent, "agent_console_closed")

    # Nothing came from another host, and the page threw nothing.
    outside = [u for u in requested if not u.startswith((WEB, "data:"))]
    assert not outside, outside
    assert not page_errors, page_errors


# --- customer text stays inert ---------------------------------------------------------------------

XSS = "<script>window.__xss=1</script><b>x</b><img src=x onerror=\"window.__xss=2\">"


def test_customer_text_is_shown_literally(console_bot, new_context):
    agent = new_context().new_page()
    log_in(agent)
    agent.wait_for_selector("#live-status[data-state='live']")

    sender = f"console-xss-{time.monotonic_ns()}"
    console_bot.say(sender, XSS)
    console_bot.say(sender, "quiero hablar con una persona")
    case_id = case_of(agent, sender)

    agent.click(f"#queue .case[data-case-id='{case_id}']")  # it arrived live
    agent.wait_for_selector(f"#case[data-case-id='{case_id}'] #transcript .item[data-sender='customer']")
    assert XSS in transcript(agent, "customer")
    assert agent.evaluate("typeof window.__xss") == "undefined"
    assert agent.locator("#transcript b, #transcript img, #transcript script").count() == 0
    screenshot(agent, "agent_console_inert_text")


# --- two agents ----------------------------------------------------------------------------------------

def api_as(username: str, password: str) -> Callable[..., object]:
    token = http("POST", f"{WEB}/api/auth/login", json.dumps({"username": username, "password": password}).encode(),
                 {"Content-Type": "application/json"}).json()["token"]

    def call(method: str, path: str, body: Optional[dict] = None):
        return http(method, f"{WEB}{path}", json.dumps(body).encode() if body is not None else None,
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    return call


def test_taking_over_another_agents_case_is_confirmed_then_resolved(console_bot, new_context):
    agent = new_context().new_page()
    log_in(agent)
    agent.wait_for_selector("#live-status[data-state='live']")
    sender = f"console-takeover-{time.monotonic_ns()}"
    console_bot.say(sender, "quiero hablar con una persona")
    case_id = case_of(agent, sender)
    agent.click(f"#queue .case[data-case-id='{case_id}']")
    agent.wait_for_selector(f"#case[data-case-id='{case_id}'][data-status='pending']")

    # Another agent claims it: the console shows it live, and offers a take-over instead.
    maria = api_as(OTHER_AGENT, OTHER_PASSWORD)
    assert maria("POST", f"/api/cases/{case_id}/claim", {}).status == 200
    agent.wait_for_selector(f"#case[data-case-id='{case_id}'][data-agent='{OTHER_AGENT}'][data-mine='false']")
    agent.wait_for_selector(f"#queue .case[data-case-id='{case_id}'][data-agent='{OTHER_AGENT}']")
    assert agent.inner_text("#claim").strip() == ES["take_over"]
    assert not agent.is_enabled("#reply-text") and not agent.is_enabled("#resolve")

    agent.click("#claim")
    agent.wait_for_selector("#confirm-dialog[open]")
    assert "María" in agent.inner_text("#confirm-text")  # the other agent, by name
    agent.click("#confirm-cancel")
    agent.wait_for_selector("#confirm-dialog:not([open])", state="attached")
    assert agent.get_attribute("#case", "data-agent") == OTHER_AGENT

    agent.click("#claim")
    agent.click("#confirm-ok")
    agent.wait_for_selector(f"#case[data-case-id='{case_id}'][data-mine='true']")
    screenshot(agent, "agent_console_taken_over")
    # the other agent can't write to the customer any more
    refused = maria("POST", f"/api/cases/{case_id}/messages", {"text": "hola"})
    assert refused.status == 409, refused

    agent.click("#resolve")
    agent.wait_for_selector("#confirm-dialog[open]")
    agent.click("#confirm-ok")
    agent.wait_for_selector(f"#case[data-case-id='{case_id}'][data-status='resolved']")
    agent.wait_for_selector("#notice[data-kind='success']:not([hidden])")
    assert not agent.is_enabled("#claim") and not agent.is_enabled("#resolve") and not agent.is_enabled("#reply-text")
    agent.click("#tab-closed")
    agent.wait_for_selector(f"#queue[data-status='closed'] .case[data-case-id='{case_id}'][data-status='resolved']")

    agent.click("#logout")
    agent.wait_for_selector(f"#login-error:has-text('{ES['signed_out']}')")
    assert agent.is_hidden("#app") and agent.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})") is None


# --- logging in ---------------------------------------------------------------------------------------

def test_wrong_password_and_too_many_attempts_are_explained(console_bot, new_context):
    page = new_context().new_page()
    log_in(page, password="not-the-password")
    page.wait_for_selector("#login-error:not([hidden])")
    assert page.inner_text("#login-error").strip() == ES["wrong_password"]
    assert page.is_visible("#login-form") and page.is_hidden("#app")
    screenshot(page, "agent_console_login_error")

    # An unknown name gets the same answer, then a lock-out with the time to wait ("2 minutos").
    locked_out = re.compile(re.escape(ES["too_many_attempts"]).replace(re.escape("{wait}"), r"\d+ \w+"))
    page.fill("#username", "intruder")
    for _ in range(10):
        page.fill("#password", "guess")
        page.click("#login-submit")
        wait_until(page, "the answer to a login",
                   lambda: page.is_enabled("#login-submit") or locked_out.search(page.inner_text("#login-error")))
        if locked_out.search(page.inner_text("#login-error")):
            break
    text = page.inner_text("#login-error")
    assert locked_out.fullmatch(text.strip()), text
    assert page.is_disabled("#login-submit")


def test_a_dead_session_leads_back_to_the_login_form(console_bot, new_context):
    # A token the server doesn't know, already in sessionStorage when the page opens.
    context = new_context()
    context.add_init_script(f"sessionStorage.setItem({TOKEN_KEY!r}, 'not-a-session-token')")
    page = context.new_page()
    page.goto(f"{WEB}/agent")
    page.wait_for_selector("#login-form")
    page.wait_for_selector(f"#login-error:has-text('{ES['session_expired']}')")
    assert page.is_hidden("#app")
    assert page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})") is None

    # A session that ends while the console is open (logged out elsewhere): the next call says so.
    page = new_context().new_page()
    log_in(page)
    page.wait_for_selector("#app:not([hidden])")
    token = page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    assert http("POST", f"{WEB}/api/auth/logout", headers={"Authorization": f"Bearer {token}"}).status == 204
    page.click("#tab-closed")
    page.wait_for_selector("#login-form:visible")
    assert ES["session_expired"] in page.inner_text("#login-error")
    screenshot(page, "agent_console_session_expired")
