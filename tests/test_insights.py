"""Insights: every definition on stores filled with known conversations (tests/insights_data.py),
the figures worked out by hand in the comments; on SQLite and on PostgreSQL."""
from __future__ import annotations

import asyncio
import contextlib
from datetime import date
from types import SimpleNamespace as Record
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.store import HandoffStore
from bot.insights import backfill, churn, metrics, operations, reading, rollup_figures, rollups, surveys
from bot.insights.settings import InsightsSettings
from tests.insights_data import DAY, HOUR, T0, Session, Turn, answer_surveys, open_cases, write_tracker
from tests.postgres import fresh_schema_url

UTC = ZoneInfo("UTC")
SETTINGS = InsightsSettings(currency="EUR", agent_cost_per_hour=30.0, bot_cost_per_conversation=0.1,
                            nps_sampling_rate=1.0, nps_quiet_days=30)

# The week of Monday 2 November 2026 (UTC). Response times in ms per customer turn.
SCRIPT = [
    # contained; FCR
    Session("alice", T0, "rest", "es", [Turn("greet", 200), Turn("faq/shipping_cost", 200)]),
    # came back on the same topic 30 h later: neither contained nor FCR; the second visit is both
    Session("bob", T0 + 1 * HOUR, "rest", "en", [Turn("order_status", 400, ("action_order_request", "utter_order_late"),
                                                     slots=(("customer_id", "c02"), ("order_id", "100200")))]),
    Session("bob", T0 + 31 * HOUR, "rest", "en", [Turn("order_status", 300, slots=(("customer_id", "c02"),))]),
    # handed over on WhatsApp, claimed after 60 s, first agent reply at 120 s, resolved at 600 s, rated 4
    Session("carol", T0 + 2 * HOUR, "whatsapp", "pt", [Turn("return_request", 250), Turn("human_handoff", 500, ("action_handoff",))],
            case={"reason": "customer_request", "claim_after": 60, "reply_after": 120, "close_after": 600, "csat": 4}),
    # not understood: the last bot turn is "did you mean …?"; no topic
    Session("dan", T0 + 3 * HOUR, "rest", "es", [Turn("nlu_fallback", 100, ("action_did_you_mean",), text="zzqx blorp?")]),
    # a damaged item handed over, nobody took it yet: unresolved
    Session("erin", T0 + 3 * HOUR, "rest", "en", [Turn("damaged_item", 350, slots=(("customer_id", "c03"), ("order_id", "100300"))),
                                                   Turn("human_handoff", 450, ("action_handoff",))],
            case={"reason": "damaged_item"}),
    # back on the same FAQ after 5 days: still contained (> 72 h), but not FCR (< 7 days)
    Session("fay", T0 + 4 * HOUR, "rest", "es", [Turn("faq/delivery_time", 150)]),
    Session("fay", T0 + 4 * HOUR + 5 * DAY, "rest", "es", [Turn("faq/delivery_time", 150)]),
    # after the week: read only to look for repeats, never counted
    Session("gus", T0 + 20 * DAY, "rest", "es", [Turn("order_status", 999)]),
]
# NPS: promoters 10 and 9, passive 8, detractor 3 → (2 − 1) / 4 = +25. Effort: 5, 4, 2 → 3.67.
ANSWERS = [("nps", "alice", 10, T0 + 600, "rest", "es"), ("nps", "carol", 9, T0 + 3 * HOUR, "whatsapp", "pt"),
           ("nps", "fay", 8, T0 + 5 * HOUR, "rest", "es"), ("nps", "bob", 3, T0 + 2 * HOUR, "rest", "en"),
           ("effort", "alice", 5, T0 + 620, "rest", "es"), ("effort", "carol", 4, T0 + 3 * HOUR, "whatsapp", "pt"),
           ("effort", "bob", 2, T0 + 2 * HOUR, "rest", "en"),
           ("nps", "gus", 0, T0 + 20 * DAY, "rest", "es")]  # after the week: not counted


@contextlib.contextmanager
def fresh_urls(backend: str, tmp_path_factory):
    """(handoff store, tracker store): SQLite files, or fresh PostgreSQL schemas (skipped without a server)."""
    if backend == "sqlite":
        tmp_path = tmp_path_factory.mktemp("insights")
        yield f"sqlite:///{tmp_path / 'handoff.db'}", f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    with fresh_schema_url("insights_handoff") as handoff, fresh_schema_url("insights_tracker") as tracker:
        yield handoff, tracker


