"""Agent assist: for the customer's last message, what the bot itself would answer (its FAQ answer,
or the shop's policy for a policy question, in the customer's language, from domain.yml) and the
canned replies (shop/canned_replies.yml) ranked by how well they fit.

Plain functions over Rasa's parse result and the canned replies; the API asks Rasa's /model/parse.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Optional

from bot.faq_answers import faq_answers
from bot.responses import domain_response_text

# Intents whose answer is a fixed statement of the shop's policy.
POLICY_RESPONSES = {"return_policy": "utter_return_policy", "payment_problem": "utter_payment_problem"}
MIN_CONFIDENCE = 0.5  # below this the bot wouldn't have answered either
CANNED_SHOWN = 3
PAYLOAD = re.compile(r"^/[A-Za-z_][\w/]*(\{.*\})?$", re.DOTALL)


def last_customer_message(transcript: List[Dict[str, Any]]) -> Optional[str]:
    """The customer's latest typed message (not a button, not an attachment, not a payload)."""
    for message in reversed(transcript):
        if message["sender"] == "customer" and message["kind"] == "message" and not PAYLOAD.match(message["text"] or ""):
            return message["text"]
    return None


def bot_answers(parse: Dict[str, Any], language: str) -> List[Dict[str, str]]:
    """The bot's own answers to the parsed message: its FAQ answers, or a policy statement."""
    intent = parse.get("intent") or {}
    if float(intent.get("confidence") or 0) < MIN_CONFIDENCE:
        return []
    keys = faq_answers(parse) if intent.get("name") == "faq" else []
    responses = [(key, f"utter_{key}") for key in keys]
    if intent.get("name") in POLICY_RESPONSES:
        responses.append((intent["name"], POLICY_RESPONSES[intent["name"]]))
    found = []
    for key, response in responses:
        text = domain_response_text(response, language)
        if text and "{" not in text:  # a sentence the bot fills in itself is no ready answer
            found.append({"source": "bot", "key": key, "text": text})
    return found


# Words too common to say that a reply fits (accents removed).
COMMON_WORDS = {
    "cuanto", "cuando", "como", "para", "pero", "esta", "este", "estoy", "tengo", "quiero", "puedo", "hola", "gracias", "favor",
    "what", "when", "with", "that", "this", "have", "want", "please", "thanks", "hello", "there", "your",
    "quanto", "quando", "como", "para", "esta", "este", "estou", "tenho", "quero", "posso", "obrigado", "obrigada", "voce",
}


def _words(text: str) -> set:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return {w for w in re.findall(r"[a-z0-9]+", folded) if len(w) > 3 and w not in COMMON_WORDS}


def ranked_canned(replies: List[Dict[str, Any]], message: str, reason: str, category: str) -> List[Dict[str, str]]:
    """The canned replies that fit best first: words shared with the message, and a reply named
    after the case's reason or team."""
    said = _words(message or "")

    def fit(reply: Dict[str, Any]) -> int:
        key = str(reply.get("key") or "")
        return 3 * (key in (reason, category)) + len(said & _words(f"{reply.get('title', '')} {reply.get('text', '')}"))

    scored = sorted(((fit(r), i, r) for i, r in enumerate(replies)), key=lambda item: (-item[0], item[1]))
    return [{"source": "canned", "key": str(r.get("key") or ""), "title": str(r.get("title") or ""), "text": str(r.get("text") or "")}
            for score, _, r in scored[:CANNED_SHOWN] if score > 0]
