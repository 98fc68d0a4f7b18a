"""Daily pre-aggregates of the conversations' outcomes: for each of the shop's days whose
conversations can no longer change (all settled, bot/insights/rollups.py), how many conversations
had each (channel, language, topic, contained, resolved by a person, first contact resolved,
handed over). A range's figures add its built days up and work out only the rest from the
summary rows (bot/insights/rollup_figures.py): a 90-day range reads a few hundred rows, not
fifteen thousand.

A built day is used only while it is still right:
- its cases are the ones it was built with: a fingerprint of every case its conversations could
  have opened (id, conversation, status). An agent who resolves an old case makes the day stale:
  the range works it out from the summary rows until the next build pass rebuilds it;
- the range looks far enough ahead: a repeat within 7 days of the day's last conversation must
  fall inside the range's look-ahead, as it did when the day was built.

Built by the backfill (every day at once) and by the relay broker's feed after it settles
conversations (a few days per pass). The days are the shop's (the support hours' timezone); a
day built in another timezone is never read and is dropped at the next pass.
"""
from __future__ import annotations

import hashlib
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as day_time
from typing import Any, Dict, Iterable, List, Optional, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.engine import Connection, Engine

from bot.handoff import db
from bot.insights import metrics, reading

DAYS, OUTCOMES = db.insights_days, db.insights_day_outcomes
# How far back the build pass looks: every day a range may ask for (reading.MAX_DAYS), and a margin.
KEPT_DAYS = reading.MAX_DAYS + 14
# Days built per pass of the feed (each costs a few milliseconds): the rest at the next pass.
BUILD_PER_PASS = 60


@dataclass(frozen=True)
class BuiltDay:
    day: str
    cases_since: float  # the cases its conversations could have opened: created in [since, until]
    cases_until: float
    look_ahead_until: float  # a range must look ahead at least this far to use the day
    fingerprint: str


def bounds_of(day: date, timezone: ZoneInfo) -> Tuple[float, float]:
    start = datetime.combine(day, day_time(0), timezone).timestamp()
    return start, datetime.combine(day + timedelta(days=1), day_time(0), timezone).timestamp()


def fingerprint(cases: Iterable[Dict[str, Any]]) -> str:
    """What the day's outcomes depend on in the cases: which exist, whose they are, their status."""
    digest = hashlib.sha1()
    for case in sorted(cases, key=lambda c: c["id"]):
        digest.update(f"{case['id']}|{case['conversation_id']}|{case['status']}|{case['created_at']!r};".encode())
    return digest.hexdigest()[:20]


class CasesByTime:
    """Cases sorted by when they were opened, sliced by time (one bisection per day)."""

    def __init__(self, cases: List[Dict[str, Any]]) -> None:
        self.cases = sorted(cases, key=lambda c: c["created_at"])
        self.times = [c["created_at"] for c in self.cases]

    def between(self, since: float, until: float) -> List[Dict[str, Any]]:  # both included
        return self.cases[bisect_left(self.times, since):bisect_right(self.times, until)]


def built(engine: Engine, win: reading.Window) -> List[BuiltDay]:
    """The window's days built in its timezone."""
    days = [d.isoformat() for d in win.days()]
    query = select(DAYS.c.day, DAYS.c.cases_since, DAYS.c.cases_until, DAYS.c.look_ahead_until, DAYS.c.fingerprint) \
        .where(DAYS.c.timezone == str(win.timezone), DAYS.c.day.in_(bindparam("days", expanding=True)))
    with engine.connect() as conn:
        return [BuiltDay(*row) for row in conn.execute(query, {"days": days})]


def usable(days: List[BuiltDay], cases: List[Dict[str, Any]], since: float, until: float) -> List[str]:
    """The built days a range with this look-ahead and these cases (every case opened in
    [since, until)) may add up as they are."""
    by_time = CasesByTime(cases)
    return [d.day for d in days
            if d.look_ahead_until <= until and since <= d.cases_since and d.cases_until < until
            and fingerprint(by_time.between(d.cases_since, d.cases_until)) == d.fingerprint]


def not_covered(win: reading.Window, covered: Iterable[str]) -> List[Tuple[float, float]]:
    """The window's time left once the covered days are taken out, as [start, end) intervals."""
    covered = set(covered)
    intervals: List[Tuple[float, float]] = []
    for day in win.days():
        if day.isoformat() in covered:
            continue
        start, end = bounds_of(day, win.timezone)
        if intervals and intervals[-1][1] == start:
            intervals[-1] = (intervals[-1][0], end)
        else:
            intervals.append((start, end))
    return intervals


SUMMED = """SELECT channel, language, topic, contained, resolved, repeat_free, handed, SUM(conversations), MIN(first_started)
    FROM insights_day_outcomes WHERE timezone = :timezone AND day IN :days{filters}
    GROUP BY channel, language, topic, contained, resolved, repeat_free, handed"""


def summed(engine: Engine, win: reading.Window, days: List[str]) -> Tuple[Counter, Dict[str, float]]:
    """The outcomes of these built days within the window's filters, and when each topic was first seen."""
    outcomes: Counter = Counter()
    first_seen: Dict[str, float] = {}
    if not days:
        return outcomes, first_seen
    filters, values = win.sql_filters()
    statement = text(SUMMED.format(filters=filters)).bindparams(bindparam("days", expanding=True))
    with engine.connect() as conn:
        rows = conn.execute(statement, dict(values, timezone=str(win.timezone), days=days))
        for channel, language, topic, contained, resolved, repeat_free, handed, n, first in rows:
            outcomes[(channel, language, topic, bool(contained), bool(resolved), bool(repeat_free), bool(handed))] += int(n)
            first_seen[topic or "(none)"] = min(first, first_seen.get(topic or "(none)", first))
    return outcomes, first_seen


