"""What the agent sees about the customer and their order, fetched from the shop backend when
the case opens: the same facts the bot answered from, so the agent doesn't look them up again.

Only a verified customer gets a profile (signed token, order number + email/phone, or the
WhatsApp number the platform vouches for): a name typed into the chat proves nothing.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any, Dict, Optional

from bot.shop.backend import BackendUnavailable, ShopBackend
from bot.shop.formatting import tracking_url
from bot.shop.model import Customer, Order
from bot.shop.returns import order_eligibility, refund_expectation


def _jsonable(value: Any) -> Any:
    """Dates as ISO strings, decimals as strings: the context is stored as JSON."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


async def verified_customer(backend: ShopBackend, customer_id: Optional[str], whatsapp_phone: Optional[str]) -> Optional[Customer]:
    if customer_id:
        return await backend.find_customer(customer_id)
    if whatsapp_phone:
        return await backend.find_customer_by_phone(whatsapp_phone)
    return None


async def customer_profile(backend: ShopBackend, customer: Customer) -> Dict[str, Any]:
    orders = await backend.orders_of(customer.id)
    incidents = await backend.incidents_of(customer.id)
    return _jsonable({
        **asdict(customer),
        "orders_count": len(orders),
        "orders": [{"id": o.id, "placed_on": o.placed_on, "status": o.status, "total_eur": o.total_eur} for o in orders[:10]],
        "open_incidents": [asdict(i) for i in incidents if i.status == "open"],
        "incidents": [asdict(i) for i in incidents],
    })


def order_lookup(order: Order, policy, today: date, verified: bool) -> Dict[str, Any]:
    late = bool(order.estimated_delivery and order.estimated_delivery < today
                and order.status in ("shipped", "in_transit", "paid", "preparing"))
    eligibility = [asdict(line) for line in order_eligibility(policy, order, today)] if order.status == "delivered" else []
    return _jsonable({
        "id": order.id, "status": order.status, "carrier": order.carrier, "tracking_number": order.tracking_number,
        # the carrier's page for it (shop/carriers.yml): the agent can put it in a reply with one click
        "tracking_url": tracking_url(order.carrier, order.tracking_number) or None,
        "placed_on": order.placed_on, "shipped_on": order.shipped_on, "estimated_delivery": order.estimated_delivery,
        "delivered_on": order.delivered_on, "late": late, "verified": verified, "total_eur": order.total_eur,
        "ship_to_country": order.ship_to_country, "shipping_address": order.shipping_address,
        "lines": [asdict(line) for line in order.lines], "return_eligibility": eligibility,
    })


async def lookups(backend: ShopBackend, policy, today: date, *, order_id: Optional[str],
                  customer: Optional[Customer]) -> Dict[str, Any]:
    """The verified order (status, lateness, return eligibility per line, refund state)."""
    if not order_id or customer is None:
        return {}
    order = await backend.find_order(order_id)
    if order is None or order.customer_id != customer.id:
        return {}
    found: Dict[str, Any] = {"order": order_lookup(order, policy, today, verified=True)}
    records = await backend.returns_for(order.id)
    if records:
        latest = max(records, key=lambda r: r.opened_on)
        found["refund"] = _jsonable({"rma": latest.rma, **asdict(refund_expectation(policy, latest, today))})
    return found


async def customer_and_lookups(backend: ShopBackend, policy, today: date, *, customer_id: Optional[str],
                               whatsapp_phone: Optional[str], order_id: Optional[str]) -> Dict[str, Any]:
    """{"customer": profile or None, "lookups": {...}}; a shop system that is down leaves both
    empty and says so, and the handoff goes ahead."""
    try:
        customer = await verified_customer(backend, customer_id, whatsapp_phone)
        profile = await customer_profile(backend, customer) if customer else None
        found = await lookups(backend, policy, today, order_id=order_id, customer=customer)
    except BackendUnavailable:
        return {"customer": None, "lookups": {"shop_system": "unavailable"}}
    return {"customer": profile, "lookups": found}
