"""Insights end to end, on a real bot (Rasa, actions, web app) with its own stores: customers talk
over REST in es/en/pt (an FAQ with a goodbye, a handoff an agent resolves, a message nobody
understands, a goodbye), answer NPS and effort (tapped and typed); then the API, the CLI (JSON and CSV) and the page's data give
the same figures, and they match what happened. Only supervisors see them."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta

import pytest

from tests.agent_client import AgentClient
from tests.conftest import PROJECT_ROOT, http, running_bot
from tests.expected import says

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

RASA_PORT, ACTIONS_PORT, WEB_PORT = 16205, 16255, 16280
AGENT_PASSWORD = "insights-demo-password-for-tests"
PLAIN_PASSWORD = "insights-plain-agent-password"
ACTION_SECRET = "insights-test-action-secret-0123456789"
# Today in any timezone is inside this range.
FIRST, LAST = (date.today() - timedelta(days=1)).isoformat(), (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The bot, after the scripted conversations; NPS asked after every conversation."""
    workdir = tmp_path_factory.mktemp("insights-bot")
    shutil.copy(PROJECT_ROOT / "tests" / "handoff" / "always_open.yml", workdir / "support.yml")
    (workdir / "insights.yml").write_text("currency: EUR\nagent_cost_per_hour: 30\nbot_cost_per_conversation: 0.1\n"
                                          "nps: {sampling_rate: 1.0, quiet_days: 30}\n")
    env = dict(WEB_PORT=str(WEB_PORT), BOT_DEMO_AGENT_PASSWORD=AGENT_PASSWORD, ACTION_SERVER_SECRET=ACTION_SECRET,
               SUPPORT_HOURS_FILE=str(workdir / "support.yml"), INSIGHTS_FILE=str(workdir / "insights.yml"))
    with running_bot(workdir, RASA_PORT, ACTIONS_PORT, **env) as client:
        stores = dict(os.environ, TRACKER_DB=str(workdir / "tracker.db"), PYTHONPATH=str(PROJECT_ROOT),
                      HANDOFF_DATABASE_URL=f"sqlite:///{workdir / 'handoff.db'}", **env)
        subprocess.run([sys.executable, "-m", "bot", "agent", "plain", "--name", "Plain"], cwd=PROJECT_ROOT, check=True,
                       env=dict(stores, AGENT_PASSWORD=PLAIN_PASSWORD), capture_output=True)
        supervisor = AgentClient(client.web_url, "demo", AGENT_PASSWORD).log_in()
        yield {"client": client, "agent": supervisor, "env": stores, "transcripts": play(client, supervisor)}


def play(client, agent) -> dict:
    """The four conversations; what each customer saw, by name."""
    seen = {}
    es = lambda text: client.texts("ins-es", text, {"language": "es"})  # noqa: E731
    seen["es_faq"] = es("hola") + es("¿cuánto cuesta el envío?")
    seen["es_bye"] = es("adiós")
    seen["es_nps"] = es('/rate_support{"nps_score": "10"}')
    seen["es_effort"] = es('/rate_support{"effort_score": "5"}')
    seen["es_bye_again"] = es("adiós")  # asked minutes ago: not again

    en = lambda text: client.texts("ins-en", text, {"language": "en"})  # noqa: E731
    en("how much is shipping?")
    en("I want to talk to a person")
    case = agent.case_of("ins-en")
    agent.ok("POST", f"/api/cases/{case['id']}/claim")
    agent.ok("POST", f"/api/cases/{case['id']}/messages", {"text": "Hi, I'm on it."}, status=201)
    agent.ok("POST", f"/api/cases/{case['id']}/resolve")
    seen["en_csat"] = en('/rate_support{"csat_score": "2"}')
    seen["en_nps"] = en('/rate_support{"nps_score": "3"}')
    seen["en_effort"] = en('/rate_support{"effort_score": "2"}')
    seen["case_id"] = case["id"]

    seen["pt_lost"] = client.texts("ins-pt", "zzqx blorp vrrm", {"language": "pt"})

    pt = lambda text: client.texts("ins-pt2", text, {"language": "pt"})  # noqa: E731
    seen["pt_bye"] = pt("tchau")
    seen["pt_nps"] = pt("9")  # typed, not tapped
    seen["pt_effort"] = pt("4")
    return seen


def cli(world, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "kpis", "--from", FIRST, "--to", LAST, *args], cwd=PROJECT_ROOT,
                          env=world["env"], capture_output=True, text=True, timeout=60)


def test_customers_are_asked_nps_then_effort_in_their_language_and_never_twice(world):
    seen = world["transcripts"]
    assert seen["es_bye"][-1] == says("utter_ask_nps", "es")
    assert seen["es_nps"] == [says("utter_ask_effort", "es")]
    assert seen["es_effort"] == [says("utter_survey_thanks", "es")]
    assert says("utter_ask_nps", "es") not in seen["es_bye_again"]
    # after a resolved case: the rating, then NPS, in English
    assert seen["en_csat"] == [says("utter_csat_thanks", "en"), says("utter_ask_nps", "en")]
    assert seen["en_nps"] == [says("utter_ask_effort", "en")]
    assert seen["en_effort"] == [says("utter_survey_thanks", "en")]
    # in Portuguese, with the scores typed
    assert seen["pt_bye"][-1] == says("utter_ask_nps", "pt")
    assert seen["pt_nps"] == [says("utter_ask_effort", "pt")]
    assert seen["pt_effort"] == [says("utter_survey_thanks", "pt")]


