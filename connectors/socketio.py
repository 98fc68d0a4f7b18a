"""Rasa's socket.io channel (same name "socketio", same path /socket.io, same events and
session persistence) that only accepts the origins in BOT_ALLOWED_ORIGINS.

Rasa 3.6 creates its server with `AsyncServer(async_mode="sanic", cors_allowed_origins=[])`,
which turns engine.io's origin check off: any web page could open a conversation. Here the
engine.io server checks the Origin header of every handshake (polling and websocket): a page
from another origin gets a 400 "Not an accepted origin", and allowed origins get CORS headers.
Clients that send no Origin (server-side code, not a browser page) are not affected.

With several Rasa replicas, SOCKETIO_REDIS_URL (redis://host:6379/0) shares the sockets' rooms
through Redis (python-socketio's AsyncRedisManager): a message sent in a conversation by any
replica, such as an agent's reply arriving through the HTTP API, reaches the replica that holds
the customer's socket. SOCKETIO_REDIS_CHANNEL names the pub/sub channel (default aurora-socketio).

The limits of connectors/limits.py apply here as on REST: a frame is at most 64 KB, a session id
that looks like a phone number (a WhatsApp conversation) is refused, metadata loses the keys only
the server sets, and a message over MAX_MESSAGE_LENGTH gets `utter_message_too_long` in the
page's language instead of reaching the NLU.
"""
from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncRedisManager

from bot import settings
from bot.languages import default_language, project_languages
from bot.responses import domain_response_text
from bot.web import allowed_origins
from connectors.limits import MAX_MESSAGE_LENGTH, card_warning, client_metadata, sender_problem, without_card_numbers

MAX_FRAME_BYTES = 64 * 1024

logger = logging.getLogger(__name__)


class AgentAwareSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, except that a message with an `agent_name` (an agent's, from the
    console's bot event metadata; and utter_agent_joined, whose variable it is) carries the agent's
    name: the widget shows it (embed.js reads it from the message's customCss, the one field
    rasa-webchat keeps)."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        name = kwargs.get("agent_name")
        if not name:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        tag = {"style": "class", "css": "rw-agent-message", "agent": str(name)[:64]}
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, "metadata": {"customCss": tag}})


class AllowedOriginsSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> Optional[SocketIOOutput]:
        # What the console's messages go through (Rasa's HTTP API with output_channel=latest).
        return AgentAwareSocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else super().get_output_channel()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        origins = list(allowed_origins())
        # Read at every request by engine.io (python-engineio 4.7: Server.handle_request).
        self.sio.eio.cors_allowed_origins = origins
        self.sio.eio.max_http_buffer_size = MAX_FRAME_BYTES
        self._checked_handlers(on_new_message)
        rasa = settings.load().rasa
        if rasa.socketio_redis_url:
            # Swapped in before any socket connects: the server initialises its manager on the first.
            manager = AsyncRedisManager(rasa.socketio_redis_url, channel=rasa.socketio_redis_channel)
            manager.set_server(self.sio)
            self.sio.manager = manager
            logger.info("socket.io rooms are shared through Redis")
        logger.info("socket.io accepts pages from: %s", ", ".join(origins))
        return blueprint

    def _checked_handlers(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Rasa's session_request and message handlers, with the channel limits checked first
        (python-socketio keeps one handler per event: these replace Rasa's)."""
        sio = self.sio

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            session_id = (data or {}).get("session_id") or uuid.uuid4().hex
            if sender_problem(session_id):
                session_id = uuid.uuid4().hex  # a fresh conversation instead of someone else's
            if self.session_persistence:
                sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                return
            sender_id = data.get("session_id") if self.session_persistence else sid
            if sender_problem(sender_id):
                logger.warning("socket.io: a message with an unusable session id was ignored")
                return
            try:
                metadata = data.get(self.metadata_key) or {}
                metadata = client_metadata(json.loads(metadata) if isinstance(metadata, str) else metadata, _address(sio, sid))
            except ValueError:
                metadata = client_metadata({}, _address(sio, sid))
            text = data.get("message")
            output = AgentAwareSocketIOOutput(sio, self.bot_message_evt)
            if not isinstance(text, str) or not text.strip():
                return
            if len(text) > MAX_MESSAGE_LENGTH:
                await output.send_text_message(sender_id, _too_long_text(metadata.get("language")))
                return
            text, had_card = without_card_numbers(text)
            await on_new_message(UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata))
            if had_card:
                await output.send_text_message(sender_id, await card_warning(_agent(sio, sid), sender_id, metadata.get("language")))

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)


def _address(sio: Any, sid: Text) -> Optional[str]:
    try:
        environ = sio.get_environ(sid) or {}
    except Exception:  # the socket went away meanwhile
        return None
    request = environ.get("sanic.request")
    return getattr(request, "remote_addr", None) or getattr(request, "ip", None) or environ.get("REMOTE_ADDR")


def _agent(sio: Any, sid: Text) -> Any:
    """The Rasa agent serving this socket (through the Sanic app of its handshake request)."""
    try:
        request = (sio.get_environ(sid) or {}).get("sanic.request")
        return request.app.ctx.agent
    except Exception:  # the socket went away meanwhile: the warning falls back to the page's language
        return None


def _too_long_text(language: Any) -> str:
    language = language if language in project_languages() else default_language()
    return domain_response_text("utter_message_too_long", language) or "…"
