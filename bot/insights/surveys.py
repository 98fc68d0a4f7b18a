"""Asking customers NPS ("how likely are you to recommend us?", 0-10) and effort ("how easy was
it?", 1-5) after a conversation: whether to ask, and where the questions and answers are kept
(the handoff store's insights_surveys table). Plain functions: actions/surveys.py calls them."""
from __future__ import annotations

import random
import re
import time
from typing import Any, Optional

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from bot.handoff import db
from bot.insights.settings import InsightsSettings

KINDS = {"nps": range(0, 11), "effort": range(1, 6)}
# A question left unanswered this long no longer takes a score: the customer has moved on.
ANSWER_WITHIN_S = 24 * 3600


def score_in(kind: str, value: Any) -> Optional[int]:
    """The score from a button's payload value or a typed answer ("9", "un 4"), if in range."""
    numbers = re.findall(r"(?<!\d)(\d{1,2})(?!\d)", str(value or ""))
    if not numbers:
        return None
    score = int(numbers[0])
    return score if score in KINDS[kind] else None


def should_ask_nps(engine: Engine, customer_key: str, settings: InsightsSettings, now: Optional[float] = None,
                   draw: Optional[float] = None) -> bool:
    """Sampled at the shop's rate, and never when the customer was asked within the quiet days."""
    if settings.nps_sampling_rate <= 0:
        return False
    if (random.random() if draw is None else draw) >= settings.nps_sampling_rate:
        return False
    since = (now or time.time()) - settings.nps_quiet_days * 86400
    with engine.connect() as conn:
        asked = conn.execute(select(db.surveys.c.id).where(
            db.surveys.c.kind == "nps", db.surveys.c.customer_key == customer_key, db.surveys.c.asked_at >= since).limit(1)).first()
    return asked is None


def record_asked(engine: Engine, kind: str, conversation_id: str, customer_key: str, channel: Optional[str],
                 language: Optional[str], now: Optional[float] = None) -> int:
    assert kind in KINDS, kind
    with engine.begin() as conn:
        return conn.execute(insert(db.surveys).values(
            kind=kind, conversation_id=conversation_id, customer_key=customer_key, channel=channel, language=language,
            asked_at=now or time.time())).inserted_primary_key[0]


def pending(engine: Engine, conversation_id: str, kind: str, now: Optional[float] = None) -> Optional[int]:
    """The id of this conversation's latest unanswered question of this kind, if recent."""
    since = (now or time.time()) - ANSWER_WITHIN_S
    with engine.connect() as conn:
        return conn.execute(select(db.surveys.c.id).where(
            db.surveys.c.conversation_id == conversation_id, db.surveys.c.kind == kind, db.surveys.c.score.is_(None),
            db.surveys.c.asked_at >= since).order_by(db.surveys.c.id.desc()).limit(1)).scalar()


def latest_pending(engine: Engine, conversation_id: str, now: Optional[float] = None) -> Optional[dict]:
    """The conversation's latest unanswered question of either kind, if recent: a typed "9" answers it."""
    since = (now or time.time()) - ANSWER_WITHIN_S
    with engine.connect() as conn:
        row = conn.execute(select(db.surveys.c.id, db.surveys.c.kind, db.surveys.c.asked_at).where(
            db.surveys.c.conversation_id == conversation_id, db.surveys.c.score.is_(None), db.surveys.c.asked_at >= since)
            .order_by(db.surveys.c.id.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


def record_answer(engine: Engine, survey_id: int, score: int, now: Optional[float] = None) -> None:
    with engine.begin() as conn:
        kind = conn.execute(select(db.surveys.c.kind).where(db.surveys.c.id == survey_id)).scalar()
        assert kind in KINDS and score in KINDS[kind], (kind, score)
        conn.execute(update(db.surveys).where(db.surveys.c.id == survey_id).values(score=score, answered_at=now or time.time()))
