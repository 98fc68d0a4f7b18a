"""Cases: escalated conversations, their transcript, notes and rating.

Statuses follow the helpdesk model (Chatwoot's): `pending` (in the live queue) or `ticket`
(opened out of hours, or with nobody online) → `assigned` (one agent owns it; the bot is quiet)
→ `resolved`, or `handed_back` to the bot. A conversation has at most one open case.

Plain SQLAlchemy Core, blocking: async callers run these methods in a thread. Times are Unix
seconds (floats). Claims are decided by the database (a conditional UPDATE), so two agents, or two
replicas of the web app, can never both win one.
"""
from __future__ import annotations

import re
import time
from functools import lru_cache
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

from sqlalchemy import String, and_, cast, delete, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.handoff import db
from bot.privacy.transcripts import stored_message, stored_text

OPEN = ("pending", "ticket", "assigned")
WAITING = ("pending", "ticket")
CLOSED = ("resolved", "handed_back")
STATUSES = OPEN + CLOSED
SEARCH_LIMIT = 200
SEARCH_CHARS = 100


def search_terms(text: str) -> List[str]:
    """What to look for: the text in lower case, bounded; a phone number also without its spaces
    and dashes, an order number also without its #."""
    text = " ".join((text or "").split())[:SEARCH_CHARS].lower()
    if len(text) < 2:
        return []
    terms = [text]
    compact = re.sub(r"[\s().-]", "", text)
    if re.fullmatch(r"\+?\d{6,}", compact) and compact != text:
        terms.append(compact)
    if text.startswith("#") and len(text) > 2:
        terms.append(text[1:])
    return terms


class CaseNotFound(Exception):
    pass


class ClaimRefused(Exception):
    """The case is owned by another agent (`owner`), or closed."""

    def __init__(self, message: str, owner: Optional[str] = None) -> None:
        super().__init__(message)
        self.owner = owner


@dataclass
class NewMessage:
    sender: str  # customer | bot | agent
    text: str
    timestamp: float
    kind: str = "message"  # message | button | attachment
    buttons: Optional[List[str]] = None
    channel: Optional[str] = None
    agent: Optional[str] = None
    delivered: Optional[bool] = None
    event_key: Optional[str] = None


def _row(row) -> Dict[str, Any]:
    return dict(row._mapping)


