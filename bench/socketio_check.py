"""Through the proxy, the widget's socket.io (long-polling, the transport that needs sticky
sessions) opens a session, sends a message and gets the reply, several times in a row."""
from __future__ import annotations

import asyncio
from typing import List


async def _one(url: str, text: str, timeout_s: float) -> List[str]:
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    replies: asyncio.Queue = asyncio.Queue()
    confirmed: asyncio.Queue = asyncio.Queue()

    @client.on("session_confirm")
    async def on_session_confirm(session_id):
        await confirmed.put(session_id)

    @client.on("bot_uttered")
    async def on_bot_uttered(data):
        await replies.put(data.get("text", ""))

    await client.connect(url, transports=["polling"], socketio_path="/socket.io")
    try:
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed.get(), timeout_s)  # what rasa-webchat does
        for _ in range(3):  # several polls and posts: each must reach the same replica
            await client.emit("user_uttered", {"message": text, "session_id": session_id,
                                               "customData": {"language": "es"}})
            await asyncio.wait_for(replies.get(), timeout_s)
        return [text]
    finally:
        await client.disconnect()


def check(url: str, sessions: int = 4, timeout_s: float = 30) -> int:
    """Number of sessions that got all their replies over polling."""
    async def run() -> int:
        results = await asyncio.gather(*(_one(url, "hola", timeout_s) for _ in range(sessions)), return_exceptions=True)
        return sum(1 for r in results if not isinstance(r, BaseException))

    return asyncio.run(run())


if __name__ == "__main__":
    import sys

    print(check(sys.argv[1]))
