"""Insights rollups: the fold (event by event) makes the conversations the reader makes (whole
sessions); rollups fed incrementally equal the backfill's and give the figures the tracker's
events give, on SQLite and PostgreSQL; the relay broker feeds them; a fresh store is read from
them from the start, an older one once the backfill has run."""
from __future__ import annotations

import asyncio
import contextlib
import os
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select

from bench.insights_traffic import Traffic, by_sender, write_handoff, write_tracker
from bot.handoff import db
from bot.handoff.relay import HandoffRelayBroker
from bot.insights import backfill, feed, fold, metrics, reading, report, rollup_figures, rollups
from bot.insights.conversations import conversations_of
from bot.insights.settings import InsightsSettings
from tests.insights_data import T0
from tests.postgres import fresh_schema_url

UTC = ZoneInfo("UTC")
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTINGS = InsightsSettings(agent_cost_per_hour=30.0, bot_cost_per_conversation=0.1)


def traffic(count: int, seed: int = 7) -> list:
    """Two weeks of generated sessions from 40 customers (many come back), with the rarer event shapes."""
    return list(Traffic(seed=seed, customers=40, edge_cases=True).sessions(T0, 14, count))


def test_the_fold_makes_the_conversations_the_reader_makes():
    events = by_sender(traffic(1500, seed=3))
    expected = conversations_of(events, "es")
    folded = []
    for sender_id, stream in events.items():
        state = fold.new_state(sender_id, "es")
        for event in stream:
            fold.apply(state, event, "es")
            folded += [s for s in state.touched if not any(s is f for f in folded)]
            state.touched.clear()
    assert sorted((s.conversation() for s in folded), key=lambda c: (c.started_at, c.sender_id)) == \
        sorted(expected, key=lambda c: (c.started_at, c.sender_id))
    assert len(expected) > 1000 and any(c.handoff_action for c in expected) and any(c.last_turn_fallback for c in expected)


@contextlib.contextmanager
def urls(backend: str, tmp_path):
    """(handoff store, tracker store, second handoff store)."""
    if backend == "sqlite":
        yield tuple(f"sqlite:///{tmp_path / name}.db" for name in ("handoff", "tracker", "rebuilt"))
        return
    with fresh_schema_url("rollups_h") as handoff, fresh_schema_url("rollups_t") as tracker, \
            fresh_schema_url("rollups_r") as rebuilt:
        yield handoff, tracker, rebuilt


def rows(engine, table, key) -> list:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c[key]))]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_rollups_fed_incrementally_equal_the_backfill_and_the_tracker_read(backend, tmp_path):
    sessions = traffic(160)
    with urls(backend, tmp_path) as (handoff_url, tracker_url, rebuilt_url):
        live, rebuilt, tracker = db.make_engine(handoff_url), db.make_engine(rebuilt_url), create_engine(tracker_url)
        try:
            write_tracker(tracker, sessions)
            for engine in (live, rebuilt):
                write_handoff(engine, sessions)
            # as the relay gets them: in stored order, one event at a time or a turn's worth together
            stream = [dict(e, sender_id=s.sender_id) for s in sessions for e in s.events]
            rng, at = random.Random(1), 0
            while at < len(stream):
                size = rng.choice((1, 1, 2, 5, 9))
                rollups.apply_events(live, stream[at:at + size], "es")
                at += size
            with live.begin() as conn:
                rollups.mark_built(conn, "fresh")
            done = backfill.rebuild(rebuilt, tracker_url, "es")  # settles every conversation: all ended > 8 days ago
            assert done["events"] == len(stream)
            unsettled = {(first, last): rollup_figures.kpis(live, reading.window(first, last, UTC), SETTINGS)
                         for first, last in (("2026-11-02", "2026-11-08"), ("2026-11-01", "2026-11-30"))}
            with live.begin() as conn:
                assert rollups.settle(conn) == done["conversations"]

            for table, key in ((db.insights_conversations, "key"), (db.insights_senders, "sender_id")):
                assert rows(live, table, key) == rows(rebuilt, table, key)
            for first, last, filters in (("2026-11-02", "2026-11-08", {}), ("2026-11-01", "2026-11-30", {}),
                                         ("2026-11-05", "2026-11-12", {"channel": "whatsapp"}),
                                         ("2026-11-02", "2026-11-16", {"language": "pt"})):
                win = reading.window(first, last, UTC, **filters)
                direct = metrics.kpis(reading.read(live, tracker_url, win), SETTINGS)
                assert direct["conversations"] > 0
                assert metrics.kpis(reading.read_rollups(live, tracker_url, win), SETTINGS) == direct
                assert metrics.kpis(reading.read_rollups(rebuilt, tracker_url, win), SETTINGS) == direct
                assert rollup_figures.kpis(live, win, SETTINGS) == direct  # what the API and the CLI answer
                if not filters:
                    assert unsettled.get((first, last), direct) == direct  # before the next contacts were settled too
        finally:
            for engine in (live, rebuilt, tracker):
                engine.dispose()


