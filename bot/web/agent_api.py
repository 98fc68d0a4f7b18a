"""The agent console's JSON API (described in bot/web/openapi.yml, served at /api/openapi.json)
and the console page that uses it (/agent).

Every route but login and the description needs a live session: `Authorization: Bearer <token>`.
Store calls block, so they run in threads; talking in a conversation goes through Rasa's HTTP API
(bot/handoff/rasa_api.py).
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff import assist, queue, stages, triage, wording
from bot.handoff.accounts import Accounts, TooManyAttempts
from bot.handoff.hours import SupportConfig
from bot.handoff.rasa_api import LIVE_CHANNELS, RasaConversations, RasaUnreachable
from bot.handoff.store import CLOSED, OPEN, STATUSES, CaseNotFound, ClaimRefused, HandoffStore, NewMessage
from bot.languages import default_language
from bot.privacy import audit as privacy_audit
from bot.settings import PROJECT_ROOT
from bot.web import i18n
from bot.web.pages import add_page_files, serve_file
from bot.web.auth import api_error, session_required

WEB_DIR = Path(__file__).resolve().parent
OPENAPI = yaml.safe_load((WEB_DIR / "openapi.yml").read_text("utf-8"))
CANNED_REPLIES = PROJECT_ROOT / "shop" / "canned_replies.yml"
MAX_TEXT = 4000
MAX_CASE_ID = 2 ** 63 - 1  # the databases' BIGINT: larger ids can't exist
EVENTS_POLL_S = 1.0
KEEPALIVE_S = 15.0
CONSOLE_SECTION = "console"  # bot/web/i18n/console/<lang>.yml
# A button's payload ("/greet", '/inform{"order_id": "100234"}') is not something the customer wrote.
PAYLOAD = re.compile(r"^/[A-Za-z_][\w/]*(\{.*\})?$", re.DOTALL)


def _iso(ts: Optional[float]) -> Optional[str]:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat() if ts else None


def in_words(seconds: int) -> str:
    """A wait for people: "45 seconds", "3 minutes"."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


_error = api_error


def _status_filter(value: Optional[str]) -> List[str]:
    wanted: List[str] = []
    for part in (value or "open").split(","):
        part = part.strip()
        wanted += list(OPEN if part == "open" else CLOSED if part == "closed" else STATUSES if part == "all" else [part])
    return [s for s in wanted if s in STATUSES]


def console_language(wanted: Optional[str]) -> str:
    """`wanted` when the console has a catalog for it, else the shop's default language."""
    return wanted if wanted is not None and wanted in i18n.languages(CONSOLE_SECTION) else default_language()


def case_summary(case: Dict[str, Any], last_message_at: Optional[float], now: float,
                 language: Optional[str] = None) -> Dict[str, Any]:
    """A case as the queue lists it; the reason and summary written in `language` (the agent's)."""
    language = console_language(language)
    points = triage.priority_now(case, now)
    waited_until = case["claimed_at"] or case["closed_at"] or now
    return {
        "id": case["id"], "conversation_id": case["conversation_id"], "channel": case["channel"],
        "language": case["language"], "reason": case["reason"], "reason_label": wording.reason_label(case["reason"], language),
        "priority": points, "priority_label": triage.priority_label(points), "summary": wording.case_summary(case, language),
        "status": case["status"], "agent": case["agent"], "customer_name": case["customer_name"],
        "contact": case["contact"], "created_at": _iso(case["created_at"]),
        "waiting_s": int(max(0, waited_until - case["created_at"])),
        "last_message_at": _iso(last_message_at or case["created_at"]), "csat": case["csat"],
        "category": queue.category_of(case), "stage": case.get("stage") or "received", "live": triage.is_live(case),
        "linked_cases": case.get("linked_cases") or [],
    }


def shown_in_transcript(message: Dict[str, Any]) -> bool:
    """A payload the customer's widget sent without a button title is bookkeeping, not a message."""
    return not (message["sender"] == "customer" and message["kind"] == "message" and PAYLOAD.match(message["text"] or ""))


