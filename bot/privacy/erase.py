"""Erasing a person, store by store: their conversations in Rasa's tracker store, their cases in
the handoff store (anonymised: the figures keep their count and rating), their survey answers
(anonymised), their messages in the review files, and an erase event for the consumers of the
RabbitMQ stream. The shop's own records (orders, returns, incidents) are the shop's: untouched.

    located = await locate(subject, places, engine, backend)   # what would go (a preview)
    report = await erase_located(located, places, engine, actor)
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Dict, Optional

from sqlalchemy.engine import Engine

from bot.insights import rollups
from bot.privacy import audit, case_records, erase_event, finding, review_files
from bot.privacy.places import Places
from bot.privacy.subject import Subject
from bot.tracker_events import TrackerEvents

logger = logging.getLogger(__name__)


async def locate(subject: Subject, places: Places, engine: Engine, backend: Any = None) -> finding.Found:
    identity = await finding.widened_by_shop(subject, backend)
    tracker = TrackerEvents(places.tracker_url)
    try:
        return await asyncio.to_thread(finding.find, subject, identity, tracker, engine)
    finally:
        tracker.close()


def preview(located: finding.Found, places: Places) -> Dict[str, Any]:
    """What an erase of `located` would remove, without removing anything."""
    return {
        "subject": located.subject.label,
        "conversations": len(located.conversation_ids),
        "cases": len(located.case_ids),
        "review_messages": len(review_files.messages_of(places.review_file, located.conversation_ids)),
        "shop_records_read": located.identity.shop_checked,
    }


def _customer_keys(located: finding.Found) -> set:
    return ({f"customer:{c}" for c in located.identity.customer_ids}
            | {f"conversation:{c}" for c in located.conversation_ids})


def erase_stores(located: finding.Found, places: Places, engine: Engine, now: float) -> Dict[str, Dict[str, Any]]:
    tracker = TrackerEvents(places.tracker_url)
    try:
        events, conversations = tracker.delete(located.conversation_ids)
    finally:
        tracker.close()
    cases = case_records.anonymise(engine, located.case_ids, now)
    surveys = case_records.anonymise_surveys(engine, set(located.conversation_ids), _customer_keys(located))
    summaries = rollups.anonymise(engine, located.conversation_ids)
    return {
        "tracker_store": {"conversations": conversations, "events": events},
        "handoff_store": {"cases_anonymised": cases["cases"], "messages": cases["messages"], "notes": cases["notes"],
                          "ratings_kept_anonymous": cases["ratings_kept"], "survey_answers_anonymised": surveys,
                          "conversation_summaries_anonymised": summaries},
        "review_files": {"messages": review_files.remove_conversations(places.review_file, located.conversation_ids)},
    }


async def tell_consumers(located: finding.Found, places: Places, now: float) -> Dict[str, Any]:
    if not places.rabbitmq_url:
        return {"published": False, "why": "no RABBITMQ_URL: no event stream to tell"}
    if not located.conversation_ids:
        return {"published": False, "why": "no conversation was erased"}
    try:
        await erase_event.publish(places.rabbitmq_url, places.rabbitmq_queue,
                                  erase_event.message(located.conversation_ids, now))
    except Exception as error:  # the stores are erased already: say so, and that the stream wasn't told
        logger.error("privacy: the erase event could not be published (%s)", type(error).__name__)
        return {"published": False, "why": f"RabbitMQ refused or is down ({type(error).__name__}): tell its consumers"}
    return {"published": True, "queue": places.rabbitmq_queue}


async def erase_located(located: finding.Found, places: Places, engine: Engine, actor: str,
                        now: Optional[float] = None) -> Dict[str, Any]:
    now = now or time.time()
    stores = await asyncio.to_thread(erase_stores, located, places, engine, now)
    stores["event_broker"] = await tell_consumers(located, places, now)
    report = {"subject": located.subject.label, "conversations": len(located.conversation_ids),
              "cases": len(located.case_ids), "stores": stores}
    await asyncio.to_thread(audit.record, engine, actor, "erase", subject=located.subject, now=now,
                            detail={"conversations": report["conversations"], "cases": report["cases"]})
    return report
