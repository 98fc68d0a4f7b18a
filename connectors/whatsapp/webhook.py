"""Meta's webhook: `/webhooks/whatsapp/webhook` (GET once to verify it, then a signed POST per
delivery). Every POST is checked against its signature, answered 200 at once, and its messages
are handled afterwards, each once even when Meta delivers it again."""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.languages import project_languages
from bot.responses import domain_response_text as domain_text
from bot.responses import response_text
from connectors.limits import MAX_MESSAGE_LENGTH, card_warning, without_card_numbers
from connectors.whatsapp.inbound import (MAX_BODY_BYTES, Incoming, RecentIds, _dict, _list, _profile_names,
                                         incoming_from, language_of_phone, log_statuses, message_values,
                                         signature_is_valid)
from connectors.whatsapp.output import WhatsAppOutput
from connectors.whatsapp.settings import CHANNEL_NAME, WhatsAppSettings, settings_from

logger = logging.getLogger("connectors.whatsapp")


class WhatsAppInput(InputChannel):
    """Meta's webhook for a WhatsApp Business number: `/webhooks/whatsapp/webhook`."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WhatsAppInput":
        return cls(settings_from(credentials))

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings
        self.recent_ids = RecentIds()
        self._tasks: Set[asyncio.Task] = set()  # kept so running tasks aren't garbage-collected
        self._app: Any = None  # Rasa's Sanic app, set by the first delivery: its agent reads trackers

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WhatsAppOutput(self.settings) if self.settings.configured else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("whatsapp_webhook", __name__)
        if not self.settings.configured:
            logger.warning("WhatsApp isn't configured (set %s): its webhook answers 503.",
                           ", ".join(self.settings.missing))

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.settings.configured})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return self._not_configured() or self._verification(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self._not_configured() or self._accept(request, on_new_message)

        return webhook

    def _not_configured(self) -> Optional[HTTPResponse]:
        if self.settings.configured:
            return None
        return response.json({"error": "WhatsApp isn't configured on this bot: set "
                                       + ", ".join(self.settings.missing) + "."}, status=503)

    def _verification(self, request: Request) -> HTTPResponse:
        """Meta's subscription handshake: echo the challenge when the verify token matches."""
        token = request.args.get("hub.verify_token") or ""
        if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(
                token.encode(), self.settings.verify_token.encode()):
            return response.text(request.args.get("hub.challenge") or "")
        return response.text("Forbidden", status=403)

    def _accept(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """Checks the delivery, answers at once (Meta retries slow answers), and handles its new
        messages in a task of their own, in the order they came."""
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return response.json({"error": "The body is larger than 1 MB."}, status=413)
        if not signature_is_valid(body, request.headers.get("X-Hub-Signature-256"), self.settings.app_secret):
            return response.json({"error": "Missing or wrong X-Hub-Signature-256."}, status=403)
        try:
            payload = json.loads(body)
        except ValueError:
            return response.json({"error": "The body is not JSON."}, status=400)
        if not isinstance(payload, dict):
            return response.json({"error": "The body must be a JSON object."}, status=400)
        new_messages = self._new_messages(payload)
        self._app = request.app  # its Rasa agent: the conversation's language for the card warning
        if new_messages:
            self._in_background(self._handle_all(new_messages, on_new_message))
        return response.json({"status": "received"})

    def _new_messages(self, payload: Dict[str, Any]) -> List[Incoming]:
        """The delivery's messages not seen before. Marked as seen now, before answering, so a
        retry arriving while the first copy is still being handled is dropped too."""
        messages = []
        for value in message_values(payload, self.settings.phone_number_id):
            log_statuses(value)
            names = _profile_names(value)
            for raw in _list(value.get("messages")):
                incoming = incoming_from(_dict(raw), names)
                if incoming and self.recent_ids.first_time(incoming.message_id):
                    messages.append(incoming)
        return messages

    def _in_background(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle_all(self, messages: List[Incoming], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        for incoming in messages:
            try:
                await self._handle(incoming, on_new_message)
            except Exception:  # one bad message must not stop the others
                logger.exception("WhatsApp: message %s could not be handled.", incoming.message_id)

    async def _handle(self, incoming: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        output = WhatsAppOutput(self.settings)
        if incoming.text is None:
            await self._reply_unsupported(incoming, output)
            return
        if len(incoming.text) > MAX_MESSAGE_LENGTH:  # the same limit as every channel
            await self._reply(incoming, output, "utter_message_too_long")
            return
        text, had_card = without_card_numbers(incoming.text)
        await on_new_message(UserMessage(
            text, output, incoming.wa_id, input_channel=CHANNEL_NAME,
            message_id=incoming.message_id, metadata=incoming.metadata,
        ))
        if had_card:
            await output.send_text_message(incoming.wa_id, await card_warning(self._agent(), incoming.wa_id,
                                                                              language_of_phone(incoming.wa_id)))

    def _agent(self) -> Any:
        return getattr(self._app.ctx, "agent", None) if self._app is not None else None

    async def _conversation_language(self, wa_id: str) -> str:
        """The conversation's `language` slot, as Rasa's tracker has it; before the bot knows it
        (no conversation yet, or nothing decisive said), the language of the number's country."""
        agent = self._agent()
        language = None
        if agent is not None and getattr(agent, "tracker_store", None) is not None:
            try:
                tracker = await agent.tracker_store.retrieve(wa_id)
                language = tracker.get_slot("language") if tracker is not None else None
            except Exception:  # no tracker to read: the number's country says it
                language = None
        return language if language in project_languages() else language_of_phone(wa_id)

    def _response_text(self, name: str, language: str) -> Optional[str]:
        """A response of the model Rasa serves (its domain), else of the project's domain.yml."""
        domain = getattr(self._agent(), "domain", None)
        responses = getattr(domain, "responses", None)
        text = response_text({"responses": responses}, name, language) if responses else None
        return text or domain_text(name, language)

    async def _reply_unsupported(self, incoming: Incoming, output: WhatsAppOutput) -> None:
        """Audio, video, locations, stickers: answered here, in the conversation's language, with
        the editors' response (no intent for them in the model)."""
        await self._reply(incoming, output, "utter_unsupported_content")

    async def _reply(self, incoming: Incoming, output: WhatsAppOutput, response_name: str) -> None:
        text = self._response_text(response_name, await self._conversation_language(incoming.wa_id))
        if not text:
            logger.error("WhatsApp: the domain has no %s; nothing was answered.", response_name)
            return
        await output.send_text_message(incoming.wa_id, text)
