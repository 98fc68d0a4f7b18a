"""The audit log: who viewed, exported or erased which case or customer, and when. Console
actions are recorded under the agent's username, command-line runs as `os:<user>`. Supervisors
read it (GET /api/privacy/audit, `python -m bot privacy audit`)."""
from __future__ import annotations

import getpass
import time
from typing import Any, Dict, List, Optional

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from bot.handoff import db
from bot.privacy.subject import Subject

ACTIONS = ("view", "export", "erase", "retain")
MAX_LIMIT = 1000


def command_line_actor() -> str:
    try:
        return f"os:{getpass.getuser()}"[:128]
    except (KeyError, OSError):  # no name for this uid (a container)
        return "os:unknown"


def record(engine: Engine, actor: str, action: str, *, subject: Optional[Subject] = None, case_id: Optional[int] = None,
           detail: Optional[Dict[str, Any]] = None, now: Optional[float] = None) -> None:
    assert action in ACTIONS, action
    with engine.begin() as conn:
        conn.execute(insert(db.privacy_audit).values(
            at=now or time.time(), actor=actor[:128], action=action, case_id=case_id,
            subject=subject.label[:128] if subject else None, fingerprint=subject.fingerprint if subject else None,
            detail=detail,
        ))


def entries(engine: Engine, limit: int = 100, action: Optional[str] = None) -> List[Dict[str, Any]]:
    """The newest entries first."""
    query = select(db.privacy_audit).order_by(db.privacy_audit.c.id.desc()).limit(max(1, min(limit, MAX_LIMIT)))
    if action:
        query = query.where(db.privacy_audit.c.action == action)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def remove_older_than(engine: Engine, cutoff: float) -> int:
    with engine.begin() as conn:
        return conn.execute(delete(db.privacy_audit).where(db.privacy_audit.c.at < cutoff)).rowcount or 0


VIEW_AGAIN_AFTER_S = 600  # the console re-reads an open case on every update: one view per sitting


def record_view(engine: Engine, actor: str, case_id: int, now: Optional[float] = None) -> bool:
    """Records that `actor` viewed the case, unless they already did in the last ten minutes."""
    now = now or time.time()
    table = db.privacy_audit
    with engine.connect() as conn:
        recent = conn.execute(select(table.c.id).where(
            table.c.action == "view", table.c.actor == actor[:128], table.c.case_id == case_id,
            table.c.at >= now - VIEW_AGAIN_AFTER_S).limit(1)).first()
    if recent is not None:
        return False
    record(engine, actor, "view", case_id=case_id, now=now)
    return True
