"""What the bot knows about a shop: plain, immutable records every backend returns.

Dates are `datetime.date` in the shop's time zone; money is in EUR as `Decimal`.
Order statuses: paid, preparing, shipped, in_transit, delivered, cancelled, pending_payment, returned.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional, Tuple

ORDER_STATUSES = ("paid", "preparing", "shipped", "in_transit", "delivered", "cancelled", "pending_payment", "returned")
NOT_YET_SHIPPED = ("pending_payment", "paid", "preparing")


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: str
    phone: str
    country: str
    language: str
    tier: str  # vip | regular | new
    customer_since: date


@dataclass(frozen=True)
class OrderLine:
    sku: str
    title: str
    category: str
    qty: int
    price_eur: Decimal
    final_sale: bool = False


STILL_COMING = ("paid", "preparing", "shipped", "in_transit")


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    placed_on: date
    status: str
    ship_to_country: str
    payment: str
    total_eur: Decimal
    lines: Tuple[OrderLine, ...]
    carrier: Optional[str] = None
    tracking_number: Optional[str] = None
    shipped_on: Optional[date] = None
    estimated_delivery: Optional[date] = None
    delivered_on: Optional[date] = None
    shipping_address: Optional[str] = None

    @property
    def shipped(self) -> bool:
        return self.status not in NOT_YET_SHIPPED and self.status != "cancelled"

    def is_late(self, today: date) -> bool:
        """Still on its way (or not yet sent) after its estimated delivery day."""
        return bool(self.estimated_delivery and self.estimated_delivery < today and self.status in STILL_COMING)


@dataclass(frozen=True)
class ReturnRecord:
    rma: str
    order_id: str
    opened_on: date
    status: str  # requested | received | refund_issued | rejected
    received_on: Optional[date] = None
    refund_eur: Decimal = Decimal("0")
    refund_issued_on: Optional[date] = None
    refund_to: Optional[str] = None
    reason: Optional[str] = None
    skus: Tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Incident:
    id: str
    customer_id: str
    order_id: Optional[str]
    opened_on: date
    status: str  # open | closed
    summary: str
