"""Retention (shop/privacy.yml): what is older than the shop keeps is deleted, or anonymised
where the figures need the count.

- conversations (tracker store): deleted when their last event is older than
  `conversations_days`, unless they have an open case;
- cases: anonymised `cases_days` after they were closed (bot/privacy/case_records.py), and
  survey answers (NPS, effort) `cases_days` after they were asked;
- review files: deleted `review_files_days` after they were written;
- the audit log: entries older than `audit_days` deleted.

`apply(now=…)` takes the time as an argument, so tests run it with a clock of their own; the
web app runs it once a day (`daily`), `python -m bot privacy retain` at once.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional

from sqlalchemy.engine import Engine

from bot.insights import rollups
from bot.privacy import audit, case_records, review_files
from bot.privacy.config import DAY_S, PrivacyConfig
from bot.privacy.places import Places
from bot.tracker_events import TrackerEvents

logger = logging.getLogger(__name__)


def apply(config: PrivacyConfig, places: Places, engine: Engine, now: Optional[float] = None,
          actor: str = "retention") -> Dict[str, Any]:
    now = now if now is not None else time.time()
    days = config.retention
    tracker = TrackerEvents(places.tracker_url)
    try:
        kept_open = case_records.conversations_with_open_cases(engine)
        cutoff = now - days.conversations_days * DAY_S
        old = {cid for cid, last in tracker.last_activity().items() if last < cutoff and cid not in kept_open}
        events, conversations = tracker.delete(old)
    finally:
        tracker.close()
    cases = case_records.anonymise(engine, case_records.closed_before(engine, now - days.cases_days * DAY_S), now)
    surveys = case_records.anonymise_surveys(engine, set(), set(), asked_before=now - days.cases_days * DAY_S)
    summaries = rollups.anonymise(engine, old)  # the conversations deleted above keep their figures
    files = review_files.remove_older_than(places.review_file, now - days.review_files_days * DAY_S)
    audit_removed = audit.remove_older_than(engine, now - days.audit_days * DAY_S)
    report = {
        "tracker_store": {"conversations": conversations, "events": events},
        "handoff_store": {"cases_anonymised": cases["cases"], "messages": cases["messages"], "notes": cases["notes"],
                          "survey_answers_anonymised": surveys, "conversation_summaries_anonymised": summaries},
        "review_files": {"files": [p.name for p in files]},
        "audit_log": {"entries": audit_removed},
    }
    if conversations or cases["cases"] or files:
        audit.record(engine, actor, "retain", now=now, detail={"conversations": conversations, "cases": cases["cases"],
                                                               "review_files": len(files)})
    return report


async def daily(run: Callable[[float], Any], clock: Callable[[], float] = time.time,
                sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep, period_s: float = DAY_S,
                first_delay_s: float = 60.0) -> None:
    """Runs `run(now)` shortly after start and then every `period_s`, for ever. A failure is
    logged and retried at the next turn: retention must not stop the web app."""
    await sleep(first_delay_s)
    while True:
        try:
            await asyncio.to_thread(run, clock())
        except Exception:
            logger.exception("privacy: the daily retention failed; it runs again tomorrow")
        await sleep(period_s)
