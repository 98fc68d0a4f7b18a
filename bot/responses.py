"""Reading the domain's responses from an action: the text of a response in a language.

Actions never hold copy; when they need a sentence as data (a button title), they take it from
the domain the Rasa server sends them, picking the variation for the conversation's language.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional

import yaml

from bot.settings import PROJECT_ROOT


def _language_of_variation(variation: Dict[str, Any]) -> Optional[str]:
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return condition.get("value")
    return None


def response_text(domain: Dict[str, Any], name: str, language: Optional[str]) -> Optional[str]:
    """The text of response `name` for `language`; the unconditional variation otherwise."""
    variations: List[Dict[str, Any]] = (domain.get("responses") or {}).get(name) or []
    default = None
    for variation in variations:
        variation_language = _language_of_variation(variation)
        if variation_language == language and language is not None:
            return variation.get("text")
        if variation_language is None and default is None:
            default = variation.get("text")
    return default


@lru_cache(maxsize=1)
def _project_domain() -> Dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8")) or {}


def domain_response_text(name: str, language: Optional[str]) -> Optional[str]:
    """A response's text as editors wrote it in the project's domain.yml (read once per process),
    for the channels that must answer before a message reaches Rasa."""
    return response_text(_project_domain(), name, language)
