"""Every environment variable the bot reads, declared once: name, type, default, what it does.

This is the only module that reads os.environ for configuration. `load()` parses all of it into
one typed, frozen `Settings` (sections per area: rasa, actions, web, shop, handoff, security,
whatsapp, privacy, insights) and raises `SettingsError`, which names every wrong variable and
what it expects, so a misconfigured shop stops at start with a readable message
(`check_at_start()`, called first by every process: `python -m bot …`, the Rasa server, the
action server, the web app). An empty variable counts as unset.

To add a setting: declare a `Variable` below (in the README table it belongs to), add its field to
its section's dataclass, read it as `settings.load().<section>.<field>`, and paste its row from
`python -m bot settings --markdown` into README.md (tests/test_settings.py checks both).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.settings_parsing import (
    SettingsError, Variable, alphanumeric, at_least_characters, base_url, choice, database_url, flag, origins, parse_all,
    path, port, seconds, text, url, whole_number,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_SHOP_DATABASE_URL = "sqlite:///var/shop.db"
DEFAULT_WHATSAPP_API_BASE_URL = "https://graph.facebook.com/v19.0"
ACTION_SECRET_MIN_LENGTH = 16

__all__ = ["PROJECT_ROOT", "Settings", "SettingsError", "VARIABLES", "check_at_start", "load", "from_environment"]


def _var(name: str, section: str, field: str, parse, default, what: str, table: str,
         shown_default: str = "", secret: bool = False) -> Variable:
    return Variable(name, section, field, parse, default, what, table, shown_default, secret)


# In the order of the README's tables (bot/settings_markdown.py); a computed default may use the
# variables declared before it.
VARIABLES: List[Variable] = [
    # README "Configuration": the servers
    _var("RASA_PORT", "rasa", "port", port, 5005,
         "Rasa server: channel webhooks, socket.io, HTTP API", "general"),
    _var("ACTIONS_PORT", "actions", "port", port, 5055,
         "action server", "general"),
    _var("ACTIONS_HOST", "actions", "host", text, "127.0.0.1",
         "interface of the action server: only the Rasa server calls it (`0.0.0.0` in a container)", "general"),
    _var("ACTION_SERVER_URL", "actions", "url", url("http", "https"),
         lambda v: f"http://127.0.0.1:{v['ACTIONS_PORT']}/webhook",
         "where Rasa calls the actions", "general", shown_default="`http://127.0.0.1:$ACTIONS_PORT/webhook`"),
    _var("ACTION_SERVER_SECRET", "actions", "secret", at_least_characters(ACTION_SECRET_MIN_LENGTH), None,
         "sent by Rasa with every action call; the action server refuses calls without it. At least 16 characters, "
         "the same for both servers; required by `bot serve`", "general",
         shown_default="generated at start (demo mode)", secret=True),
    _var("GUESS_LIMIT_REDIS_URL", "security", "guess_limit_redis_url", url("redis", "rediss"), "",
         "where failed identity checks and logins are counted across replicas, e.g. `redis://redis:6379/3`",
         "general", shown_default="(the handoff database)"),
    _var("ACTION_TIMEOUT_S", "rasa", "action_timeout_s", seconds, 20.0,
         "an action server that doesn't answer in time (or at all) gets the customer `utter_action_failed`: "
         "\"one of our systems isn't answering\", with a button to a person, instead of silence", "general",
         shown_default="20"),
    _var("BOT_HOST", "rasa", "host", text, "127.0.0.1",
         "interface of the Rasa server and the web app (`0.0.0.0` behind a reverse proxy)", "general"),
    _var("RASA_AUTH_TOKEN", "rasa", "auth_token", text, "",
         "token of Rasa's HTTP API. The API reads and rewrites every conversation, so it never runs without one",
         "general", shown_default="generated at start (demo mode)", secret=True),
    _var("TRACKER_DB", "rasa", "tracker_db", text, "var/rasa_tracker.db",
         "SQLite file of the conversation store", "general"),
    _var("WEB_PORT", "web", "port", port, 8080,
         "web app: the demo shop page, the widget's files, `/embed.js`", "general"),
    _var("BOT_ALLOWED_ORIGINS", "web", "allowed_origins", origins,
         lambda v: (f"http://localhost:{v['WEB_PORT']}", f"http://127.0.0.1:{v['WEB_PORT']}"),
         "comma-separated origins whose pages may open the chat socket (your shop's site)", "general",
         shown_default="the web app's own origins"),
    _var("BOT_SOCKET_URL", "web", "socket_url", base_url, "",
         "where the widget connects, when the bot is behind a proxy", "general",
         shown_default="the Rasa server on `RASA_PORT`"),
    # WhatsApp (credentials.yml may name other variables: whatsapp_variable below)
    _var("WHATSAPP_VERIFY_TOKEN", "whatsapp", "verify_token", text, "",
         "the token you typed in Meta's webhook settings (for the verification handshake)", "whatsapp", secret=True),
    _var("WHATSAPP_APP_SECRET", "whatsapp", "app_secret", text, "",
         "the app secret: every delivery's `X-Hub-Signature-256` is checked with it, and forged ones get a 403",
         "whatsapp", secret=True),
    _var("WHATSAPP_ACCESS_TOKEN", "whatsapp", "access_token", text, "",
         "to send replies: the access token of your Meta app", "whatsapp", secret=True),
    _var("WHATSAPP_PHONE_NUMBER_ID", "whatsapp", "phone_number_id", text, "",
         "to send replies: the id of the business phone number", "whatsapp"),
    _var("WHATSAPP_API_BASE_URL", "whatsapp", "api_base_url", url("https", "http"), DEFAULT_WHATSAPP_API_BASE_URL,
         "Meta's Graph API, with its version", "whatsapp"),
    # The shop backend
    _var("SHOP_BACKEND", "shop", "backend", choice("sql", "shopify"), "sql",
         "`sql` (SQLite or PostgreSQL, same code) or `shopify`", "shop"),
    _var("SHOP_DATABASE_URL", "shop", "database_url", database_url, DEMO_SHOP_DATABASE_URL,
         "e.g. `postgresql://user@host:5432/shop`. It holds the orders (sql backend), and the returns and incidents "
         "(both backends)", "shop", shown_default="`sqlite:///var/shop.db`, the demo shop"),
    _var("SHOP_SEED_DEMO", "shop", "seed_demo", flag, False,
         "`1`: treat another database as the demo shop (re-seeded at every start, demo log-in)", "shop",
         shown_default="0"),
    _var("SHOP_TIMEOUT_S", "shop", "timeout_s", seconds, 3.0,
         "a slower answer counts as \"the shop system isn't answering\": the customer is told so and offered a person",
         "shop", shown_default="3"),
    _var("SHOPIFY_BASE_URL", "shop", "shopify_base_url", url("https", "http"), "",
         "your store's Admin API (`https://<store>.myshopify.com`), with `SHOP_BACKEND=shopify`", "shop"),
    _var("SHOPIFY_ACCESS_TOKEN", "shop", "shopify_access_token", text, "",
         "a custom app's access token, with `SHOP_BACKEND=shopify`", "shop", secret=True),
    _var("SHOP_SIGNING_SECRET", "shop", "signing_secret", text, "",
         "the secret your site signs customer tokens with", "shop", secret=True),
    # Agents and the console
    _var("HANDOFF_DATABASE_URL", "handoff", "database_url", database_url, "sqlite:///var/handoff.db",
         "cases, agents, sessions. Use `postgresql://…` in production (same code)", "agents"),
    _var("BOT_DEMO_AGENT_PASSWORD", "handoff", "demo_agent_password", text, "",
         "the `demo` agent's password", "agents", shown_default="generated (demo mode)", secret=True),
    _var("AGENT_PASSWORD", "handoff", "agent_password", text, "",
         "the password `python -m bot agent` sets", "agents", shown_default="asked for", secret=True),
    _var("RASA_URL", "web", "rasa_url", base_url, lambda v: f"http://127.0.0.1:{v['RASA_PORT']}",
         "where the web app reaches Rasa's HTTP API (with `RASA_AUTH_TOKEN`)", "agents",
         shown_default="`http://127.0.0.1:$RASA_PORT`"),
    # Running in production
    _var("TRACKER_STORE_URL", "rasa", "tracker_store_url", url("postgresql"), "",
         "conversations in PostgreSQL (Rasa's SQL tracker store, see below), e.g. "
         "`postgresql://aurora:…@postgres:5432/rasa`", "production", shown_default="(the SQLite file `TRACKER_DB`)"),
    _var("TRACKER_STORE_RETRY_S", "rasa", "tracker_store_retry_s", seconds, 30.0,
         "how long a turn retries the tracker store while its database restarts", "production", shown_default="30"),
    _var("LOCK_STORE_URL", "rasa", "lock_store_url", url("redis", "rediss"), "",
         "conversation locks shared by every replica and Sanic worker, e.g. `redis://redis:6379/1`", "production",
         shown_default="(in memory, one process)"),
    _var("LOCK_STORE_PREFIX", "rasa", "lock_store_prefix", alphanumeric, "",
         "letters and digits before the lock keys, to share one Redis database, e.g. `aurora`", "production"),
    _var("RABBITMQ_URL", "rasa", "rabbitmq_url", url("amqp", "amqps"), "",
         "every conversation event to RabbitMQ, e.g. `amqp://aurora:…@rabbitmq:5672/%2F`", "production"),
    _var("RABBITMQ_QUEUE", "rasa", "rabbitmq_queue", text, "rasa_events",
         "the queue the events go to", "production"),
    _var("RABBITMQ_EXCHANGE", "rasa", "rabbitmq_exchange", text, "rasa-exchange",
         "the fanout exchange the events go through: give two bots on one RabbitMQ different exchanges, "
         "or each gets the other's events", "production"),
    _var("SOCKETIO_REDIS_URL", "rasa", "socketio_redis_url", url("redis", "rediss"), "",
         "socket.io rooms shared by the replicas: an agent's reply, sent through any replica, reaches the customer's "
         "widget. E.g. `redis://redis:6379/2`", "production"),
    _var("SOCKETIO_REDIS_CHANNEL", "rasa", "socketio_redis_channel", text, "aurora-socketio",
         "the Redis channel of those rooms: one per bot sharing a Redis", "production"),
    _var("SANIC_WORKERS", "rasa", "sanic_workers", whole_number(1), 1,
         "Rasa processes per replica (more than 1 needs `LOCK_STORE_URL`)", "production"),
    _var("TICKET_LOCK_LIFETIME", "rasa", "ticket_lock_lifetime", whole_number(1), 60,
         "seconds after which a dead replica's lock on a conversation expires (read by Rasa; `15` in production)",
         "production"),
    _var("RASA_MODEL", "rasa", "model", text, "models",
         "model file or folder (the newest in a folder)", "production"),
    # The shop's files
    _var("SUPPORT_HOURS_FILE", "handoff", "support_hours_file", path, PROJECT_ROOT / "shop" / "support.yml",
         "support hours, agents' online time, the wait estimate", "files", shown_default="`shop/support.yml`"),
    _var("PRIVACY_FILE", "privacy", "file", path, PROJECT_ROOT / "shop" / "privacy.yml",
         "retention days, transcript masking, the privacy notice's link", "files", shown_default="`shop/privacy.yml`"),
    _var("INSIGHTS_FILE", "insights", "file", path, PROJECT_ROOT / "shop" / "insights.yml",
         "currency, costs, NPS sampling of the insights", "files", shown_default="`shop/insights.yml`"),
    _var("REVIEW_OUTPUT", "privacy", "review_output", path, Path("reports/review.yml"),
         "where the retention finds `make review`'s file (and `review.json` beside it) to delete it in time", "files",
         shown_default="`reports/review.yml`"),
]
NAMES = tuple(variable.name for variable in VARIABLES)


@dataclass(frozen=True)
class RasaSettings:
    port: int
    action_timeout_s: float
    host: str
    auth_token: str
    tracker_db: str
    tracker_store_url: str
    tracker_store_retry_s: float
    lock_store_url: str
    lock_store_prefix: str
    rabbitmq_url: str
    rabbitmq_queue: str
    rabbitmq_exchange: str
    socketio_redis_url: str
    socketio_redis_channel: str
    sanic_workers: int
    ticket_lock_lifetime: int
    model: str


@dataclass(frozen=True)
class ActionsSettings:
    port: int
    host: str
    url: str
    secret: Optional[str]  # None: unset (`make run` generates one, `bot serve` refuses)


@dataclass(frozen=True)
class WebSection:
    port: int
    allowed_origins: Tuple[str, ...]
    socket_url: str  # empty: http://<the page's host>:RASA_PORT
    rasa_url: str


@dataclass(frozen=True)
class ShopSettings:
    backend: str
    database_url: str
    seed_demo: bool
    timeout_s: float
    shopify_base_url: str
    shopify_access_token: str
    signing_secret: str

    @property
    def is_demo(self) -> bool:
        """The demo shop: re-seeded at every start, demo log-in and agent."""
        return self.database_url == DEMO_SHOP_DATABASE_URL or self.seed_demo


@dataclass(frozen=True)
class HandoffSettings:
    database_url: str
    demo_agent_password: str
    agent_password: str
    support_hours_file: Path


@dataclass(frozen=True)
class SecuritySettings:
    guess_limit_redis_url: str


@dataclass(frozen=True)
class WhatsAppSection:
    verify_token: str
    app_secret: str
    access_token: str
    phone_number_id: str
    api_base_url: str


@dataclass(frozen=True)
class PrivacySection:
    file: Path
    review_output: Path


@dataclass(frozen=True)
class InsightsSection:
    file: Path


@dataclass(frozen=True)
class Settings:
    rasa: RasaSettings
    actions: ActionsSettings
    web: WebSection
    shop: ShopSettings
    handoff: HandoffSettings
    security: SecuritySettings
    whatsapp: WhatsAppSection
    privacy: PrivacySection
    insights: InsightsSection


SECTIONS = {"rasa": RasaSettings, "actions": ActionsSettings, "web": WebSection, "shop": ShopSettings,
            "handoff": HandoffSettings, "security": SecuritySettings, "whatsapp": WhatsAppSection,
            "privacy": PrivacySection, "insights": InsightsSection}


def _cross_checks(values: Mapping[str, Any]) -> List[str]:
    """What no single variable shows: settings that need each other."""
    problems = []
    if values["SHOP_BACKEND"] == "shopify":
        problems += [f"{name} must be set when SHOP_BACKEND is shopify"
                     for name in ("SHOPIFY_BASE_URL", "SHOPIFY_ACCESS_TOKEN") if not values[name]]
    return problems


def _build(values: Mapping[str, Any]) -> Settings:
    sections: Dict[str, Dict[str, Any]] = {}
    for variable in VARIABLES:
        sections.setdefault(variable.section, {})[variable.field] = values[variable.name]
    return Settings(**{name: SECTIONS[name](**sections[name]) for name in SECTIONS})


@lru_cache(maxsize=16)
def _parsed(raw: Tuple[Optional[str], ...]) -> Settings:
    values, problems = parse_all(VARIABLES, {name: value for name, value in zip(NAMES, raw) if value is not None})
    problems += _cross_checks(values)
    if problems:
        raise SettingsError(problems)
    return _build(values)


def load(env: Optional[Mapping[str, str]] = None) -> Settings:
    """The settings of `env` (default: this process's environment). Cheap enough to call at each
    use: parsed once per distinct set of values, so a test's monkeypatch.setenv is seen."""
    source = os.environ if env is None else env
    return _parsed(tuple(source.get(name) for name in NAMES))


def check_at_start(env: Optional[Mapping[str, str]] = None) -> Settings:
    """The settings, or the process stops with the list of what is wrong (no traceback)."""
    try:
        return load(env)
    except SettingsError as error:
        raise SystemExit(str(error)) from None


def whatsapp_variable(name: str, env: Optional[Mapping[str, str]] = None) -> str:
    """A WhatsApp value by the variable credentials.yml names (`verify_token_env: …`): the
    declared WHATSAPP_* ones, or a shop's own names."""
    declared = {variable.name: variable for variable in VARIABLES if variable.section == "whatsapp"}
    if name in declared:
        return getattr(load(env).whatsapp, declared[name].field)
    source = os.environ if env is None else env
    return (source.get(name) or "").strip()


# --- the launcher's view: one run's values, with what demo mode generates ------------------------

@dataclass(frozen=True)
class RunSettings:
    host: str
    rasa_port: int
    actions_port: int
    action_server_url: str
    auth_token: str
    auth_token_generated: bool
    tracker_db: str
    tracker_store_url: str = ""
    lock_store_url: str = ""
    lock_store_prefix: str = ""
    sanic_workers: int = 1
    model: str = "models"
    rabbitmq_url: str = ""
    rabbitmq_queue: str = "rasa_events"
    action_secret: str = ""
    action_secret_generated: bool = False
    actions_host: str = "127.0.0.1"

    @property
    def rasa_url(self) -> str:
        return f"http://{'127.0.0.1' if self.host == '0.0.0.0' else self.host}:{self.rasa_port}"


def from_environment(env: Optional[Mapping[str, str]] = None) -> RunSettings:
    """One run of the bot (`make run`, `bot serve`): the settings, plus the Rasa token and action
    server secret generated when unset (demo mode)."""
    settings = load(env)
    rasa, actions = settings.rasa, settings.actions
    return RunSettings(
        host=rasa.host, rasa_port=rasa.port, actions_port=actions.port, action_server_url=actions.url,
        auth_token=rasa.auth_token or secrets.token_urlsafe(24), auth_token_generated=not rasa.auth_token,
        tracker_db=rasa.tracker_db, tracker_store_url=rasa.tracker_store_url, lock_store_url=rasa.lock_store_url,
        lock_store_prefix=rasa.lock_store_prefix, sanic_workers=rasa.sanic_workers, model=rasa.model,
        rabbitmq_url=rasa.rabbitmq_url, rabbitmq_queue=rasa.rabbitmq_queue,
        action_secret=actions.secret or secrets.token_urlsafe(32), action_secret_generated=not actions.secret,
        actions_host=actions.host,
    )
