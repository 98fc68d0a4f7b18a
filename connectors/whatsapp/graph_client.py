"""Meta's Graph API, the one call we make (POST …/messages): rate limits retried with exponential
backoff, a closed 24-hour window recorded for the agents, a rejected token shouted in the log."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

from connectors.whatsapp.inbound import _dict, masked
from connectors.whatsapp.settings import WhatsAppSettings

logger = logging.getLogger("connectors.whatsapp")

REQUEST_TIMEOUT_S = 10
MAX_SEND_TRIES = 3
RETRY_BASE_DELAY_S = 0.5
RATE_LIMIT_CODES = {130429, 131056}  # throughput reached; too many messages to one user
WINDOW_CLOSED_CODE = 131047  # more than 24 h since the customer last wrote: only templates now
BAD_TOKEN_CODE = 190

# Customers we could not answer because their 24-hour window had closed, newest last: the agent
# console reads it to follow up with a template. One process only, like the de-duplication.
WINDOW_CLOSED: List[Dict[str, Any]] = []
MAX_WINDOW_CLOSED = 1000


def record_window_closed(wa_id: str, message_type: str) -> None:
    WINDOW_CLOSED.append({"recipient": wa_id, "message_type": message_type, "at": time.time()})
    del WINDOW_CLOSED[:-MAX_WINDOW_CLOSED]


async def post_json(url: str, token: str, payload: Dict[str, Any]) -> Tuple[Optional[int], Optional[Dict[str, Any]]]:
    """POSTs to the Graph API: (HTTP status, None) when accepted, (status, Graph error) if not."""
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(url, json=payload, headers={"Authorization": f"Bearer {token}"}) as answer:
                if answer.status < 300:
                    return answer.status, None
                try:
                    body = await answer.json(content_type=None)
                except ValueError:
                    body = {}
                return answer.status, _dict(_dict(body).get("error")) or {"message": f"HTTP {answer.status}"}
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return None, {"message": f"no answer ({type(error).__name__})"}


async def send(settings: WhatsAppSettings, recipient_id: str, message: Dict[str, Any]) -> bool:
    """One Cloud API message; rate limits are retried with exponential backoff."""
    payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient_id, **message}
    for attempt in range(1, MAX_SEND_TRIES + 1):
        status, error = await post_json(settings.messages_url, settings.access_token, payload)
        if error is None:
            return True
        if error.get("code") in RATE_LIMIT_CODES and attempt < MAX_SEND_TRIES:
            await asyncio.sleep(RETRY_BASE_DELAY_S * 2 ** (attempt - 1))
            continue
        report_failure(recipient_id, message.get("type", "?"), status, error)
        return False
    return False


def report_failure(recipient_id: str, message_type: str, status: Optional[int], error: Dict[str, Any]) -> None:
    code, reason = error.get("code"), error.get("message")
    if code == WINDOW_CLOSED_CODE:
        logger.warning("WhatsApp: the 24-hour window of %s is closed; the %s message was not sent "
                       "(recorded for the agents).", masked(recipient_id), message_type)
        record_window_closed(recipient_id, message_type)
    elif status == 401 or code == BAD_TOKEN_CODE:
        logger.error("WHATSAPP ACCESS TOKEN REJECTED (HTTP %s, code %s): no reply reaches WhatsApp "
                     "users until WHATSAPP_ACCESS_TOKEN is renewed. The conversations are kept in "
                     "Rasa's tracker.", status, code)
    else:
        logger.error("WhatsApp: a %s message to %s was not sent (HTTP %s, code %s: %s).",
                     message_type, masked(recipient_id), status, code, reason)
