"""The page's pictures as SVG strings (no chart library, nothing from a CDN; the page's CSP allows
no inline script and SVG needs none). Each mark is a link to the conversations behind it: the page
catches `#list:<figure>:<value>` links and shows that list (GET /api/insights/conversations).
Labels come in from the caller, already in the reader's language; every text is escaped."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from html import escape
from typing import DefaultDict, Dict, List, Optional, Sequence, Tuple

from bot.insights import metrics
from bot.insights.reading import Data

PALETTE = ["#2f6fb0", "#e07b39", "#3d9a5f", "#b5485d", "#7a5cb0", "#8c8c8c"]
BOT_MS_BUCKETS = [(0, 250, "<250 ms"), (250, 500, "250-500 ms"), (500, 1000, "0.5-1 s"), (1000, 2000, "1-2 s"),
                  (2000, 5000, "2-5 s"), (5000, float("inf"), "≥5 s")]
HUMAN_S_BUCKETS = [(0, 60, "<1 min"), (60, 300, "1-5 min"), (300, 900, "5-15 min"), (900, 3600, "15-60 min"),
                   (3600, 4 * 3600, "1-4 h"), (4 * 3600, float("inf"), "≥4 h")]


def _link(figure: str, value: str, inner: str, title: str) -> str:
    return (f'<a href="#list:{escape(figure)}:{escape(value)}" data-figure="{escape(figure)}" data-value="{escape(value)}">'
            f"<title>{escape(title)}</title>{inner}</a>")


def _svg(width: int, height: int, body: str, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="{escape(label)}" font-family="sans-serif" font-size="11">{body}</svg>')


def _empty(label: str, no_data: str) -> str:
    return _svg(400, 60, f'<text x="200" y="34" text-anchor="middle" fill="#666">{escape(no_data)}</text>', label)


def bars(rows: Sequence[Tuple[str, float, str, str]], label: str, no_data: str, unit: str = "") -> str:
    """Horizontal bars: (text, value, figure, figure value) per row."""
    if not rows or not any(v for _, v, _, _ in rows):
        return _empty(label, no_data)
    top = max(v for _, v, _, _ in rows)
    height = 24 * len(rows) + 8
    body = []
    for i, (text, value, figure, key) in enumerate(rows):
        y = 6 + 24 * i
        width = 0 if not top else 250 * value / top
        mark = (f'<rect x="150" y="{y}" width="{width:.1f}" height="18" fill="{PALETTE[i % len(PALETTE)]}"/>'
                f'<text x="{154 + width:.1f}" y="{y + 13}" fill="#222">{escape(_number(value))}{escape(unit)}</text>')
        body.append(f'<text x="144" y="{y + 13}" text-anchor="end" fill="#222">{escape(text[:28])}</text>'
                    + _link(figure, key, mark, f"{text}: {_number(value)}{unit}"))
    return _svg(460, height, "".join(body), label)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def funnel(data: Data, labels: Dict[str, str]) -> str:
    conversations = data.conversations
    answered = [c for c in conversations if c.response_ms]
    handed = [c for c in conversations if c.key in data.case_of or c.handoff_action]
    resolved = [c for c in handed if (data.case_of.get(c.key) or {}).get("status") == "resolved"]
    rows = [(labels["funnel_conversations"], len(conversations), "all", "all"),
            (labels["funnel_answered"], len(answered), "answered", "all"),
            (labels["funnel_handed_over"], len(handed), "handed_over", "all"),
            (labels["funnel_resolved"], len(resolved), "resolved_by_person", "all")]
    return bars(rows, labels["chart_funnel"], labels["no_data"])


def volume(data: Data, labels: Dict[str, str]) -> str:
    """Conversations per day, one line per channel."""
    days = data.window.days()
    per: Dict[str, Counter] = defaultdict(Counter)
    for c in data.conversations:
        per[c.channel][datetime.fromtimestamp(c.started_at, data.window.timezone).date()] += 1
    if not per:
        return _empty(labels["chart_volume"], labels["no_data"])
    top = max(max(counts.values()) for counts in per.values())
    width, height, left, bottom = 620, 220, 36, 190
    step = (width - left - 110) / max(1, len(days) - 1)
    x = lambda i: left + step * i  # noqa: E731
    y = lambda n: bottom - 170 * n / top  # noqa: E731
    body = [f'<line x1="{left}" y1="{bottom}" x2="{width - 110}" y2="{bottom}" stroke="#999"/>',
            f'<text x="{left - 4}" y="{y(top) + 4:.1f}" text-anchor="end" fill="#666">{top}</text>',
            f'<text x="{left - 4}" y="{bottom + 4}" text-anchor="end" fill="#666">0</text>']
    for i, day in enumerate(days):
        if len(days) <= 14 or i % max(1, len(days) // 10) == 0:
            body.append(f'<text x="{x(i):.1f}" y="{bottom + 16}" text-anchor="middle" fill="#666">{day.strftime("%d/%m")}</text>')
    for n, (channel, counts) in enumerate(sorted(per.items())):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(counts[d]):.1f}" for i, d in enumerate(days))
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, day in enumerate(days):
            if counts[day]:
                body.append(_link("day_channel", f"{day.isoformat()}|{channel}",
                                  f'<circle cx="{x(i):.1f}" cy="{y(counts[day]):.1f}" r="4" fill="{colour}"/>',
                                  f"{day.isoformat()} · {channel}: {counts[day]}"))
        body.append(_link("channel", channel, f'<rect x="{width - 100}" y="{14 + 18 * n}" width="10" height="10" fill="{colour}"/>'
                          f'<text x="{width - 86}" y="{23 + 18 * n}" fill="#222">{escape(channel)} ({sum(counts.values())})</text>',
                          channel))
    return _svg(width, height + 10, "".join(body), labels["chart_volume"])


def handoff_reasons(data: Data, labels: Dict[str, str]) -> str:
    counts = Counter(c["reason"] for c in data.cases)
    rows = [(labels.get(f"reason_{reason}", reason), n, "reason", reason) for reason, n in counts.most_common()]
    return bars(rows, labels["chart_reasons"], labels["no_data"])


def _histogram(values: List[float], buckets, figure: str, label: str, no_data: str) -> str:
    rows = [(text, sum(1 for v in values if low <= v < high), figure, f"{low:g}-{high:g}") for low, high, text in buckets]
    return bars(rows, label, no_data)


def response_times(data: Data, labels: Dict[str, str]) -> Dict[str, str]:
    bot_ms = [ms for c in data.conversations for ms in c.response_ms]
    human_s = [s for s in (metrics.first_response_s(c, data) for c in data.cases) if s is not None]
    return {"bot_response": _histogram(bot_ms, BOT_MS_BUCKETS, "bot_response_ms", labels["chart_bot_response"], labels["no_data"]),
            "human_response": _histogram(human_s, HUMAN_S_BUCKETS, "human_first_response_s", labels["chart_human_response"],
                                         labels["no_data"])}


def trends(data: Data, labels: Dict[str, str]) -> str:
    """CSAT (1-5), effort (1-5) and NPS (−100..100, right axis) per day that has answers."""
    tz = data.window.timezone
    day = lambda at: datetime.fromtimestamp(at, tz).date()  # noqa: E731
    series: Dict[str, DefaultDict[date, List[int]]] = {"csat": defaultdict(list), "effort": defaultdict(list), "nps": defaultdict(list)}
    for case in data.cases:
        if case.get("csat") is not None:
            series["csat"][day(case.get("csat_at") or case["created_at"])].append(case["csat"])
    for answer in data.surveys:
        series[answer["kind"]][day(answer["answered_at"])].append(answer["score"])
    if not any(series.values()):
        return _empty(labels["chart_trends"], labels["no_data"])
    days = data.window.days()
    width, left, bottom = 620, 36, 170
    step = (width - left - 150) / max(1, len(days) - 1)
    x = lambda i: left + step * i  # noqa: E731
    body = [f'<line x1="{left}" y1="{bottom}" x2="{width - 150}" y2="{bottom}" stroke="#999"/>',
            f'<text x="{left - 4}" y="24" text-anchor="end" fill="#666">5</text>',
            f'<text x="{left - 4}" y="{bottom + 4}" text-anchor="end" fill="#666">1</text>',
            f'<text x="{width - 146}" y="24" fill="#666">+100</text>',
            f'<text x="{width - 146}" y="{bottom + 4}" fill="#666">−100</text>']
    scale = {"csat": lambda v: bottom - 150 * (v - 1) / 4, "effort": lambda v: bottom - 150 * (v - 1) / 4,
             "nps": lambda v: bottom - 150 * (v + 100) / 200}
    for n, kind in enumerate(("csat", "nps", "effort")):
        colour = PALETTE[n]
        marks = []
        for i, d in enumerate(days):
            scores = series[kind].get(d)
            if not scores:
                continue
            value = metrics.nps_of(scores) if kind == "nps" else round(sum(scores) / len(scores), 2)
            marks.append((x(i), scale[kind](value)))
            body.append(_link(kind, d.isoformat(), f'<circle cx="{x(i):.1f}" cy="{scale[kind](value):.1f}" r="4" fill="{colour}"/>',
                              f"{labels['series_' + kind]} {d.isoformat()}: {value:g} ({len(scores)})"))
        if len(marks) > 1:
            body.insert(0, f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in marks)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body.append(f'<rect x="{width - 100}" y="{14 + 18 * n}" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{width - 86}" y="{23 + 18 * n}" fill="#222">{escape(labels["series_" + kind])}</text>')
    return _svg(width, bottom + 20, "".join(body), labels["chart_trends"])


def heatmap(data: Data, labels: Dict[str, str]) -> str:
    """Conversations started per weekday × hour, in the shop's timezone."""
    counts: Counter[Tuple[int, int]] = Counter()  # (weekday, hour) → conversations
    for c in data.conversations:
        local = datetime.fromtimestamp(c.started_at, data.window.timezone)
        counts[(local.weekday(), local.hour)] += 1
    if not counts:
        return _empty(labels["chart_heatmap"], labels["no_data"])
    top = max(counts.values())
    cell, left, topmargin = 22, 40, 18
    body = [f'<text x="{left + cell * h + cell / 2}" y="12" text-anchor="middle" fill="#666">{h}</text>' for h in range(0, 24, 3)]
    for weekday in range(7):
        y = topmargin + cell * weekday
        body.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" fill="#222">{escape(labels[f"weekday_{weekday}"])}</text>')
        for hour in range(24):
            n = counts.get((weekday, hour), 0)
            shade = f"rgba(47,111,176,{0.12 + 0.88 * n / top:.2f})" if n else "#f2f2f2"
            rect = f'<rect x="{left + cell * hour}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{shade}"/>'
            body.append(_link("hour", f"{weekday}-{hour}", rect, f"{labels[f'weekday_{weekday}']} {hour}:00: {n}") if n else rect)
    return _svg(left + cell * 24 + 4, topmargin + cell * 7 + 4, "".join(body), labels["chart_heatmap"])


