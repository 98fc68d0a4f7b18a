"""The web app: the demo shop page with the chat widget, the embed script, the widget itself
(rasa-webchat's lib/index.js from node_modules, installed by `make install`), and in demo mode
signed customer tokens for the page's demo log-in.

    create_app(settings) -> Sanic
      /                       demo shop page (?lang=es|en|pt), the widget bottom right
      /embed.js               the script a shop pastes into its pages
      /static/webchat.js      rasa-webchat 1.0.1, served locally (no CDN)
      /demo/customer-token    ?customer=c01: only with the demo shop AND SHOP_SIGNING_SECRET
      /agent                  the agent console (bot/web/agent_api.py), its JSON API under /api
      /agent/insights         supervisors' insights (bot/web/insights_api.py), /api/insights
      /healthz                200 when the app is up
"""
from __future__ import annotations

import html
import json
import logging
import secrets
from pathlib import Path
from typing import Dict

import yaml
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.languages import default_language, project_languages
from bot.settings import PROJECT_ROOT
from bot.shop import customer_token
from bot.privacy import config as privacy_config
from bot.web import WebSettings, i18n

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDGET_JS = PROJECT_ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
DEMO_SHOP = PROJECT_ROOT / "shop" / "demo_shop.json"
LANGUAGES = project_languages()  # data/nlu/<code>/ (bot/languages.py)
DEFAULT_LANGUAGE = default_language()  # config.yml
TOKEN_TTL_S = 3600
# rasa-webchat keeps the conversation under this localStorage key (params.storage "local").
WIDGET_SESSION_KEY = "chat_session"
# rasa-webchat's CSS imports its font from Google Fonts: served without it, nothing leaves for a
# third party (the widget falls back to the page's sans-serif font).
WIDGET_FONT_IMPORT = "@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"

WEB_TEXTS_FILE = PROJECT_ROOT / "shop" / "web_texts.yml"
_TEXTS = yaml.safe_load(WEB_TEXTS_FILE.read_text("utf-8"))
WIDGET_TEXTS: Dict[str, Dict[str, str]] = _TEXTS["widget"]
PAGE_TEXTS: Dict[str, Dict[str, str]] = _TEXTS["page"]


# The demo page: its own inline script by nonce, the widget from here; the widget's socket.io may
# live on another port or host (BOT_SOCKET_URL), and it styles itself inline.
SHOP_PAGE_POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
                    "img-src 'self' data: blob:; connect-src 'self' http: https: ws: wss:; frame-ancestors 'none'; "
                    "base-uri 'none'; form-action 'self'; object-src 'none'")


