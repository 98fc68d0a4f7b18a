"""The website part: a demo shop page with the chat widget (rasa-webchat, served from here, no
CDN), the embed script a shop pastes into its own pages, and, in demo mode, signed demo tokens.

This module only gathers the web app's settings (the launcher and the socket.io channel import it):
WEB_PORT, BOT_HOST, RASA_PORT, BOT_SOCKET_URL, BOT_ALLOWED_ORIGINS, SHOP_SIGNING_SECRET, RASA_URL,
RASA_AUTH_TOKEN, declared in bot/settings.py. The Sanic app is in `bot.web.app`, started with
`python -m bot.web`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

from bot import settings


def web_port(env: Optional[Mapping[str, str]] = None) -> int:
    return settings.load(env).web.port


def allowed_origins(env: Optional[Mapping[str, str]] = None) -> Tuple[str, ...]:
    """The origins whose pages may open the socket: BOT_ALLOWED_ORIGINS, or the web app's own."""
    return settings.load(env).web.allowed_origins


@dataclass(frozen=True)
class WebSettings:
    host: str
    port: int
    rasa_port: int
    socket_url: str  # empty: http://<the page's host>:rasa_port
    allowed_origins: Tuple[str, ...]
    demo: bool  # the demo shop (bot.shop.factory.is_demo)
    signing_secret: Optional[str]
    rasa_url: str = ""
    rasa_token: str = ""

    @property
    def url(self) -> str:
        return f"http://{'127.0.0.1' if self.host == '0.0.0.0' else self.host}:{self.port}"

    @property
    def demo_tokens(self) -> bool:
        """GET /demo/customer-token exists only with the demo shop and a signing secret."""
        return self.demo and bool(self.signing_secret)


def from_environment(env: Optional[Mapping[str, str]] = None) -> WebSettings:
    loaded = settings.load(env)
    return WebSettings(
        host=loaded.rasa.host,
        port=loaded.web.port,
        rasa_port=loaded.rasa.port,
        socket_url=loaded.web.socket_url,
        allowed_origins=loaded.web.allowed_origins,
        demo=loaded.shop.is_demo,
        signing_secret=loaded.shop.signing_secret or None,
        rasa_url=loaded.web.rasa_url,
        rasa_token=loaded.rasa.auth_token,
    )
