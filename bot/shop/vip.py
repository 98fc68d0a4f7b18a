"""Which order problems send a VIP customer straight to a person (shop/escalation.yml's
`vip_to_person_after`). Read by the action server, so no Rasa imports here."""
from __future__ import annotations

from functools import lru_cache
from typing import FrozenSet

import yaml

from bot.settings import PROJECT_ROOT

ESCALATION_FILE = PROJECT_ROOT / "shop" / "escalation.yml"
PROBLEMS = frozenset({"damaged", "not_received", "late", "payment"})


@lru_cache(maxsize=1)
def vip_problems() -> FrozenSet[str]:
    listed = (yaml.safe_load(ESCALATION_FILE.read_text("utf-8")) or {}).get("vip_to_person_after") or []
    unknown = set(listed) - PROBLEMS
    if unknown:
        raise ValueError(f"{ESCALATION_FILE}: vip_to_person_after names {sorted(unknown)}; use some of {sorted(PROBLEMS)}")
    return frozenset(listed)
