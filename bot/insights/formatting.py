"""The figures of `metrics.kpis` as a table for people, JSON, or CSV (one row per segment: the
whole range, then each channel, language and topic)."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Dict, List

COLUMNS = ["conversations", "contained", "containment_rate", "handoffs", "handoff_rate", "bot_response_ms_p50",
           "human_first_response_s_p50", "resolution_time_s_p50", "resolution_rate", "fcr_rate", "csat_avg",
           "csat_count", "nps", "nps_count", "ces_avg", "ces_count"]
RATES = {"containment_rate", "handoff_rate", "resolution_rate", "fcr_rate"}


def _rows(figures: Dict[str, Any]) -> List[Dict[str, Any]]:
    rows = [{"scope": "all", "segment": "", **{c: figures.get(c) for c in COLUMNS}}]
    for scope, key in (("channel", "by_channel"), ("language", "by_language"), ("intent", "by_intent")):
        for segment, values in figures[key].items():
            rows.append({"scope": scope, "segment": segment, **{c: values.get(c) for c in COLUMNS}})
    return rows


def as_json(figures: Dict[str, Any]) -> str:
    return json.dumps(figures, indent=1, ensure_ascii=False)


def as_csv(figures: Dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, ["scope", "segment"] + COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _rows(figures):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "–"
    if column in RATES:
        return f"{value:.1%}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def as_table(figures: Dict[str, Any]) -> str:
    scope = ", ".join(f"{k} {figures[k]}" for k in ("channel", "language") if figures.get(k))
    lines = [f"Customer service from {figures['from']} to {figures['to']}" + (f" ({scope})" if scope else ""), ""]
    width = max(len(c) for c in COLUMNS)
    lines += [f"  {c.ljust(width)}  {_cell(c, figures.get(c))}" for c in COLUMNS]
    reasons = ", ".join(f"{r} {n}" for r, n in figures["handoff_reasons"].items()) or "–"
    cost = figures["cost"]
    lines += [f"  {'handoff_reasons'.ljust(width)}  {reasons}",
              f"  {'cost'.ljust(width)}  agents {cost['agent_cost']:.2f} ({cost['agent_minutes']:g} min) + bot "
              f"{cost['bot_cost']:.2f} = {cost['total_cost']:.2f} {cost['currency']}",
              f"  {'savings'.ljust(width)}  " + (f"{cost['savings']:.2f} {cost['currency']}" if cost["savings"] is not None else "–"), ""]
    short = ["conversations", "containment_rate", "handoff_rate", "resolution_rate", "fcr_rate", "csat_avg", "nps", "ces_avg"]
    rows = _rows(figures)[1:]
    if rows:
        seg_width = max(len(f"{r['scope']} {r['segment']}") for r in rows)
        lines.append("  " + "".ljust(seg_width) + "".join(f"  {c[:15]:>15}" for c in short))
        for row in rows:
            lines.append("  " + f"{row['scope']} {row['segment']}".ljust(seg_width)
                         + "".join(f"  {_cell(c, row[c]):>15}" for c in short))
    return "\n".join(lines) + "\n"


def render(figures: Dict[str, Any], fmt: str) -> str:
    return {"json": as_json, "csv": as_csv, "table": as_table}[fmt](figures)
