"""`make review`: what customers asked that the bot didn't get, ready to be labelled.

Reads the conversations from Rasa's tracker store (its SQL `events` table: SQLite by default,
PostgreSQL in production) and picks every customer message that
- fell back (intent `nlu_fallback`, or the bot answered with `action_did_you_mean`),
- had low confidence (top intent below LOW_CONFIDENCE),
- was followed by a rephrase (the customer's next message, soon after, says nearly the same), or
- belongs to a conversation that ended in a handoff (intent human_handoff or complaint, or the
  action action_handoff): the messages before it.
They are written grouped by language and predicted intent as Rasa NLU YAML (reports/review.yml),
with emails, phones and order numbers masked, plus how often each intent was asked and the
fallback rate per language (in the file's header, and reports/review.json).
"""
from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional

from bot import languages, settings
from bot.shop.identifiers import EMAIL, ORDER_NUMBER, PHONE

LOW_CONFIDENCE = 0.5  # config.yml's trust_model_above: below it the model is unsure
REPHRASE_WITHIN_S = 120
REPHRASE_SIMILARITY = 0.5
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = {"action_did_you_mean"}
HANDOFF_INTENTS = {"human_handoff", "complaint"}
HANDOFF_ACTIONS = {"action_handoff"}
MESSAGES_BEFORE_HANDOFF = 3
_LONG_NUMBER = re.compile(r"\d{5,}")


def mask(text: str) -> str:
    """Emails, phone numbers and order numbers become <email>, <phone>, <order>; any other long
    number <number>."""
    text = EMAIL.sub("<email>", text)
    text = PHONE.sub(lambda m: "<phone>" if len(re.sub(r"\D", "", m.group(0))) >= 9 else m.group(0), text)
    text = ORDER_NUMBER.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + "<order>", text)
    return _LONG_NUMBER.sub("<number>", text)


def default_url(env: Optional[Mapping[str, str]] = None) -> str:
    """The tracker store `make run` uses: TRACKER_DB (SQLite), unless TRACKER_STORE_URL is set."""
    rasa = settings.load(env).rasa
    return rasa.tracker_store_url or f"sqlite:///{rasa.tracker_db}"


def read_events(url: str, since: Optional[float] = None, until: Optional[float] = None,
                limit: Optional[int] = None) -> Dict[str, List[dict]]:
    """sender id -> its events in order, from Rasa's tracker store (bot/tracker_events.py); only
    those stamped within [since, until) when given (insights read a date range, not every event),
    and at most `limit` of them."""
    from bot.tracker_events import TrackerEvents

    events = TrackerEvents(url)
    try:
        return events.in_range(since, until, limit)
    finally:
        events.close()


@dataclass
class Message:
    conversation: str
    text: str
    language: str
    intent: str
    confidence: float
    timestamp: float
    reasons: List[str] = field(default_factory=list)


def _intent(parse: dict) -> str:
    name = (parse.get("intent") or {}).get("name") or ""
    if name == "faq":
        selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        return selected.get("intent_response_key") or (parse.get("intent") or {}).get("full_retrieval_intent_name") or name
    return (parse.get("intent") or {}).get("full_retrieval_intent_name") or name


def _language(parse: dict, conversation_language: str) -> str:
    """The message's language when the detection was decisive, else the conversation's (a tentative
    detection of "ok" or of gibberish says little)."""
    entity = next((e for e in parse.get("entities") or [] if e.get("entity") == "language"), None)
    if entity and entity.get("value") and entity.get("role") != "tentative":
        return entity["value"]
    return conversation_language


def _similar(a: str, b: str) -> bool:
    a, b = (re.sub(r"[^\w]+", " ", t.lower()).strip() for t in (a, b))
    if not a or not b or a == b:
        return False
    words_a, words_b = set(a.split()), set(b.split())
    overlap = len(words_a & words_b) / len(words_a | words_b)
    return overlap >= 0.4 or difflib.SequenceMatcher(None, a, b).ratio() >= REPHRASE_SIMILARITY


