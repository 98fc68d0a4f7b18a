"""GET /api/insights and `python -m bot kpis` from the rollups, fast: metrics.kpis's figures, with
the per-conversation work done by the database.

- Each conversation of the range gets, in SQL, when the same customer next came back on the same
  topic (kept on settled rows, else two index probes; bounded as reading.py bounds its
  look-ahead), and from that its outcome; the database counts the conversations per channel,
  language, topic and outcome.
- The conversations of senders who had a case near the range are read one by one instead, to
  match their cases exactly as reading.py does.
- The reply times come back concatenated per channel and language, parsed by numpy at once.
- Cases, first agent replies and survey answers are read as reading.py reads them.
Then everything is added up with metrics.py's own helpers. tests/test_insights_rollups.py checks
the result equals metrics.kpis.
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, DefaultDict, Dict, List, Optional, Tuple

from sqlalchemy import bindparam, text

from bot.editor.review import FALLBACK_INTENT
from bot.handoff import db
from bot.insights import days, metrics, reading
from bot.insights.conversations import FALLBACKS, Conversation
from bot.insights.settings import InsightsSettings

CASE_COLUMNS = [db.cases.c[name] for name in ("id", "conversation_id", "channel", "language", "reason", "status",
                                              "created_at", "claimed_at", "closed_at", "csat")]
# :until bounds the look-ahead of the next same-topic contact; [:since, :near_until) is where the
# cases and their senders' conversations are read.
NEXT_SAME_TOPIC = """(SELECT MIN(n.started_at) FROM insights_conversations n WHERE n.{who} = c.{who} AND n.topic = c.topic
    AND n.started_at > c.ended_at AND n.started_at < :until)"""
CASE_SENDERS = "(SELECT conversation_id FROM handoff_cases WHERE created_at >= :since AND created_at < :near_until)"
# Each conversation of [start, end), with its next same-topic contacts (by sender, by customer).
NEXTS = f"""SELECT c.sender_id, c.started_at, c.ended_at, c.channel, c.language, c.topic, c.handoff_action, c.last_action,
    CASE WHEN c.settled THEN c.next_same_topic WHEN c.topic IS NOT NULL THEN {NEXT_SAME_TOPIC.format(who="sender_id")} END AS ns,
    CASE WHEN c.settled THEN NULL WHEN c.topic IS NOT NULL AND c.customer_id IS NOT NULL
         THEN {NEXT_SAME_TOPIC.format(who="customer_id")} END AS nc
    FROM insights_conversations c WHERE c.started_at >= :start AND c.started_at < :end{{filters}}"""
# The first of the two within the look-ahead, its gap from the conversation's end, and what it means.
GAP = """(CASE WHEN ns < :until AND (nc IS NULL OR nc >= :until OR ns <= nc) THEN ns
              WHEN nc < :until THEN nc END) - ended_at"""
OUTCOMES = f"""SELECT channel, language, topic, handoff_action, CASE WHEN last_action IN :fallbacks THEN 1 ELSE 0 END,
    CASE WHEN topic IS NOT NULL AND {GAP} <= :contained_repeat THEN 1 ELSE 0 END,
    CASE WHEN topic IS NOT NULL AND {GAP} <= :fcr_repeat THEN 1 ELSE 0 END, COUNT(*), MIN(started_at)
    FROM ({NEXTS} AND c.sender_id NOT IN {CASE_SENDERS}) AS x GROUP BY 1, 2, 3, 4, 5, 6, 7"""
# Every conversation near [start, end) of the senders who had a case near it: the cases are
# matched to them; those in [start, end) (and the filters) are counted one by one.
WITH_A_CASE = NEXTS.replace("c.started_at >= :start AND c.started_at < :end", "c.started_at >= :since AND c.started_at < :near_until") \
    .format(filters="") + f" AND c.sender_id IN {CASE_SENDERS} ORDER BY c.started_at"
REPLY_TIMES = """SELECT channel, language, {concat} FROM insights_conversations c
    WHERE c.started_at >= :start AND c.started_at < :end{filters} AND CAST(c.response_ms AS TEXT) <> '[]'
    GROUP BY channel, language"""
CONCAT = {"postgresql": "string_agg(CAST(response_ms AS TEXT), ',')", "sqlite": "group_concat(response_ms, ',')"}
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="insights-figures")


@dataclass
class Group:
    """The conversation side of metrics.core for one set of conversations."""
    conversations: int = 0
    contained: int = 0
    resolved_by_person: int = 0
    with_topic: int = 0
    first_contact_resolved: int = 0
    handed_over: int = 0
    response_ms: Any = field(default_factory=list)  # sorted (a numpy array once read)


def kpis(engine, win: reading.Window, settings: InsightsSettings) -> Dict[str, Any]:
    since, until = win.start - reading.LOOK_BEHIND.total_seconds(), win.end + reading.LOOK_AHEAD.total_seconds()
    filters, values = win.sql_filters("c")
    # Independent reads, each on its own connection: the database works on them side by side.
    reads: List[Future] = [_POOL.submit(days.built, engine, win), _POOL.submit(reading.cases_near, engine, win, CASE_COLUMNS),
             _POOL.submit(_surveys, engine, win), _POOL.submit(_reply_times, engine, filters, dict(values, start=win.start, end=win.end))]
    built, (cases, in_window, replies), surveys, times = [r.result() for r in reads]
    # The days built in advance as they are, the rest (recent days, stale ones) from the summary rows.
    covered = days.usable(built, cases, since, until)
    parts = [_POOL.submit(days.summed, engine, win, covered)] + \
        [_POOL.submit(live_outcomes, engine, win, interval, until, cases) for interval in days.not_covered(win, covered)]
    # (channel, language, topic, contained, resolved by a person, first contact resolved, handed over) → conversations
    outcomes: Counter = Counter()
    first_seen: Dict[str, float] = {}
    for part in parts:
        counted, seen = part.result()
        outcomes.update(counted)
        for topic, started in seen.items():
            first_seen[topic] = min(started, first_seen.get(topic, started))
    if sum(outcomes.values()) > reading.MAX_CONVERSATIONS:
        raise reading.BadRange(f"the range holds more than {reading.MAX_CONVERSATIONS:,} conversations: ask for a shorter one")
    for case in in_window:  # once, not once per group
        case["first_response_s"] = max(0.0, replies[case["id"]] - case["created_at"]) if case["id"] in replies else None
        case["resolution_s"] = metrics.resolution_s(case)

    overall = Group()
    channels: DefaultDict[str, Group] = defaultdict(Group)
    languages: DefaultDict[str, Group] = defaultdict(Group)
    topics: Dict[str, Group] = {}
    for (channel, language, topic, contained, resolved, repeat_free, handed), n in outcomes.items():
        for group in (overall, channels[channel], languages[language], topics.setdefault(topic or "(none)", Group())):
            group.conversations += n
            group.contained += contained * n
            group.resolved_by_person += resolved * n
            group.with_topic += (topic is not None) * n
            group.first_contact_resolved += repeat_free * n  # "(none)" has no FCR
            group.handed_over += handed * n
    overall.response_ms = _sorted(list(times.values()))
    for groups, place in ((channels, 0), (languages, 1)):
        for value, group in groups.items():
            group.response_ms = _sorted([t for key, t in times.items() if key[place] == value])

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


def live_outcomes(engine, win: reading.Window, interval: Tuple[float, float], until: float,
                  cases: List[Dict[str, Any]]) -> Tuple[Counter, Dict[str, float]]:
    """The outcomes of the conversations started in [start, end) within the window's filters,
    from the summary rows: repeats looked for before `until`, matched to `cases` (every case
    opened near the interval). Also when each topic was first seen."""
    start, end = interval
    filters, values = win.sql_filters("c")
    bounds: Dict[str, Any] = dict(
        values, start=start, end=end, until=until, since=start - reading.LOOK_BEHIND.total_seconds(),
        near_until=min(until, end + reading.LOOK_AHEAD.total_seconds()), fallbacks=sorted(FALLBACKS | {FALLBACK_INTENT}),
        contained_repeat=metrics.CONTAINED_REPEAT_S, fcr_repeat=metrics.FCR_REPEAT_S)
    counted = _query(engine, OUTCOMES.format(filters=filters), bounds, ("fallbacks",))
    with_a_case = _query(engine, WITH_A_CASE, bounds)
    case_of = reading.match_cases([Conversation(sender_id=row[0], started_at=row[1], ended_at=row[2], channel="", language="")
                                   for row in with_a_case], cases)

    outcomes: Counter = Counter()
    first_seen: Dict[str, float] = {}
    for channel, language, topic, handoff_action, fallback, back_72h, back_7d, n, started in counted:
        outcomes[(channel, language, topic, not handoff_action and not fallback and not back_72h, False,
                  topic is not None and not back_7d, bool(handoff_action))] += n
        first_seen[topic or "(none)"] = min(started, first_seen.get(topic or "(none)", started))
    for sender, started, ended, channel, language, topic, handoff_action, last_action, by_sender, by_customer in with_a_case:
        if not (start <= started < end and win.matches(channel, language)):
            continue
        case = case_of.get(f"{sender}@{started:.3f}")  # Conversation.key
        nexts = [n for n in (by_sender, by_customer) if n is not None and n < until] if topic else []
        gap = min(nexts) - ended if nexts else None
        handed = case is not None or bool(handoff_action)
        fallback = last_action in FALLBACKS or last_action == FALLBACK_INTENT
        contained = not handed and not fallback and not (gap is not None and gap <= metrics.CONTAINED_REPEAT_S)
        repeat_free = topic is not None and not (gap is not None and gap <= metrics.FCR_REPEAT_S)
        resolved = case is not None and case.get("status") == "resolved"
        outcomes[(channel, language, topic, contained, resolved, repeat_free, handed)] += 1
        first_seen[topic or "(none)"] = min(started, first_seen.get(topic or "(none)", started))
    return outcomes, first_seen


def _query(engine, query: str, bounds: Dict[str, Any], expanding: Tuple[str, ...] = ()) -> list:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Its compiler (JIT) would spend seconds on these queries' many small subplans, which
            # run in milliseconds.
            conn.exec_driver_sql("SET LOCAL jit = off")
        statement = text(query.format(concat=CONCAT[conn.dialect.name]))
        return conn.execute(statement.bindparams(*(bindparam(n, expanding=True) for n in expanding)), bounds).all()


def _reply_times(engine, filters: str, bounds: Dict[str, Any]) -> Dict[tuple, Any]:
    return reply_times(_query(engine, REPLY_TIMES.format(concat="{concat}", filters=filters), bounds))


def _core(group: Group, cases: List[Dict[str, Any]], replies: Dict[int, float], surveys: List[Dict[str, Any]]) -> Dict[str, Any]:
    """metrics.core, from a Group and the cases and answers of the same set."""
    csat = [c["csat"] for c in cases if c.get("csat") is not None]
    nps = [s["score"] for s in surveys if s["kind"] == "nps"]
    effort = [s["score"] for s in surveys if s["kind"] == "effort"]
    first_responses = [c["first_response_s"] for c in cases if c["first_response_s"] is not None]
    resolutions = [c["resolution_s"] for c in cases if c["resolution_s"] is not None]
    return {
        "conversations": group.conversations,
        "contained": group.contained,
        "containment_rate": metrics._rate(group.contained, group.conversations),
        "handoffs": len(cases),
        "handoff_rate": metrics._rate(len(cases), group.conversations),
        "handoff_reasons": dict(Counter(c["reason"] for c in cases).most_common()),
        "bot_response_ms_p50": _sorted_p50(group.response_ms),
        "bot_response_ms_p90": _sorted_percentile(group.response_ms, 0.9),
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


def reply_times(rows: List[Tuple[str, str, str]]) -> Dict[tuple, Any]:
    """(channel, language) → every bot reply time (ms), from the non-empty JSON lists concatenated
    per pair ("[212.8, 3.1],[40.2]": as many numbers as commas + 1). numpy parses them at once; it
    rounds decimal text to the same doubles as json does."""
    import numpy

    found = {}
    for channel, language, lists in rows:
        values = numpy.fromstring(lists.replace("[", "").replace("]", ""), sep=",")
        if len(values) != lists.count(",") + 1:  # not plain lists of numbers: the slow, sure way
            values = numpy.array([v for part in json.loads(f"[{lists}]") for v in part], dtype=float)
        found[(channel, language)] = values
    return found


def _sorted(arrays: list) -> Any:
    import numpy

    return numpy.sort(numpy.concatenate(arrays)) if arrays else []


def _sorted_p50(ordered) -> Optional[float]:
    """metrics._p50 of values already sorted: the same middle, the same rounding, no second sort."""
    n = len(ordered)
    if not n:
        return None
    return round(float(ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2), 1)


def _sorted_percentile(ordered, share: float) -> Optional[float]:
    """metrics.percentile (nearest rank) of values already sorted."""
    return float(ordered[max(0, math.ceil(share * len(ordered)) - 1)]) if len(ordered) else None


def _surveys(engine, win: reading.Window) -> List[Dict[str, Any]]:
    """reading.surveys_in's answers, counted by the database (one row per kind, channel, language
    and score) and handed out again one per answer."""
    filters, values = win.sql_filters()
    query = f"""SELECT kind, channel, language, score, COUNT(*) FROM insights_surveys
        WHERE answered_at >= :start AND answered_at < :end AND score IS NOT NULL{filters}"""
    bounds: Dict[str, Any] = dict(values, start=win.start, end=win.end)
    with engine.connect() as conn:
        counted = conn.execute(text(query + " GROUP BY kind, channel, language, score"), bounds).all()
    return [{"kind": kind, "channel": channel, "language": language, "score": score}
            for kind, channel, language, score, n in counted for _ in range(n)]