def all_charts(data: Data, labels: Dict[str, str]) -> Dict[str, str]:
    return {"volume": volume(data, labels), "funnel": funnel(data, labels), "reasons": handoff_reasons(data, labels),
            **response_times(data, labels), "trends": trends(data, labels), "heatmap": heatmap(data, labels)}


def selected(data: Data, figure: str, value: str) -> Optional[list]:
    """The conversations behind one mark of a chart or one figure; None for an unknown figure."""
    tz = data.window.timezone
    local = lambda at: datetime.fromtimestamp(at, tz)  # noqa: E731
    case = lambda c: data.case_of.get(c.key) or {}  # noqa: E731
    handed = lambda c: c.key in data.case_of or c.handoff_action  # noqa: E731

    def in_bucket(values, span):
        low, high = (float(v) for v in span.split("-"))
        return any(low <= v < high for v in values)

    tests = {
        "all": lambda c: True,
        "answered": lambda c: bool(c.response_ms),
        "contained": lambda c: metrics.is_contained(c, data),
        "not_contained": lambda c: not metrics.is_contained(c, data),
        "handed_over": handed,
        "resolved_by_person": lambda c: case(c).get("status") == "resolved",
        "fcr_missed": lambda c: c.topic is not None and not metrics.first_contact_resolved(c, data),
        "channel": lambda c: c.channel == value,
        "language": lambda c: c.language == value,
        "intent": lambda c: (c.topic or "(none)") == value,
        "reason": lambda c: case(c).get("reason") == value,
        "day_channel": lambda c: f"{local(c.started_at).date().isoformat()}|{c.channel}" == value,
        "hour": lambda c: f"{local(c.started_at).weekday()}-{local(c.started_at).hour}" == value,
        "bot_response_ms": lambda c: in_bucket(c.response_ms, value),
        "human_first_response_s": lambda c: in_bucket([s for s in [metrics.first_response_s(case(c), data)] if s is not None]
                                                      if case(c) else [], value),
        "csat": lambda c: case(c).get("csat") is not None and local(case(c).get("csat_at") or case(c)["created_at"]).date().isoformat() == value,
        "nps": lambda c: _answered(data, c, "nps", value),
        "effort": lambda c: _answered(data, c, "effort", value),
    }
    if figure not in tests:
        return None
    return [c for c in data.conversations if tests[figure](c)]


def _answered(data: Data, conversation, kind: str, day: str) -> bool:
    tz = data.window.timezone
    return any(s["kind"] == kind and s["conversation_id"] == conversation.sender_id
               and datetime.fromtimestamp(s["answered_at"], tz).date().isoformat() == day
               and conversation.started_at <= s["answered_at"] for s in data.surveys)
