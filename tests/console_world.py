"""A handoff store with a day's worth of cases for the console's tests: a VIP who says it's urgent
arriving after older tickets, the same customer writing on two channels, cases in three languages
and four teams; and the agents who work them.

The cases are made by the store itself (what bot/handoff/intake.py calls), with the context the
intake would have gathered.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List

from bot.handoff import db, triage
from bot.handoff.accounts import Accounts
from bot.handoff.store import HandoffStore, NewMessage

PASSWORD = "console-world-password"
# username, display name, role, languages, teams
AGENTS = [
    ("lucia", "Lucía", "agent", ["es"], ["returns", "general"]),
    ("tom", "Tom", "agent", ["en"], ["payments"]),
    ("jefa", "Marta", "supervisor", [], []),
]
MINUTE = 60


def _case(store: HandoffStore, *, conversation: str, name: str, customer_id: str, tier: str, language: str, channel: str,
          reason: str, texts: List[str], intents: List[str], minutes_ago: float, status: str, now: float,
          email: str = "", phone: str = "", order: Dict[str, Any] = None, urgent: bool = False) -> Dict[str, Any]:
    created = now - minutes_ago * MINUTE
    customer = {"id": customer_id, "name": name, "tier": tier, "email": email, "phone": phone}
    context = {
        "slots": {"language": language, **({"order_id": order["id"]} if order else {})},
        "identity_verified": bool(order), "customer": customer,
        "intents": [{"text": t, "intent": i, "confidence": 0.9} for t, i in zip(texts, intents)], "entities": [],
        "lookups": {"order": order} if order else {}, "earlier_cases": [], "anger": False,
        "support": {"in_hours": status == "pending", "agents_online": 1 if status == "pending" else 0},
    }
    transcript = [NewMessage(sender="customer", text=t, timestamp=created - 30 + i, channel=channel, event_key=f"c{i}")
                  for i, t in enumerate(texts)]
    transcript.insert(1, NewMessage(sender="bot", text="¿Con qué te ayudo?", timestamp=created - 29.5, buttons=["Mi pedido", "Devoluciones"],
                                    event_key="b0"))
    return store.open_case(
        conversation_id=conversation, channel=channel, language=language, reason=reason,
        base_priority=triage.base_priority(reason, tier, False, False, urgent), status=status,
        summary="", context=context, customer_key=f"customer:{customer_id}", customer_name=name,
        contact=email or phone, transcript=transcript, now=created, category=triage.category_for(reason, intents),
    )


def seed(url: str, now: float = None) -> Dict[str, Any]:
    """Fills the store at `url`; returns the cases by role in the story."""
    now = now or time.time()
    store = HandoffStore(db.make_engine(url))
    accounts = Accounts(store.engine)
    for username, display, role, languages, teams in AGENTS:
        accounts.set_agent(username, PASSWORD, display, role)
        accounts.set_preferences(username, languages=languages, teams=teams)
    cases = {}
    # Five older tickets from the night, then live chats.
    for i in range(5):
        cases[f"ticket{i}"] = _case(store, conversation=f"night-{i}", name=f"Cliente Nocturno {i}", customer_id=f"n{i}", tier="regular",
                                    language="es", channel="whatsapp", reason="customer_request", texts=["hola, necesito ayuda con mi pedido"],
                                    intents=["order_status"], minutes_ago=200 - i, status="ticket", now=now, phone=f"+3461100000{i}")
    cases["vip"] = _case(store, conversation="vip-ana", name="Ana García", customer_id="c01", tier="vip", language="es", channel="socketio",
                         reason="customer_request", texts=["es urgente, mi pedido 100234 no llega", "quiero hablar con una persona"],
                         intents=["order_status", "human_handoff"], minutes_ago=2, status="pending", now=now,
                         email="ana.garcia@example.com", phone="+34600111222", urgent=True,
                         order={"id": "100234", "status": "in_transit", "carrier": "SEUR", "late": False, "verified": True,
                                "tracking_url": "https://seur.example/track/SEU100234", "estimated_delivery": "2026-12-03",
                                "return_eligibility": [{"title": "Botas de montaña", "returnable": True, "last_day": "2026-12-31"}]})
    cases["vip_whatsapp"] = _case(store, conversation="vip-ana-wa", name="Ana García", customer_id="c01", tier="vip", language="es",
                                  channel="whatsapp", reason="customer_request", texts=["¿me podéis llamar?"], intents=["human_handoff"],
                                  minutes_ago=1, status="pending", now=now, email="ana.garcia@example.com")
    cases["refund_es"] = _case(store, conversation="refund-lucia", name="Lucía Fernández", customer_id="c02", tier="regular", language="es",
                               channel="socketio", reason="customer_request", texts=["¿dónde está mi reembolso?"], intents=["refund_status"],
                               minutes_ago=6, status="pending", now=now, email="lucia.fernandez@example.com")
    cases["payment_en"] = _case(store, conversation="payment-tom", name="Tom Baker", customer_id="c06", tier="regular", language="en",
                                channel="socketio", reason="double_charge", texts=["I was charged twice for order 100920"],
                                intents=["payment_problem"], minutes_ago=4, status="pending", now=now, email="tom.baker@example.com")
    store.engine.dispose()  # SQLite: the file is complete (and can be copied) once closed
    return cases


def new_case(store: HandoffStore, *, conversation: str, name: str, customer_id: str, language: str, text: str) -> Dict[str, Any]:
    """A customer asks for a person now (a case arriving while agents watch the queue)."""
    return _case(store, conversation=conversation, name=name, customer_id=customer_id, tier="regular", language=language,
                 channel="socketio", reason="customer_request", texts=[text], intents=["damaged_item"], minutes_ago=0,
                 status="pending", now=time.time())
