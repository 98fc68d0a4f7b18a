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
"""
from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from socketio import AsyncRedisManager

from bot.web import allowed_origins

logger = logging.getLogger(__name__)


class AllowedOriginsSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        origins = list(allowed_origins())
        # Read at every request by engine.io (python-engineio 4.7: Server.handle_request).
        self.sio.eio.cors_allowed_origins = origins
        redis_url = os.environ.get("SOCKETIO_REDIS_URL")
        if redis_url:
            # Swapped in before any socket connects: the server initialises its manager on the first.
            manager = AsyncRedisManager(redis_url, channel=os.environ.get("SOCKETIO_REDIS_CHANNEL", "aurora-socketio"))
            manager.set_server(self.sio)
            self.sio.manager = manager
            logger.info("socket.io rooms are shared through Redis")
        logger.info("socket.io accepts pages from: %s", ", ".join(origins))
        return blueprint
