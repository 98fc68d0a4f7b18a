"""The agent console's JSON API as a test uses it (what the console page does, over HTTP)."""
from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional

from tests.conftest import HttpResult, http
from tests.waiting import wait_until


class AgentClient:
    def __init__(self, web_url: str, username: str, password: str) -> None:
        self.web_url = web_url
        self.username = username
        self.password = password
        self.token: Optional[str] = None

    def request(self, method: str, path: str, body: Any = None, token: Optional[str] = "mine") -> HttpResult:
        headers = {"Content-Type": "application/json"}
        token = self.token if token == "mine" else token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        return http(method, f"{self.web_url}{path}", data, headers)

    def log_in(self) -> "AgentClient":
        result = self.request("POST", "/api/auth/login", {"username": self.username, "password": self.password}, token=None)
        assert result.status == 200, (result.status, result.body)
        self.token = result.json()["token"]
        return self

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        result = self.request(method, path, body)
        assert result.status == status, (method, path, result.status, result.body[:500])
        return result.json() if result.body else None

    def cases(self, status: str = "open") -> List[Dict[str, Any]]:
        return self.ok("GET", f"/api/cases?status={status}")["cases"]

    def case(self, case_id: int) -> Dict[str, Any]:
        return self.ok("GET", f"/api/cases/{case_id}")

    def case_of(self, conversation_id: str, status: str = "all") -> Dict[str, Any]:
        found = [c for c in self.cases(status) if c["conversation_id"] == conversation_id]
        assert found, f"no case for {conversation_id}"
        return self.case(found[0]["id"])

    def wait_for_case(self, case_id: int, until: Callable[[Dict[str, Any]], bool], timeout: float = 15) -> Dict[str, Any]:
        """The case once `until(case)` holds (the relay copies messages in the background)."""
        last: Dict[str, Any] = {}

        def case_when_ready() -> Optional[Dict[str, Any]]:
            last.update(self.case(case_id))
            return dict(last) if until(last) else None

        return wait_until(case_when_ready, timeout, lambda: f"case {case_id} to change; its transcript: {last.get('transcript')}")


def texts_by(case: Dict[str, Any], sender: str) -> List[str]:
    return [m["text"] for m in case["transcript"] if m["sender"] == sender]
