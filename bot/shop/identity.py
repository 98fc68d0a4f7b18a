"""Who may see an order: the identity check, and the lock after repeated failures.

A customer sees an order only when the order number and the email or phone on it match, or
when a signed customer token (bot/shop/customer_token.py) names the order's owner. A wrong pair
and an order that doesn't exist get the same answer, so nobody can probe for order numbers.
"""
from __future__ import annotations

from typing import Optional, Tuple

from bot.shop.backend import ShopBackend
from bot.shop.identifiers import phone_key
from bot.shop.model import Customer, Order

MAX_FAILURES = 3
LOCK_SECONDS = 15 * 60


def contact_matches(customer: Customer, contact: str) -> bool:
    contact = (contact or "").strip()
    if "@" in contact:
        return contact.lower() == (customer.email or "").lower()
    given, known = phone_key(contact) or "", phone_key(customer.phone) or ""
    # A customer may leave out the country code: compare the national part (last 9 digits).
    return len(given) >= 9 and len(known) >= 9 and given[-9:] == known[-9:]


async def verified_order(
    backend: ShopBackend, order_id: str, contact: Optional[str] = None, customer_id: Optional[str] = None
) -> Optional[Order]:
    """The order if this customer may see it, else None (whether or not it exists)."""
    order = await backend.find_order(order_id)
    if order is None:
        return None
    if customer_id:
        return order if order.customer_id == customer_id else None
    if not contact:
        return None
    customer = await backend.find_customer(order.customer_id)
    return order if customer is not None and contact_matches(customer, contact) else None


def is_locked(locked_until: Optional[float], now: float) -> bool:
    if not locked_until:
        return False
    return now < float(locked_until)


def after_failure(failures: Optional[float], now: float) -> Tuple[int, Optional[float]]:
    """(failures, locked_until) after one more failed check: the third failure locks for 15 minutes."""
    count = int(failures or 0) + 1
    if count >= MAX_FAILURES:
        return 0, now + LOCK_SECONDS
    return count, None
