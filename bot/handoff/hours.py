"""Support hours (shop/support.yml) and the wait estimate a customer is told.

Plain functions over a loaded `SupportConfig`; the clock is always passed in, so tests fix it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time as clock_time, timedelta
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import yaml

from bot import settings
from bot.settings import PROJECT_ROOT

DEFAULT_FILE = PROJECT_ROOT / "shop" / "support.yml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Range = Tuple[clock_time, Optional[clock_time]]  # None as the end: midnight (24:00)


@dataclass(frozen=True)
class SupportConfig:
    timezone: ZoneInfo
    hours: Dict[str, List[Range]]
    agent_online_s: float
    handle_s: float
    session_s: float


def _time(text: str) -> Optional[clock_time]:
    text = text.strip()
    if text == "24:00":
        return None
    hour, minute = text.split(":")
    return clock_time(int(hour), int(minute))


def _ranges(spec, day: str, path: Path) -> List[Range]:
    spec = str(spec).strip().lower()
    if spec == "closed":
        return []
    ranges = []
    for part in spec.split(","):
        try:
            start, end = (_time(t) for t in part.split("-"))
        except (ValueError, TypeError):
            raise ValueError(f"{path}: hours for {day}: {part.strip()!r} is not HH:MM-HH:MM or 'closed'") from None
        if start is None or (end is not None and end <= start):
            raise ValueError(f"{path}: hours for {day}: {part.strip()!r} ends before it starts")
        ranges.append((start, end))
    return ranges


def load_config(path: Optional[Path] = None) -> SupportConfig:
    path = Path(path or settings.load().handoff.support_hours_file)
    raw = yaml.safe_load(path.read_text("utf-8"))
    hours = raw.get("hours") or {}
    return SupportConfig(
        timezone=ZoneInfo(raw.get("timezone", "UTC")),
        hours={day: _ranges(hours.get(day, "closed"), day, path) for day in WEEKDAYS},
        agent_online_s=float(raw.get("agent_online_minutes", 2)) * 60,
        handle_s=float(raw.get("handle_minutes", 6)) * 60,
        session_s=float(raw.get("session_hours", 8)) * 3600,
    )


def _local(config: SupportConfig, now: float) -> datetime:
    return datetime.fromtimestamp(now, config.timezone)


def is_open(config: SupportConfig, now: float) -> bool:
    local = _local(config, now)
    moment = local.time()
    return any(start <= moment and (end is None or moment < end) for start, end in config.hours[WEEKDAYS[local.weekday()]])


def next_opening(config: SupportConfig, now: float) -> Optional[datetime]:
    """When the team is next in (shop-local, aware), or None if no day has hours. Now, if open."""
    if is_open(config, now):
        return _local(config, now)
    local = _local(config, now)
    for days_ahead in range(8):
        day = (local + timedelta(days=days_ahead)).date()
        for start, _end in config.hours[WEEKDAYS[day.weekday()]]:
            candidate = datetime.combine(day, start, config.timezone)
            if candidate > local:
                return candidate
    return None


def wait_minutes(position: int, online_agents: int, handle_s: float) -> int:
    """Honest minutes until an agent takes the case at `position` in the queue (1 = next)."""
    return max(1, math.ceil(position * handle_s / max(1, online_agents) / 60))


def handle_seconds(config: SupportConfig, recent: Sequence[float]) -> float:
    """The average of the latest handled cases once there are 5 or more, else the configured figure."""
    usable = [s for s in recent if s and s > 0]
    return sum(usable) / len(usable) if len(usable) >= 5 else config.handle_s
