"""The agent console as a Spanish-speaking team uses it, in Debian's Chromium: the console speaks
the shop's language first and each agent's choice after; the queue puts a VIP who says it's urgent
first; a search by order number finds the customer; two agents each see the cases offered to them
(language and team); on a 390-px phone it is one column; axe-core finds no serious or critical
problem.

Only the web app runs here (no Rasa): the store is filled with tests/console_world.py's day of
cases. Ports 16381 (web). Screenshots: tests/artifacts/console_team_*.png.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bot.web.i18n import texts
from tests.browser import page_opener
from tests.conftest import PROJECT_ROOT, http
from bot.handoff.store import HandoffStore, NewMessage
from tests.console_world import PASSWORD, new_case, seed

pytestmark = pytest.mark.integration  # a server and a browser: not in `make check`

WEB_PORT = 16381
WEB = f"http://127.0.0.1:{WEB_PORT}"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ES, EN = texts("console", "es"), texts("console", "en")
TIMEOUT_MS = 20_000


def _answers(url: str) -> bool:
    try:
        return http("GET", url, timeout=2).status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def world_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('console_team') / 'handoff.db'}"


@pytest.fixture(scope="module")
def world(world_url):
    """The web app on a store holding the day's cases and the team (Lucía: es, returns; Tom: en,
    payments; Marta: supervisor)."""
    url = world_url
    workdir = Path(url.split("///", 1)[1]).parent
    cases = seed(url)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "WEB_PORT": str(WEB_PORT), "HANDOFF_DATABASE_URL": url,
           "SUPPORT_HOURS_FILE": str(PROJECT_ROOT / "tests" / "handoff" / "always_open.yml"), "RASA_URL": "http://127.0.0.1:9"}
    with socket.socket() as probe:  # a stray server on the port would answer in this one's place
        assert probe.connect_ex(("127.0.0.1", WEB_PORT)) != 0, f"port {WEB_PORT} is taken"
    with open(workdir / "web.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot.web"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while not _answers(f"{WEB}/healthz"):
                assert process.poll() is None and time.monotonic() < deadline, (workdir / "web.log").read_text()
                time.sleep(0.3)
            yield cases
        finally:
            process.terminate()
            process.wait(timeout=20)




@pytest.fixture
def new_page(browser):
    with page_opener(browser, TIMEOUT_MS, 1440, 900) as make:
        yield make


def screenshot(page: Page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console_team_{name}.png"), full_page=full_page)


def log_in(page: Page, username: str) -> None:
    page.goto(f"{WEB}/agent")
    page.wait_for_selector(f"#login-submit:has-text('{ES['login_submit']}')")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#app:not([hidden]) #queue .case")


def queue_names(page: Page) -> list:
    return [t.strip() for t in page.locator("#queue .case .customer").all_text_contents()]


def visible_text(page: Page) -> str:
    return page.evaluate("document.body.innerText")


# --- the agent's language ------------------------------------------------------------------------

def test_the_console_speaks_the_shops_language_first_then_the_agents_choice(world, new_page):
    page = new_page()
    log_in(page, "lucia")
    page.click(f"#queue .case[data-case-id='{world['vip']['id']}']")
    page.wait_for_selector("#context[data-case-id] #ctx-intents")
    screenshot(page, "es")
    shown = visible_text(page)
    assert page.get_attribute("html", "lang") == "es"
    assert page.text_content("#tab-open").startswith(ES["tab_open"]) and page.inner_text("#claim") == ES["claim"]
    assert "Ana García (VIP) ha pedido hablar con una persona. Escribe en español · Chat web." in shown
    assert ES["intent.order_status"] in page.inner_text("#ctx-intents")
    # no internal code and no English on a Spanish screen
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", shown), re.findall(r"\b[a-z]+_[a-z_]+\b", shown)
    for english in ("Claim", "Open", "Closed", "Log out", "asked for a person", "Customer", "Waiting", "TICKET", "API"):
        assert not re.search(rf"\b{english}\b", shown), english
    # times in the shop's time zone, relative where it helps
    assert re.search(r"\babierto hace \d+ min\b", page.inner_text("#case-meta")), page.inner_text("#case-meta")
    assert re.fullmatch(r"\d{2}:\d{2}", page.locator("#transcript .time").first.inner_text())

    # Lucía switches to English: everything follows, reasons and summaries written by the server too.
    page.select_option("#console-language", "en")
    page.wait_for_selector(f"#claim:has-text('{EN['claim']}')")
    page.wait_for_selector("#queue .case .summary:has-text('Writes in Spanish')")
    assert page.get_attribute("html", "lang") == "en"
    assert page.text_content("#tab-open").startswith(EN["tab_open"])
    assert "Ana García (VIP) asked for a person." in visible_text(page)
    assert re.search(r"\bopened \d+ min ago\b", page.inner_text("#case-meta"))
    screenshot(page, "en")

    # The choice belongs to her account: another browser gets it after login.
    other = new_page()
    log_in(other, "lucia")
    other.wait_for_selector(f"#tab-open:has-text('{EN['tab_open']}')")
    assert other.get_attribute("html", "lang") == "en"
    assert not page.errors and not other.errors


def test_the_login_form_can_be_read_in_english_before_signing_in(world, new_page):
    page = new_page()
    page.goto(f"{WEB}/agent")
    page.wait_for_selector(f"#login-view h1:has-text('{ES['login_title']}')")
    page.select_option("#console-language", "en")
    page.wait_for_selector(f"#login-view h1:has-text('{EN['login_title']}')")
    page.fill("#username", "tom")
    page.fill("#password", "not-his-password")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_have_text(EN["wrong_password"])
    screenshot(page, "login_en")
    page.reload()  # this device remembers the choice
    page.wait_for_selector(f"#login-view h1:has-text('{EN['login_title']}')")


# --- the queue -------------------------------------------------------------------------------------

def test_a_vip_who_says_it_is_urgent_is_first_and_a_search_by_order_number_finds_her(world, new_page):
    page = new_page()
    log_in(page, "jefa")  # a supervisor sees every case
    first = page.locator("#queue .case").first
    assert first.get_attribute("data-case-id") == str(world["vip"]["id"])
    assert first.get_attribute("data-priority") == "urgent" and first.get_attribute("data-live") == "true"
    assert first.locator(".priority").text_content() == ES["priority.urgent"]
    # the older tickets come after her, oldest first; her WhatsApp case is linked, not listed again
    assert queue_names(page)[1:6] == [f"Cliente Nocturno {i}" for i in range(5)]
    assert queue_names(page).count("Ana García") == 1
    assert first.locator(".linked").text_content() == ES["linked"].format(count=1)
    screenshot(page, "queue")
    first.click()  # her other open case is one click away
    page.click(f"#ctx-linked a[data-open-case='{world['vip_whatsapp']['id']}']")
    page.wait_for_selector(f"#case[data-case-id='{world['vip_whatsapp']['id']}']")
    assert page.inner_text("#case-title") == "Ana García"

    page.fill("#search", "#100234")
    expect(page.locator("#queue .case")).to_have_count(1)
    assert queue_names(page) == ["Ana García"]
    expect(page.locator("#announce")).to_have_text(ES["queue_found_one"])  # said to screen readers
    screenshot(page, "search")
    page.fill("#search", "ana garcía")  # a search lists each of her open cases
    expect(page.locator("#queue .case")).to_have_count(2)
    expect(page.locator("#announce")).to_have_text(ES["queue_found"].format(count=2))
    page.fill("#search", "600 111 222")  # her phone, as people type it
    expect(page.locator("#queue .case")).to_have_count(1)
    assert queue_names(page) == ["Ana García"]
    page.fill("#search", "")
    expect(page.locator("#queue .case")).to_have_count(8)

    page.click("#filters summary")
    page.select_option("#filter-language", "en")
    expect(page.locator("#queue .case")).to_have_count(1)
    assert queue_names(page) == ["Tom Baker"]
    assert not page.errors


def test_two_agents_see_the_cases_in_their_language_and_team_first(world, new_page):
    lucia, tom = new_page(), new_page()
    log_in(lucia, "lucia")
    log_in(tom, "tom")
    # both online now: each list follows language and team
    lucia.reload()
    lucia.wait_for_selector("#queue .case")
    tom.reload()
    tom.wait_for_selector("#queue .case")
    assert "Lucía Fernández" in queue_names(lucia) and "Tom Baker" not in queue_names(lucia)
    assert "Tom Baker" in queue_names(tom) and "Lucía Fernández" not in queue_names(tom)
    # nobody online handles Spanish shipping questions: Ana is offered to both
    assert "Ana García" in queue_names(lucia) and "Ana García" in queue_names(tom)
    screenshot(lucia, "routing_lucia")
    screenshot(tom, "routing_tom")


# --- phones and assistive technology -----------------------------------------------------------------

def test_on_a_390_px_phone_it_is_one_column_queue_then_case_then_context(world, new_page):
    page = new_page(390, 844, is_mobile=True, has_touch=True)
    log_in(page, "jefa")
    page.locator("#queue .case").first.click()
    page.wait_for_selector("#context[data-case-id] #ctx-customer")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    boxes = {name: page.locator(selector).bounding_box() for name, selector in
             [("queue", "#queue-pane"), ("case", "#case-pane"), ("context", "#context-pane")]}
    assert boxes["queue"]["y"] < boxes["case"]["y"] < boxes["context"]["y"]
    assert all(box["width"] <= 390 for box in boxes.values())
    assert page.is_visible("#back-to-queue")
    screenshot(page, "phone", full_page=True)


def axe_problems(page: Page) -> list:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact, "
                          "nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))")
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("language", ["es", "en"])
def test_axe_finds_no_serious_problem_on_the_console(world, new_page, language):
    page = new_page(bypass_csp=True)  # only so that the test can inject axe-core
    page.goto(f"{WEB}/agent")
    page.wait_for_selector("#login-form")
    problems = axe_problems(page)
    assert problems == [], problems
    log_in(page, "jefa")
    if language == "en":
        page.select_option("#console-language", "en")
        page.wait_for_selector(f"#tab-open:has-text('{EN['tab_open']}')")
    page.locator("#queue .case").first.click()
    page.wait_for_selector("#context[data-case-id] #ctx-customer")
    page.click("#filters summary")
    problems = axe_problems(page)
    screenshot(page, f"axe_{language}")
    assert problems == [], problems


# --- notice ------------------------------------------------------------------------------------------

# Records the desktop notifications the page shows (the agent has allowed them).
FAKE_NOTIFICATIONS = """
window.__notes = [];
window.Notification = class { constructor(title, options) { window.__notes.push({title, body: options.body}); } };
window.Notification.permission = 'granted';
window.Notification.requestPermission = async () => 'granted';
"""


def test_a_new_case_is_announced_and_unread_messages_are_counted(world, world_url, new_page):
    page = new_page()
    page.add_init_script(FAKE_NOTIFICATIONS)
    log_in(page, "jefa")
    page.wait_for_selector("#live-status[data-state='live']")
    words = texts("console", page.get_attribute("html", "lang"))  # whichever language she chose last
    assert page.is_hidden("#notify-toggle")  # already allowed: nothing to ask
    refund, payment = world["refund_es"]["id"], world["payment_en"]["id"]
    page.click(f"#queue .case[data-case-id='{refund}']")
    page.wait_for_selector(f"#case[data-case-id='{refund}']")
    page.click(f"#queue .case[data-case-id='{payment}']")
    page.wait_for_selector(f"#case[data-case-id='{payment}']")

    store = HandoffStore(world_url)
    store.add_message(refund, NewMessage(sender="customer", text="¿sigue ahí alguien?", timestamp=time.time(), event_key="unread-1"))
    unread = page.locator(f"#queue .case[data-case-id='{refund}'] .unread-count")
    expect(unread).to_have_text(f"1 {words['new_messages']}")
    # in the open case, what the customer writes is read out by screen readers
    store.add_message(payment, NewMessage(sender="customer", text="any news?", timestamp=time.time(), event_key="live-1"))
    expect(page.locator("#announce")).to_have_text(f"{words['sender.customer']}: any news?")

    new_case(store, conversation="new-pedro", name="Pedro Ruiz", customer_id="c09", language="es", text="mi paquete llegó roto")
    page.wait_for_selector("#queue .case:has-text('Pedro Ruiz')")
    expect(page.locator("body")).to_have_attribute("data-last-notified", re.compile(r"\d+"))
    notes = page.evaluate("window.__notes")
    assert notes and notes[-1]["title"] == words["notify_new_case"] and "Pedro Ruiz" in notes[-1]["body"], notes
    screenshot(page, "notified")
