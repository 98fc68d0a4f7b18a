"""A date range's data: conversations, cases, their first agent reply, and the NPS/effort answers
from the handoff store. The conversations come from the rollups' summary rows (`read_rollups`,
bot/insights/rollups.py) or, until those are built, from Rasa's tracker store (`read`, through the
editor's reader, bot/editor/review.py). Bounded: at most MAX_DAYS days, and only the rows or events
near the range."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from datetime import date, datetime, time, timedelta
from typing import Any, Callable, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.editor import review
from bot.handoff import db
from bot.insights import rollups
from bot.insights.conversations import Conversation, conversations_of

MAX_DAYS = 366
# Events read per request (about 20,000 conversations, a second or two): beyond, a shorter range.
MAX_EVENTS = 300_000
# Summary rows read per request from the rollups (a row is a conversation: about 30 ms per 10,000).
MAX_CONVERSATIONS = 200_000
# Conversations in the range are judged on what came after them: a repeat within 7 days (FCR).
LOOK_AHEAD = timedelta(days=7)
# A session that started just before the range still has its start read.
LOOK_BEHIND = timedelta(days=1)


class BadRange(ValueError):
    """A range a person should correct: the message says how."""


@dataclass(frozen=True)
class Window:
    first_day: date
    last_day: date  # included
    timezone: ZoneInfo
    channel: Optional[str] = None
    language: Optional[str] = None

    @cached_property  # asked once per case and conversation: worked out once
    def start(self) -> float:
        return datetime.combine(self.first_day, time(0), self.timezone).timestamp()

    @cached_property
    def end(self) -> float:
        return datetime.combine(self.last_day + timedelta(days=1), time(0), self.timezone).timestamp()

    def contains(self, at: Optional[float]) -> bool:
        return at is not None and self.start <= at < self.end

    def matches(self, channel: Optional[str], language: Optional[str]) -> bool:
        return (self.channel is None or channel == self.channel) and (self.language is None or language == self.language)

    def sql_filters(self, alias: str = "") -> Tuple[str, Dict[str, str]]:
        """`matches` as SQL: " AND c.channel = :channel …" (columns of `alias`, if any) and its values."""
        sql, values = "", {}
        for name in ("channel", "language"):
            value = getattr(self, name)
            if value is not None:
                sql += f" AND {alias + '.' if alias else ''}{name} = :{name}"
                values[name] = value
        return sql, values

    def days(self) -> List[date]:
        return [self.first_day + timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]


def window(first: Optional[str], last: Optional[str], timezone: ZoneInfo, channel: Optional[str] = None,
           language: Optional[str] = None) -> Window:
    """From YYYY-MM-DD strings, checked: both present, real dates, in order, at most MAX_DAYS."""
    days: List[date] = []
    for name, value in (("from", first), ("to", last)):
        if not value:
            raise BadRange(f"'{name}' is required, as YYYY-MM-DD")
        try:
            day = date.fromisoformat(str(value)[:10]) if len(str(value)) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise BadRange(f"'{name}' must be a date as YYYY-MM-DD, not {str(value)[:20]!r}")
        days.append(day)
    if days[1] < days[0]:
        raise BadRange("'to' is before 'from'")
    if (days[1] - days[0]).days + 1 > MAX_DAYS:
        raise BadRange(f"the range is longer than {MAX_DAYS} days: ask for a shorter one")
    for name, value in (("channel", channel), ("language", language)):
        if value is not None and not (0 < len(value) <= 32 and value.replace("_", "").replace("-", "").isalnum()):
            raise BadRange(f"'{name}' must be a name such as rest, whatsapp, es")
    return Window(days[0], days[1], timezone, channel or None, language or None)


@dataclass
class Data:
    window: Window
    conversations: List[Conversation]  # started in the window, filtered
    later: List[Conversation]  # every conversation read (the window's and those after it): for repeats
    cases: List[Dict[str, Any]]  # opened in the window, filtered
    case_of: Dict[str, Dict[str, Any]]  # conversation key → the case opened during it
    first_agent_reply: Dict[int, float]  # case id → when an agent first wrote
    surveys: List[Dict[str, Any]] = field(default_factory=list)  # answered in the window, filtered
    events: Dict[str, List[dict]] = field(default_factory=dict)  # sender → every event read (for the review's groups)
    cache: Dict[str, Any] = field(default_factory=dict)  # figures worked out once per read (metrics.py)
    load_events: Optional[Callable[[], Dict[str, List[dict]]]] = None  # read from rollups: the events when needed

    def all_events(self) -> Dict[str, List[dict]]:
        """The tracker events near the range: only the review's groups need them."""
        if self.load_events is not None:
            self.events, self.load_events = self.load_events(), None
        return self.events


