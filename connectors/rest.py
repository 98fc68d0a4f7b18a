"""Rasa's REST channel, same URL (/webhooks/rest/webhook) and same replies, but a malformed
request gets a clear 400/413 with a JSON reason instead of an empty 200 or a 500.

Two additions for clients that retry (a load balancer losing a replica mid-turn answers 502):
- a turn that failed inside Rasa answers 503 with a JSON reason, not an empty 200;
- a client may send its own `message_id` (kept on the user event in the tracker). Sent again
  with `"retry": true`, a message the conversation already holds is not processed twice: the
  replies recorded after it are returned instead.
"""
from __future__ import annotations

import inspect
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_ext.agent import own_tracker_store
from connectors.limits import (MAX_MESSAGE_LENGTH, MetadataTooLarge, card_warning, client_metadata, sender_problem,
                               without_card_numbers)

logger = logging.getLogger(__name__)

MAX_MESSAGE_ID_LENGTH = 128


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
        problem = sender_problem(sender)
        if problem:
            raise BadRequest(f"'sender' {problem}.")
        return sender

    def _extract_message(self, request: Request) -> Optional[Text]:
        message = _body(request).get("message")
        if not isinstance(message, str) or not message.strip():
            raise BadRequest("'message' must be a string with some text.")
        if len(message) > MAX_MESSAGE_LENGTH:
            raise TooLong(f"'message' is longer than {MAX_MESSAGE_LENGTH} characters.")
        return message

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        try:
            return client_metadata(_body(request).get("metadata"), request.remote_addr or request.ip)
        except MetadataTooLarge as error:
            raise TooLong(f"'metadata' {error}.".replace("metadata ", "", 1))
        except ValueError:
            raise BadRequest("'metadata', when given, must be a JSON object.")

    def _extract_input_channel(self, request: Request) -> Text:
        # Always this channel: a client must not pass itself off as WhatsApp (whose number is trusted).
        return self.name()

    def _extract_message_id(self, request: Request) -> Optional[Text]:
        message_id = _body(request).get("message_id")
        if message_id is None:
            return None
        if not isinstance(message_id, str) or not message_id.strip() or len(message_id) > MAX_MESSAGE_ID_LENGTH:
            raise BadRequest(f"'message_id', when given, must be a string of at most {MAX_MESSAGE_ID_LENGTH} characters.")
        return message_id

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            sender_id = await self._extract_sender(request)
            text, had_card = without_card_numbers(self._extract_message(request))
            message_id = self._extract_message_id(request)
            input_channel = self._extract_input_channel(request)
            metadata = self.get_metadata(request)
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender_id, input_channel, metadata),
                    content_type="text/event-stream",
                )
            if message_id and _body(request).get("retry") is True:
                replies = await _replies_already_given(request, sender_id, message_id)
                if replies is not None:
                    logger.info("rest.retry.already_processed replies=%d", len(replies))
                    return response.json(replies)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender_id, input_channel=input_channel, metadata=metadata,
                                message_id=message_id)
                )
            except (CancelledError, Exception) as error:
                logger.error("rest.message.failed error=%s %s", type(error).__name__, str(error)[:200])
                return response.json({"error": "The message could not be processed; send it again."}, status=503)
            if had_card:
                collector.messages.append({"recipient_id": sender_id, "text": await card_warning(
                    request.app.ctx.agent, sender_id, metadata.get("language"))})
            return response.json(collector.messages)

        return webhook


async def _replies_already_given(request: Request, sender_id: Text, message_id: Text) -> Optional[List[Dict[str, Any]]]:
    """The bot's replies recorded after user message `message_id`, or None if the tracker lacks it."""
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None:
        return None
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return None
    # the replica that stored this message may have died before publishing its events
    store = own_tracker_store(agent)
    if hasattr(store, "publish_backlog"):
        await store.publish_backlog(sender_id)
    replies: Optional[List[Dict[str, Any]]] = None
    for event in tracker.events:
        data = event.as_dict()
        if data.get("event") == "user":
            if replies is not None:
                break
            if data.get("message_id") == message_id:
                replies = []
        elif replies is not None and data.get("event") == "bot":
            reply: Dict[str, Any] = {"recipient_id": sender_id, "text": data.get("text")}
            reply.update({k: v for k, v in (data.get("data") or {}).items() if v})
            replies.append({k: v for k, v in reply.items() if v is not None})
    return replies
