"""What every channel accepts, the same on REST, socket.io and WhatsApp.

- A message is at most MAX_MESSAGE_LENGTH characters (WhatsApp's own limit for a text): the NLU's
  cost grows with the text, and one message must never stall the other conversations.
- Metadata a client sends is at most MAX_METADATA_BYTES of JSON, and never carries the keys the
  server itself sets (who is verified, which agent spoke, the client's address): a client that
  sends them has them removed, whatever the channel.
- Conversation ids that look like a phone number belong to WhatsApp (its sender id is the
  customer's number): no other channel may use one, so nobody can write into someone's WhatsApp
  conversation by naming it.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, Optional

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
