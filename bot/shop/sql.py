"""The shop kept in a SQL database: SQLite (the embedded default) or PostgreSQL, same code.

SQLAlchemy Core, which blocks, so every call runs in a worker thread (the bot's event loop never
waits on the database) and is bounded by `timeout_s`. Whatever goes wrong in the database (down,
slow, locked, missing tables) reaches the caller as `BackendUnavailable`, never as a driver error.
Values only ever travel as bound parameters.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal
from typing import Callable, Dict, List, Optional, Sequence, TypeVar

from sqlalchemy import (
    JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, Numeric, String, Table, Text,
    TypeDecorator, cast, func, insert, select, update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot import sql_engine
from bot.shop import model
from bot.shop.backend import BackendUnavailable, OrderNotChangeable
from bot.shop.identifiers import phone_key
from bot.shop.model import Customer, Incident, Order, OrderLine, ReturnRecord

T = TypeVar("T")
CENT = Decimal("0.01")
FIRST_RMA = 5001  # numbers used when there is no RMA / incident yet
FIRST_INCIDENT = 1001


class Money(TypeDecorator):
    """NUMERIC(10,2) that always reads back as a Decimal in cents.

    SQLite has no decimal type: SQLAlchemy would go through float and warn on every read, so there
    we take the float and round it to cents ourselves (exact for shop-sized amounts)."""

    impl = Numeric(10, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(Numeric(10, 2, asdecimal=dialect.supports_native_decimal))

    def process_bind_param(self, value, dialect):
        return None if value is None else Decimal(str(value)).quantize(CENT)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(str(value)).quantize(CENT)


metadata = MetaData()

customers = Table(
    "customers", metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("email", String, nullable=False),
    Column("phone", String, nullable=False),
    Column("phone_key", String, nullable=False, index=True),  # phone_key(phone): what lookups compare
    Column("country", String, nullable=False),
    Column("language", String, nullable=False),
    Column("tier", String, nullable=False),
    Column("customer_since", Date, nullable=False),
)
Index("ix_customers_email_lower", func.lower(customers.c.email))

orders = Table(
    "orders", metadata,
    Column("id", String, primary_key=True),
    Column("customer_id", String, ForeignKey("customers.id"), nullable=False, index=True),
    Column("placed_on", Date, nullable=False),
    Column("status", String, nullable=False),
    Column("ship_to_country", String, nullable=False),
    Column("payment", String, nullable=False),
    Column("total_eur", Money, nullable=False),
    Column("carrier", String),
    Column("tracking_number", String),
    Column("shipped_on", Date),
    Column("estimated_delivery", Date),
    Column("delivered_on", Date),
    Column("shipping_address", Text),
)

order_lines = Table(
    "order_lines", metadata,
    Column("order_id", String, ForeignKey("orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),  # keeps the lines in the order they were bought
    Column("sku", String, nullable=False),
    Column("title", String, nullable=False),
    Column("category", String, nullable=False),
    Column("qty", Integer, nullable=False),
    Column("price_eur", Money, nullable=False),
    Column("final_sale", Boolean, nullable=False, default=False),
)

returns = Table(
    "returns", metadata,
    Column("rma", String, primary_key=True),
    # No foreign key: ShopifyBackend keeps its returns here, for orders that live in Shopify.
    Column("order_id", String, nullable=False, index=True),
    Column("opened_on", Date, nullable=False),
    Column("status", String, nullable=False),
    Column("received_on", Date),
    Column("refund_eur", Money, nullable=False),
    Column("refund_issued_on", Date),
    Column("refund_to", String),
    Column("reason", Text),
    Column("skus", JSON, nullable=False),  # the skus of the lines returned, a JSON list
)

incidents = Table(
    "incidents", metadata,
    Column("id", String, primary_key=True),
    # No foreign keys: an incident is a note about a conversation and must be writable even
    # when the customer or order it mentions is unknown to the shop.
    Column("customer_id", String, nullable=False, index=True),
    Column("order_id", String),
    Column("opened_on", Date, nullable=False),
    Column("status", String, nullable=False),
    Column("summary", Text, nullable=False),
)

def make_engine(url: str, timeout_s: float = 3.0) -> Engine:
    """An engine whose waits are bounded, so a worker thread left behind by a timed-out call ends
    soon: on PostgreSQL the server cancels a query nobody waits for any more."""
    return sql_engine.make_engine(url, timeout_s, statement_timeout=True)


def _key(value) -> Optional[str]:
    """A lookup argument, or None when it can't match anything. (PostgreSQL refuses NUL
    characters outright, which would surface as a driver error rather than "not found".)"""
    if not isinstance(value, str) or "\x00" in value or not value.strip():
        return None
    return value.strip()


def _text(value) -> str:
    return str(value).replace("\x00", "")


def _record(cls, row, **given):
    """The model record from a row whose columns are named like the record's fields."""
    mapping = row._mapping
    return cls(**{f.name: mapping[f.name] for f in fields(cls) if f.name not in given}, **given)


