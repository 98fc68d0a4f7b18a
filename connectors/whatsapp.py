"""WhatsApp channel over Meta's WhatsApp Cloud API.

In: Meta calls `/webhooks/whatsapp/webhook` (GET once to verify it, then a signed POST per
delivery). Every POST is checked against its signature, answered 200 at once, and its messages
are handled afterwards, each once even when Meta delivers it again.
Out: `WhatsAppOutput` turns Rasa's messages into Cloud API messages within WhatsApp's limits.

Settings come from environment variables named in credentials.yml, so the bot starts without
WhatsApp configured; the webhook then answers 503.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Set, Text, Tuple

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import locales
from connectors.limits import MAX_MESSAGE_LENGTH, card_warning, without_card_numbers
from bot.responses import domain_response_text as domain_text

logger = logging.getLogger(__name__)

CHANNEL_NAME = "whatsapp"
DEFAULT_API_BASE_URL = "https://graph.facebook.com/v19.0"

# Limits of the webhook
MAX_BODY_BYTES = 1024 * 1024
REMEMBERED_MESSAGE_IDS = 10_000

# WhatsApp's limits on what we send
MAX_TEXT_LENGTH = 4096
MAX_INTERACTIVE_BODY_LENGTH = 1024
MAX_REPLY_BUTTONS = 3
MAX_BUTTON_TITLE_LENGTH = 20
MAX_LIST_ROWS = 10
MAX_ROW_TITLE_LENGTH = 24
MAX_ROW_DESCRIPTION_LENGTH = 72

# Calls to the Graph API
REQUEST_TIMEOUT_S = 10
MAX_SEND_TRIES = 3
RETRY_BASE_DELAY_S = 0.5
RATE_LIMIT_CODES = {130429, 131056}  # throughput reached; too many messages to one user
WINDOW_CLOSED_CODE = 131047  # more than 24 h since the customer last wrote: only templates now
BAD_TOKEN_CODE = 190

# Customers we could not answer because their 24-hour window had closed, newest last: the agent
# console reads it to follow up with a template. One process only, like the de-duplication below.
WINDOW_CLOSED: List[Dict[str, Any]] = []
MAX_WINDOW_CLOSED = 1000

# The label of the button that opens a list: channel chrome, not a bot sentence.

# Forwarded to Rasa as an `inform` with the file in the metadata (a photo of a damaged item).
FORWARDED_MEDIA = {"image", "document"}
# Emoji reactions to our messages are not messages to answer.
IGNORED_TYPES = {"reaction"}


# --- settings ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class WhatsAppSettings:
    verify_token: str
    app_secret: str
    access_token: str
    phone_number_id: str
    api_base_url: str
    env_names: Tuple[Tuple[str, str], ...] = ()

    @property
    def missing(self) -> List[str]:
        """The environment variables still to set, by name."""
        return [env for field, env in self.env_names if field != "api_base_url" and not getattr(self, field)]

    @property
    def configured(self) -> bool:
        return all((self.verify_token, self.app_secret, self.access_token, self.phone_number_id))

    @property
    def messages_url(self) -> str:
        return f"{self.api_base_url.rstrip('/')}/{self.phone_number_id}/messages"


ENV_DEFAULTS = {
    "verify_token": "WHATSAPP_VERIFY_TOKEN",
    "app_secret": "WHATSAPP_APP_SECRET",
    "access_token": "WHATSAPP_ACCESS_TOKEN",
    "phone_number_id": "WHATSAPP_PHONE_NUMBER_ID",
    "api_base_url": "WHATSAPP_API_BASE_URL",
}


def settings_from(credentials: Optional[Dict[str, Any]], environ=os.environ) -> WhatsAppSettings:
    """credentials.yml names the variables (`verify_token_env: WHATSAPP_VERIFY_TOKEN`); Rasa's
    own ${VAR} would refuse to start when one is unset."""
    credentials = credentials or {}
    names = {field: str(credentials.get(f"{field}_env") or default) for field, default in ENV_DEFAULTS.items()}
    values = {field: environ.get(env, "").strip() for field, env in names.items()}
    return WhatsAppSettings(
        verify_token=values["verify_token"], app_secret=values["app_secret"],
        access_token=values["access_token"], phone_number_id=values["phone_number_id"],
        api_base_url=values["api_base_url"] or DEFAULT_API_BASE_URL,
        env_names=tuple(names.items()),
    )


# --- small helpers ------------------------------------------------------------------------------

def signature_is_valid(body: bytes, header: Optional[str], app_secret: str) -> bool:
    """Meta signs the raw body: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`."""
    if not header:
        return False
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode("utf-8", "replace"))


def language_of_phone(wa_id: str) -> str:
    """The language for what the channel says itself: the number's country (bot/locales.py)."""
    return locales.language_of_phone(wa_id)


def masked(wa_id: str) -> str:
    """A phone number fit for logs: only its last three digits."""
    digits = str(wa_id or "")
    return "+" + "*" * max(len(digits) - 3, 0) + digits[-3:]


class RecentIds:
    """The message ids (wamid) seen lately, to drop Meta's re-deliveries. Bounded and in this
    process's memory: several replicas behind a load balancer would need a shared store
    (e.g. Redis SET NX with a TTL) instead."""

    def __init__(self, size: int = REMEMBERED_MESSAGE_IDS) -> None:
        self._size = size
        self._ids: "OrderedDict[str, None]" = OrderedDict()

    def first_time(self, message_id: str) -> bool:
        if message_id in self._ids:
            return False
        self._ids[message_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


# --- reading a delivery -------------------------------------------------------------------------

@dataclass
class Incoming:
    """One customer message, ready for Rasa (`text`) or for a direct reply (`text` None)."""
    message_id: str
    wa_id: str
    name: Optional[str]
    text: Optional[str]
    attachment: Optional[Dict[str, Any]] = None

    @property
    def metadata(self) -> Dict[str, Any]:
        metadata: Dict[str, Any] = {CHANNEL_NAME: {"phone": f"+{self.wa_id}", "name": self.name}}
        if self.attachment:
            metadata["attachment"] = self.attachment
        return metadata


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []


def message_values(payload: Dict[str, Any], phone_number_id: str) -> Iterator[Dict[str, Any]]:
    """The `value` of every `messages` change for our number; anything else is skipped."""
    for entry in _list(payload.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            value = _dict(change.get("value"))
            if change.get("field") != "messages" or not value:
                continue
            receiver = _dict(value.get("metadata")).get("phone_number_id")
            if receiver and str(receiver) != phone_number_id:
                logger.info("WhatsApp: skipped a delivery for another phone number id.")
                continue
            yield value


def _profile_names(value: Dict[str, Any]) -> Dict[str, Optional[str]]:
    names = {}
    for contact in _list(value.get("contacts")):
        contact = _dict(contact)
        if contact.get("wa_id"):
            names[str(contact["wa_id"])] = _dict(contact.get("profile")).get("name")
    return names


def _text_for_rasa(message: Dict[str, Any]) -> Optional[str]:
    """What the customer typed or tapped. A tapped button's id is the payload we sent ("/affirm")."""
    kind = message.get("type")
    if kind == "text":
        return _dict(message.get("text")).get("body")
    if kind == "interactive":
        interactive = _dict(message.get("interactive"))
        reply_kind = interactive.get("type")
        if reply_kind in ("button_reply", "list_reply"):
            return _dict(interactive.get(reply_kind)).get("id")
        return None
    if kind == "button":  # a quick-reply button of a template
        button = _dict(message.get("button"))
        return button.get("payload") or button.get("text")
    return None


def _attachment(message: Dict[str, Any]) -> Dict[str, Any]:
    kind = message.get("type")
    media = _dict(message.get(kind))
    caption = media.get("caption")
    if isinstance(caption, str):
        caption, _ = without_card_numbers(caption)  # a photo's caption reaches the tracker too
    return {"type": kind, "id": media.get("id"), "caption": caption}


def incoming_from(message: Dict[str, Any], names: Dict[str, Optional[str]]) -> Optional[Incoming]:
    """One webhook message as an Incoming; None for what we don't answer or can't read."""
    message_id, wa_id, kind = message.get("id"), str(message.get("from") or ""), message.get("type")
    if not isinstance(message_id, str) or not message_id or not wa_id.isdigit() or not isinstance(kind, str):
        return None
    if kind in IGNORED_TYPES:
        return None
    base = dict(message_id=message_id, wa_id=wa_id, name=names.get(wa_id))
    if kind in FORWARDED_MEDIA:
        return Incoming(**base, text="/inform", attachment=_attachment(message))
    if kind in ("text", "interactive", "button"):
        text = _text_for_rasa(message)
        return Incoming(**base, text=text) if isinstance(text, str) and text.strip() else None
    return Incoming(**base, text=None)  # audio, video, location, sticker, anything new


def log_statuses(value: Dict[str, Any]) -> None:
    """Delivery receipts: logged for operators, without the recipient's number."""
    for status in _list(value.get("statuses")):
        status = _dict(status)
        codes = [_dict(e).get("code") for e in _list(status.get("errors"))]
        logger.info("WhatsApp status %s for message %s%s", status.get("status"), status.get("id"),
                    f" (errors {codes})" if codes else "")


# --- formatting what we send (pure functions) ---------------------------------------------------

def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> List[str]:
    """Pieces of at most `limit` characters, cut at the last whitespace when there is one."""
    pieces = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind(" ", 0, limit + 1), rest.rfind("\n", 0, limit + 1))
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def shortened(title: str, limit: int) -> str:
    title = " ".join(str(title or "").split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def unique_titles(titles: List[str], limit: int) -> List[str]:
    """Titles within `limit`, made unique (WhatsApp refuses repeated ones) with " 2", " 3"…"""
    result: List[str] = []
    for title in titles:
        candidate, number = shortened(title, limit), 2
        while candidate in result:
            suffix = f" {number}"
            candidate, number = shortened(title, limit - len(suffix)) + suffix, number + 1
        result.append(candidate)
    return result


def _options(buttons: List[Dict[str, Any]]) -> List[Tuple[str, str]]:
    """(id, title) per button, the id being the payload Rasa gets back; a repeated id is dropped."""
    seen, options = set(), []
    for button in buttons:
        title = str(button.get("title") or "")
        option_id = str(button.get("payload") or title)
        if option_id and option_id not in seen:
            seen.add(option_id)
            options.append((option_id, title))
    return options


def text_message(text: str) -> Dict[str, Any]:
    return {"type": "text", "text": {"body": text}}


def image_message(url: str) -> Dict[str, Any]:
    return {"type": "image", "image": {"link": url}}


def reply_buttons_message(body: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    options = _options(buttons)[:MAX_REPLY_BUTTONS]
    titles = unique_titles([title for _, title in options], MAX_BUTTON_TITLE_LENGTH)
    return {"type": "interactive", "interactive": {
        "type": "button",
        "body": {"text": body},
        "action": {"buttons": [
            {"type": "reply", "reply": {"id": option_id, "title": title}}
            for (option_id, _), title in zip(options, titles)
        ]},
    }}


def list_message(body: str, buttons: List[Dict[str, Any]], language: str) -> Dict[str, Any]:
    options = _options(buttons)[:MAX_LIST_ROWS]
    titles = unique_titles([title for _, title in options], MAX_ROW_TITLE_LENGTH)
    rows = []
    for (option_id, full_title), title in zip(options, titles):
        row = {"id": option_id, "title": title}
        if title != full_title:  # the whole title still shows, under the shortened one
            row["description"] = shortened(full_title, MAX_ROW_DESCRIPTION_LENGTH)
        rows.append(row)
    label = (domain_text("utter_list_button_label", language) or "…")[:20]  # WhatsApp: ≤ 20 characters
    return {"type": "interactive", "interactive": {
        "type": "list",
        "body": {"text": body},
        "action": {"button": label, "sections": [{"rows": rows}]},
    }}


def numbered_text(text: str, buttons: List[Dict[str, Any]]) -> str:
    lines = [f"{number}. {title}" for number, (_, title) in enumerate(_options(buttons), start=1)]
    return "\n".join([text.strip(), ""] + lines) if text.strip() else "\n".join(lines)


def messages_with_buttons(text: str, buttons: List[Dict[str, Any]], language: str) -> List[Dict[str, Any]]:
    """1-3 buttons: reply buttons; 4-10: a list; more: numbered lines. An interactive body holds
    1,024 characters, so a longer text goes first as plain text and its end becomes the body."""
    count = len(_options(buttons))
    if count == 0 or count > MAX_LIST_ROWS:
        return [text_message(piece) for piece in split_text(numbered_text(text, buttons))]
    pieces = split_text(text, MAX_INTERACTIVE_BODY_LENGTH) or ["…"]
    leading = [text_message(piece) for piece in split_text(" ".join(pieces[:-1]))]
    if count <= MAX_REPLY_BUTTONS:
        return leading + [reply_buttons_message(pieces[-1], buttons)]
    return leading + [list_message(pieces[-1], buttons, language)]


# --- sending ------------------------------------------------------------------------------------

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


class WhatsAppOutput(OutputChannel):
    """Sends Rasa's messages to one WhatsApp user. Never raises: a failed send is logged, and the
    conversation stays in Rasa's tracker."""

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for piece in split_text(text):
            await self.send(recipient_id, text_message(piece))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        for message in messages_with_buttons(text or "", buttons or [], language_of_phone(recipient_id)):
            await self.send(recipient_id, message)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send(recipient_id, image_message(image))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # A custom payload shaped like a Cloud API message (a template, say) is sent as it is.
        if isinstance(json_message, dict) and json_message.get("type"):
            await self.send(recipient_id, json_message)
        else:
            logger.warning("WhatsApp: a custom message without a 'type' was not sent.")

    async def send(self, recipient_id: Text, message: Dict[str, Any]) -> bool:
        """One Cloud API message; rate limits are retried with exponential backoff."""
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient_id, **message}
        for attempt in range(1, MAX_SEND_TRIES + 1):
            status, error = await post_json(self.settings.messages_url, self.settings.access_token, payload)
            if error is None:
                return True
            if error.get("code") in RATE_LIMIT_CODES and attempt < MAX_SEND_TRIES:
                await asyncio.sleep(RETRY_BASE_DELAY_S * 2 ** (attempt - 1))
                continue
            self._report_failure(recipient_id, message.get("type", "?"), status, error)
            return False
        return False

    def _report_failure(self, recipient_id: str, message_type: str, status: Optional[int], error: Dict[str, Any]) -> None:
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


# --- the webhook --------------------------------------------------------------------------------

class WhatsAppInput(InputChannel):
    """Meta's webhook for a WhatsApp Business number: `/webhooks/whatsapp/webhook`."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WhatsAppInput":
        return cls(settings_from(credentials))

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings
        self.recent_ids = RecentIds()
        self._tasks: Set[asyncio.Task] = set()  # kept so running tasks aren't garbage-collected
        self._app: Any = None  # Rasa's Sanic app, set by the first delivery: its agent reads trackers

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WhatsAppOutput(self.settings) if self.settings.configured else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("whatsapp_webhook", __name__)
        if not self.settings.configured:
            logger.warning("WhatsApp isn't configured (set %s): its webhook answers 503.",
                           ", ".join(self.settings.missing))

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.settings.configured})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return self._not_configured() or self._verification(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self._not_configured() or self._accept(request, on_new_message)

        return webhook

    def _not_configured(self) -> Optional[HTTPResponse]:
        if self.settings.configured:
            return None
        return response.json({"error": "WhatsApp isn't configured on this bot: set "
                                       + ", ".join(self.settings.missing) + "."}, status=503)

    def _verification(self, request: Request) -> HTTPResponse:
        """Meta's subscription handshake: echo the challenge when the verify token matches."""
        token = request.args.get("hub.verify_token") or ""
        if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(
                token.encode(), self.settings.verify_token.encode()):
            return response.text(request.args.get("hub.challenge") or "")
        return response.text("Forbidden", status=403)

    def _accept(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """Checks the delivery, answers at once (Meta retries slow answers), and handles its new
        messages in a task of their own, in the order they came."""
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return response.json({"error": "The body is larger than 1 MB."}, status=413)
        if not signature_is_valid(body, request.headers.get("X-Hub-Signature-256"), self.settings.app_secret):
            return response.json({"error": "Missing or wrong X-Hub-Signature-256."}, status=403)
        try:
            payload = json.loads(body)
        except ValueError:
            return response.json({"error": "The body is not JSON."}, status=400)
        if not isinstance(payload, dict):
            return response.json({"error": "The body must be a JSON object."}, status=400)
        new_messages = self._new_messages(payload)
        self._app = request.app  # its Rasa agent: the conversation's language for the card warning
        if new_messages:
            self._in_background(self._handle_all(new_messages, on_new_message))
        return response.json({"status": "received"})

    def _new_messages(self, payload: Dict[str, Any]) -> List[Incoming]:
        """The delivery's messages not seen before. Marked as seen now, before answering, so a
        retry arriving while the first copy is still being handled is dropped too."""
        messages = []
        for value in message_values(payload, self.settings.phone_number_id):
            log_statuses(value)
            names = _profile_names(value)
            for raw in _list(value.get("messages")):
                incoming = incoming_from(_dict(raw), names)
                if incoming and self.recent_ids.first_time(incoming.message_id):
                    messages.append(incoming)
        return messages

    def _in_background(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle_all(self, messages: List[Incoming], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        for incoming in messages:
            try:
                await self._handle(incoming, on_new_message)
            except Exception:  # one bad message must not stop the others
                logger.exception("WhatsApp: message %s could not be handled.", incoming.message_id)

    async def _handle(self, incoming: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        output = WhatsAppOutput(self.settings)
        if incoming.text is None:
            await self._reply_unsupported(incoming, output)
            return
        if len(incoming.text) > MAX_MESSAGE_LENGTH:  # the same limit as every channel
            await self._reply(incoming, output, "utter_message_too_long")
            return
        text, had_card = without_card_numbers(incoming.text)
        await on_new_message(UserMessage(
            text, output, incoming.wa_id, input_channel=CHANNEL_NAME,
            message_id=incoming.message_id, metadata=incoming.metadata,
        ))
        if had_card:
            agent = getattr(self._app.ctx, "agent", None) if self._app is not None else None
            await output.send_text_message(incoming.wa_id, await card_warning(agent, incoming.wa_id,
                                                                              language_of_phone(incoming.wa_id)))

    async def _reply_unsupported(self, incoming: Incoming, output: WhatsAppOutput) -> None:
        """Audio, video, locations, stickers: answered here, in the language of the number's
        country, with the editors' sentence from domain.yml (no intent for them in the model)."""
        await self._reply(incoming, output, "utter_unsupported_content")

    async def _reply(self, incoming: Incoming, output: WhatsAppOutput, response_name: str) -> None:
        text = domain_text(response_name, language_of_phone(incoming.wa_id))
        if not text:
            logger.error("WhatsApp: domain.yml has no %s; nothing was answered.", response_name)
            return
        await output.send_text_message(incoming.wa_id, text)