def test_the_api_and_the_cli_give_the_figures_of_what_happened(world):
    figures = world["agent"].ok("GET", f"/api/insights?from={FIRST}&to={LAST}")
    expected = {
        "conversations": 4, "contained": 2, "containment_rate": 0.5,  # the Spanish FAQ and the Portuguese goodbye
        "handoffs": 1, "handoff_rate": 0.25, "handoff_reasons": {"customer_request": 1},
        "resolution_rate": 0.75,  # those two and the case an agent resolved
        "fcr_rate": 1.0,  # of the two FAQs (the others have no topic), nobody came back
        "csat_avg": 2.0, "csat_count": 1,
        "nps": 33.3, "nps_count": 3,  # 10, 3 and 9: two promoters, one detractor
        "ces_avg": 3.67,  # 5, 2 and 4
    }
    assert {k: figures[k] for k in expected} == expected
    assert figures["bot_response_ms_p50"] > 0 and figures["human_first_response_s_p50"] >= 0
    assert {k: v["conversations"] for k, v in figures["by_language"].items()} == {"es": 1, "en": 1, "pt": 2}
    assert figures["by_channel"]["rest"]["conversations"] == 4
    assert figures["by_intent"]["faq/shipping_cost"]["conversations"] == 2

    printed = cli(world, "--format", "json")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == figures
    rows = {(r["scope"], r["segment"]): r for r in csv.DictReader(io.StringIO(cli(world, "--format", "csv").stdout))}
    assert (rows[("all", "")]["conversations"], rows[("all", "")]["nps"], rows[("language", "pt")]["contained"]) == ("4", "33.3", "1")
    english = world["agent"].ok("GET", f"/api/insights?from={FIRST}&to={LAST}&language=en")
    assert json.loads(cli(world, "--language", "en", "--format", "json").stdout) == english
    assert (english["conversations"], english["handoffs"], english["nps"]) == (1, 1, -100.0)


def test_every_figure_lists_the_conversations_behind_it(world):
    agent = world["agent"]
    page = agent.ok("GET", f"/api/insights/page?from={FIRST}&to={LAST}&lang=en")
    assert page["kpis"]["conversations"] == 4
    assert 'data-figure="reason" data-value="customer_request"' in page["charts"]["reasons"]
    assert "Asked for a person" in page["charts"]["reasons"]  # the reader's language
    handed = agent.ok("GET", f"/api/insights/conversations?from={FIRST}&to={LAST}&figure=handed_over")
    assert [(c["conversation_id"], c["case_id"], c["case_status"]) for c in handed["conversations"]] == [
        ("ins-en", world["transcripts"]["case_id"], "resolved")]
    contained = agent.ok("GET", f"/api/insights/conversations?from={FIRST}&to={LAST}&figure=contained")
    assert [c["conversation_id"] for c in contained["conversations"]] == ["ins-es", "ins-pt2"]
    [group] = page["operations"]["not_understood"]
    assert group["language"] == "pt" and group["examples"] == ["zzqx blorp vrrm"]


def test_only_supervisors_see_insights_and_bad_ranges_are_explained(world):
    client = world["client"]
    plain = AgentClient(client.web_url, "plain", PLAIN_PASSWORD).log_in()
    assert plain.request("GET", f"/api/insights?from={FIRST}&to={LAST}").status == 403
    assert http("GET", f"{client.web_url}/api/insights?from={FIRST}&to={LAST}").status == 401
    bad = world["agent"].request("GET", f"/api/insights?from={LAST}&to={FIRST}")
    assert (bad.status, bad.json()["error"]) == (400, "'to' is before 'from'")
    assert world["agent"].request("GET", "/api/insights?from=2026-02-30&to=2026-03-01").status == 400
    assert cli(world, "--from", "yesterday").returncode == 2
    page = http("GET", f"{client.web_url}/agent/insights")
    assert page.status == 200 and b"/static/insights.js" in page.body


@pytest.mark.parametrize("language, conversations_label, reason_label", [
    ("es", "Conversaciones", "Pidió una persona"), ("en", "Conversations", "Asked for a person")])
def test_the_page_shows_the_pictures_and_the_conversations_behind_them(world, browser, language, conversations_label, reason_label):
    web = world["client"].web_url
    page = browser.new_page(viewport={"width": 1280, "height": 1800})
    try:
        page.goto(f"{web}/agent/insights")
        page.evaluate("token => sessionStorage.setItem('aurora_agent_token', token)", world["agent"].token)
        page.goto(f"{web}/agent/insights?lang={language}&from={FIRST}&to={LAST}")
        page.wait_for_selector("body[data-loaded=true]", timeout=30_000)
        card = page.locator(".card[data-kpi=conversations]")
        assert card.locator(".label").inner_text() == conversations_label and card.locator(".value").inner_text() == "4"
        assert page.locator("#chart-funnel svg rect").count() == 4
        assert reason_label in page.locator("#chart-reasons").inner_text()
        page.locator("#chart-reasons a[data-figure=reason]").first.click()
        page.wait_for_selector("#list:not([hidden]) tbody tr")
        assert page.locator("#list tbody tr").count() == 1
        assert page.locator("#list tbody a").get_attribute("href") == f"/agent#case-{world['transcripts']['case_id']}"
        (PROJECT_ROOT / "tests" / "artifacts").mkdir(exist_ok=True)
        page.screenshot(path=str(PROJECT_ROOT / "tests" / "artifacts" / f"insights_{language}.png"), full_page=True)
    finally:
        page.close()