@pytest.fixture(scope="module", params=["sqlite-events", "sqlite-rollups", "postgresql-events", "postgresql-rollups"])
def stores(request, tmp_path_factory):
    """The script's stores, read from the tracker's events or from the rollups the backfill built
    from them. Built once per module: the tests only read them."""
    backend, source = request.param.split("-")
    with fresh_urls(backend, tmp_path_factory) as (handoff_url, tracker_url):
        store = HandoffStore(handoff_url)
        tracker = write_tracker(tracker_url, SCRIPT)
        case_ids = open_cases(store, SCRIPT)
        answer_surveys(store, ANSWERS)
        if source == "rollups":
            backfill.rebuild(store.engine, tracker, "es")
        yield store, tracker, case_ids
        store.engine.dispose()  # before the schema is dropped


def week(store, tracker, **filters):
    win = reading.window("2026-11-02", "2026-11-08", UTC, **filters)
    if rollups.is_built(store.engine):  # as bot/insights/report.py chooses
        return reading.read_rollups(store.engine, tracker, win)
    return reading.read(store.engine, tracker, win)


def figures_of(store, tracker, **filters):
    """As the API and the CLI compute them (bot/insights/report.py): from the rollups' rows by the
    database, or from the tracker's events."""
    if rollups.is_built(store.engine):
        return rollup_figures.kpis(store.engine, reading.window("2026-11-02", "2026-11-08", UTC, **filters), SETTINGS)
    return metrics.kpis(week(store, tracker, **filters), SETTINGS)


def test_every_definition_on_a_known_week(stores):
    store, tracker, _ = stores
    figures = figures_of(store, tracker)
    assert figures == metrics.kpis(week(store, tracker), SETTINGS)
    # alice, bob ×2, carol, dan, erin, fay ×2 (gus is after the week)
    assert figures["conversations"] == 8
    # alice, bob's second visit, fay ×2
    assert (figures["contained"], figures["containment_rate"]) == (4, 0.5)
    assert (figures["handoffs"], figures["handoff_rate"]) == (2, 0.25)
    assert figures["handoff_reasons"] == {"customer_request": 1, "damaged_item": 1}
    # replies: 200 200 400 300 250 500 100 350 450 150 150 → sorted, the 6th of 11 is 250
    assert figures["bot_response_ms_p50"] == 250.0
    assert figures["human_first_response_s_p50"] == 120.0
    assert figures["resolution_time_s_p50"] == 600.0
    # 4 contained + carol resolved by a person, of 8
    assert figures["resolution_rate"] == 0.625
    # 7 conversations with a topic (not dan's); bob's first and fay's first came back within 7 days
    assert figures["fcr_rate"] == round(5 / 7, 4)
    assert (figures["csat_avg"], figures["csat_count"]) == (4.0, 1)
    assert (figures["nps"], figures["nps_count"]) == (25.0, 4)
    assert (figures["ces_avg"], figures["ces_count"]) == (3.67, 3)
    # carol's case: claimed at 60 s, closed at 600 s → 9 agent minutes × 30 €/h = 4.50 €;
    # 8 conversations × 0.10 €; savings: 4 contained × (4.50 − 0.10)
    assert figures["cost"] == {"currency": "EUR", "agent_minutes": 9.0, "agent_cost": 4.5, "bot_cost": 0.8,
                               "total_cost": 5.3, "cost_per_agent_case": 4.5, "savings": 17.6}


def test_breakdowns_by_channel_language_and_topic(stores):
    store, tracker, _ = stores
    figures = figures_of(store, tracker)
    assert figures["by_channel"]["whatsapp"]["conversations"] == 1
    assert figures["by_channel"]["whatsapp"]["handoffs"] == 1 and figures["by_channel"]["whatsapp"]["csat_avg"] == 4.0
    assert figures["by_channel"]["rest"]["conversations"] == 7 and figures["by_channel"]["rest"]["contained"] == 4
    assert {k: v["conversations"] for k, v in figures["by_language"].items()} == {"en": 3, "es": 4, "pt": 1}
    assert figures["by_language"]["en"]["nps"] == -100.0  # bob's 3 is the only English answer
    topics = figures["by_intent"]
    assert topics["order_status"] == {"conversations": 2, "contained": 1, "containment_rate": 0.5, "handoffs": 0, "fcr_rate": 0.5}
    assert topics["faq/delivery_time"]["contained"] == 2 and topics["faq/delivery_time"]["fcr_rate"] == 0.5
    assert topics["(none)"]["conversations"] == 1  # dan


