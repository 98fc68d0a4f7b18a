"""The one small interface between the bot and a shop's systems.

Implementations: `bot.shop.sql.SqlShopBackend` (SQLite embedded default, PostgreSQL in
production, same code) and `bot.shop.shopify.ShopifyBackend` (Shopify Admin REST API).
`bot.shop.factory.backend_from_environment()` picks one from SHOP_BACKEND / SHOP_DATABASE_URL.

Every method may raise `BackendUnavailable` (down, too slow, or answering garbage): callers
tell the customer the shop system isn't answering and offer a person; nothing else breaks.
"""
from __future__ import annotations

from datetime import date
from typing import List, Optional, Protocol, Sequence

from bot.shop.model import Customer, Incident, Order, ReturnRecord


class BackendUnavailable(Exception):
    """The shop's system did not answer in time, or answered something unusable."""


class OrderNotChangeable(Exception):
    """The order can't be cancelled or changed any more (e.g. already shipped)."""


class ShopBackend(Protocol):
    async def find_order(self, order_id: str) -> Optional[Order]: ...

    async def find_customer(self, customer_id: str) -> Optional[Customer]: ...

    async def find_customer_by_email(self, email: str) -> Optional[Customer]: ...

    async def find_customer_by_phone(self, phone: str) -> Optional[Customer]: ...

    async def orders_of(self, customer_id: str) -> List[Order]:
        """The customer's orders, newest first."""

    async def returns_for(self, order_id: str) -> List[ReturnRecord]: ...

    async def incidents_of(self, customer_id: str) -> List[Incident]: ...

    async def open_return(self, order_id: str, skus: Sequence[str], reason: str, today: date) -> ReturnRecord:
        """Creates an RMA record (status `requested`) for these lines of the order."""

    async def cancel_order(self, order_id: str) -> Order:
        """Cancels an order that has not shipped; raises OrderNotChangeable otherwise."""

    async def change_address(self, order_id: str, address: str) -> Order:
        """Changes the shipping address of an order that has not shipped; OrderNotChangeable otherwise."""

    async def open_incident(self, customer_id: str, order_id: Optional[str], summary: str, today: date) -> Incident: ...
