"""The shop's insights settings: shop/insights.yml, or the file INSIGHTS_FILE names."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

import yaml

from bot import settings
from bot.settings import PROJECT_ROOT

DEFAULT_FILE = PROJECT_ROOT / "shop" / "insights.yml"


@dataclass(frozen=True)
class InsightsSettings:
    currency: str = "EUR"
    agent_cost_per_hour: float = 0.0
    bot_cost_per_conversation: float = 0.0
    nps_sampling_rate: float = 0.0
    nps_quiet_days: int = 30


def load(env: Optional[Mapping[str, str]] = None) -> InsightsSettings:
    path = Path(settings.load(env).insights.file)
    raw = yaml.safe_load(path.read_text("utf-8")) or {} if path.is_file() else {}
    nps = raw.get("nps") or {}
    rate = float(nps.get("sampling_rate", 0.0))
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"{path}: nps.sampling_rate must be between 0 and 1, not {rate}")
    return InsightsSettings(
        currency=str(raw.get("currency", "EUR")),
        agent_cost_per_hour=float(raw.get("agent_cost_per_hour", 0.0)),
        bot_cost_per_conversation=float(raw.get("bot_cost_per_conversation", 0.0)),
        nps_sampling_rate=rate,
        nps_quiet_days=int(nps.get("quiet_days", 30)),
    )