# ---- building ----

def build_day(engine: Engine, day: date, timezone: ZoneInfo, now: Optional[float] = None) -> bool:
    """Work out one day's outcomes from its summary rows and keep them. False (and nothing kept)
    while some conversation of the day is not settled yet."""
    from bot.insights import rollup_figures

    start, end = bounds_of(day, timezone)
    with engine.connect() as conn:
        unsettled, last_end = conn.execute(
            select(func.count().filter(db.insights_conversations.c.settled.isnot(True)),
                   func.max(db.insights_conversations.c.ended_at))
            .where(db.insights_conversations.c.started_at >= start, db.insights_conversations.c.started_at < end)).one()
    if unsettled:
        return False
    last_end = max(last_end or start, start)
    # A repeat counts within 7 days of a conversation's end: looking this far ahead sees them all.
    look_ahead_until = last_end + metrics.FCR_REPEAT_S + 1
    cases_until = last_end + 1  # a case is matched to the conversation going on when it was opened (+1 s)
    since, near_until = start - reading.LOOK_BEHIND.total_seconds(), max(end + reading.LOOK_AHEAD.total_seconds(), look_ahead_until)
    with engine.connect() as conn:
        cases = [dict(r._mapping) for r in conn.execute(
            select(*rollup_figures.CASE_COLUMNS).where(db.cases.c.created_at >= since, db.cases.c.created_at < near_until))]
    win = reading.Window(day, day, timezone)
    outcomes, first_seen = rollup_figures.live_outcomes(engine, win, (start, end), look_ahead_until, cases)
    rows = [{"timezone": str(timezone), "day": day.isoformat(), "channel": key[0], "language": key[1], "topic": key[2],
             "contained": key[3], "resolved": key[4], "repeat_free": key[5], "handed": key[6], "conversations": n,
             "first_started": first_seen[key[2] or "(none)"]} for key, n in outcomes.items()]
    with engine.begin() as conn:
        forget(conn, [(str(timezone), day.isoformat())])
        conn.execute(insert(DAYS).values(
            timezone=str(timezone), day=day.isoformat(), cases_since=start, cases_until=cases_until,
            look_ahead_until=look_ahead_until, fingerprint=fingerprint(CasesByTime(cases).between(start, cases_until)),
            built_at=now or time.time()))
        if rows:
            conn.execute(insert(OUTCOMES), rows)
    return True


def forget(conn: Connection, days: Iterable[Tuple[str, str]]) -> None:
    """Drop these (timezone, day) pre-aggregates: their ranges are worked out from the summary rows."""
    for timezone_name, day in days:
        for table in (OUTCOMES, DAYS):
            conn.execute(delete(table).where(table.c.timezone == timezone_name, table.c.day == day))


def forget_started(conn: Connection, started_ats: Iterable[float]) -> None:
    """Drop the built days holding conversations that started at these times (they changed)."""
    started_ats = sorted(set(started_ats))
    if not started_ats:
        return
    days = conn.execute(select(DAYS.c.timezone, DAYS.c.day)  # cases_since is the day's start
                        .where(DAYS.c.cases_since <= started_ats[-1], DAYS.c.cases_since > started_ats[0] - 2 * 86400)).all()
    stale = []
    for timezone_name, day in days:
        start, end = bounds_of(date.fromisoformat(day), ZoneInfo(timezone_name))
        first = bisect_left(started_ats, start)
        if first < len(started_ats) and started_ats[first] < end:
            stale.append((timezone_name, day))
    forget(conn, stale)


def clear(conn: Connection) -> None:
    for table in (OUTCOMES, DAYS):
        conn.execute(delete(table))


def build_due(engine: Engine, timezone: ZoneInfo, now: Optional[float] = None, limit: Optional[int] = BUILD_PER_PASS) -> int:
    """Build the days that can be built and aren't (or whose cases changed since), newest first,
    at most `limit`. Returns how many were built."""
    from bot.insights import rollups

    now = now or time.time()
    today = datetime.fromtimestamp(now, timezone).date()
    with engine.begin() as conn:
        conn.execute(delete(OUTCOMES).where(OUTCOMES.c.timezone != str(timezone)))
        conn.execute(delete(DAYS).where(DAYS.c.timezone != str(timezone)))
    with engine.connect() as conn:
        first_start = conn.execute(select(func.min(db.insights_conversations.c.started_at))).scalar()
        kept = {row.day: row for row in conn.execute(select(DAYS).where(DAYS.c.timezone == str(timezone)))}
        oldest = min([r.cases_since for r in kept.values()], default=now)
        cases = CasesByTime([dict(r._mapping) for r in conn.execute(
            select(db.cases.c.id, db.cases.c.conversation_id, db.cases.c.status, db.cases.c.created_at)
            .where(db.cases.c.created_at >= oldest))])
    if first_start is None:
        return 0
    first_day = max(datetime.fromtimestamp(first_start, timezone).date(), today - timedelta(days=KEPT_DAYS))
    built_now = 0
    day = today
    while day >= first_day and (limit is None or built_now < limit):
        start, end = bounds_of(day, timezone)
        row = kept.get(day.isoformat())
        stale = row is None or fingerprint(cases.between(row.cases_since, row.cases_until)) != row.fingerprint
        if end <= now - rollups.SETTLE_AFTER_S and stale and build_day(engine, day, timezone, now):
            built_now += 1
        day -= timedelta(days=1)
    return built_now