def _bounds(win: Window) -> tuple:
    return win.start - LOOK_BEHIND.total_seconds(), win.end + LOOK_AHEAD.total_seconds()


def read(engine, tracker_url: str, win: Window, default_language: str = "es") -> Data:
    """From the tracker's events (every request parses them: about 1 s per 100,000)."""
    since, until = _bounds(win)
    events = _events(tracker_url, since, until)
    return _assemble(engine, win, conversations_of(events, default_language), events=events)


def read_rollups(engine, tracker_url: str, win: Window) -> Data:
    """From the rollups' summary rows: an indexed range query, the same figures."""
    since, until = _bounds(win)
    every = rollups.conversations_between(engine, since, until, limit=MAX_CONVERSATIONS + 1)
    if len(every) > MAX_CONVERSATIONS:
        raise BadRange(f"the range holds more than {MAX_CONVERSATIONS:,} conversations: ask for a shorter one")
    return _assemble(engine, win, every, load_events=lambda: _events(tracker_url, since, until))


def _assemble(engine, win: Window, every: List[Conversation], events: Optional[Dict[str, List[dict]]] = None,
              load_events: Optional[Callable[[], Dict[str, List[dict]]]] = None) -> Data:
    cases, in_window, replies, surveys = handoff_side(engine, win)
    return Data(
        window=win,
        conversations=[c for c in every if win.contains(c.started_at) and win.matches(c.channel, c.language)],
        later=every,
        cases=in_window,
        case_of=match_cases(every, cases),
        first_agent_reply=replies,
        surveys=surveys,
        events=events or {},
        load_events=load_events,
    )


def handoff_side(engine, win: Window, columns=None) -> tuple:
    """(the cases opened near the window, those in it and its filters, case id → first agent
    reply, the survey answers in it and its filters). `columns`: only these of the cases."""
    return (*cases_near(engine, win, columns), surveys_in(engine, win))


def cases_near(engine, win: Window, columns=None) -> tuple:
    """(the cases opened near the window, those in it and its filters, case id → first agent reply
    for the cases near the window)."""
    since, until = _bounds(win)
    with engine.connect() as conn:
        cases = [dict(r._mapping) for r in conn.execute(
            select(*(columns or [db.cases])).where(db.cases.c.created_at >= since, db.cases.c.created_at < until))]
        in_window = [c for c in cases if win.contains(c["created_at"]) and win.matches(c["channel"], c["language"])]
        near = select(db.cases.c.id).where(db.cases.c.created_at >= since, db.cases.c.created_at < until)
        replies = dict(conn.execute(
            select(db.messages.c.case_id, func.min(db.messages.c.timestamp))
            .where(db.messages.c.sender == "agent", db.messages.c.case_id.in_(near.scalar_subquery()))
            .group_by(db.messages.c.case_id)).all()) if in_window else {}
    return cases, in_window, replies


def surveys_in(engine, win: Window) -> List[Dict[str, Any]]:
    """The NPS and effort answers given in the window, within its filters."""
    with engine.connect() as conn:
        surveys = [dict(r._mapping) for r in conn.execute(
            select(db.surveys).where(db.surveys.c.answered_at >= win.start, db.surveys.c.answered_at < win.end))]
    return [s for s in surveys if s["score"] is not None and win.matches(s["channel"], s["language"])]


def match_cases(conversations: List[Conversation], cases: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """The case each conversation opened: same sender, opened while the conversation went on."""
    by_sender: Dict[str, List[Conversation]] = {}
    for conversation in conversations:
        by_sender.setdefault(conversation.sender_id, []).append(conversation)
    matched: Dict[str, Dict[str, Any]] = {}
    for case in sorted(cases, key=lambda c: c["created_at"]):
        candidates = [c for c in by_sender.get(case["conversation_id"], []) if c.started_at <= case["created_at"] <= c.ended_at + 1]
        if candidates:
            matched.setdefault(candidates[-1].key, case)
    return matched


def _events(url: str, since: float, until: float) -> Dict[str, List[dict]]:
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        return {}  # no conversation yet (and don't leave an empty file behind)
    try:
        events = review.read_events(url, since, until, limit=MAX_EVENTS + 1)
    except SQLAlchemyError:  # no tracker table yet: the bot hasn't had a conversation
        return {}
    if sum(len(e) for e in events.values()) > MAX_EVENTS:
        raise BadRange(f"the range holds more than {MAX_EVENTS:,} events: ask for a shorter one")
    return events
