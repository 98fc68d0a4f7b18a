"""The console and the customer's widget together, on the real bot (`python -m bot run`), in
Spanish and in English: a customer waiting for a person asks an FAQ; the agent sees the bot's own
answer as a suggestion, inserts it with one click and sends it (an order's tracking link too); the customer's widget shows the
agent's name on the message and in the header, and the time on every message; a status the agent
sets ("waiting for you") reaches the customer in their language. The transcript
never shows a payload ("/greet"). axe-core finds no serious or critical problem on the shop page.

Debian's chromium through Playwright. Ports: Rasa 16305, actions 16355, web 16380.
Screenshots: tests/artifacts/console_live_*.png.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from typing import Callable, List

import pytest
from playwright.sync_api import Page, expect

from bot.web.i18n import texts
from tests.browser import page_opener
from tests.conftest import PROJECT_ROOT, running_bot
from tests.expected import matches, says

pytestmark = pytest.mark.integration  # real servers and a browser: not in `make check`

RASA_PORT, ACTIONS_PORT, WEB_PORT = 16305, 16355, 16380
WEB = f"http://127.0.0.1:{WEB_PORT}"
PASSWORD = "console-live-password"
AGENTS = {"es": ("lucia", "Lucía", "es", "returns,general"), "en": ("tom", "Tom", "en", "payments,general")}
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDGET = {language: words for language, words in __import__("yaml").safe_load(
    (PROJECT_ROOT / "shop" / "web_texts.yml").read_text("utf-8"))["widget"].items()}
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def live_bot(tmp_path_factory):
    """The whole bot, support always open, and two agents (`python -m bot agent`): Lucía answers
    in Spanish, Tom in English."""
    workdir = tmp_path_factory.mktemp("console_live")
    with running_bot(workdir, RASA_PORT, ACTIONS_PORT, WEB_PORT=str(WEB_PORT), BOT_DEMO_AGENT_PASSWORD="demo-" + PASSWORD,
                     SUPPORT_HOURS_FILE=str(PROJECT_ROOT / "tests" / "handoff" / "always_open.yml")) as client:
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "AGENT_PASSWORD": PASSWORD,
               "HANDOFF_DATABASE_URL": f"sqlite:///{workdir / 'handoff.db'}"}
        for username, name, languages, teams in AGENTS.values():
            added = subprocess.run([sys.executable, "-m", "bot", "agent", username, "--name", name, "--languages", languages,
                                    "--teams", teams], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
            assert added.returncode == 0, added.stdout + added.stderr
        yield client




@pytest.fixture
def new_page(browser):
    with page_opener(browser, TIMEOUT_MS, 1280, 860) as make:
        yield make


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console_live_{name}.png"))


def wait_until(page: Page, what: str, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(150)


def normalized(text: str) -> str:
    return " ".join(text.split())


def bot_texts(page: Page) -> List[str]:
    return [normalized(t) for t in page.locator(".rw-response").all_inner_texts()]


def open_chat(page: Page, language: str) -> None:
    page.goto(f"{WEB}/?lang={language}")
    page.wait_for_selector(".rw-launcher, .rw-conversation-container")
    if not page.locator(".rw-conversation-container").is_visible():
        page.click(".rw-launcher")
    page.wait_for_selector(".rw-new-message")


def customer_says(page: Page, text: str, then: Callable[[str], bool] = None, what: str = "") -> None:
    before = len(bot_texts(page))
    page.fill(".rw-new-message", text)
    page.click(".rw-send")
    if then is not None:
        wait_until(page, f"the bot's answer to {text!r}: {what}", lambda: any(then(t) for t in bot_texts(page)[before:]))


def log_in(page: Page, language: str) -> None:
    username = AGENTS[language][0]
    page.goto(f"{WEB}/agent")
    page.wait_for_selector("#login-form")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#live-status[data-state='live']")
    if page.get_attribute("html", "lang") != language:
        page.select_option("#console-language", language)
    page.wait_for_selector(f"html[lang='{language}']", state="attached")


@pytest.mark.parametrize("language, question, faq", [
    ("es", "¿cuánto cuesta el envío?", "utter_faq/shipping_cost"),
    ("en", "what payment methods do you accept?", "utter_faq/payment_methods"),
])
def test_the_bots_answer_is_suggested_inserted_and_sent_with_the_agents_name(live_bot, new_page, language, question, faq):
    console = texts("console", language)
    username, name = AGENTS[language][:2]
    agent = new_page()
    log_in(agent, language)  # with the console open the agent counts as online: the customer is queued

    customer = new_page()
    open_chat(customer, language)
    if language == "es":  # an order the bot looked up: its facts are one click away in the console
        customer_says(customer, "¿dónde está mi pedido 100234?", lambda t: matches(t, "utter_ask_contact", "es"), "asks for the email")
        customer_says(customer, "ana.garcia@example.com", lambda t: "100234" in t and "SEUR" in t, "the order's status")
    customer_says(customer, {"es": "quiero hablar con una persona", "en": "I want to talk to a person"}[language],
                  lambda t: matches(t, "utter_handoff_queued", language), "queued for a person")
    customer_says(customer, question)  # the bot stays quiet: it reaches the agent

    case = agent.locator("#queue .case[data-status='pending']").first
    case.wait_for()
    case.click()
    agent.wait_for_selector(f"#transcript .item[data-sender='customer']:has-text('{question}')")
    shown = agent.locator("#transcript .item .text").all_inner_texts()
    assert not [t for t in shown if t.startswith("/")], shown  # no payload such as /greet

    agent.click("#claim")
    agent.wait_for_selector("#case[data-mine='true']")
    wait_until(customer, "the agent joined", lambda: any(matches(t, "utter_agent_joined", language, agent_name=name) for t in bot_texts(customer)))
    if language == "es":
        fact = agent.locator("#ctx-lookups .insert-fact").first
        link = fact.get_attribute("data-insert")
        assert link.startswith("http")
        fact.click()
        assert agent.input_value("#reply-text") == link
        agent.fill("#reply-text", "")
    suggestion = agent.locator("#suggestions .suggestion[data-source='bot']")
    expect(suggestion).to_contain_text(console["suggestion_bot"])
    screenshot(agent, f"{language}_suggestion")
    suggestion.click()
    answer = says(faq, language)
    assert normalized(agent.input_value("#reply-text")) == normalized(answer)
    agent.press("#reply-text", "Enter")
    agent.wait_for_selector("#transcript .item[data-sender='agent']")

    # The customer sees the answer, from the agent by name, with the time; the header names the agent.
    wait_until(customer, "the agent's answer in the widget", lambda: normalized(answer) in bot_texts(customer))
    expect(customer.locator(".rw-header .rw-title")).to_have_text(name)
    expect(customer.locator(".rw-header .rw-title + span")).to_have_text(WIDGET[language]["agent_subtitle"])
    dates = [normalized(t) for t in customer.locator(".rw-message-date").all_inner_texts()]
    assert any(re.fullmatch(rf"{name} · \d{{1,2}}:\d{{2}}( [AP]M)?", d) for d in dates), dates
    assert all(re.search(r"\d{1,2}:\d{2}", d) for d in dates) and len(dates) >= 3, dates
    screenshot(customer, f"{language}_widget")
    assert not agent.errors and not customer.errors

    # The agent sets the case's status: the customer is told, in their language.
    agent.select_option("#case-stage", "waiting_customer")
    expect(agent.locator("#notice")).to_contain_text(console["notice_stage_told"])
    told = normalized(says("utter_case_stage_waiting_customer", language))
    wait_until(customer, "the new status in the widget", lambda: told in bot_texts(customer))

    # Resolved (after a confirmation): the header is the shop's again when the bot speaks.
    agent.click("#resolve")
    agent.click("#confirm-ok")
    agent.wait_for_selector("#case[data-status='resolved']")
    wait_until(customer, "the rating question", lambda: any(matches(t, "utter_ask_csat", language) for t in bot_texts(customer)))
    expect(customer.locator(".rw-header .rw-title")).to_have_text(WIDGET[language]["title"])


def test_axe_finds_no_serious_problem_on_the_shop_page_with_the_chat_open(live_bot, new_page):
    page = new_page(bypass_csp=True)  # only so that the test can inject axe-core
    open_chat(page, "es")
    page.wait_for_selector(".rw-response")
    page.wait_for_selector(".rw-message-date")  # the times are judged too
    # the chat slides open: colours are judged once it has settled
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact, "
                          "nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))")
    problems = [v for v in found if v["impact"] in ("serious", "critical")]
    screenshot(page, "shop_axe")
    assert problems == [], problems
