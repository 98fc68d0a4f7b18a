"""One JSON document of what the bot holds about a person (an access request): their
conversations (messages and what the bot recorded about them), their cases (transcript, notes,
contact, what the agent was shown, the rating) and their sentences in the review files. Only
what `finding` attributes to that person, nothing of anyone else's."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from sqlalchemy.engine import Engine

from bot.privacy import audit, case_records, review_files
from bot.privacy.erase import locate
from bot.privacy.finding import Found
from bot.privacy.places import Places
from bot.privacy.subject import Subject
from bot.tracker_events import TrackerEvents

# Bookkeeping that says nothing about the person (a signature over their verified id).
HIDDEN_SLOTS = {"identity_proof", "requested_slot"}


def _iso(ts: Any) -> Optional[str]:
    try:
        return datetime.fromtimestamp(float(ts), timezone.utc).isoformat() if ts else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def conversation_document(conversation_id: str, events: List[Dict[str, Any]]) -> Dict[str, Any]:
    messages, recorded, channels = [], {}, set()
    for event in events:
        kind = event.get("event")
        if kind == "user":
            channels.add(event.get("input_channel") or "")
            messages.append({"at": _iso(event.get("timestamp")), "from": "customer", "text": event.get("text") or ""})
        elif kind == "bot" and (event.get("text") or (event.get("data") or {}).get("buttons")):
            agent = (event.get("metadata") or {}).get("agent")
            item = {"at": _iso(event.get("timestamp")), "from": "agent" if agent else "bot", "text": event.get("text") or ""}
            if agent:
                item["agent"] = agent
            messages.append(item)
        elif kind == "slot" and event.get("name") not in HIDDEN_SLOTS and event.get("value") not in (None, "", []):
            recorded[event["name"]] = event["value"]
    return {"id": conversation_id, "channels": sorted(c for c in channels if c), "messages": messages,
            "recorded_about_you": recorded}


def case_document(case: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "id": case["id"], "conversation_id": case["conversation_id"], "channel": case["channel"],
        "language": case["language"], "reason": case["reason"], "status": case["status"],
        "opened_at": _iso(case["created_at"]), "closed_at": _iso(case["closed_at"]),
        "customer_name": case["customer_name"], "contact": case["contact"], "summary": case["summary"],
        "shown_to_the_agent": case["context"], "rating": case["csat"], "rated_at": _iso(case["csat_at"]),
        "transcript": [{"at": _iso(m["timestamp"]), "from": m["sender"], "text": m["text"], "agent": m["agent"]}
                       for m in case["transcript"]],
        "notes": [{"at": _iso(n["created_at"]), "agent": n["agent"], "text": n["text"]} for n in case["notes"]],
    }


def document(located: Found, places: Places, engine: Engine, now: float) -> Dict[str, Any]:
    tracker = TrackerEvents(places.tracker_url)
    try:
        events = tracker.events_of(located.conversation_ids)
    finally:
        tracker.close()
    return {
        "request": {"kind": located.subject.kind, "value": located.subject.value},
        "generated_at": _iso(now),
        "conversations": [conversation_document(cid, evs) for cid, evs in sorted(events.items()) if evs],
        "cases": [case_document(c) for c in case_records.read(engine, located.case_ids)],
        "review_sentences": [{"language": m.get("language"), "text": m.get("text")}
                             for m in review_files.messages_of(places.review_file, located.conversation_ids)],
    }


async def export(subject: Subject, places: Places, engine: Engine, actor: str, backend: Any = None,
                 now: Optional[float] = None) -> Dict[str, Any]:
    now = now or time.time()
    located = await locate(subject, places, engine, backend)
    result = await asyncio.to_thread(document, located, places, engine, now)
    await asyncio.to_thread(audit.record, engine, actor, "export", subject=subject, now=now,
                            detail={"conversations": len(result["conversations"]), "cases": len(result["cases"])})
    return result
