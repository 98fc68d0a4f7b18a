"""What the handoff store writes into a case transcript or note: card numbers always hidden
(an agent may paste one too), emails and phones hidden as well when shop/privacy.yml's
`mask_case_transcripts` says so (the case's contact field keeps the one the customer left)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from bot.privacy import config
from bot.privacy.masking import mask_cards, mask_contacts


@lru_cache(maxsize=1)
def _mask_contacts() -> bool:
    try:
        return config.load().mask_case_transcripts
    except (OSError, config.PrivacyConfigError):
        return False  # the web app refuses a broken file at start; the other processes just don't mask


def stored_text(text: str) -> str:
    text = mask_cards(text)[0]
    return mask_contacts(text) if _mask_contacts() else text


def stored_message(message: Any) -> Dict[str, Any]:
    """A NewMessage's columns, its text as stored."""
    values = dict(message.__dict__)
    values["text"] = stored_text(values.get("text") or "")
    return values
