"""Who may call an API route: a live console session (`Authorization: Bearer <token>`), and for
some routes a supervisor. Shared by every blueprint of the web app."""
from __future__ import annotations

import asyncio
from functools import wraps
from typing import Any, Callable

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff.accounts import Accounts


def api_error(status: int, message: str, **extra: Any) -> HTTPResponse:
    return response.json({"error": message, **extra}, status=status)


def bearer_token(request: Request):
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def session_required(accounts: Accounts) -> Callable:
    """A decorator: the handler runs with request.ctx.session, or the caller gets 401."""
    def authenticated(handler):
        @wraps(handler)
        async def checked(request: Request, *args, **kwargs):
            session = await asyncio.to_thread(accounts.session, bearer_token(request))
            if session is None:
                return api_error(401, "log in first (the session is missing or has expired)")
            request.ctx.session = session
            return await handler(request, *args, **kwargs)
        return checked
    return authenticated


def supervisors_only(handler):
    """Under a session_required decorator: a plain agent gets 403."""
    @wraps(handler)
    async def checked(request: Request, *args, **kwargs):
        if not request.ctx.session.is_supervisor:
            return api_error(403, "only a supervisor can do this")
        return await handler(request, *args, **kwargs)
    return checked
