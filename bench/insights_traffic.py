"""Generated shop traffic for the insights scale bench and the rollup tests: conversations as
Rasa stores them (its `events` table rows, with the events a real turn writes: the session
start, the language slot, the user message with its parse data and intent ranking, the slots an
action sets, the actions, the replies, action_listen), plus the handoff store's rows they imply
(cases with claims, first agent replies, closings and CSAT; NPS and effort answers).

The mix: es/en/pt; socket.io widget, WhatsApp and REST; greetings, FAQs, orders (verified or
not, some late), returns, damaged items, messages the bot doesn't understand, handoffs that
agents take, resolve or leave waiting; customers who come back (some on the same topic within
hours or days), language switches, sessions where nobody writes. Deterministic for a seed.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

CHANNELS = (("socketio", 0.55), ("whatsapp", 0.3), ("rest", 0.15))
LANGUAGES = (("es", 0.5), ("en", 0.3), ("pt", 0.2))
FAQS = ("faq/shipping_cost", "faq/delivery_time", "faq/payment_methods", "faq/support_hours",
        "faq/international_shipping", "faq/warranty", "faq/discount_code", "faq/account_password")
TOPICS = ((FAQS, 0.45), (("order_status",), 0.22), (("return_request", "return_policy"), 0.12),
          (("damaged_item", "refund_status", "payment_problem", "cancel_order", "change_address", "invoice_request"), 0.11),
          (("nlu_fallback",), 0.06), (("complaint",), 0.04))
CATEGORIES = ("footwear", "outerwear", "socks", "swimwear", "accessories")
REASONS = ("customer_request", "damaged_item", "low_confidence", "complaint", "order_problem")
TEXTS = {"es": "¿me puedes ayudar con esto, por favor?", "en": "can you help me with this, please?",
         "pt": "você pode me ajudar com isso, por favor?"}


@dataclass
class Customer:
    sender_id: str
    channel: str
    language: str
    customer_id: Optional[str]
    topic: Optional[str] = None  # what they last asked about: a returning customer often asks again
    free_at: float = 0.0  # when their last session has expired


@dataclass
class Generated:
    """One conversation session: its events, and what the handoff store holds about it."""
    sender_id: str
    events: List[dict]
    case: Optional[dict] = None  # the handoff store's row (without id)
    agent_reply_at: Optional[float] = None
    surveys: List[dict] = field(default_factory=list)


def _pick(rng: random.Random, weighted) -> object:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


class Traffic:
    def __init__(self, seed: int = 15, customers: int = 20_000, edge_cases: bool = False) -> None:
        self.rng = random.Random(seed)
        self.edge_cases = edge_cases  # rarer event shapes, for the tests (a session without action_session_start...)
        self.customers = [Customer(f"{_pick(self.rng, CHANNELS)}-{n:07d}", "", _pick(self.rng, LANGUAGES),
                                   f"c{n:06d}" if self.rng.random() < 0.5 else None) for n in range(customers)]
        for c in self.customers:
            c.channel = c.sender_id.split("-")[0]
        self.message_ids = 0

    def sessions(self, start: float, days: float, count: int) -> Iterator[Generated]:
        """`count` sessions starting between `start` and `start + days`, in time order; customers
        picked with a long tail (a few write often), so some come back soon after."""
        times = sorted(start + self.rng.random() * days * 86400 for _ in range(count))
        for at in times:
            if self.rng.random() < 0.35:
                customer = self.customers[int(len(self.customers) * self.rng.random() ** 3)]
            else:
                customer = self.rng.choice(self.customers)
            # a session expires after an hour of silence: the next one starts after that
            at = max(at, customer.free_at)
            generated = self.session(customer, at)
            customer.free_at = generated.events[-1]["timestamp"] + 3601
            yield generated

    def _event(self, kind: str, at: float, **fields) -> dict:
        return {"event": kind, "timestamp": at, **fields}

    def _user(self, customer: Customer, intent: str, at: float, language: str) -> dict:
        self.message_ids += 1
        base = intent.split("/")[0]
        confidence = round(0.35 + self.rng.random() * 0.6, 4) if intent != "nlu_fallback" else 0.3
        ranking = [{"name": base, "confidence": confidence}] + [
            {"name": other, "confidence": round((1 - confidence) / 4, 4)}
            for other in self.rng.sample(("greet", "affirm", "deny", "order_status", "faq", "thank", "inform"), 4)]
        parse = {"intent": {"name": base, "confidence": confidence}, "entities": [
            {"entity": "language", "value": language, "start": 0, "end": 0, "confidence_entity": 1.0,
             "extractor": "LanguageDetector"}], "text": TEXTS[language], "intent_ranking": ranking}
        if base == "faq":
            parse["response_selector"] = {"faq": {"response": {"intent_response_key": intent, "confidence": confidence,
                                                               "responses": [{"text": "..."}]}, "ranking": []}}
        return self._event("user", at, text=TEXTS[language], parse_data=parse, input_channel=customer.channel,
                           message_id=f"m{self.message_ids:x}", metadata={"language": language})

    def _reply(self, at: float, action: str, utter: Optional[str] = None) -> List[dict]:
        events = [self._event("action", at, name=action, policy="policy_2_RulePolicy", confidence=1.0,
                              action_text=None, hide_rule_turn=False)]
        events.append(self._event("bot", at + 0.001, text="...", data={"elements": None, "quick_replies": None,
                                                                       "buttons": None, "attachment": None,
                                                                       "image": None, "custom": None},
                                  metadata={"utter_action": utter or action}))
        return events

    def session(self, customer: Customer, at: float) -> Generated:
        rng, language = self.rng, customer.language
        events = [self._event("action", at - 0.5, name="action_session_start", policy=None, confidence=1.0),
                  self._event("session_started", at - 0.5),
                  self._event("slot", at - 0.5, name="language", value=language),
                  self._event("action", at - 0.5, name="action_listen", policy=None, confidence=None)]
        if self.edge_cases and rng.random() < 0.1:
            events = events[1:]  # session_started alone also cuts
        if rng.random() < 0.03:  # the widget opened, nobody wrote
            return Generated(customer.sender_id, events)
        if customer.topic and rng.random() < 0.4:
            topic = customer.topic
        else:
            topic = rng.choice(_pick(rng, TOPICS))
        customer.topic = topic if topic not in ("nlu_fallback", "complaint") else customer.topic
        turns: List[str] = (["greet"] if rng.random() < 0.5 else []) + [topic]
        handoff = topic == "complaint" or (topic != "nlu_fallback" and rng.random() < 0.12)
        if topic == "nlu_fallback" and rng.random() < 0.3:
            handoff = True
        if not handoff:
            turns += [] if topic == "nlu_fallback" else (["thank", "goodbye"] if rng.random() < 0.6 else ["affirm"])
        case, agent_reply_at, surveys = None, None, []
        moment = at
        for n, intent in enumerate(turns):
            if self.edge_cases and rng.random() < 0.05:
                language = rng.choice(("es", "en", "pt"))  # the customer switched language
                events.append(self._event("slot", moment, name="language", value=language))
            events.append(self._user(customer, intent, moment, language))
            reply_at = moment + (40 + rng.expovariate(1 / 60)) / 1000
            if intent in ("order_status", "damaged_item", "refund_status", "return_request", "cancel_order"):
                if customer.customer_id and rng.random() < 0.8:
                    events.append(self._event("slot", reply_at, name="customer_id", value=customer.customer_id))
                events.append(self._event("slot", reply_at, name="order_id", value=str(100000 + rng.randrange(900000))))
                if rng.random() < 0.3:
                    events.append(self._event("slot", reply_at, name="product_category", value=rng.choice(CATEGORIES)))
                if rng.random() < 0.02:
                    events.append(self._event("slot", reply_at, name="identity_locked_until", value=reply_at + 900))
                late = intent == "order_status" and rng.random() < 0.15
                events += self._reply(reply_at, "action_order_request", "utter_order_late" if late else "utter_order_status")
            elif intent == "nlu_fallback":
                events += self._reply(reply_at, "action_did_you_mean")
            else:
                events += self._reply(reply_at, f"utter_{intent.replace('/', '_')}")
            events.append(self._event("action", reply_at + 0.002, name="action_listen", policy="policy_2_RulePolicy",
                                      confidence=1.0))
            moment += 20 + rng.expovariate(1 / 40)
        if handoff:
            reason = "complaint" if topic == "complaint" else rng.choice(REASONS)
            events.append(self._user(customer, "human_handoff", moment, language))
            reply_at = moment + (60 + rng.expovariate(1 / 80)) / 1000
            events += self._reply(reply_at, "action_handoff", "utter_handoff")
            events.append(self._event("pause", reply_at + 0.003))
            opened = reply_at + 0.01
            case = {"conversation_id": customer.sender_id, "channel": customer.channel, "language": language,
                    "reason": reason, "base_priority": 1, "status": "pending", "summary": "generated", "context": {},
                    "customer_key": f"customer:{customer.customer_id}" if customer.customer_id else
                    f"conversation:{customer.sender_id}", "customer_name": None, "contact": None, "created_at": opened}
            if rng.random() < 0.85:  # an agent took it
                case["claimed_at"] = opened + 30 + rng.expovariate(1 / 300)
                agent_reply_at = case["claimed_at"] + 5 + rng.expovariate(1 / 60)
                events.append(self._event("bot", agent_reply_at, text="hola", metadata={"agent": "demo"}))
                events.append(self._user(customer, "inform", agent_reply_at + 40, language))
                if rng.random() < 0.85:
                    case["closed_at"] = agent_reply_at + 60 + rng.expovariate(1 / 600)
                    case["status"] = "resolved" if rng.random() < 0.9 else "handed_back"
                    events.append(self._event("resume", case["closed_at"]))
                    if case["status"] == "resolved" and rng.random() < 0.6:
                        case["csat"] = rng.choice((5, 5, 4, 4, 3, 2, 1))
                        case["csat_at"] = case["closed_at"] + 30
                else:
                    case["status"] = "assigned"
            end = case.get("csat_at") or case.get("closed_at") or opened
        else:
            end = moment
        if rng.random() < 0.25:
            for kind, scores in (("nps", (10, 10, 9, 9, 8, 7, 6, 3, 0)), ("effort", (5, 5, 4, 4, 3, 2, 1))):
                surveys.append({"kind": kind, "conversation_id": customer.sender_id,
                                "customer_key": f"conversation:{customer.sender_id}", "channel": customer.channel,
                                "language": language, "asked_at": end + 1, "score": rng.choice(scores),
                                "answered_at": end + 20})
        return Generated(customer.sender_id, events, case, agent_reply_at, surveys)


def event_rows(generated: Generated) -> Iterator[Tuple[str, str, float, Optional[str], Optional[str], str]]:
    """(sender_id, type_name, timestamp, intent_name, action_name, data): Rasa's `events` columns."""
    for event in generated.events:
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        yield (generated.sender_id, event["event"], event["timestamp"], intent, event.get("name"), json.dumps(event))