def _first(items):
    return items[0] if items else None


def _orders(conn: Connection, where) -> List[Order]:
    """Orders matching `where` with their lines, newest first."""
    rows = conn.execute(select(orders).where(where).order_by(orders.c.placed_on.desc(), orders.c.id.desc())).all()
    if not rows:
        return []
    lines: Dict[str, List[OrderLine]] = {}
    query = (select(order_lines).where(order_lines.c.order_id.in_([r.id for r in rows]))
             .order_by(order_lines.c.order_id, order_lines.c.line_no))
    for line in conn.execute(query):
        lines.setdefault(line.order_id, []).append(_record(OrderLine, line))
    return [_record(Order, r, lines=tuple(lines.get(r.id, ()))) for r in rows]


def _next_id(conn: Connection, column, prefix: str, first: int) -> str:
    """"RMA-5003" after "RMA-5002": numeric, since as text "RMA-999" would sort after "RMA-5002"."""
    highest = conn.execute(select(func.max(cast(func.substr(column, len(prefix) + 1), Integer)))).scalar()
    return f"{prefix}{first if highest is None else highest + 1}"


class SqlShopBackend:
    """`ShopBackend` on a SQLAlchemy URL, e.g. sqlite:///var/shop.db or postgresql://user@host/db.

    The tables must exist (`bot.shop.seed` creates them): a database without them is unavailable,
    not an empty shop, so a misconfigured bot never tells customers their order doesn't exist."""

    def __init__(self, url: str, timeout_s: float = 3.0) -> None:
        self.timeout_s = timeout_s
        self.engine = make_engine(url, timeout_s)

    def on_connection(self, conn: Connection) -> None:
        """Runs first in every call's transaction. Nothing here; tests override it to play a slow database."""

    def close(self) -> None:
        self.engine.dispose()

    async def _run(self, work: Callable[[Connection], T], retry_on_clash: bool = False) -> T:
        """`work` in one transaction in a worker thread, within timeout_s. With retry_on_clash it
        starts over when another caller took the same new id first (each round one of them wins)."""
        deadline = time.monotonic() + self.timeout_s

        def in_thread() -> T:
            while True:
                try:
                    with self.engine.begin() as conn:
                        self.on_connection(conn)
                        return work(conn)
                except IntegrityError:
                    if not retry_on_clash or time.monotonic() > deadline:
                        raise

        try:
            return await asyncio.wait_for(asyncio.to_thread(in_thread), self.timeout_s)
        except asyncio.TimeoutError as error:
            # The thread may still finish a write; the database's own timeouts stop it soon.
            raise BackendUnavailable(f"shop database did not answer within {self.timeout_s} s") from error
        except SQLAlchemyError as error:
            first_line = (str(error).splitlines() or [""])[0][:200]
            raise BackendUnavailable(f"shop database: {type(error).__name__}: {first_line}") from error

    async def find_order(self, order_id: str) -> Optional[Order]:
        key = _key(order_id)
        if key is None:
            return None
        return await self._run(lambda conn: _first(_orders(conn, orders.c.id == key)))

    async def find_customer(self, customer_id: str) -> Optional[Customer]:
        return await self._find_customer(customers.c.id == _key(customer_id), _key(customer_id))

    async def find_customer_by_email(self, email: str) -> Optional[Customer]:
        key = _key(email)
        return await self._find_customer(func.lower(customers.c.email) == (key or "").lower(), key)

    async def find_customer_by_phone(self, phone: str) -> Optional[Customer]:
        key = phone_key(phone)
        return await self._find_customer(customers.c.phone_key == key, key)

    async def _find_customer(self, where, key) -> Optional[Customer]:
        if key is None:
            return None
        # Several customers could share a phone (family): the oldest one wins, predictably.
        query = select(customers).where(where).order_by(customers.c.customer_since, customers.c.id).limit(1)
        row = await self._run(lambda conn: conn.execute(query).first())
        return None if row is None else _record(Customer, row)

    async def orders_of(self, customer_id: str) -> List[Order]:
        key = _key(customer_id)
        if key is None:
            return []
        return await self._run(lambda conn: _orders(conn, orders.c.customer_id == key))

    async def returns_for(self, order_id: str) -> List[ReturnRecord]:
        key = _key(order_id)
        if key is None:
            return []
        query = select(returns).where(returns.c.order_id == key).order_by(returns.c.opened_on, returns.c.rma)
        rows = await self._run(lambda conn: conn.execute(query).all())
        return [_record(ReturnRecord, r, skus=tuple(r.skus)) for r in rows]

    async def incidents_of(self, customer_id: str) -> List[Incident]:
        key = _key(customer_id)
        if key is None:
            return []
        query = (select(incidents).where(incidents.c.customer_id == key)
                 .order_by(incidents.c.opened_on.desc(), incidents.c.id.desc()))
        rows = await self._run(lambda conn: conn.execute(query).all())
        return [_record(Incident, r) for r in rows]

    async def open_return(self, order_id: str, skus: Sequence[str], reason: str, today: date) -> ReturnRecord:
        """The order may live elsewhere (ShopifyBackend keeps its returns here); when it is one of
        ours, the skus must be lines of it. ValueError otherwise: callers look the order up first."""
        key, wanted = _key(order_id), tuple(_text(sku) for sku in skus)  # a tuple: a retry reads it again
        if key is None or not wanted:
            raise ValueError(f"a return needs an order and skus, got {order_id!r} and {wanted!r}")

        def work(conn: Connection) -> ReturnRecord:
            order = _first(_orders(conn, orders.c.id == key))
            unknown = (set(wanted) - {line.sku for line in order.lines}) if order else set()
            if unknown:
                raise ValueError(f"order {key} has no lines {sorted(unknown)}")
            record = ReturnRecord(
                rma=_next_id(conn, returns.c.rma, "RMA-", FIRST_RMA), order_id=key, opened_on=today,
                status="requested", reason=None if reason is None else _text(reason), skus=wanted,
            )
            conn.execute(insert(returns).values(**asdict(record)))
            return record

        return await self._run(work, retry_on_clash=True)

    async def cancel_order(self, order_id: str) -> Order:
        return await self._change_unshipped(order_id, status="cancelled")

    async def change_address(self, order_id: str, address: str) -> Order:
        if not isinstance(address, str) or not address.strip():
            raise ValueError("the new address is empty")
        return await self._change_unshipped(order_id, shipping_address=_text(address).strip())

    async def _change_unshipped(self, order_id: str, **values) -> Order:
        """Check and update are one statement, so an order that ships meanwhile stays unchanged."""
        key = _key(order_id)

        def work(conn: Connection) -> Order:
            changed = 0
            if key is not None:
                changed = conn.execute(
                    update(orders).where(orders.c.id == key, orders.c.status.in_(model.NOT_YET_SHIPPED)).values(**values)
                ).rowcount
            order = _first(_orders(conn, orders.c.id == key)) if key else None
            if order is None:
                raise OrderNotChangeable(f"there is no order {order_id!r}")
            if not changed:
                raise OrderNotChangeable(f"order {order.id} is {order.status}")
            return order

        return await self._run(work)

    async def open_incident(self, customer_id: str, order_id: Optional[str], summary: str, today: date) -> Incident:
        def work(conn: Connection) -> Incident:
            record = Incident(
                id=_next_id(conn, incidents.c.id, "INC-", FIRST_INCIDENT), customer_id=_text(customer_id),
                order_id=None if order_id is None else _text(order_id), opened_on=today, status="open",
                summary=_text(summary),
            )
            conn.execute(insert(incidents).values(**asdict(record)))
            return record

        return await self._run(work, retry_on_clash=True)
