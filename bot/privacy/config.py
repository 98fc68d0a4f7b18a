"""shop/privacy.yml (or the file PRIVACY_FILE names), read into plain values. A missing or
mistyped key stops with a message that names it: a wrong retention must never pass silently."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

from bot import settings
from bot.settings import PROJECT_ROOT

DEFAULT_FILE = PROJECT_ROOT / "shop" / "privacy.yml"
DAY_S = 86400.0


class PrivacyConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Retention:
    conversations_days: int
    cases_days: int
    review_files_days: int
    audit_days: int
    run_daily: bool


@dataclass(frozen=True)
class PrivacyConfig:
    retention: Retention
    mask_case_transcripts: bool
    notice_link: str


def _days(section: Dict[str, Any], key: str) -> int:
    value = section.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PrivacyConfigError(f"privacy.yml: retention.{key} must be a whole number of days (1 or more), not {value!r}")
    return value


def _flag(section: Dict[str, Any], key: str, where: str) -> bool:
    value = section.get(key)
    if not isinstance(value, bool):
        raise PrivacyConfigError(f"privacy.yml: {where}{key} must be true or false, not {value!r}")
    return value


def parse(loaded: Any) -> PrivacyConfig:
    if not isinstance(loaded, dict) or not isinstance(loaded.get("retention"), dict):
        raise PrivacyConfigError("privacy.yml: the `retention` section is missing")
    retention = loaded["retention"]
    link = loaded.get("notice_link") or ""
    if not isinstance(link, str) or (link and not link.startswith(("https://", "http://", "/"))):
        raise PrivacyConfigError(f"privacy.yml: notice_link must be a web address (https://…) or empty, not {link!r}")
    return PrivacyConfig(
        retention=Retention(
            conversations_days=_days(retention, "conversations_days"),
            cases_days=_days(retention, "cases_days"),
            review_files_days=_days(retention, "review_files_days"),
            audit_days=_days(retention, "audit_days"),
            run_daily=_flag(retention, "run_daily", "retention."),
        ),
        mask_case_transcripts=_flag(loaded, "mask_case_transcripts", ""),
        notice_link=link,
    )


def config_path(env: Optional[Mapping[str, str]] = None) -> Path:
    """PRIVACY_FILE, else shop/privacy.yml (bot/settings.py)."""
    return settings.load(env).privacy.file


def load(path: Optional[Path] = None) -> PrivacyConfig:
    path = path or config_path()
    return parse(yaml.safe_load(Path(path).read_text("utf-8")))