def shown_context(context: Dict[str, Any]) -> Dict[str, Any]:
    """The case's context without the payloads the widget sent ("/greet") among what the bot understood."""
    intents = [i for i in context.get("intents") or [] if not (isinstance(i, dict) and PAYLOAD.match(str(i.get("text") or "")))]
    return {**context, "intents": intents} if "intents" in context else context


def transcript_item(message: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "id": message["id"], "sender": message["sender"], "text": message["text"], "timestamp": _iso(message["timestamp"]),
        "channel": message["channel"], "kind": message["kind"], "buttons": message["buttons"] or [],
        "agent": message["agent"], "delivered": message["delivered"],
    }


def agent_api_blueprint(store: HandoffStore, accounts: Accounts, rasa: RasaConversations, config: SupportConfig) -> Blueprint:
    api = Blueprint("agent_api", url_prefix="/api")
    canned = yaml.safe_load(CANNED_REPLIES.read_text("utf-8")) if CANNED_REPLIES.is_file() else {}

    authenticated = session_required(accounts)

    async def team(now: float) -> Dict[str, Any]:
        """Every agent by username, and those online now (routing offers cases to them)."""
        everyone = await asyncio.to_thread(accounts.agents)
        online = [a for a in everyone if (a["last_seen_at"] or 0) >= now - config.agent_online_s]
        return {"by_name": {a["username"]: a for a in everyone}, "online": online}

    def with_agent_name(item: Dict[str, Any], agents: Dict[str, Any]) -> Dict[str, Any]:
        owner = agents.get(item["agent"] or "")
        return {**item, "agent_name": owner["display_name"] if owner else item["agent"]}

    async def full_case(case_id: int, language: Optional[str] = None) -> Dict[str, Any]:
        case = await asyncio.to_thread(store.case, case_id)
        messages = await asyncio.to_thread(store.transcript, case_id)
        notes = await asyncio.to_thread(store.notes, case_id)
        linked = await asyncio.to_thread(queue.open_cases_of_customer, store, case)
        agents = (await team(time.time()))["by_name"]
        last = messages[-1]["timestamp"] if messages else None
        return {
            **with_agent_name(case_summary({**case, "linked_cases": linked}, last, time.time(), language), agents),
            "transcript": [transcript_item(m) for m in messages if shown_in_transcript(m)],
            "customer_messages": sum(1 for m in messages if m["sender"] == "customer"),
            "context": shown_context(case["context"]),
            "notes": [{"agent": n["agent"], "text": n["text"], "created_at": _iso(n["created_at"])} for n in notes],
        }

    def body_text(request: Request) -> Optional[str]:
        body = request.json if isinstance(request.json, dict) else {}
        text = body.get("text")
        return text.strip() if isinstance(text, str) else None

    @api.exception(CaseNotFound)
    async def not_found(request: Request, _: Exception) -> HTTPResponse:
        return _error(404, "no such case")

    @api.exception(ClaimRefused)
    async def refused(request: Request, error: ClaimRefused) -> HTTPResponse:
        return _error(409, str(error), owner=error.owner)

    @api.exception(RasaUnreachable)
    async def unreachable(request: Request, error: RasaUnreachable) -> HTTPResponse:
        return _error(502, f"the bot server could not be reached, nothing was sent to the customer ({error})")

    @api.middleware("request")
    async def bounded_input(request: Request) -> Optional[HTTPResponse]:
        # JSON only: a cross-origin page can POST text/plain without a CORS preflight.
        if request.method in ("POST", "PUT", "PATCH") and request.body and \
                not (request.content_type or "").lower().startswith("application/json"):
            return _error(415, "send JSON, with Content-Type: application/json")
        case_id = (request.match_info or {}).get("case_id")
        if isinstance(case_id, int) and not 0 < case_id <= MAX_CASE_ID:
            return _error(404, "no such case")
        return None

    @api.middleware("response")
    async def never_cached(request: Request, resp: HTTPResponse) -> None:
        resp.headers.setdefault("Cache-Control", "no-store")

    @api.get("/openapi.json")
    async def openapi(_: Request) -> HTTPResponse:
        return response.json(OPENAPI)

    @api.post("/auth/login")
    async def login(request: Request) -> HTTPResponse:
        body = request.json if isinstance(request.json, dict) else {}  # malformed JSON: Sanic answers 400
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            return _error(400, "username and password are required")
        try:
            session = await asyncio.to_thread(accounts.log_in, username[:64], password[:256], None,
                                              request.remote_addr or request.ip)
        except TooManyAttempts as error:
            return response.json({"error": f"too many wrong passwords from here: try again in {in_words(error.retry_after_s)}",
                                  "retry_after_s": error.retry_after_s}, status=429,
                                 headers={"Retry-After": str(error.retry_after_s)})
        if session is None:
            return _error(401, "wrong username or password")
        return response.json({"token": session.token, "expires_at": _iso(session.expires_at),
                              "agent": {"username": session.username, "display_name": session.display_name,
                                        "role": session.role}})

    @api.post("/auth/logout")
    @authenticated
    async def logout(request: Request) -> HTTPResponse:
        await asyncio.to_thread(accounts.log_out, request.ctx.session.token)
        return response.empty(status=204)

    def me_json(session) -> Dict[str, Any]:
        return {"username": session.username, "display_name": session.display_name, "role": session.role,
                "language": console_language(session.language), "preferred_language": session.language,
                "languages": list(session.languages), "teams": list(session.teams)}

    @api.get("/me")
    @authenticated
    async def me(request: Request) -> HTTPResponse:
        return response.json(me_json(request.ctx.session))

    @api.put("/me")
    @authenticated
    async def change_me(request: Request) -> HTTPResponse:
        """The agent's console language: a language the console has a catalog for, or "" for the shop's default."""
        body = request.json if isinstance(request.json, dict) else {}
        language = body.get("language")
        if not isinstance(language, str) or (language and language not in i18n.languages(CONSOLE_SECTION)):
            return _error(400, f"language must be one of {', '.join(i18n.languages(CONSOLE_SECTION))}, or empty")
        session = request.ctx.session
        await asyncio.to_thread(accounts.set_preferences, session.username, language=language)
        return response.json(me_json(await asyncio.to_thread(accounts.session, session.token)))

    @api.get("/console/texts")
    async def console_texts(request: Request) -> HTTPResponse:
        """The console's words in one language (the shop's default unless asked), the languages it
        speaks, and the shop's time zone for dates: the login form needs them before a session."""
        language = console_language(request.args.get("language"))
        spoken = [{"code": code, "name": i18n.text(CONSOLE_SECTION, code, "language_name")}
                  for code in [default_language()] + [c for c in i18n.languages(CONSOLE_SECTION) if c != default_language()]]
        return response.json({"language": language, "default_language": default_language(), "languages": spoken,
                              "time_zone": config.timezone.key, "texts": i18n.texts(CONSOLE_SECTION, language)},
                             headers={"Cache-Control": "no-cache"})

    @api.get("/cases")
    @authenticated
    async def cases(request: Request) -> HTTPResponse:
        session = request.ctx.session
        now = time.time()
        agents = await team(now)
        me = agents["by_name"].get(session.username) or {"username": session.username, "role": session.role}
        wanted = queue.request_from_args({k: request.args.get(k) for k in ("view", "q", *queue.FILTERS)},
                                         _status_filter(request.args.get("status")))
        ordered = await asyncio.to_thread(queue.agent_queue, store, me, agents["online"], wanted, now)
        ids = [c["id"] for c in ordered]
        last = await asyncio.to_thread(store.last_message_at, ids)
        written = await asyncio.to_thread(store.customer_message_counts, ids)
        return response.json({"cases": [
            {**with_agent_name(case_summary(c, last.get(c["id"]), now, session.language), agents["by_name"]),
             "customer_messages": written.get(c["id"], 0)} for c in ordered]})

    @api.get("/cases/<case_id:int>")
    @authenticated
    async def one_case(request: Request, case_id: int) -> HTTPResponse:
        case = await full_case(case_id, request.ctx.session.language)
        # who looked at a customer's case, for the privacy audit log (bot/privacy/audit.py)
        await asyncio.to_thread(privacy_audit.record_view, store.engine, request.ctx.session.username, case_id)
        return response.json(case)

    @api.post("/cases/<case_id:int>/claim")
    @authenticated
    async def claim(request: Request, case_id: int) -> HTTPResponse:
        body = request.json if isinstance(request.json, dict) else {}
        agent = request.ctx.session
        before = await asyncio.to_thread(store.case, case_id)
        await asyncio.to_thread(store.claim, case_id, agent.username, bool(body.get("takeover")))
        if before["agent"] != agent.username or before["status"] != "assigned":
            await rasa.agent_takes_over(before["conversation_id"], agent.display_name)
        return response.json(await full_case(case_id, agent.language))

    @api.post("/cases/<case_id:int>/messages")
    @authenticated
    async def message(request: Request, case_id: int) -> HTTPResponse:
        text = body_text(request)
        if not text or len(text) > MAX_TEXT:
            return _error(400, f"write a message of 1 to {MAX_TEXT} characters")
        agent = request.ctx.session.username
        case = await asyncio.to_thread(store.require_owner, case_id, agent)
        timestamp = await rasa.send_agent_message(case["conversation_id"], text, agent, case_id, request.ctx.session.display_name)
        stored = await asyncio.to_thread(store.add_message, case_id, NewMessage(
            sender="agent", text=text, timestamp=timestamp, agent=agent, channel=case["channel"],
            delivered=case["channel"] in LIVE_CHANNELS, event_key=f"agent@{timestamp!r}"[:64],
        ))
        item = {**stored, "timestamp": _iso(timestamp), "buttons": []} if stored else None
        return response.json({"message": item}, status=201)

    @api.post("/cases/<case_id:int>/notes")
    @authenticated
    async def note(request: Request, case_id: int) -> HTTPResponse:
        text = body_text(request)
        if not text or len(text) > MAX_TEXT:
            return _error(400, f"write a note of 1 to {MAX_TEXT} characters")
        added = await asyncio.to_thread(store.add_note, case_id, request.ctx.session.username, text)
        return response.json({**added, "created_at": _iso(added["created_at"])}, status=201)

    async def close(request: Request, case_id: int, status: str, bot_action: str) -> HTTPResponse:
        agent = request.ctx.session.username
        case = await asyncio.to_thread(store.require_owner, case_id, agent)
        await rasa.bot_takes_over(case["conversation_id"], then=bot_action)
        await asyncio.to_thread(store.close, case_id, agent, status)
        return response.json(await full_case(case_id, request.ctx.session.language))

    @api.post("/cases/<case_id:int>/handback")
    @authenticated
    async def handback(request: Request, case_id: int) -> HTTPResponse:
        return await close(request, case_id, "handed_back", "action_handback")

    @api.post("/cases/<case_id:int>/resolve")
    @authenticated
    async def resolve(request: Request, case_id: int) -> HTTPResponse:
        return await close(request, case_id, "resolved", "action_ask_csat")

    @api.post("/cases/<case_id:int>/stage")
    @authenticated
    async def stage(request: Request, case_id: int) -> HTTPResponse:
        """The case's status as the customer sees it, and its team; the customer is told of a new
        status when the shop says so (shop/console.yml). The owner or a supervisor may change them."""
        body = request.json if isinstance(request.json, dict) else {}
        wanted_stage, wanted_category = body.get("stage"), body.get("category")
        if wanted_stage is not None and wanted_stage not in stages.SET_BY_AGENTS:
            return _error(400, f"stage must be one of {', '.join(stages.SET_BY_AGENTS)}")
        if wanted_category is not None and wanted_category not in stages.categories():
            return _error(400, f"category must be one of {', '.join(stages.categories())}")
        session = request.ctx.session
        case = await asyncio.to_thread(store.case, case_id) if session.is_supervisor else \
            await asyncio.to_thread(store.require_owner, case_id, session.username)
        if case["status"] not in OPEN:
            raise ClaimRefused(f"case {case_id} is {case['status']}")
        told = False
        tell = stages.customer_message(wanted_stage, case["language"]) if wanted_stage and wanted_stage != case["stage"] else None
        if tell:
            await rasa.append(case["conversation_id"], [{"event": "bot", "text": tell, "timestamp": time.time(),
                                                        "metadata": {"case_stage": wanted_stage}}], send=True)
            told = True
        changes = {k: v for k, v in (("stage", wanted_stage), ("category", wanted_category)) if v is not None}
        if changes:
            await asyncio.to_thread(store.update_case, case_id, **changes)
        return response.json({**(await full_case(case_id, session.language)), "told_customer": told})

    @api.get("/cases/<case_id:int>/suggestions")
    @authenticated
    async def suggestions(request: Request, case_id: int) -> HTTPResponse:
        """For the customer's last message: the bot's own answer, then the canned replies that fit."""
        case = await asyncio.to_thread(store.case, case_id)
        message = assist.last_customer_message(await asyncio.to_thread(store.transcript, case_id))
        if not message:
            return response.json({"message": None, "suggestions": []})
        try:
            found = assist.bot_answers(await rasa.parse(message), case["language"])
        except RasaUnreachable:
            found = []  # the canned replies still help
        words = i18n.texts(CONSOLE_SECTION, console_language(request.ctx.session.language))
        for item in found:
            item["title"] = words.get(f"answer.{item['key']}", item["key"])
        replies = canned.get(case["language"]) or []
        found += assist.ranked_canned(replies, message, case["reason"], queue.category_of(case))
        return response.json({"message": message, "suggestions": found})

    @api.get("/canned-replies")
    @authenticated
    async def canned_replies(request: Request) -> HTTPResponse:
        language = request.args.get("language") or default_language()
        return response.json({"replies": canned.get(language) or canned.get(default_language()) or []})

    @api.get("/events")
    @authenticated
    async def events(request: Request):
        stream = await request.respond(content_type="text/event-stream",
                                       headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        version = await asyncio.to_thread(store.version)
        await stream.send(f"event: hello\ndata: {json.dumps({'version': version})}\n\n")
        quiet_since = time.monotonic()
        while True:
            await asyncio.sleep(EVENTS_POLL_S)
            latest, changed = await asyncio.to_thread(store.changes_since, version)
            if changed:
                version = latest
                await stream.send(f"event: update\ndata: {json.dumps({'version': version, 'case_ids': changed})}\n\n")
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= KEEPALIVE_S:
                # Also keeps the agent "online", and ends the stream when the session expires.
                if await asyncio.to_thread(accounts.session, request.ctx.session.token) is None:
                    await stream.send("event: expired\ndata: {}\n\n")
                    break
                await stream.send(": keepalive\n\n")
                quiet_since = time.monotonic()
        await stream.eof()

    return api


def console_blueprint() -> Blueprint:
    """The console page, its style and its ES modules (static/console/*.js): static files, no templating."""
    console = Blueprint("agent_console")
    files = {
        "/agent": (WEB_DIR / "templates" / "agent.html", "text/html; charset=utf-8"),
        "/static/agent.css": (WEB_DIR / "static" / "agent.css", "text/css; charset=utf-8"),
    }
    modules = WEB_DIR / "static" / "console"

    add_page_files(console, files, "")

    async def module(request: Request, name: str) -> HTTPResponse:
        # Only the folder's own modules, by a plain name: no path ever reaches the file system.
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,40}\.js", name):
            return response.text("not found", status=404)
        return await serve_file(modules / name, "text/javascript; charset=utf-8")(request)

    console.add_route(module, "/static/console/<name:str>", methods=["GET"], name="console_module")
    return console
