"""The load generator of `make bench` and `make loadtest`: many distinct conversations over
REST, each turn timed, at a given concurrency (aiohttp, one event loop)."""
from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import aiohttp

# Ten turns in three languages: greeting, FAQs, the order form with verification (custom actions
# and the shop database), general return question, a person, goodbye.
CONVERSATIONS: List[List[str]] = [
    ["hola", "cuánto cuesta el envío a Portugal?", "dónde está mi pedido", "100410", "tom.baker@example.org",
     "gracias", "cuál es la garantía?", "puedo devolver un bañador?", "quiero hablar con una persona", "adiós"],
    ["hello", "how much is shipping?", "where is my order", "100410", "tom.baker@example.org",
     "thanks", "what is the warranty?", "can I return swimwear?", "I want to talk to a person", "bye"],
    ["olá", "quanto custa o frete?", "onde está o meu pedido", "100410", "tom.baker@example.org",
     "obrigado", "qual é a garantia?", "posso devolver roupa de banho?", "quero falar com uma pessoa", "tchau"],
]
ORDER_STATUS_TURN = 4  # index of the turn whose reply is the verified order status (custom action)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class Turn:
    sender: str
    index: int
    text: str
    message_id: str
    started: float
    ms: float
    status: int
    replies: list
    attempts: int = 1
    error: str = ""
    history: List[str] = field(default_factory=list)  # what each failed attempt got


@dataclass
class Result:
    turns: List[Turn] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def ok(self) -> List[Turn]:
        return [t for t in self.turns if not t.error]

    @property
    def errors(self) -> List[Turn]:
        return [t for t in self.turns if t.error]

    def figures(self, suffix: str = "") -> Dict[str, float]:
        ms = [t.ms for t in self.ok]
        action_ms = [t.ms for t in self.ok if t.index == ORDER_STATUS_TURN]
        return {
            f"turns{suffix}": len(self.turns), f"errors{suffix}": len(self.errors),
            f"turn_p50_ms{suffix}": round(percentile(ms, 50), 1), f"turn_p95_ms{suffix}": round(percentile(ms, 95), 1),
            f"turn_p99_ms{suffix}": round(percentile(ms, 99), 1),
            f"action_turn_p50_ms{suffix}": round(percentile(action_ms, 50), 1),
            f"throughput_tps{suffix}": round(len(self.ok) / self.wall_s, 1) if self.wall_s else 0.0,
        }


async def _post_turn(session: aiohttp.ClientSession, url: str, sender: str, index: int, text: str,
                     metadata: Optional[dict], timeout_s: float, retry_for_s: float) -> Turn:
    message_id = uuid.uuid4().hex
    started = time.perf_counter()
    attempts, last_error, status, replies = 0, "", 0, []
    history: List[str] = []
    while True:
        attempts += 1
        body = {"sender": sender, "message": text, "message_id": message_id}
        if attempts > 1:
            body["retry"] = True
        if metadata:
            body["metadata"] = metadata
        try:
            async with session.post(url, json=body, timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
                status = response.status
                payload = await response.read()
                if status == 200:
                    replies = json.loads(payload)
                    last_error = "" if replies else "empty reply"
                    if replies:
                        break
                else:
                    last_error = f"HTTP {status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            last_error = type(error).__name__
        history.append(f"{time.perf_counter() - started:.1f}s {last_error}")
        if time.perf_counter() - started > retry_for_s:
            break
        await asyncio.sleep(0.2 * attempts)
    ms = (time.perf_counter() - started) * 1000
    return Turn(sender, index, text, message_id, started, ms, status, replies, attempts, last_error, history)


async def run_conversations(url: str, senders: Sequence[str], concurrency: int, timeout_s: float = 30,
                            retry_for_s: float = 0, languages_metadata: bool = False,
                            think_s: float = 0.0, result: Optional[Result] = None) -> Result:
    """Each sender plays one of CONVERSATIONS (by position), turn after turn; `concurrency`
    conversations run at once. With retry_for_s > 0 a failed turn is sent again, same
    message_id, with "retry": true (what a client does when a replica dies under it)."""
    result = result if result is not None else Result()
    queue: asyncio.Queue = asyncio.Queue()
    for position, sender in enumerate(senders):
        queue.put_nowait((position, sender))
    connector = aiohttp.TCPConnector(limit=0, force_close=False)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            position, sender = queue.get_nowait()
            script = CONVERSATIONS[position % len(CONVERSATIONS)]
            metadata = {"language": ["es", "en", "pt"][position % 3]} if languages_metadata else None
            for index, text in enumerate(script):
                turn = await _post_turn(session, url, sender, index, text, metadata if index == 0 else None,
                                        timeout_s, retry_for_s)
                result.turns.append(turn)
                if think_s:
                    await asyncio.sleep(random.uniform(0, 2 * think_s))

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    result.wall_s = time.perf_counter() - started
    return result


async def parse_latencies(base_url: str, token: str, texts: Sequence[str]) -> List[float]:
    latencies = []
    async with aiohttp.ClientSession() as session:
        for text in texts:
            started = time.perf_counter()
            async with session.post(f"{base_url}/model/parse?token={token}", json={"text": text}) as response:
                assert response.status == 200, response.status
                await response.read()
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies
