"""The definitions (README, "Insights"; the page's help says the same):

- contained: no case was opened in the conversation, its last bot turn was not a fallback, and the
  same customer didn't come back on the same topic within 72 hours of its end.
- first-contact resolution (FCR): of the conversations with a topic, the share after which the
  same customer didn't come back on the same topic within 7 days.
- bot response time: a customer message → the bot's first reply to it (agent replies excluded).
- human first response: a case opened → the first message an agent wrote in it.
- resolution time: a case opened → closed as resolved by an agent.
- resolution rate: conversations contained by the bot or whose case an agent resolved, over all.
- CSAT: the 1-5 ratings of resolved cases; NPS: % of 9-10 minus % of 0-6 answers to "would you
  recommend us?"; CES: the mean 1-5 answer to "how easy was it?".
- cost: agent minutes (a case claimed → closed) × the hourly cost, plus conversations × the bot's
  cost per conversation; savings: contained conversations × (an agent-handled case's mean cost −
  the bot's cost per conversation), only when the range has agent-handled cases to price one.

"The same customer" is the same sender (a WhatsApp number, a widget's browser) or the same verified
shop customer.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from statistics import mean, median
from typing import Any, Callable, Dict, List, Optional

from bot.insights.conversations import Conversation
from bot.insights.reading import Data
from bot.insights.settings import InsightsSettings

CONTAINED_REPEAT_S = 72 * 3600
FCR_REPEAT_S = 7 * 86400
PROMOTERS, DETRACTORS = range(9, 11), range(0, 7)


def _next_contacts(data: Data) -> Dict[str, Optional[float]]:
    """Conversation key → seconds from its end to the same customer's next conversation on the
    same topic (None: none, or no topic). Built once per read: sorted start times per (sender,
    topic) and per (verified customer, topic), searched by bisection."""
    cached = data.cache.get("next_contacts")
    if cached is not None:
        return cached
    starts: Dict[tuple, List[float]] = defaultdict(list)
    for c in data.later:
        if c.topic is not None:
            starts[("sender", c.sender_id, c.topic)].append(c.started_at)
            if c.customer_id:
                starts[("customer", c.customer_id, c.topic)].append(c.started_at)
    for times in starts.values():
        times.sort()

    def first_after(key: tuple, moment: float) -> Optional[float]:
        times = starts.get(key, [])
        i = bisect_right(times, moment)
        return times[i] if i < len(times) else None

    cached = {}
    for c in data.later:
        keys = [("sender", c.sender_id, c.topic)] + ([("customer", c.customer_id, c.topic)] if c.customer_id else [])
        nexts = [n for n in (first_after(k, c.ended_at) for k in keys) if n is not None] if c.topic else []
        cached[c.key] = min(nexts) - c.ended_at if nexts else None
    data.cache["next_contacts"] = cached
    return cached


def came_back(conversation: Conversation, data: Data, within_s: float) -> bool:
    """The same customer (the same sender, or the same verified shop customer) started another
    conversation on the same topic within `within_s` of this one's end."""
    gap = _next_contacts(data).get(conversation.key)
    return gap is not None and gap <= within_s


def is_contained(conversation: Conversation, data: Data) -> bool:
    return (conversation.key not in data.case_of and not conversation.handoff_action
            and not conversation.last_turn_fallback and not came_back(conversation, data, CONTAINED_REPEAT_S))


def outcome(conversation: Conversation, data: Data) -> str:
    if conversation.key in data.case_of or conversation.handoff_action:
        return "handed_over"
    if is_contained(conversation, data):
        return "contained"
    return "fallback" if conversation.last_turn_fallback else "came_back"


def describe(conversation: Conversation, data: Data) -> Dict[str, Any]:
    """One row of the lists behind a figure: enough to find the conversation and its case."""
    case = data.case_of.get(conversation.key) or {}
    return {"conversation_id": conversation.sender_id,
            "started_at": datetime.fromtimestamp(conversation.started_at, timezone.utc).isoformat(),
            "channel": conversation.channel, "language": conversation.language, "topic": conversation.topic,
            "outcome": outcome(conversation, data), "case_id": case.get("id"), "case_status": case.get("status")}


def first_contact_resolved(conversation: Conversation, data: Data) -> bool:
    return not came_back(conversation, data, FCR_REPEAT_S)


def percentile(values: List[float], share: float) -> Optional[float]:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _p50(values: List[float]) -> Optional[float]:
    return round(median(values), 1) if values else None