def test_filters_narrow_every_figure(stores):
    store, tracker, _ = stores
    whatsapp = figures_of(store, tracker, channel="whatsapp")
    assert whatsapp == metrics.kpis(week(store, tracker, channel="whatsapp"), SETTINGS)
    assert (whatsapp["conversations"], whatsapp["handoffs"], whatsapp["nps"], whatsapp["nps_count"]) == (1, 1, 100.0, 1)
    english = figures_of(store, tracker, language="en")
    assert english == metrics.kpis(week(store, tracker, language="en"), SETTINGS)
    # bob ×2, erin: erin handed over and unresolved; bob's second visit contained
    assert (english["conversations"], english["contained"], english["handoffs"], english["resolution_rate"]) == (3, 1, 1, round(1 / 3, 4))


def test_an_empty_range_and_a_missing_tracker_give_zeros_not_errors(tmp_path):
    store = HandoffStore(f"sqlite:///{tmp_path / 'handoff.db'}")
    figures = metrics.kpis(reading.read(store.engine, f"sqlite:///{tmp_path / 'none.db'}",
                                        reading.window("2026-01-01", "2026-01-31", UTC)), SETTINGS)
    assert figures["conversations"] == 0 and figures["containment_rate"] is None and figures["nps"] is None
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("first, last, message", [
    (None, "2026-01-01", "'from' is required"),
    ("2026-13-01", "2026-12-31", "'from' must be a date"),
    ("2026-02-01", "2026-01-01", "'to' is before 'from'"),
    ("2024-01-01", "2026-01-01", "longer than 366 days"),
    ("2026-01-01T00:00", "2026-01-02", "'from' must be a date"),
])
def test_bad_ranges_say_what_is_wrong(first, last, message):
    with pytest.raises(reading.BadRange, match=message):
        reading.window(first, last, UTC)


class FakeShop:
    """The shop backend's reads that insights use, with two orders and their customers."""

    def __init__(self, erin_ordered_on: date) -> None:
        line = lambda title, category: Record(title=title, category=category)  # noqa: E731
        self.orders = {
            "100200": Record(id="100200", customer_id="c02", placed_on=date(2026, 10, 20), carrier="SEUR",
                             lines=(line("Chaqueta Norte", "outerwear"),)),
            "100300": Record(id="100300", customer_id="c03", placed_on=erin_ordered_on, carrier="MRW",
                             lines=(line("Botas Nieve", "footwear"), line("Calcetines Lana", "socks"))),
        }

    async def find_order(self, order_id):
        return self.orders.get(order_id)

    async def orders_of(self, customer_id):
        return [o for o in self.orders.values() if o.customer_id == customer_id]

    async def find_customer(self, customer_id):
        return Record(id=customer_id, name={"c02": "Bob B.", "c03": "Erin E."}[customer_id])


def test_churn_lists_who_left_badly_and_has_not_ordered_since(stores):
    store, tracker, case_ids = stores
    data = week(store, tracker)
    # erin's last contact (2 Nov) left a case unresolved, and her last order is from October
    found = asyncio.run(churn.churn_signal(data, FakeShop(erin_ordered_on=date(2026, 10, 1))))
    assert [(r["customer_id"], r["name"], r["reasons"], r["last_contact"], r["case_id"], r["last_order"])
            for r in found["customers"]] == [("c03", "Erin E.", ["unresolved_case"], "2026-11-02", case_ids["erin"], "2026-10-01")]
    # dan's "did you mean" isn't bad by the definition; nobody unverified went badly
    assert found["unidentified"] == 0
    # an order placed after the contact takes her off the list
    assert asyncio.run(churn.churn_signal(data, FakeShop(erin_ordered_on=date(2026, 11, 4))))["customers"] == []


def test_operational_insight_from_the_orders_behind_the_conversations(stores):
    store, tracker, _ = stores
    found = asyncio.run(operations.operational(week(store, tracker), FakeShop(erin_ordered_on=date(2026, 10, 1))))
    # bob asked about his (outerwear) order, erin reported the footwear-and-socks order damaged
    assert sorted((r["category"], r["topic"], r["contacts"]) for r in found["contact_reasons_by_category"]) == [
        ("footwear", "damaged_item", 1), ("outerwear", "order_status", 1), ("socks", "damaged_item", 1)]
    assert [(r["carrier"], r["contacts"]) for r in found["late_carriers"]] == [("SEUR", 1)]
    assert sorted((r["product"], r["contacts"]) for r in found["damaged_products"]) == [("Botas Nieve", 1), ("Calcetines Lana", 1)]
    [group] = found["not_understood"]
    assert (group["language"], group["predicted"], group["messages"], group["examples"]) == ("es", "nlu_fallback", 1, ["zzqx blorp?"])


