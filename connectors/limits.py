"""What every channel accepts, the same on REST, socket.io and WhatsApp.

- A message is at most MAX_MESSAGE_LENGTH characters (WhatsApp's own limit for a text): the NLU's
  cost grows with the text, and one message must never stall the other conversations.
- Metadata a client sends is at most MAX_METADATA_BYTES of JSON, and never carries the keys the
  server itself sets (who is verified, which agent spoke, the client's address): a client that
  sends them has them removed, whatever the channel.
- Conversation ids that look like a phone number belong to WhatsApp (its sender id is the
  customer's number): no other channel may use one, so nobody can write into someone's WhatsApp
  conversation by naming it.
- Card numbers are hidden before Rasa sees the text (`without_card_numbers`), so no tracker,
  case transcript or log ever holds one, and the customer is told not to send them
  (`card_warning`, in the conversation's language).
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, Optional, Tuple

from bot.privacy.masking import mask_cards

MAX_MESSAGE_LENGTH = 4096
MAX_METADATA_BYTES = 4096
MAX_SENDER_LENGTH = 128
# Set only by the server: the WhatsApp connector's verified number, an agent's name on messages
# sent from the console, a forwarded attachment, the client address the channel saw.
SERVER_METADATA_KEYS = frozenset({"whatsapp", "agent", "attachment", "client", "verified"})
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{6,}$")


class MetadataTooLarge(ValueError):
    pass


def sender_problem(sender: Any) -> Optional[str]:
    """Why `sender` can't name a conversation on a website channel, or None when it can."""
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
        return f"must be a non-empty string of at most {MAX_SENDER_LENGTH} characters"
    if _PHONE_LIKE.match(sender):
        return "must not look like a phone number (those name WhatsApp conversations)"
    return None


def client_metadata(metadata: Any, client_address: Optional[str]) -> Dict[str, Any]:
    """The metadata a client sent, without server-only keys, plus the address the server saw."""
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ValueError("metadata must be a JSON object")
    if len(json.dumps(metadata, ensure_ascii=False).encode("utf-8")) > MAX_METADATA_BYTES:
        raise MetadataTooLarge(f"metadata is larger than {MAX_METADATA_BYTES} bytes")
    cleaned = {k: v for k, v in metadata.items() if k not in SERVER_METADATA_KEYS}
    if client_address:
        cleaned["client"] = {"address": client_address}
    return cleaned


CARD_WARNING = "utter_card_number_hidden"


def without_card_numbers(text: str) -> Tuple[str, bool]:
    """The text with every card number (a Luhn-valid PAN) hidden, and whether it had any."""
    masked, found = mask_cards(text)
    return masked, found > 0


async def card_warning(agent: Any, sender_id: str, fallback_language: Optional[str] = None) -> str:
    """What to tell a customer whose card number was hidden, in the conversation's language: its
    `language` slot after the turn (the message's own language when it was clear), else
    `fallback_language`, else the shop's default."""
    from bot.languages import default_language, project_languages
    from bot.responses import domain_response_text

    language = None
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
        language = tracker.get_slot("language") if tracker is not None else None
    except Exception:  # no tracker to read: the fallback language says it
        language = None
    if language not in project_languages():
        language = fallback_language if fallback_language in project_languages() else default_language()
    return domain_response_text(CARD_WARNING, language) or "…"