def _rate(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def _avg(values: List[float]) -> Optional[float]:
    return round(float(mean(values)), 2) if values else None


def nps_of(scores: List[int]) -> Optional[float]:
    if not scores:
        return None
    promoters = sum(1 for s in scores if s in PROMOTERS)
    detractors = sum(1 for s in scores if s in DETRACTORS)
    return round(100 * (promoters - detractors) / len(scores), 1)


def agent_minutes(case: Dict[str, Any]) -> Optional[float]:
    if case.get("claimed_at") is None or case.get("closed_at") is None:
        return None
    return max(0.0, case["closed_at"] - case["claimed_at"]) / 60


def first_response_s(case: Dict[str, Any], data: Data) -> Optional[float]:
    reply = data.first_agent_reply.get(case["id"])
    return max(0.0, reply - case["created_at"]) if reply is not None else None


def resolution_s(case: Dict[str, Any]) -> Optional[float]:
    if case["status"] != "resolved" or case.get("closed_at") is None:
        return None
    return max(0.0, case["closed_at"] - case["created_at"])


def subset(data: Data, keep: Callable[[Optional[str], Optional[str]], bool]) -> Data:
    """The data of the conversations, cases and answers whose (channel, language) `keep` accepts."""
    return replace(
        data,
        conversations=[c for c in data.conversations if keep(c.channel, c.language)],
        cases=[c for c in data.cases if keep(c["channel"], c["language"])],
        surveys=[s for s in data.surveys if keep(s["channel"], s["language"])],
    )


def on_channel(channel: str) -> Callable[[Optional[str], Optional[str]], bool]:
    """subset's `keep` for the data of one channel."""
    return lambda ch, _: ch == channel


def in_language(language: str) -> Callable[[Optional[str], Optional[str]], bool]:
    """subset's `keep` for the data of one language."""
    return lambda _, la: la == language


def core(data: Data) -> Dict[str, Any]:
    """The headline figures of one set of conversations and cases."""
    conversations = data.conversations
    contained = sum(1 for c in conversations if is_contained(c, data))
    resolved_by_person = {c.key for c in conversations if (data.case_of.get(c.key) or {}).get("status") == "resolved"}
    with_topic = [c for c in conversations if c.topic is not None]
    csat = [c["csat"] for c in data.cases if c.get("csat") is not None]
    nps = [s["score"] for s in data.surveys if s["kind"] == "nps"]
    effort = [s["score"] for s in data.surveys if s["kind"] == "effort"]
    first_responses = [s for s in (first_response_s(c, data) for c in data.cases) if s is not None]
    resolutions = [s for s in (resolution_s(c) for c in data.cases) if s is not None]
    return {
        "conversations": len(conversations),
        "contained": contained,
        "containment_rate": _rate(contained, len(conversations)),
        "handoffs": len(data.cases),
        "handoff_rate": _rate(len(data.cases), len(conversations)),
        "handoff_reasons": dict(Counter(c["reason"] for c in data.cases).most_common()),
        "bot_response_ms_p50": _p50([ms for c in conversations for ms in c.response_ms]),
        "bot_response_ms_p90": percentile([ms for c in conversations for ms in c.response_ms], 0.9),
        "human_first_response_s_p50": _p50(first_responses),
        "resolution_time_s_p50": _p50(resolutions),
        "resolved_by_person": sum(1 for c in data.cases if c["status"] == "resolved"),
        "resolution_rate": _rate(contained + len(resolved_by_person), len(conversations)),
        "fcr_rate": _rate(sum(1 for c in with_topic if first_contact_resolved(c, data)), len(with_topic)),
        "csat_avg": _avg(csat),
        "csat_count": len(csat),
        "nps": nps_of(nps),
        "nps_count": len(nps),
        "ces_avg": _avg(effort),
        "ces_count": len(effort),
    }


def costs(cases: List[Dict[str, Any]], conversations: int, settings: InsightsSettings, contained: int) -> Dict[str, Any]:
    minutes = [m for m in (agent_minutes(c) for c in cases) if m is not None]
    agent_cost = sum(minutes) / 60 * settings.agent_cost_per_hour
    bot_cost = conversations * settings.bot_cost_per_conversation
    per_case = agent_cost / len(minutes) if minutes else None
    return {
        "currency": settings.currency,
        "agent_minutes": round(sum(minutes), 1),
        "agent_cost": round(agent_cost, 2),
        "bot_cost": round(bot_cost, 2),
        "total_cost": round(agent_cost + bot_cost, 2),
        "cost_per_agent_case": round(per_case, 2) if per_case is not None else None,
        "savings": round(contained * (per_case - settings.bot_cost_per_conversation), 2) if per_case is not None else None,
    }


def by_topic(data: Data) -> Dict[str, Dict[str, Any]]:
    grouped: Dict[str, List[Conversation]] = defaultdict(list)
    for conversation in data.conversations:
        grouped[conversation.topic or "(none)"].append(conversation)
    result = {}
    for topic, conversations in sorted(grouped.items(), key=lambda item: -len(item[1])):
        contained = sum(1 for c in conversations if is_contained(c, data))
        handed = sum(1 for c in conversations if c.key in data.case_of or c.handoff_action)
        repeat_free = sum(1 for c in conversations if first_contact_resolved(c, data))
        result[topic] = {"conversations": len(conversations), "contained": contained,
                         "containment_rate": _rate(contained, len(conversations)), "handoffs": handed,
                         "fcr_rate": _rate(repeat_free, len(conversations)) if topic != "(none)" else None}
    return result


def kpis(data: Data, settings: InsightsSettings) -> Dict[str, Any]:
    """Every figure of `GET /api/insights` and `python -m bot kpis`."""
    figures = core(data)
    channels = sorted({c.channel for c in data.conversations} | {c["channel"] for c in data.cases})
    languages = sorted({c.language for c in data.conversations} | {c["language"] for c in data.cases})
    return {
        "from": data.window.first_day.isoformat(), "to": data.window.last_day.isoformat(),
        "channel": data.window.channel, "language": data.window.language,
        **figures,
        "cost": costs(data.cases, len(data.conversations), settings, figures["contained"]),
        "by_channel": {ch: core(subset(data, on_channel(ch))) for ch in channels},
        "by_language": {lang: core(subset(data, in_language(lang))) for lang in languages},
        "by_intent": by_topic(data),
    }
