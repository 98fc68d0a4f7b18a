"""Rasa's REST channel, same URL (/webhooks/rest/webhook) and same replies, but a malformed
request gets a clear 400/413 with a JSON reason instead of an empty 200 or a 500."""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import SanicException
from sanic.request import Request

MAX_SENDER_LENGTH = 200
MAX_MESSAGE_LENGTH = 20_000


class BadRequest(SanicException):
    status_code = 400
    quiet = True


class TooLong(SanicException):
    status_code = 413
    quiet = True


def _body(request: Request) -> Dict[Text, Any]:
    body = request.json  # Sanic answers 400 itself when this isn't JSON
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object: {\"sender\": \"…\", \"message\": \"…\"}.")
    return body


class ValidatingRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, request: Request) -> Optional[Text]:
        sender = _body(request).get("sender")
        if isinstance(sender, int) and not isinstance(sender, bool):
            sender = str(sender)
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
            raise BadRequest(f"'sender' must be a non-empty string of at most {MAX_SENDER_LENGTH} characters.")
        return sender

    def _extract_message(self, request: Request) -> Optional[Text]:
        message = _body(request).get("message")
        if not isinstance(message, str) or not message.strip():
            raise BadRequest("'message' must be a string with some text.")
        if len(message) > MAX_MESSAGE_LENGTH:
            raise TooLong(f"'message' is longer than {MAX_MESSAGE_LENGTH} characters.")
        return message

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _body(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise BadRequest("'metadata', when given, must be a JSON object.")
        return metadata