def conversation_messages(sender_id: str, events: List[dict], default_language: str) -> List[Message]:
    """The customer's typed messages of one conversation, each with why it deserves a look."""
    anonymous = hashlib.sha256(sender_id.encode()).hexdigest()[:10]
    messages: List[Message] = []
    language = default_language
    handoff_at: List[int] = []  # indexes into messages where a handoff happened
    current: Optional[Message] = None  # the customer's latest typed message, None after a button
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            current = None
            if not text or text.startswith("/"):  # a button's payload: not the customer's words
                continue
            parse = event.get("parse_data") or {}
            message_language = _language(parse, language)
            intent = _intent(parse)
            confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
            message = Message(anonymous, text, message_language, intent, confidence, float(event.get("timestamp") or 0))
            if intent == FALLBACK_INTENT:
                message.reasons.append("fallback")
            elif confidence < LOW_CONFIDENCE:
                message.reasons.append("low confidence")
            if intent in HANDOFF_INTENTS:
                handoff_at.append(len(messages))
            if messages and _similar(messages[-1].text, text) and message.timestamp - messages[-1].timestamp <= REPHRASE_WITHIN_S:
                messages[-1].reasons.append("rephrased")
            messages.append(message)
            current = message
        elif kind == "slot" and event.get("name") == "language" and event.get("value"):
            language = str(event["value"])  # the conversation's language (decisive detections, channel)
        elif kind == "action":
            name = event.get("name")
            if name in FALLBACK_ACTIONS and current is not None and "fallback" not in current.reasons:
                current.reasons.append("fallback")
            if name in HANDOFF_ACTIONS and messages:
                handoff_at.append(len(messages) - 1)
    for index in handoff_at:
        start = max(0, index - MESSAGES_BEFORE_HANDOFF)
        for message in messages[start:index + 1]:
            if message.intent not in HANDOFF_INTENTS and "before a handoff" not in message.reasons:
                message.reasons.append("before a handoff")
    return messages


@dataclass
class Review:
    flagged: List[Message]
    asked: Dict[str, Counter]  # language -> intent -> typed messages
    fallback_rate: Dict[str, float]
    conversations: int


def review(conversations: Dict[str, List[dict]], default_language: Optional[str] = None) -> Review:
    default_language = default_language or languages.default_language()  # config.yml's
    every: List[Message] = []
    for sender_id, events in conversations.items():
        every += conversation_messages(sender_id, events, default_language)
    asked: Dict[str, Counter] = defaultdict(Counter)
    for message in every:
        asked[message.language][message.intent] += 1
    fallback_rate = {language: sum(1 for m in every if m.language == language and "fallback" in m.reasons) / sum(counts.values())
                     for language, counts in asked.items()}
    return Review([m for m in every if m.reasons], dict(asked), fallback_rate, len(conversations))


def to_yaml(result: Review, source: str) -> str:
    """Rasa NLU YAML, one block per language and predicted intent, masked, with a header."""
    lines = [
        'version: "3.1"',
        "# What customers asked that the bot didn't get (make review), from " + re.sub(r"//[^@/]*@", "//***@", source),
        f"# {result.conversations} conversations; {len(result.flagged)} messages to look at.",
        "# For each message: check the intent (the one below is what the model PREDICTED, often wrong),",
        "# move the line under the right intent, and copy it into data/nlu/<language>/nlu.yml (or faq.yml).",
        "# Replace <email>, <phone> and <order> with made-up values or delete them. Then run make train.",
        "#",
        "# Fallback rate per language (messages the bot didn't understand / messages):",
    ]
    for language, rate in sorted(result.fallback_rate.items()):
        total = sum(result.asked[language].values())
        lines.append(f"#   {language}: {rate:.1%} of {total}")
    lines.append("# How often each intent was asked:")
    for language, counts in sorted(result.asked.items()):
        lines.append(f"#   {language}: " + ", ".join(f"{intent or '(none)'} {n}" for intent, n in counts.most_common()))
    lines.append("nlu:")
    groups: Dict[tuple, List[Message]] = defaultdict(list)
    for message in result.flagged:
        groups[(message.language, message.intent or FALLBACK_INTENT)].append(message)
    for (language, intent), messages in sorted(groups.items()):
        reasons = Counter(r for m in messages for r in m.reasons)
        lines.append(f"# {language} · predicted {intent} · {len(messages)} message{'s' if len(messages) > 1 else ''} ("
                     + ", ".join(f"{r} {n}" for r, n in reasons.most_common()) + f") → data/nlu/{language}/")
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        seen = set()
        for message in messages:
            text = " ".join(mask(message.text).split())
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            lines.append(f"    - {text}")
    return "\n".join(lines) + "\n"


def to_json(result: Review) -> dict:
    return {
        "conversations": result.conversations,
        "fallback_rate": result.fallback_rate,
        "asked": {language: dict(counts) for language, counts in result.asked.items()},
        "messages": [{"conversation": m.conversation, "language": m.language, "predicted": m.intent,
                      "confidence": round(m.confidence, 3), "reasons": m.reasons, "text": mask(m.text)}
                     for m in result.flagged],
    }


def main(url: Optional[str] = None, out: Path = Path("reports/review.yml"), default_language: Optional[str] = None) -> int:
    url = url or default_url()
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        print(f"No conversations yet: {url[len('sqlite:///'):]} doesn't exist (make run writes it).")
        return 1
    result = review(read_events(url), default_language)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_yaml(result, url), "utf-8")
    out.with_suffix(".json").write_text(json.dumps(to_json(result), indent=1, ensure_ascii=False), "utf-8")
    print(f"{result.conversations} conversations, {len(result.flagged)} messages to look at.")
    for language, rate in sorted(result.fallback_rate.items()):
        print(f"  {language}: fallback rate {rate:.1%} ({sum(result.asked[language].values())} messages)")
    print(f"Ready to label: {out}  (details: {out.with_suffix('.json')})")
    return 0