def test_nps_is_sampled_and_never_asked_twice_within_the_quiet_days(tmp_path):
    store = HandoffStore(f"sqlite:///{tmp_path / 'handoff.db'}")
    half = InsightsSettings(nps_sampling_rate=0.5, nps_quiet_days=30)
    ask = lambda key, now, draw: surveys.should_ask_nps(store.engine, key, half, now=now, draw=draw)  # noqa: E731
    assert ask("customer:c01", T0, draw=0.49) and not ask("customer:c01", T0, draw=0.5)
    assert not surveys.should_ask_nps(store.engine, "customer:c01", InsightsSettings(nps_sampling_rate=0.0), now=T0, draw=0.0)
    surveys.record_asked(store.engine, "nps", "web-1", "customer:c01", "socketio", "es", now=T0)
    assert not ask("customer:c01", T0 + 29 * DAY, draw=0.0)  # asked 29 days ago, in another conversation too
    assert ask("customer:c01", T0 + 31 * DAY, draw=0.0)
    assert ask("customer:c02", T0 + DAY, draw=0.0)  # somebody else


def test_survey_answers_are_kept_once_and_only_in_range(tmp_path):
    store = HandoffStore(f"sqlite:///{tmp_path / 'handoff.db'}")
    assert [surveys.score_in("nps", v) for v in ("0", "10", "11", "9/10", "")] == [0, 10, None, 9, None]
    assert [surveys.score_in("effort", v) for v in ("0", "1", "5", "6")] == [None, 1, 5, None]
    asked = surveys.record_asked(store.engine, "nps", "web-1", "conversation:web-1", "socketio", "pt", now=T0)
    assert surveys.pending(store.engine, "web-1", "nps", now=T0 + 60) == asked
    assert surveys.pending(store.engine, "web-1", "nps", now=T0 + 2 * DAY) is None  # too late to answer
    surveys.record_answer(store.engine, asked, 9, now=T0 + 60)
    assert surveys.pending(store.engine, "web-1", "nps", now=T0 + 61) is None


def test_pictures_are_svg_in_the_readers_words_and_every_mark_lists_its_conversations(stores):
    from xml.etree import ElementTree

    from bot.insights import charts
    from bot.web.i18n import texts

    store, tracker, _ = stores
    data = week(store, tracker)
    drawn = charts.all_charts(data, texts("insights", "es"))
    assert set(drawn) == {"volume", "funnel", "reasons", "bot_response", "human_response", "trends", "heatmap"}
    for svg in drawn.values():
        ElementTree.fromstring(svg)  # well-formed
    assert "Resueltas por una persona" in drawn["funnel"] and "Artículo dañado o equivocado" in drawn["reasons"]
    # each mark links to the list behind it, and the list is what the mark counts
    assert 'data-figure="hour" data-value="0-10"' in drawn["heatmap"]  # Monday 10:00: alice
    assert [c.sender_id for c in charts.selected(data, "hour", "0-10")] == ["alice"]
    assert [c.sender_id for c in charts.selected(data, "reason", "damaged_item")] == ["erin"]
    assert [c.sender_id for c in charts.selected(data, "day_channel", "2026-11-02|whatsapp")] == ["carol"]
    assert [c.sender_id for c in charts.selected(data, "fcr_missed", "")] == ["bob", "fay"]
    assert [c.sender_id for c in charts.selected(data, "bot_response_ms", "0-250")] == ["alice", "dan", "fay", "fay"]
    assert charts.selected(data, "no such figure", "") is None
    assert "Sin datos" in charts.all_charts(week(store, tracker, channel="socketio"), texts("insights", "es"))["funnel"]


def test_table_json_and_csv_say_the_same(stores):
    import csv
    import io
    import json

    from bot.insights import formatting

    store, tracker, _ = stores
    figures = metrics.kpis(week(store, tracker), SETTINGS)
    assert json.loads(formatting.as_json(figures)) == figures
    rows = {(r["scope"], r["segment"]): r for r in csv.DictReader(io.StringIO(formatting.as_csv(figures)))}
    assert rows[("all", "")]["containment_rate"] == "0.5" and rows[("channel", "whatsapp")]["csat_avg"] == "4.0"
    assert rows[("intent", "order_status")]["fcr_rate"] == "0.5"
    table = formatting.as_table(figures)
    assert "containment_rate            50.0%" in table and "savings                     17.60 EUR" in table


def test_a_range_with_too_many_events_or_conversations_asks_for_a_shorter_one(stores, monkeypatch):
    store, tracker, _ = stores
    monkeypatch.setattr(reading, "MAX_EVENTS", 20)
    monkeypatch.setattr(reading, "MAX_CONVERSATIONS", 5)
    with pytest.raises(reading.BadRange, match="more than (20 events|5 conversations)"):
        week(store, tracker)
    with pytest.raises(reading.BadRange, match="more than (20 events|5 conversations)"):
        figures_of(store, tracker)