def by_sender(sessions: List[Generated]) -> Dict[str, List[dict]]:
    """sender → events in time order, as the tracker store's reader returns them."""
    found: Dict[str, List[dict]] = {}
    for generated in sorted(sessions, key=lambda g: g.events[0]["timestamp"]):
        found.setdefault(generated.sender_id, []).extend(generated.events)
    return found


def events_table(metadata):
    """Rasa's SQLTrackerStore table `events`, with the columns and index it has."""
    from sqlalchemy import Column, Float, Integer, String, Table, Text

    return Table("events", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("sender_id", String(255), nullable=False, index=True),
                 Column("type_name", String(255), nullable=False), Column("timestamp", Float),
                 Column("intent_name", String(255)), Column("action_name", String(255)), Column("data", Text))


def write_tracker(engine, sessions: List[Generated]) -> int:
    """Rasa's `events` rows of the sessions, in the order given (portable; the bench uses COPY)."""
    from sqlalchemy import MetaData

    table = events_table(MetaData())
    table.metadata.create_all(engine)
    columns = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
    rows = [dict(zip(columns, row)) for generated in sessions for row in event_rows(generated)]
    with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(table.insert(), rows[start:start + 5000])
    return len(rows)


def write_handoff(engine, sessions: List[Generated]) -> int:
    """The cases, their first agent messages and the survey answers of the sessions."""
    from sqlalchemy import insert, select

    from bot.handoff import db

    with engine.begin() as conn:
        first = (conn.execute(select(db.cases.c.id).order_by(db.cases.c.id.desc()).limit(1)).scalar() or 0) + 1
        cases, messages, surveys = [], [], []
        for generated in sessions:
            if generated.case is not None:
                case_id = first + len(cases)
                cases.append({"id": case_id, **generated.case})
                if generated.agent_reply_at is not None:
                    messages.append({"case_id": case_id, "sender": "agent", "text": "hola", "kind": "message",
                                     "timestamp": generated.agent_reply_at, "agent": "demo",
                                     "event_key": f"agent@{generated.agent_reply_at}"})
            surveys += generated.surveys
        columns = [c.name for c in db.cases.c]
        for table, rows in ((db.cases, [{k: case.get(k) for k in columns} for case in cases]), (db.messages, messages),
                            (db.surveys, surveys)):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start:start + 5000])
        if cases and conn.dialect.name == "postgresql":  # the ids were given: the sequence goes on after them
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('handoff_cases', 'id'), (SELECT max(id) FROM handoff_cases))")
    return len(cases)