def test_the_relay_broker_feeds_the_rollups_and_waits_when_asked(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'handoff.db'}")
    sessions = traffic(30)
    stream = [dict(e, sender_id=s.sender_id) for s in sessions for e in s.events]
    broker = HandoffRelayBroker(store_factory=lambda: None, rollups=feed.RollupFeed(lambda: engine, "es"))
    broker._copy_to_case = lambda event: None  # no cases here: only the rollups are looked at

    async def play():
        for event in stream[:-1]:
            broker.publish(event)
        await broker.publish_confirmed(stream[-1])  # waits until folded: everything before it is folded too
        folded = rows(engine, db.insights_conversations, "key")
        await broker.close()
        return folded

    folded = asyncio.run(play())
    expected = conversations_of(by_sender(sessions), "es")
    assert sorted(r["key"] for r in folded) == sorted(c.key for c in expected)
    engine.dispose()


def test_a_fresh_store_reads_rollups_at_once_an_older_one_after_the_backfill(tmp_path, monkeypatch):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'handoff.db'}")
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    assert feed.mark_fresh_store_built(engine, tracker_url) and rollups.is_built(engine)
    assert not (tmp_path / "tracker.db").exists()

    older = db.make_engine(f"sqlite:///{tmp_path / 'older.db'}")
    tracker = create_engine(tracker_url)
    write_tracker(tracker, traffic(20))
    tracker.dispose()
    assert not feed.mark_fresh_store_built(older, tracker_url) and not rollups.is_built(older)
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.db"))
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    win = reading.window("2026-11-01", "2026-11-30", UTC)
    before = report.read(older, win)
    assert before.events  # read from the tracker's events
    result = subprocess.run([sys.executable, "-m", "bot", "insights", "backfill"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=60, env=dict(os.environ, HANDOFF_DATABASE_URL=f"sqlite:///{tmp_path / 'older.db'}",
                                                            PYTHONPATH=PROJECT_ROOT))
    assert result.returncode == 0, result.stderr
    assert "insights rollups rebuilt" in result.stdout
    assert rollups.is_built(older)
    after = report.read(older, win)
    assert not after.events and metrics.kpis(after, SETTINGS) == metrics.kpis(before, SETTINGS)
    engine.dispose()
    older.dispose()


def test_an_erased_person_keeps_their_figures_and_loses_their_name(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'handoff.db'}")
    sessions = traffic(60)
    rollups.apply_events(engine, [dict(e, sender_id=s.sender_id) for s in sessions for e in s.events], "es")
    before = rows(engine, db.insights_conversations, "started_at")
    erased = before[0]["sender_id"]
    assert rollups.anonymise(engine, [erased]) == sum(1 for r in before if r["sender_id"] == erased)
    after = rows(engine, db.insights_conversations, "started_at")
    assert erased not in {r["sender_id"] for r in after} and len(after) == len(before)
    theirs = [r for r in after if r["sender_id"].startswith("erased:")]
    assert len({r["sender_id"] for r in theirs}) == 1 and all(r["customer_id"] is None and r["order_ids"] == [] for r in theirs)
    assert [r["response_ms"] for r in after] == [r["response_ms"] for r in before]
    assert erased not in {r["sender_id"] for r in rows(engine, db.insights_senders, "sender_id")}
    engine.dispose()


def test_the_scale_bench_runs_small_on_sqlite(tmp_path):
    from bench import insights_scale

    out = tmp_path / "out.json"
    assert insights_scale.main(["--events", "2000", "--sqlite", str(tmp_path), "--no-http", "--requests", "5",
                                "--out", str(out)]) == 0
    figures = __import__("json").loads(out.read_text())
    assert figures["events"] >= 2000 and figures["conversations"] > 50 and figures["same_figures_as_tracker_read"]
    assert figures["ingest_ms_per_event"] > 0 and figures["kpis_rollups_p95_ms"] > 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_days_built_in_advance_give_the_figures_the_tracker_gives_even_after_a_case_changes(backend, tmp_path):
    from sqlalchemy import update

    from bot.insights import days

    sessions = traffic(220, seed=11)
    with urls(backend, tmp_path) as (handoff_url, tracker_url, _):
        engine, tracker = db.make_engine(handoff_url), create_engine(tracker_url)
        try:
            write_tracker(tracker, sessions)
            write_handoff(engine, sessions)
            done = backfill.rebuild(engine, tracker_url, "es", timezone=UTC)
            assert done["days"] >= 15  # every day from the first conversation to 8 days ago
            ranges = (("2026-11-02", "2026-11-08", {}), ("2026-11-01", "2026-11-30", {}),
                      ("2026-11-04", "2026-11-12", {"channel": "whatsapp"}), ("2026-11-03", "2026-11-16", {"language": "pt"}))

            def check(expect_covered: int) -> None:
                for first, last, filters in ranges:
                    win = reading.window(first, last, UTC, **filters)
                    direct = metrics.kpis(reading.read(engine, tracker_url, win), SETTINGS)
                    assert direct["conversations"] > 0
                    assert rollup_figures.kpis(engine, win, SETTINGS) == direct, (first, last, filters)
                whole = reading.window("2026-11-01", "2026-11-30", UTC)
                cases = reading.cases_near(engine, whole, rollup_figures.CASE_COLUMNS)[0]
                covered = days.usable(days.built(engine, whole), cases, whole.start - 86400, whole.end + 7 * 86400)
                assert len(covered) == expect_covered

            # 2 November (the first conversation) to the last day that ended 8 days ago, within November
            cutoff = datetime.fromtimestamp(time.time() - rollups.SETTLE_AFTER_S, UTC).date() - timedelta(days=1)
            buildable = (min(cutoff, date(2026, 11, 30)) - date(2026, 11, 2)).days + 1
            check(expect_covered=buildable)
            # An agent resolves a case left waiting: its day is worked out from the summary rows
            # until the next pass builds it again.
            with engine.begin() as conn:
                waiting = conn.execute(select(db.cases.c.id, db.cases.c.created_at)
                                       .where(db.cases.c.status != "resolved").order_by(db.cases.c.created_at)).first()
                assert waiting is not None
                conn.execute(update(db.cases).where(db.cases.c.id == waiting.id).values(status="resolved", closed_at=waiting.created_at + 600))
            check(expect_covered=buildable - 1)
            assert days.build_due(engine, UTC) == 1
            check(expect_covered=buildable)
            # The shop moves to another timezone: its days are other days, built again.
            madrid = ZoneInfo("Europe/Madrid")
            assert days.build_due(engine, madrid, limit=None) >= 15
            win = reading.window("2026-11-03", "2026-11-10", madrid)
            assert rollup_figures.kpis(engine, win, SETTINGS) == metrics.kpis(reading.read(engine, tracker_url, win), SETTINGS)
            # A person erased: the days holding their conversations are dropped, and built again.
            with engine.connect() as conn:
                someone, started_at = conn.execute(select(db.insights_conversations.c.sender_id, db.insights_conversations.c.started_at)
                                                   .order_by(db.insights_conversations.c.started_at)).first()
            their_day = datetime.fromtimestamp(started_at, madrid).date().isoformat()
            whole = reading.window("2026-11-01", "2026-11-30", madrid)
            built_before = {d.day for d in days.built(engine, whole)}
            assert their_day in built_before
            assert rollups.anonymise(engine, [someone]) >= 1
            dropped = built_before - {d.day for d in days.built(engine, whole)}
            assert their_day in dropped  # and the other days of their conversations only
            assert days.build_due(engine, madrid) == len(dropped)
        finally:
            engine.dispose()
            tracker.dispose()
