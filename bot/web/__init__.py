"""The website part: a demo shop page with the chat widget (rasa-webchat, served from here, no
CDN), the embed script a shop pastes into its own pages, and, in demo mode, signed demo tokens.

This module only reads settings (the launcher and the socket.io channel import it); the Sanic
app is in `bot.web.app`, started with `python -m bot.web`.

| variable | default | what |
|---|---|---|
| WEB_PORT | 8080 | the web app: demo page `/`, embed script `/embed.js`, widget `/static/webchat.js`, `/healthz` |
| BOT_HOST | 127.0.0.1 | interface the web app listens on (the same as the Rasa server's) |
| RASA_PORT | 5005 | the widget connects to socket.io at http://<the page's host>:RASA_PORT |
| BOT_SOCKET_URL | | the Rasa server's public URL for the widget when it is behind a proxy (https://bot.example.com) |
| BOT_ALLOWED_ORIGINS | http://localhost:WEB_PORT,http://127.0.0.1:WEB_PORT | comma-separated origins the socket.io channel accepts: add your shop's site (https://www.example.com) |
| SHOP_SIGNING_SECRET | | with the demo shop (demo mode), enables GET /demo/customer-token and the page's demo log-in |
| RASA_URL | http://127.0.0.1:RASA_PORT | where the agent console reaches Rasa's HTTP API (pause, resume, agent messages) |
| RASA_AUTH_TOKEN | | the token of Rasa's HTTP API (the launcher passes its own) |
| HANDOFF_DATABASE_URL | sqlite:///var/handoff.db | the handoff store: cases and agents (bot/handoff/db.py) |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional, Tuple


def web_port(env: Mapping[str, str] = os.environ) -> int:
    return int(env.get("WEB_PORT", "8080"))


def allowed_origins(env: Mapping[str, str] = os.environ) -> Tuple[str, ...]:
    """The origins whose pages may open the socket: BOT_ALLOWED_ORIGINS, or the web app's own."""
    configured = [o.strip().rstrip("/") for o in env.get("BOT_ALLOWED_ORIGINS", "").split(",") if o.strip()]
    if configured:
        return tuple(configured)
    port = web_port(env)
    return (f"http://localhost:{port}", f"http://127.0.0.1:{port}")


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


def from_environment(env: Mapping[str, str] = os.environ) -> WebSettings:
    from bot.shop.factory import is_demo

    return WebSettings(
        host=env.get("BOT_HOST", "127.0.0.1"),
        port=web_port(env),
        rasa_port=int(env.get("RASA_PORT", "5005")),
        socket_url=env.get("BOT_SOCKET_URL", "").rstrip("/"),
        allowed_origins=allowed_origins(env),
        demo=is_demo(env),
        signing_secret=env.get("SHOP_SIGNING_SECRET") or None,
        rasa_url=(env.get("RASA_URL") or f"http://127.0.0.1:{env.get('RASA_PORT', '5005')}").rstrip("/"),
        rasa_token=env.get("RASA_AUTH_TOKEN", ""),
    )
