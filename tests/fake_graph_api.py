"""A local fake of Meta's Graph API `POST /{phone-number-id}/messages`, for the WhatsApp channel's
tests: it records every POST and answers like the Cloud API, or with an error it was told to give.
It runs an aiohttp server in a thread of the test process, so tests read `posts` directly."""
from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from aiohttp import web

# The HTTP status the Cloud API answers with for these error codes.
HTTP_STATUS_OF_CODE = {190: 401, 130429: 400, 131056: 400, 131047: 400}
TITLE_OF_CODE = {
    190: "Access token has expired", 130429: "Rate limit hit",
    131056: "(Business Account, Consumer Account) pair rate limit hit", 131047: "Re-engagement message",
}


@dataclass
class Post:
    path: str
    headers: Dict[str, str]
    json: Dict[str, Any]
    answered: int  # the HTTP status the fake answered

    @property
    def to(self) -> Optional[str]:
        return self.json.get("to")


class FakeGraphApi:
    def __init__(self, port: int) -> None:
        self.port = port
        self.posts: List[Post] = []
        self._errors: List[Tuple[int, Optional[str]]] = []  # (error code, only for this recipient), one per POST
        self._lock = threading.Lock()
        self._posted = threading.Condition(self._lock)  # notified at every POST
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v19.0"

    # --- what tests use -----------------------------------------------------------------------

    def fail_next(self, code: int, times: int = 1, to: Optional[str] = None) -> None:
        """The next `times` POSTs (to recipient `to` only, when given) get Cloud API error `code`."""
        with self._lock:
            self._errors.extend([(code, to)] * times)

    def _error_for(self, recipient: Optional[str]) -> Optional[int]:
        for index, (code, to) in enumerate(self._errors):
            if to is None or to == recipient:
                del self._errors[index]
                return code
        return None

    def posts_to(self, wa_id: str, delivered_only: bool = True) -> List[Post]:
        with self._lock:
            return self._posts_to(wa_id, delivered_only)

    def _posts_to(self, wa_id: str, delivered_only: bool) -> List[Post]:
        return [p for p in self.posts if p.to == wa_id and (p.answered == 200 or not delivered_only)]

    def messages_to(self, wa_id: str) -> List[Dict[str, Any]]:
        """The JSON bodies delivered to `wa_id`, in order."""
        return [p.json for p in self.posts_to(wa_id)]

    def wait_for(self, wa_id: str, count: int, timeout: float = 30, delivered_only: bool = True) -> List[Dict[str, Any]]:
        """Waits until at least `count` messages went to `wa_id`; returns them all."""
        return self.wait_until_sent(wa_id, lambda sent: len(sent) >= count, f"{count} messages", timeout, delivered_only)

    def wait_until_sent(self, wa_id: str, condition: Callable[[List[Dict[str, Any]]], bool], what: str,
                        timeout: float = 30, delivered_only: bool = True) -> List[Dict[str, Any]]:
        """Waits until the messages that went to `wa_id` (their JSON bodies, in order) satisfy
        `condition`; returns them all. Woken by each POST."""
        with self._posted:
            sent = lambda: [p.json for p in self._posts_to(wa_id, delivered_only)]  # noqa: E731
            if self._posted.wait_for(lambda: condition(sent()), timeout):
                return sent()
            raise AssertionError(f"timed out waiting for {what} to {wa_id}; it got: "
                                 f"{[(p.answered, p.json) for p in self._posts_to(wa_id, False)]}")

    # --- the server ---------------------------------------------------------------------------

    async def _messages(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        with self._lock:
            code = self._error_for(body.get("to"))
            status = HTTP_STATUS_OF_CODE.get(code, 400) if code else 200
            self.posts.append(Post(request.path, dict(request.headers), body, status))
            self._posted.notify_all()
        if code:
            return web.json_response({"error": {
                "message": TITLE_OF_CODE.get(code, "Error"), "type": "OAuthException", "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": TITLE_OF_CODE.get(code, "")},
                "fbtrace_id": "AFakeTraceId",
            }}, status=status)
        return web.json_response({
            "messaging_product": "whatsapp",
            "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
            "messages": [{"id": f"wamid.fake{len(self.posts)}"}],
        })

    def start(self) -> "FakeGraphApi":
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/v19.0/{phone_number_id}/messages", self._messages)
            self._runner = web.AppRunner(app)
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name=f"fake-graph-api-{self.port}", daemon=True)
        self._thread.start()
        assert ready.wait(10), "the fake Graph API did not start"
        return self

    def stop(self) -> None:
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> "FakeGraphApi":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
