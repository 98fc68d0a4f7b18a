"""How the console acts in a conversation: Rasa's own HTTP API (token from RASA_AUTH_TOKEN).

Agent messages are appended as bot events marked with the agent's name and sent through the
customer's latest channel (`output_channel=latest`, `execute_side_effects`): the website widget
gets them over socket.io, WhatsApp through the Graph API, and the tracker keeps one history.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=15)
PARSE_TIMEOUT = aiohttp.ClientTimeout(total=5)  # a suggestion is worth little after that
# Channels that deliver a message pushed by the server; REST callers only see replies to their requests.
LIVE_CHANNELS = {"socketio", "whatsapp"}


class RasaUnreachable(Exception):
    pass


class RasaConversations:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    async def _post(self, path: str, body: Any, **params: str) -> Dict[str, Any]:
        url = f"{self.base_url}/conversations/{path}"
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
                async with session.post(url, json=body, params={"token": self.token, **params}) as response:
                    if response.status != 200:
                        raise RasaUnreachable(f"Rasa answered {response.status} to {path.split('/', 1)[-1]}")
                    return await response.json()
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise RasaUnreachable(f"Rasa server not reachable ({type(error).__name__})") from error

    async def parse(self, text: str) -> Dict[str, Any]:
        """What the bot understands in `text` (Rasa's /model/parse): intent, FAQ selection."""
        try:
            async with aiohttp.ClientSession(timeout=PARSE_TIMEOUT) as session:
                async with session.post(f"{self.base_url}/model/parse", json={"text": text[:1000]},
                                        params={"token": self.token}) as response:
                    if response.status != 200:
                        raise RasaUnreachable(f"Rasa answered {response.status} to parse")
                    return await response.json()
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise RasaUnreachable(f"Rasa server not reachable ({type(error).__name__})") from error

    async def append(self, conversation_id: str, events: List[Dict[str, Any]], send: bool = False) -> Dict[str, Any]:
        params = {"output_channel": "latest", "execute_side_effects": "true"} if send else {}
        return await self._post(f"{_quoted(conversation_id)}/tracker/events", events, **params)

    async def execute(self, conversation_id: str, action: str) -> Dict[str, Any]:
        return await self._post(f"{_quoted(conversation_id)}/execute", {"name": action}, output_channel="latest")

    async def send_agent_message(self, conversation_id: str, text: str, agent: str, case_id: int,
                                 agent_name: Optional[str] = None) -> float:
        """Sends the text to the customer as the agent (the widget shows `agent_name`); returns the event's timestamp."""
        timestamp = time.time()
        await self.append(conversation_id, [{
            "event": "bot", "text": text, "timestamp": timestamp,
            "metadata": {"agent": agent, "agent_name": agent_name or agent, "handoff_case_id": case_id},
        }], send=True)
        return timestamp

    async def agent_takes_over(self, conversation_id: str, display_name: str) -> None:
        """The bot goes quiet; the customer is told who joined."""
        await self.append(conversation_id, [
            {"event": "pause"},
            {"event": "slot", "name": "handoff_agent", "value": display_name},
        ])
        await self.execute(conversation_id, "action_agent_joined")

    async def bot_takes_over(self, conversation_id: str, then: str) -> None:
        """The bot answers again; `then` is the action that tells the customer (hand back, rating)."""
        await self.append(conversation_id, [{"event": "resume"}, {"event": "slot", "name": "handoff_agent", "value": None}])
        await self.execute(conversation_id, then)


def _quoted(conversation_id: str) -> str:
    from urllib.parse import quote

    return quote(conversation_id, safe="")