def _render(template: str, values: Dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _script_json(value) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def privacy_notice(language: str, link: str) -> str:
    """The short notice under the chat (bot/web/i18n/privacy/), with the shop's privacy page."""
    words = i18n.texts("privacy", language)
    notice = html.escape(words.get("notice", ""))
    if not link:
        return notice
    return f'{notice} <a href="{html.escape(link)}" rel="noopener">{html.escape(words.get("notice_link", link))}</a>'


def demo_page_blueprint(settings: WebSettings) -> Blueprint:
    """The demo shop page, the embed script and the widget's JavaScript."""
    blueprint = Blueprint("shop_page")
    page_template = (TEMPLATES / "shop.html").read_text("utf-8")
    embed_js = (TEMPLATES / "embed.js").read_text("utf-8").replace(
        "__CONFIG__",
        _script_json({
            "webUrl": settings.url, "widgetPath": "/static/webchat.js", "rasaPort": settings.rasa_port, "socketUrl": settings.socket_url,
            "defaultLanguage": DEFAULT_LANGUAGE, "texts": WIDGET_TEXTS,
            "sessionKey": WIDGET_SESSION_KEY, "customerKey": "aurora_chat_customer",
        }),
        1,
    )
    widget_js = WIDGET_JS.read_text("utf-8").replace(WIDGET_FONT_IMPORT, "") if WIDGET_JS.is_file() else None
    notice_link = privacy_config.load().notice_link
    if widget_js is None:
        logger.warning("%s is missing: run `make install` (npm ci) for the web widget", WIDGET_JS)

    @blueprint.get("/")
    async def page(request: Request) -> HTTPResponse:
        language = (request.args.get("lang") or "")[:2].lower()
        language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        # A language whose page texts shop/web_texts.yml doesn't have yet: the default language's.
        texts = PAGE_TEXTS.get(language) or PAGE_TEXTS[DEFAULT_LANGUAGE]
        values = {f"t_{k}": (v if k == "help" else html.escape(v)) for k, v in texts.items()}
        # One link per language of the bot (data/nlu/<code>/), the default first.
        values["language_links"] = "".join(
            f'<a href="?lang={code}" class="{"current" if code == language else ""}">{html.escape(code.upper())}</a>'
            for code in LANGUAGES)
        values["lang"] = language
        values["privacy_notice"] = privacy_notice(language, notice_link)
        values["demo_tokens"] = "true" if settings.demo_tokens else "false"
        nonce = secrets.token_urlsafe(16)
        values["csp_nonce"] = nonce
        values["login_button"] = (
            f'<button id="demo-login" class="login" type="button" data-login="{html.escape(texts["login"])}"'
            f' data-logout="{html.escape(texts["logout"])}">{html.escape(texts["login"])}</button>'
            if settings.demo_tokens else ""
        )
        return response.html(_render(page_template, values), headers={
            "Cache-Control": "no-cache", "Content-Security-Policy": SHOP_PAGE_POLICY.format(nonce=nonce),
            "X-Frame-Options": "DENY"})

    @blueprint.get("/embed.js")
    async def embed(_: Request) -> HTTPResponse:
        return response.text(embed_js, content_type="application/javascript; charset=utf-8",
                             headers={"Cache-Control": "no-cache"})

    @blueprint.get("/static/webchat.js")
    async def widget(_: Request) -> HTTPResponse:
        if widget_js is None:
            return response.text("The web widget is not installed: run `make install` (npm ci).", status=503)
        return response.text(widget_js, content_type="application/javascript; charset=utf-8",
                             headers={"Cache-Control": "public, max-age=3600"})

    return blueprint


def demo_token_blueprint(settings: WebSettings) -> Blueprint:
    """GET /demo/customer-token?customer=c01: a token signed with the shop's secret, for the
    demo page's log-in. Registered only with the demo shop and SHOP_SIGNING_SECRET set."""
    secret = settings.signing_secret
    if not secret:
        raise ValueError("demo customer tokens need SHOP_SIGNING_SECRET")
    blueprint = Blueprint("demo_tokens", url_prefix="/demo")
    customers = {c["id"]: c["name"] for c in json.loads(DEMO_SHOP.read_text("utf-8"))["customers"]}

    @blueprint.get("/customer-token")
    async def token(request: Request) -> HTTPResponse:
        customer = request.args.get("customer", "")
        if customer not in customers:
            return response.json({"error": "unknown demo customer"}, status=404)
        signed = customer_token.sign(customer, secret, ttl_s=TOKEN_TTL_S)
        return response.json(
            {"customer": customer, "name": customers[customer], "token": signed, "expires_in": TOKEN_TTL_S},
            headers={"Cache-Control": "no-store"},
        )

    return blueprint


def create_app(settings: WebSettings, name: str = "aurora_web") -> Sanic:
    from bot.handoff import db, hours
    from bot.handoff.accounts import Accounts
    from bot.handoff.rasa_api import RasaConversations
    from bot.handoff.store import HandoffStore
    from bot.web.agent_api import agent_api_blueprint, console_blueprint

    app = Sanic(name)
    app.blueprint(demo_page_blueprint(settings))
    support = hours.load_config()
    store = HandoffStore(db.database_url())
    app.blueprint(agent_api_blueprint(store, Accounts(store.engine, support.session_s),
                                      RasaConversations(settings.rasa_url, settings.rasa_token), support))
    app.blueprint(console_blueprint())
    from bot.web.privacy_api import privacy_api_blueprint

    app.blueprint(privacy_api_blueprint(store.engine, Accounts(store.engine, support.session_s)))
    from bot.web.insights_api import insights_api_blueprint

    app.blueprint(insights_api_blueprint(store.engine, Accounts(store.engine, support.session_s)))
    if settings.demo_tokens:
        app.blueprint(demo_token_blueprint(settings))

    @app.get("/healthz")
    async def healthz(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.middleware("response")
    async def security_headers(_: Request, resp: HTTPResponse) -> None:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")

    return app
