"""`python -m bot insights backfill`: rebuild the insights rollups from Rasa's tracker store, with
the fold the relay broker uses event by event (bot/insights/fold.py). Run it once on a store that
had conversations before the rollups existed, or any time to start them over; until it has run,
the figures are read from the tracker's events (slower).

The events are streamed in id order (Rasa's order), folded in memory per sender, and written in
one transaction: the figures never see a half-built rollup. Events the bot stores while it runs
are folded by the relay too; run it when the bot is quiet to be sure none is counted twice.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.handoff import hours
from bot.insights import days, fold, rollups

CHUNK = 5000  # events fetched per round trip, and finished conversations written per insert


def tracker_events(url: str) -> Iterator[Tuple[str, dict]]:
    """(sender id, event) for every event of Rasa's `events` table, in id order, streamed."""
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        return
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            try:
                result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(
                    sa.text("SELECT sender_id, data FROM events ORDER BY id"))
            except sa.exc.SQLAlchemyError:  # no tracker table yet: no conversation
                return
            for sender_id, data in result:
                try:
                    yield sender_id, json.loads(data)
                except (TypeError, ValueError):
                    continue
    finally:
        engine.dispose()


def has_events(url: str) -> bool:
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        return False
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT 1 FROM events LIMIT 1")).first() is not None
    except sa.exc.SQLAlchemyError:  # no tracker table yet
        return False
    finally:
        engine.dispose()


def rebuild(engine: Engine, tracker_url: str, default_language: str, timezone: Optional[ZoneInfo] = None) -> Dict[str, float]:
    """Replace the rollups with the fold of every stored event, and build the days that can be
    (bot/insights/days.py; the shop's days unless `timezone`). Returns what it did."""
    started = time.monotonic()
    states: Dict[str, fold.SenderState] = {}
    finished: List[fold.Summary] = []
    events = conversations = 0
    with engine.begin() as conn:
        rollups.clear(conn)
        for sender_id, event in tracker_events(tracker_url):
            state = states.get(sender_id)
            if state is None:
                state = states[sender_id] = fold.new_state(sender_id, default_language)
            current = state.current
            fold.apply(state, event, default_language)
            events += 1
            if current is not None and state.current is not current:  # a new session: the last one is final
                finished.append(current)
                state.touched = [s for s in state.touched if s is not current]
            if len(finished) >= CHUNK:
                conversations += _write(conn, finished)
        conversations += _write(conn, finished)
        conversations += sum(len(s.touched) for s in states.values())
        rollups.save(conn, states.values(), fresh=True)
        rollups.settle(conn)
        rollups.mark_built(conn, "backfill")
    built_days = days.build_due(engine, timezone or hours.load_config().timezone, limit=None)
    return {"events": events, "conversations": conversations, "senders": len(states), "days": built_days,
            "seconds": round(time.monotonic() - started, 1)}


def _write(conn, finished: List[fold.Summary]) -> int:
    if finished:
        conn.execute(sa.insert(rollups.CONVERSATIONS), [rollups.summary_row(s) for s in finished])
    written = len(finished)
    finished.clear()
    return written


def main() -> int:
    from bot.editor import review
    from bot.handoff import db
    from bot.languages import default_language

    engine = db.make_engine(db.database_url())
    try:
        done = rebuild(engine, review.default_url(), default_language())
    finally:
        engine.dispose()
    print(f"insights rollups rebuilt: {done['events']:,} events, {done['conversations']:,} conversations "
          f"of {done['senders']:,} senders, in {done['seconds']} s", file=sys.stdout)
    return 0
