"""The handoff store's side of a privacy request: a person's cases, read whole or anonymised.

Anonymising keeps what the figures count (channel, language, reason, status, times, priority,
the 1-5 rating and when it was given) and drops everything that points at the person: the
conversation id, customer key, name, contact, summary, context, transcript and notes. An open
case is closed as resolved: nobody is left to answer.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Set

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine

from bot.handoff import db
from bot.handoff.store import OPEN
from bot.tracker_events import secure_delete

ERASED_PREFIX = "erased:"


def cases_where(engine: Engine, matches: Callable[[Dict[str, Any]], bool]) -> Set[int]:
    """Ids of the cases (not yet anonymised) for which `matches(case)` holds."""
    columns = (db.cases.c.id, db.cases.c.conversation_id, db.cases.c.customer_key, db.cases.c.customer_name,
               db.cases.c.contact, db.cases.c.context)
    found: Set[int] = set()
    with engine.connect() as conn:
        rows = conn.execution_options(stream_results=True).execute(
            select(*columns).where(~db.cases.c.conversation_id.startswith(ERASED_PREFIX)))
        for row in rows:
            if matches(dict(row._mapping)):
                found.add(row.id)
    return found


def read(engine: Engine, case_ids: Iterable[int]) -> List[Dict[str, Any]]:
    """Each case with its transcript and notes, oldest case first."""
    ids = sorted(set(case_ids))
    if not ids:
        return []
    with engine.connect() as conn:
        cases = [dict(r._mapping) for r in conn.execute(select(db.cases).where(db.cases.c.id.in_(ids)).order_by(db.cases.c.id))]
        messages = [dict(r._mapping) for r in conn.execute(
            select(db.messages).where(db.messages.c.case_id.in_(ids)).order_by(db.messages.c.timestamp, db.messages.c.id))]
        notes = [dict(r._mapping) for r in conn.execute(
            select(db.notes).where(db.notes.c.case_id.in_(ids)).order_by(db.notes.c.id))]
    for case in cases:
        case["transcript"] = [m for m in messages if m["case_id"] == case["id"]]
        case["notes"] = [n for n in notes if n["case_id"] == case["id"]]
    return cases


def anonymise(engine: Engine, case_ids: Iterable[int], now: Optional[float] = None) -> Dict[str, int]:
    """Anonymises these cases; returns how many cases, messages, notes and kept ratings."""
    ids = sorted(set(case_ids))
    counts = {"cases": 0, "messages": 0, "notes": 0, "ratings_kept": 0}
    if not ids:
        return counts
    now = now or time.time()
    with engine.begin() as conn:
        secure_delete(conn)
        counts["messages"] = conn.execute(delete(db.messages).where(db.messages.c.case_id.in_(ids))).rowcount or 0
        counts["notes"] = conn.execute(delete(db.notes).where(db.notes.c.case_id.in_(ids))).rowcount or 0
        counts["ratings_kept"] = conn.execute(
            select(func.count()).where(db.cases.c.id.in_(ids), db.cases.c.csat.isnot(None))).scalar() or 0
        conn.execute(update(db.cases).where(db.cases.c.id.in_(ids), db.cases.c.status.in_(OPEN))
                     .values(status="resolved", closed_at=now))
        for case_id in ids:
            counts["cases"] += conn.execute(update(db.cases).where(db.cases.c.id == case_id).values(
                conversation_id=f"{ERASED_PREFIX}{case_id}", customer_key=None, customer_name=None, contact=None,
                summary="", context={"erased_at": now},
            )).rowcount or 0
            conn.execute(insert(db.changes).values(case_id=case_id, at=now))  # the consoles refresh
    return counts


def closed_before(engine: Engine, cutoff: float) -> Set[int]:
    """Closed cases, not yet anonymised, closed (or opened, if never closed) before `cutoff`."""
    closed_at = func.coalesce(db.cases.c.closed_at, db.cases.c.created_at)
    with engine.connect() as conn:
        rows = conn.execute(select(db.cases.c.id).where(
            ~db.cases.c.status.in_(OPEN), closed_at < cutoff, ~db.cases.c.conversation_id.startswith(ERASED_PREFIX)))
        return {row.id for row in rows}


def conversations_with_open_cases(engine: Engine) -> Set[str]:
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(select(db.cases.c.conversation_id).where(db.cases.c.status.in_(OPEN)))}


def anonymise_surveys(engine: Engine, conversation_ids: Set[str], customer_keys: Set[str],
                      asked_before: Optional[float] = None) -> int:
    """The NPS and effort answers (insights) of these conversations or customers, or all those
    asked before `asked_before`, keep their score and times and lose the link to the person."""
    surveys = getattr(db, "surveys", None)
    if surveys is None or not (conversation_ids or customer_keys or asked_before):
        return 0
    if asked_before is not None:
        who = surveys.c.asked_at < asked_before
    else:
        who = surveys.c.conversation_id.in_(sorted(conversation_ids)) | surveys.c.customer_key.in_(sorted(customer_keys))
    who = who & ~surveys.c.conversation_id.startswith(ERASED_PREFIX)
    with engine.begin() as conn:
        secure_delete(conn)
        ids = [row.id for row in conn.execute(select(surveys.c.id).where(who))]
        for survey_id in ids:
            conn.execute(update(surveys).where(surveys.c.id == survey_id).values(
                conversation_id=f"{ERASED_PREFIX}{survey_id}", customer_key=f"{ERASED_PREFIX}{survey_id}"))
    return len(ids)
