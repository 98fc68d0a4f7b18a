"""GET /api/insights and `python -m bot kpis` from the rollups, fast: metrics.kpis's figures with
the per-conversation work done by the database. One query returns each conversation of the range
with, beside its summary, when the same customer next came back on the same topic (two index
probes per row, bounded as reading.py bounds its look-ahead); the cases, first agent replies and
survey answers are read as reading.py reads them; then one pass adds everything up with
metrics.py's own helpers. tests/test_insights_rollups.py checks the result equals metrics.kpis.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, List

from sqlalchemy import text

from bot.handoff import db
from bot.insights import metrics, reading
from bot.editor.review import FALLBACK_INTENT
from bot.insights.conversations import FALLBACKS, Conversation
from bot.insights.settings import InsightsSettings

CASE_COLUMNS = [db.cases.c[name] for name in ("id", "conversation_id", "channel", "language", "reason", "status",
                                              "created_at", "claimed_at", "closed_at", "csat")]
NEXT_SAME_TOPIC = """(SELECT MIN(n.started_at) FROM insights_conversations n WHERE n.{who} = c.{who} AND n.topic = c.topic
    AND n.started_at > c.ended_at AND n.started_at < :until)"""
# Settled conversations (rollups.settle) carry their next same-topic contact; the others look it up.
IN_RANGE = f"""SELECT c.sender_id, c.started_at, c.ended_at, c.channel, c.language, c.topic, c.handoff_action, c.last_action,
    CAST(c.response_ms AS TEXT),
    CASE WHEN c.settled THEN c.next_same_topic WHEN c.topic IS NOT NULL THEN {NEXT_SAME_TOPIC.format(who="sender_id")} END,
    CASE WHEN c.settled THEN NULL WHEN c.topic IS NOT NULL AND c.customer_id IS NOT NULL
         THEN {NEXT_SAME_TOPIC.format(who="customer_id")} END
    FROM insights_conversations c WHERE c.started_at >= :start AND c.started_at < :end"""
# The conversations of the senders who had a case near the range: to match cases as reading.py does.
WITH_CASES = """SELECT sender_id, started_at, ended_at FROM insights_conversations
    WHERE started_at >= :since AND started_at < :until AND sender_id IN
    (SELECT conversation_id FROM handoff_cases WHERE created_at >= :since AND created_at < :until)"""


@dataclass
class Group:
    """The conversation side of metrics.core for one set of conversations."""
    conversations: int = 0
    contained: int = 0
    resolved_by_person: int = 0
    with_topic: int = 0
    first_contact_resolved: int = 0
    handed_over: int = 0
    response_ms: List[float] = field(default_factory=list)


def kpis(engine, win: reading.Window, settings: InsightsSettings) -> Dict[str, Any]:
    since, until = win.start - reading.LOOK_BEHIND.total_seconds(), win.end + reading.LOOK_AHEAD.total_seconds()
    query, bounds = IN_RANGE, {"start": win.start, "end": win.end, "until": until, "since": since}
    for name in ("channel", "language"):
        if getattr(win, name) is not None:
            query += f" AND c.{name} = :{name}"
            bounds[name] = getattr(win, name)
    with engine.connect() as conn:
        rows = conn.execute(text(query + " ORDER BY c.started_at"), bounds).all()
        if len(rows) > reading.MAX_CONVERSATIONS:
            raise reading.BadRange(f"the range holds more than {reading.MAX_CONVERSATIONS:,} conversations: ask for a shorter one")
        candidates = [Conversation(sender, started, ended, "", "") for sender, started, ended in conn.execute(
            text(WITH_CASES + " ORDER BY started_at"), bounds)]
    cases, in_window, replies = reading.cases_near(engine, win, CASE_COLUMNS)
    surveys = _surveys(engine, win)
    case_of = reading.match_cases(candidates, cases)
    case_senders = {c["conversation_id"] for c in cases}

    # One pass: each conversation's outcome counted by (channel, language, topic, outcome); its
    # reply times by (channel, language). The groups are added up from those below.
    outcomes: Counter = Counter()
    for sender, started, ended, channel, language, topic, handoff_action, last_action, _, by_sender, by_customer in rows:
        case = case_of.get(f"{sender}@{started:.3f}") if sender in case_senders else None  # Conversation.key
        nexts = [n for n in (by_sender, by_customer) if n is not None and n < until] if topic else []
        gap = min(nexts) - ended if nexts else None
        handed = case is not None or bool(handoff_action)
        fallback = last_action in FALLBACKS or last_action == FALLBACK_INTENT
        contained = not handed and not fallback and not (gap is not None and gap <= metrics.CONTAINED_REPEAT_S)
        repeat_free = topic is not None and not (gap is not None and gap <= metrics.FCR_REPEAT_S)
        resolved = case is not None and case.get("status") == "resolved"
        outcomes[(channel, language, topic, contained, resolved, repeat_free, handed)] += 1

    overall, channels, languages, topics = Group(), defaultdict(Group), defaultdict(Group), {}
    for (channel, language, topic, contained, resolved, repeat_free, handed), n in outcomes.items():
        for group in (overall, channels[channel], languages[language], topics.setdefault(topic or "(none)", Group())):
            group.conversations += n
            group.contained += contained * n
            group.resolved_by_person += resolved * n
            group.with_topic += (topic is not None) * n
            group.first_contact_resolved += repeat_free * n  # "(none)" has no FCR
            group.handed_over += handed * n
    times = reply_times(rows)
    overall.response_ms = _sorted(list(times.values()))
    for name, groups, place in (("channel", channels, 0), ("language", languages, 1)):
        for value, group in groups.items():
            group.response_ms = _sorted([t for key, t in times.items() if key[place] == value])
    first_seen = {topic or "(none)": n for n, topic in enumerate(dict.fromkeys(row[5] for row in rows))}

    figures = _core(overall, in_window, replies, surveys)
    channel_keys = sorted(set(channels) | {c["channel"] for c in in_window})
    language_keys = sorted(set(languages) | {c["language"] for c in in_window})
    return {
        "from": win.first_day.isoformat(), "to": win.last_day.isoformat(), "channel": win.channel, "language": win.language,
        **figures,
        "cost": metrics.costs(in_window, overall.conversations, settings, figures["contained"]),
        "by_channel": {ch: _core(channels.get(ch, Group()), [c for c in in_window if c["channel"] == ch], replies,
                                 [s for s in surveys if s["channel"] == ch]) for ch in channel_keys},
        "by_language": {la: _core(languages.get(la, Group()), [c for c in in_window if c["language"] == la], replies,
                                  [s for s in surveys if s["language"] == la]) for la in language_keys},
        "by_intent": {topic: {"conversations": g.conversations, "contained": g.contained,
                              "containment_rate": metrics._rate(g.contained, g.conversations), "handoffs": g.handed_over,
                              "fcr_rate": metrics._rate(g.first_contact_resolved, g.conversations) if topic != "(none)" else None}
                      for topic, g in sorted(topics.items(), key=lambda item: (-item[1].conversations, first_seen[item[0]]))},
    }


def _core(group: Group, cases: List[Dict[str, Any]], replies: Dict[int, float], surveys: List[Dict[str, Any]]) -> Dict[str, Any]:
    """metrics.core, from a Group and the cases and answers of the same set."""
    csat = [c["csat"] for c in cases if c.get("csat") is not None]
    nps = [s["score"] for s in surveys if s["kind"] == "nps"]
    effort = [s["score"] for s in surveys if s["kind"] == "effort"]
    first_responses = [max(0.0, replies[c["id"]] - c["created_at"]) for c in cases if c["id"] in replies]
    resolutions = [s for s in (metrics.resolution_s(c) for c in cases) if s is not None]
    return {
        "conversations": group.conversations,
        "contained": group.contained,
        "containment_rate": metrics._rate(group.contained, group.conversations),
        "handoffs": len(cases),
        "handoff_rate": metrics._rate(len(cases), group.conversations),
        "handoff_reasons": dict(Counter(c["reason"] for c in cases).most_common()),
        "bot_response_ms_p50": metrics._p50(group.response_ms),
        "bot_response_ms_p90": metrics.percentile(group.response_ms, 0.9),
        "human_first_response_s_p50": metrics._p50(first_responses),
        "resolution_time_s_p50": metrics._p50(resolutions),
        "resolved_by_person": sum(1 for c in cases if c["status"] == "resolved"),
        "resolution_rate": metrics._rate(group.contained + group.resolved_by_person, group.conversations),
        "fcr_rate": metrics._rate(group.first_contact_resolved, group.with_topic),
        "csat_avg": metrics._avg(csat),
        "csat_count": len(csat),
        "nps": metrics.nps_of(nps),
        "nps_count": len(nps),
        "ces_avg": metrics._avg(effort),
        "ces_count": len(effort),
    }


def _surveys(engine, win: reading.Window) -> List[Dict[str, Any]]:
    """reading.surveys_in's answers, counted by the database (one row per kind, channel, language
    and score) and handed out again one per answer."""
    query = """SELECT kind, channel, language, score, COUNT(*) FROM insights_surveys
        WHERE answered_at >= :start AND answered_at < :end AND score IS NOT NULL"""
    bounds: Dict[str, Any] = {"start": win.start, "end": win.end}
    for name in ("channel", "language"):
        if getattr(win, name) is not None:
            query += f" AND {name} = :{name}"
            bounds[name] = getattr(win, name)
    with engine.connect() as conn:
        counted = conn.execute(text(query + " GROUP BY kind, channel, language, score"), bounds).all()
    return [{"kind": kind, "channel": channel, "language": language, "score": score}
            for kind, channel, language, score, n in counted for _ in range(n)]


def reply_times(rows) -> Dict[tuple, Any]:
    """(channel, language) → every bot reply time (ms) of those conversations. The rows' JSON lists
    ([212.8, 3.1]) are parsed all at once by numpy: 60,000 numbers in a few ms (the same doubles
    json would give: both round the decimal text correctly)."""
    import numpy

    texts = [(row[3], row[4], row[8][1:-1]) for row in rows if row[8] != "[]"]
    if not texts:
        return {}
    values = numpy.fromstring(",".join(t for _, _, t in texts), sep=",")
    counts = [t.count(",") + 1 for _, _, t in texts]
    if len(values) != sum(counts):  # not the lists of numbers expected: the slow, sure way
        values = numpy.array(json.loads("[" + ",".join(t for _, _, t in texts) + "]"), dtype=float)
    keys = list(dict.fromkeys((channel, language) for channel, language, _ in texts))
    index = numpy.repeat(numpy.array([keys.index((c, la)) for c, la, _ in texts]), counts) if len(keys) > 1 else None
    return {key: values if index is None else values[index == n] for n, key in enumerate(keys)}


def _sorted(arrays: list) -> List[float]:
    import numpy

    return numpy.sort(numpy.concatenate(arrays)).tolist() if arrays else []
