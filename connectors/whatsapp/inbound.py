"""Reading Meta's deliveries: the signature, who wrote (and so which language the channel greets
them in), each message as text for Rasa or as something answered directly, re-deliveries dropped."""
from __future__ import annotations

import hashlib
import hmac
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional

from bot import locales
from connectors.limits import without_card_numbers
from connectors.whatsapp.settings import CHANNEL_NAME

logger = logging.getLogger("connectors.whatsapp")

# Limits of the webhook
MAX_BODY_BYTES = 1024 * 1024
REMEMBERED_MESSAGE_IDS = 10_000
# Forwarded to Rasa as an `inform` with the file in the metadata (a photo of a damaged item).
FORWARDED_MEDIA = {"image", "document"}
# Emoji reactions to our messages are not messages to answer.
IGNORED_TYPES = {"reaction"}


def signature_is_valid(body: bytes, header: Optional[str], app_secret: str) -> bool:
    """Meta signs the raw body: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`."""
    if not header:
        return False
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode("utf-8", "replace"))


def language_of_phone(wa_id: str) -> str:
    """The language for what the channel says itself: the number's country (bot/locales.py)."""
    return locales.language_of_phone(wa_id)


def masked(wa_id: str) -> str:
    """A phone number fit for logs: only its last three digits."""
    digits = str(wa_id or "")
    return "+" + "*" * max(len(digits) - 3, 0) + digits[-3:]


class RecentIds:
    """The message ids (wamid) seen lately, to drop Meta's re-deliveries. Bounded and in this
    process's memory: several replicas behind a load balancer would need a shared store
    (e.g. Redis SET NX with a TTL) instead."""

    def __init__(self, size: int = REMEMBERED_MESSAGE_IDS) -> None:
        self._size = size
        self._ids: "OrderedDict[str, None]" = OrderedDict()

    def first_time(self, message_id: str) -> bool:
        if message_id in self._ids:
            return False
        self._ids[message_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


@dataclass
class Incoming:
    """One customer message, ready for Rasa (`text`) or for a direct reply (`text` None)."""
    message_id: str
    wa_id: str
    name: Optional[str]
    text: Optional[str]
    attachment: Optional[Dict[str, Any]] = None

    @property
    def metadata(self) -> Dict[str, Any]:
        metadata: Dict[str, Any] = {CHANNEL_NAME: {"phone": f"+{self.wa_id}", "name": self.name}}
        if self.attachment:
            metadata["attachment"] = self.attachment
        return metadata


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []


def message_values(payload: Dict[str, Any], phone_number_id: str) -> Iterator[Dict[str, Any]]:
    """The `value` of every `messages` change for our number; anything else is skipped."""
    for entry in _list(payload.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            value = _dict(change.get("value"))
            if change.get("field") != "messages" or not value:
                continue
            receiver = _dict(value.get("metadata")).get("phone_number_id")
            if receiver and str(receiver) != phone_number_id:
                logger.info("WhatsApp: skipped a delivery for another phone number id.")
                continue
            yield value


def _profile_names(value: Dict[str, Any]) -> Dict[str, Optional[str]]:
    names = {}
    for contact in _list(value.get("contacts")):
        contact = _dict(contact)
        if contact.get("wa_id"):
            names[str(contact["wa_id"])] = _dict(contact.get("profile")).get("name")
    return names


def _text_for_rasa(message: Dict[str, Any]) -> Optional[str]:
    """What the customer typed or tapped. A tapped button's id is the payload we sent ("/affirm")."""
    kind = message.get("type")
    if kind == "text":
        return _dict(message.get("text")).get("body")
    if kind == "interactive":
        interactive = _dict(message.get("interactive"))
        reply_kind = interactive.get("type")
        if reply_kind in ("button_reply", "list_reply"):
            return _dict(interactive.get(reply_kind)).get("id")
        return None
    if kind == "button":  # a quick-reply button of a template
        button = _dict(message.get("button"))
        return button.get("payload") or button.get("text")
    return None


def _attachment(message: Dict[str, Any]) -> Dict[str, Any]:
    kind = message.get("type")
    media = _dict(message.get(kind))
    caption = media.get("caption")
    if isinstance(caption, str):
        caption, _ = without_card_numbers(caption)  # a photo's caption reaches the tracker too
    return {"type": kind, "id": media.get("id"), "caption": caption}


def incoming_from(message: Dict[str, Any], names: Dict[str, Optional[str]]) -> Optional[Incoming]:
    """One webhook message as an Incoming; None for what we don't answer or can't read."""
    message_id, wa_id, kind = message.get("id"), str(message.get("from") or ""), message.get("type")
    if not isinstance(message_id, str) or not message_id or not wa_id.isdigit() or not isinstance(kind, str):
        return None
    if kind in IGNORED_TYPES:
        return None
    base = dict(message_id=message_id, wa_id=wa_id, name=names.get(wa_id))
    if kind in FORWARDED_MEDIA:
        return Incoming(**base, text="/inform", attachment=_attachment(message))
    if kind in ("text", "interactive", "button"):
        text = _text_for_rasa(message)
        return Incoming(**base, text=text) if isinstance(text, str) and text.strip() else None
    return Incoming(**base, text=None)  # audio, video, location, sticker, anything new


def log_statuses(value: Dict[str, Any]) -> None:
    """Delivery receipts: logged for operators, without the recipient's number."""
    for status in _list(value.get("statuses")):
        status = _dict(status)
        codes = [_dict(e).get("code") for e in _list(status.get("errors"))]
        logger.info("WhatsApp status %s for message %s%s", status.get("status"), status.get("id"),
                    f" (errors {codes})" if codes else "")
