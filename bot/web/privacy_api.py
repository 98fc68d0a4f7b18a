"""Privacy requests for supervisors, in the console's JSON API (described in openapi.yml):

    POST /api/privacy/erase   {"email"|"phone"|"customer"|"conversation": "…"}  (+ "preview": true
                              to see what would go without erasing)
    POST /api/privacy/export  the same selector: the JSON document of what is held
    GET  /api/privacy/audit   ?limit=&action=: who viewed, exported or erased what, newest first
    GET  /api/privacy/texts   ?lang=: the words of the supervisors' page, /agent/privacy

The page /agent/privacy (templates/privacy.html, static/privacy.js) does all of it in the
console's session: look a customer up, download their data, erase after a confirmation.

Supervisors only (a plain agent gets 403), JSON bodies only (415 otherwise, as the case routes).
Every erase and export is recorded in the audit log under the supervisor's username. The web
app also applies shop/privacy.yml's retention once a day, from here.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine

from bot.handoff.accounts import Accounts
from bot.languages import default_language
from bot.privacy import audit, config as privacy_config, places as places_module, retention
from bot.privacy.erase import erase_located, locate, preview
from bot.privacy.export import export
from bot.privacy.subject import BadSubject, from_request
from bot.web import i18n
from bot.web.pages import add_page_files
from bot.web.auth import api_error, session_required, supervisors_only


SECTION = "privacy"
WEB_DIR = Path(__file__).resolve().parent
# The supervisors' page: static files, every text filled in by its script from /api/privacy/texts.
PAGE_FILES = {
    "/agent/privacy": (WEB_DIR / "templates" / "privacy.html", "text/html; charset=utf-8"),
    "/static/privacy.js": (WEB_DIR / "static" / "privacy.js", "application/javascript; charset=utf-8"),
    "/static/privacy.css": (WEB_DIR / "static" / "privacy.css", "text/css; charset=utf-8"),
}


def _backend() -> Any:
    try:
        from bot.shop.factory import backend_from_environment

        return backend_from_environment()
    except Exception:  # the shop's records only widen the search; without them it goes on
        return None


def _iso(ts: Optional[float]) -> Optional[str]:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat() if ts else None


def privacy_api_blueprint(engine: Engine, accounts: Accounts, places: Optional[places_module.Places] = None,
                          backend_factory: Callable[[], Any] = _backend) -> Blueprint:
    api = Blueprint("privacy_api")
    places = places or places_module.from_environment()
    authenticated = session_required(accounts)

    @api.middleware("request")
    async def json_only(request: Request) -> Optional[HTTPResponse]:
        # as the case routes: a cross-origin page can POST text/plain without a CORS preflight
        if request.method == "POST" and request.body and request.path.startswith("/api/privacy/") and \
                not (request.content_type or "").lower().startswith("application/json"):
            return api_error(415, "send JSON, with Content-Type: application/json")
        return None

    @api.middleware("response")
    async def never_cached(request: Request, resp: HTTPResponse) -> None:
        resp.headers.setdefault("Cache-Control", "no-store")

    def selector(request: Request):
        try:
            return from_request(request.json), None
        except BadSubject as error:
            return None, api_error(400, str(error))

    @api.post("/api/privacy/erase")
    @authenticated
    @supervisors_only
    async def erase(request: Request) -> HTTPResponse:
        subject, problem = selector(request)
        if problem:
            return problem
        located = await locate(subject, places, engine, backend_factory())
        if (request.json or {}).get("preview") is True:
            return response.json({"preview": preview(located, places)})
        report = await erase_located(located, places, engine, request.ctx.session.username)
        return response.json(report)

    @api.post("/api/privacy/export")
    @authenticated
    @supervisors_only
    async def export_route(request: Request) -> HTTPResponse:
        subject, problem = selector(request)
        if problem:
            return problem
        document = await export(subject, places, engine, request.ctx.session.username, backend_factory())
        return response.json(document, dumps=_dumps)

    @api.get("/api/privacy/audit")
    @authenticated
    @supervisors_only
    async def audit_log(request: Request) -> HTTPResponse:
        try:
            limit = int(request.args.get("limit", "100"))
        except ValueError:
            return api_error(400, "limit must be a number")
        action = request.args.get("action")
        if action is not None and action not in audit.ACTIONS:
            return api_error(400, "action must be one of: " + ", ".join(audit.ACTIONS))
        found = await asyncio.to_thread(audit.entries, engine, limit, action)
        return response.json({"entries": [
            {"at": _iso(e["at"]), "actor": e["actor"], "action": e["action"], "case_id": e["case_id"],
             "subject": e["subject"], "fingerprint": e["fingerprint"], "detail": e["detail"]} for e in found]})

    @api.get("/api/privacy/texts")
    async def page_texts(request: Request) -> HTTPResponse:
        wanted = (request.args.get("lang") or "")[:8]
        language = wanted if wanted in i18n.languages(SECTION) else default_language()
        return response.json({"language": language, "languages": i18n.languages(SECTION),
                              "texts": i18n.texts(SECTION, language)})

    add_page_files(api, PAGE_FILES, "privacy_")

    loaded = privacy_config.load()  # a wrong shop/privacy.yml stops the app at start, with its reason

    @api.after_server_start
    async def start_daily_retention(app, _loop=None) -> None:
        if loaded.retention.run_daily:
            run = lambda now: retention.apply(privacy_config.load(), places, engine, now=now)  # noqa: E731 (re-read daily)
            app.add_task(retention.daily(run), name="privacy_daily_retention")

    return api


def _dumps(value: Any, **kwargs: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)
