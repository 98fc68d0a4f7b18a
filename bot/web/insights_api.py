"""Insights for supervisors: GET /api/insights (the figures, the same as `python -m bot kpis`),
the page's data (/api/insights/page: pictures as SVG, operational insight, churn signal), the
conversations behind any figure (/api/insights/conversations), the page's words
(/api/insights/texts), and the page itself (/agent/insights with /static/insights.js and .css).

Every data route needs a supervisor's session: a plain agent gets 403, a bad range 400."""
from __future__ import annotations

import asyncio
from pathlib import Path

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff.accounts import Accounts
from bot.insights import charts, churn, metrics, operations, reading, report, settings
from bot.languages import default_language
from bot.web.pages import add_page_files
from bot.web.auth import api_error, session_required, supervisors_only
from bot.web.i18n import languages, texts

WEB_DIR = Path(__file__).resolve().parent
SECTION = "insights"
MAX_LISTED = 200


def _window(request: Request) -> reading.Window:
    args = request.args
    return report.shop_window(args.get("from"), args.get("to"), args.get("channel") or None, args.get("language") or None)


def _language(request: Request) -> str:
    wanted = (request.args.get("lang") or "")[:8]
    return wanted if wanted in languages(SECTION) else default_language()


def insights_api_blueprint(engine, accounts: Accounts) -> Blueprint:
    api = Blueprint("insights_api")
    supervisor = session_required(accounts)

    @api.exception(reading.BadRange)
    async def bad_range(request: Request, error: reading.BadRange) -> HTTPResponse:
        return api_error(400, str(error))

    @api.middleware("response")
    async def never_cached(request: Request, resp: HTTPResponse) -> None:
        if request.path.startswith("/api/insights"):
            resp.headers.setdefault("Cache-Control", "no-store")

    async def read(request: Request) -> reading.Data:
        win = _window(request)
        return await asyncio.to_thread(report.read, engine, win)

    @api.get("/api/insights")
    @supervisor
    @supervisors_only
    async def figures(request: Request) -> HTTPResponse:
        return response.json(await asyncio.to_thread(report.kpis, engine, _window(request)))

    @api.get("/api/insights/page")
    @supervisor
    @supervisors_only
    async def page_data(request: Request) -> HTTPResponse:
        from bot.shop.factory import shop_backend

        data = await read(request)
        labels = texts(SECTION, _language(request))
        backend = shop_backend()
        drawn = await asyncio.to_thread(charts.all_charts, data, labels)
        return response.json({
            "kpis": metrics.kpis(data, settings.load()),
            "charts": drawn,
            "operations": await operations.operational(data, backend),
            "churn": await churn.churn_signal(data, backend),
        })

    @api.get("/api/insights/conversations")
    @supervisor
    @supervisors_only
    async def behind(request: Request) -> HTTPResponse:
        figure, value = (request.args.get("figure") or "all")[:40], (request.args.get("value") or "")[:80]
        data = await read(request)
        found = charts.selected(data, figure, value)
        if found is None:
            return api_error(400, f"unknown figure {figure!r}")
        rows = [metrics.describe(c, data) for c in found]
        return response.json({"figure": figure, "value": value, "total": len(rows), "conversations": rows[:MAX_LISTED]})

    @api.get("/api/insights/texts")
    async def page_texts(request: Request) -> HTTPResponse:
        return response.json({"language": _language(request), "languages": languages(SECTION),
                              "texts": texts(SECTION, _language(request))})

    files = {
        "/agent/insights": (WEB_DIR / "templates" / "insights.html", "text/html; charset=utf-8"),
        "/static/insights.js": (WEB_DIR / "static" / "insights.js", "application/javascript; charset=utf-8"),
        "/static/insights.css": (WEB_DIR / "static" / "insights.css", "text/css; charset=utf-8"),
    }

    add_page_files(api, files, "insights_")
    return api