class HandoffStore:
    def __init__(self, engine_or_url) -> None:
        self.engine: Engine = db.make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url

    # -- cases ---------------------------------------------------------------------------
    def open_case(
        self, *, conversation_id: str, channel: str, language: str, reason: str, base_priority: int,
        status: str, summary: str, context: Dict[str, Any], customer_key: Optional[str],
        customer_name: Optional[str], contact: Optional[str], transcript: Sequence[NewMessage] = (),
        now: Optional[float] = None, category: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Opens a case, or returns the conversation's open one (the customer asked again)."""
        assert status in WAITING, status
        now = now or time.time()
        with self.engine.begin() as conn:
            existing = conn.execute(
                select(db.cases).where(db.cases.c.conversation_id == conversation_id, db.cases.c.status.in_(OPEN))
            ).first()
            if existing is not None:
                return _row(existing)
            case_id = conn.execute(insert(db.cases).values(
                conversation_id=conversation_id, channel=channel, language=language, reason=reason,
                base_priority=base_priority, status=status, summary=summary, context=context,
                customer_key=customer_key, customer_name=customer_name, contact=contact, created_at=now,
                category=category, stage="received",
            )).inserted_primary_key[0]
            for message in transcript:
                conn.execute(insert(db.messages).values(case_id=case_id, **stored_message(message)))
            self._changed(conn, case_id, now)
        return self.case(case_id)

    def case(self, case_id: int) -> Dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.cases).where(db.cases.c.id == case_id)).first()
        if row is None:
            raise CaseNotFound(case_id)
        return _row(row)

    def open_case_of(self, conversation_id: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.cases).where(
                db.cases.c.conversation_id == conversation_id, db.cases.c.status.in_(OPEN))).first()
        return _row(row) if row else None

    def latest_case_of(self, conversation_id: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.cases).where(db.cases.c.conversation_id == conversation_id)
                               .order_by(db.cases.c.id.desc()).limit(1)).first()
        return _row(row) if row else None

    def cases(self, statuses: Iterable[str] = OPEN, limit: int = 500) -> List[Dict[str, Any]]:
        """Cases in these statuses, oldest first (the queue order adds priority: see triage)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.cases).where(db.cases.c.status.in_(list(statuses)))
                                .order_by(db.cases.c.created_at, db.cases.c.id).limit(limit)).all()
        return [_row(r) for r in rows]

    def search(self, text: str, statuses: Iterable[str] = STATUSES, limit: int = SEARCH_LIMIT) -> List[Dict[str, Any]]:
        """Cases whose customer name, contact, context (email, phone, order numbers) or transcript
        contains `text` (any case; a phone number with or without spaces, an order with or without #)."""
        terms = search_terms(text)
        if not terms:
            return []
        def contains(column, term):
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return func.lower(column).like(f"%{escaped}%", escape="\\")
        in_transcript = select(db.messages.c.id).where(db.messages.c.case_id == db.cases.c.id)
        matches = []
        for term in terms:
            matches += [contains(db.cases.c.customer_name, term), contains(db.cases.c.contact, term),
                        contains(cast(db.cases.c.context, String), term),
                        in_transcript.where(contains(db.messages.c.text, term)).exists()]
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.cases).where(db.cases.c.status.in_(list(statuses)), or_(*matches))
                                .order_by(db.cases.c.id.desc()).limit(limit)).all()
        return [_row(r) for r in rows]

    def earlier_cases(self, customer_key: str, before_case: Optional[int] = None) -> List[Dict[str, Any]]:
        query = select(db.cases.c.id, db.cases.c.created_at, db.cases.c.reason, db.cases.c.status, db.cases.c.csat,
                       db.cases.c.summary).where(db.cases.c.customer_key == customer_key)
        if before_case is not None:
            query = query.where(db.cases.c.id < before_case)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query.order_by(db.cases.c.id.desc()).limit(20))]

    def update_case(self, case_id: int, **values: Any) -> None:
        """Contact, summary or context learnt after the case opened."""
        allowed = {"contact", "summary", "context", "customer_name", "category", "stage"}
        assert set(values) <= allowed, values
        with self.engine.begin() as conn:
            conn.execute(update(db.cases).where(db.cases.c.id == case_id).values(**values))
            self._changed(conn, case_id)

    # -- who owns a case -------------------------------------------------------------------
    def claim(self, case_id: int, agent: str, takeover: bool = False, now: Optional[float] = None) -> Dict[str, Any]:
        """Makes `agent` the owner. Without `takeover`, only a waiting case (or one the agent
        already owns) can be claimed. Decided by one conditional UPDATE: exactly one of several
        simultaneous claims wins."""
        now = now or time.time()
        claimable = db.cases.c.status.in_(OPEN if takeover else WAITING)
        with self.engine.begin() as conn:
            result = conn.execute(
                update(db.cases)
                .where(db.cases.c.id == case_id, claimable | and_(db.cases.c.status == "assigned", db.cases.c.agent == agent))
                .values(status="assigned", agent=agent, claimed_at=func.coalesce(db.cases.c.claimed_at, now))
            )
            if result.rowcount == 1:
                self._changed(conn, case_id, now)
        if result.rowcount != 1:
            case = self.case(case_id)
            if case["status"] in CLOSED:
                raise ClaimRefused(f"case {case_id} is already {case['status']}")
            raise ClaimRefused(f"case {case_id} is owned by {case['agent']}", owner=case["agent"])
        return self.case(case_id)

    def close(self, case_id: int, agent: str, status: str, now: Optional[float] = None) -> Dict[str, Any]:
        """Resolves or hands back a case the agent owns."""
        assert status in CLOSED, status
        now = now or time.time()
        with self.engine.begin() as conn:
            result = conn.execute(
                update(db.cases).where(db.cases.c.id == case_id, db.cases.c.status == "assigned", db.cases.c.agent == agent)
                .values(status=status, closed_at=now, **({"stage": "resolved"} if status == "resolved" else {}))
            )
            if result.rowcount == 1:
                self._changed(conn, case_id, now)
        if result.rowcount != 1:
            self.require_owner(case_id, agent)  # raises with the reason
        return self.case(case_id)

    def require_owner(self, case_id: int, agent: str) -> Dict[str, Any]:
        case = self.case(case_id)
        if case["status"] != "assigned":
            raise ClaimRefused(f"case {case_id} is {case['status']}: claim it first")
        if case["agent"] != agent:
            raise ClaimRefused(f"case {case_id} is owned by {case['agent']}", owner=case["agent"])
        return case

    def record_csat(self, case_id: int, score: int, now: Optional[float] = None) -> None:
        assert 1 <= score <= 5, score
        with self.engine.begin() as conn:
            conn.execute(update(db.cases).where(db.cases.c.id == case_id).values(csat=score, csat_at=now or time.time()))
            self._changed(conn, case_id)

    # -- transcript and notes ----------------------------------------------------------------
    def add_message(self, case_id: int, message: NewMessage) -> Optional[Dict[str, Any]]:
        """Appends to the transcript; None when this Rasa event is already there."""
        try:
            with self.engine.begin() as conn:
                message_id = conn.execute(insert(db.messages).values(case_id=case_id, **stored_message(message))).inserted_primary_key[0]
                self._changed(conn, case_id)
        except IntegrityError:
            return None
        return {"id": message_id, **stored_message(message)}

    def set_delivered(self, message_id: int, delivered: bool) -> None:
        with self.engine.begin() as conn:
            case_id = conn.execute(select(db.messages.c.case_id).where(db.messages.c.id == message_id)).scalar()
            conn.execute(update(db.messages).where(db.messages.c.id == message_id).values(delivered=delivered))
            if case_id is not None:
                self._changed(conn, case_id)

    def transcript(self, case_id: int) -> List[Dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.messages).where(db.messages.c.case_id == case_id)
                                .order_by(db.messages.c.timestamp, db.messages.c.id)).all()
        return [_row(r) for r in rows]

    def last_message_at(self, case_ids: Sequence[int]) -> Dict[int, float]:
        if not case_ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.messages.c.case_id, func.max(db.messages.c.timestamp))
                                .where(db.messages.c.case_id.in_(list(case_ids))).group_by(db.messages.c.case_id)).all()
        return {case_id: at for case_id, at in rows}

    def customer_message_counts(self, case_ids: Sequence[int]) -> Dict[int, int]:
        """How many messages the customer has written in each case (the console's unread counts)."""
        if not case_ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.messages.c.case_id, func.count())
                                .where(db.messages.c.case_id.in_(list(case_ids)), db.messages.c.sender == "customer")
                                .group_by(db.messages.c.case_id)).all()
        return {case_id: count for case_id, count in rows}

    def add_note(self, case_id: int, agent: str, text: str, now: Optional[float] = None) -> Dict[str, Any]:
        self.case(case_id)
        now = now or time.time()
        text = stored_text(text)  # card numbers never stored (bot/privacy/transcripts.py)
        with self.engine.begin() as conn:
            note_id = conn.execute(insert(db.notes).values(case_id=case_id, agent=agent, text=text, created_at=now)).inserted_primary_key[0]
            self._changed(conn, case_id, now)
        return {"id": note_id, "agent": agent, "text": text, "created_at": now}

    def notes(self, case_id: int) -> List[Dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.notes).where(db.notes.c.case_id == case_id).order_by(db.notes.c.id)).all()
        return [_row(r) for r in rows]

    # -- queue figures ----------------------------------------------------------------------
    def recent_handle_times(self, limit: int = 20) -> List[float]:
        """Seconds from opening to closing of the latest closed cases that an agent took."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.cases.c.closed_at - db.cases.c.created_at)
                                .where(db.cases.c.status.in_(CLOSED), db.cases.c.claimed_at.isnot(None))
                                .order_by(db.cases.c.closed_at.desc()).limit(limit)).all()
        return [r[0] for r in rows if r[0] is not None]

    # -- live updates ------------------------------------------------------------------------
    def changes_since(self, version: int) -> tuple:
        """(latest version, ids of the cases changed after `version`)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.changes.c.id, db.changes.c.case_id).where(db.changes.c.id > version)
                                .order_by(db.changes.c.id).limit(1000)).all()
            latest = rows[-1][0] if rows else max(version, conn.execute(select(func.max(db.changes.c.id))).scalar() or 0)
        return latest, sorted({case_id for _, case_id in rows})

    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(db.changes.c.id))).scalar() or 0

    def prune_changes(self, older_than_s: float = 86400) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(db.changes).where(db.changes.c.at < time.time() - older_than_s))

    @staticmethod
    def _changed(conn, case_id: int, now: Optional[float] = None) -> None:
        conn.execute(insert(db.changes).values(case_id=case_id, at=now or time.time()))


@lru_cache(maxsize=1)
def default_store() -> HandoffStore:
    """The process's store, on HANDOFF_DATABASE_URL (SQLite var/handoff.db by default)."""
    return HandoffStore(db.database_url())
