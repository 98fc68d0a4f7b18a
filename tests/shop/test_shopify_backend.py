"""ShopifyBackend over real HTTP against a local fake Shopify (tests/shop/fake_shopify.py)."""
from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import List, Optional, Sequence

import pytest

from bot.shop.backend import BackendUnavailable, OrderNotChangeable
from bot.shop.model import Incident, ReturnRecord
from bot.shop.shopify import ShopifyBackend
from tests.shop.backend_contract import NASTY_INPUTS
from tests.shop.fake_shopify import DEMO_SHOP, FakeShopify

TODAY = date.today()
DEMO = json.loads(DEMO_SHOP.read_text(encoding="utf-8"))


class InMemoryRecords:
    """Test double for OUR store of returns and incidents, which ShopifyBackend delegates to."""

    def __init__(self) -> None:
        self.returns = [ReturnRecord("RMA-5001", "100955", TODAY - timedelta(days=12), "refund_issued", refund_eur=Decimal("79.00"))]
        self.incidents: List[Incident] = []

    async def returns_for(self, order_id: str) -> List[ReturnRecord]:
        return [r for r in self.returns if r.order_id == order_id]

    async def open_return(self, order_id: str, skus: Sequence[str], reason: str, today: date) -> ReturnRecord:
        record = ReturnRecord(f"RMA-{5001 + len(self.returns)}", order_id, today, "requested", reason=reason, skus=tuple(skus))
        self.returns.append(record)
        return record

    async def incidents_of(self, customer_id: str) -> List[Incident]:
        return [i for i in self.incidents if i.customer_id == customer_id]

    async def open_incident(self, customer_id: str, order_id: Optional[str], summary: str, today: date) -> Incident:
        incident = Incident(f"INC-{len(self.incidents) + 1}", customer_id, order_id, today, "open", summary)
        self.incidents.append(incident)
        return incident

    def __getattr__(self, name: str):
        raise AssertionError(f"ShopifyBackend asked our records for {name}, which Shopify has")


@pytest.fixture
def shop():
    with FakeShopify(today=TODAY) as fake:
        yield fake


def backend(shop: FakeShopify, token: Optional[str] = None, timeout_s: float = 1.0) -> ShopifyBackend:
    return ShopifyBackend(shop.url, token or shop.token, InMemoryRecords(), timeout_s=timeout_s)


def run(coroutine):
    return asyncio.run(coroutine)


def days(offset: Optional[int]) -> Optional[date]:
    return None if offset is None else TODAY + timedelta(days=offset)


# --- orders ----------------------------------------------------------------------------------
def test_order_in_transit_with_its_tracking(shop):
    order = run(backend(shop).find_order("100234"))
    assert (order.id, order.status, order.carrier, order.tracking_number) == ("100234", "in_transit", "SEUR", "SE4829910375ES")
    assert (order.placed_on, order.shipped_on, order.estimated_delivery, order.delivered_on) == (days(-6), days(-4), days(1), None)
    assert order.customer_id == str(shop.customer_id("c01"))
    assert (order.ship_to_country, order.payment, order.total_eur) == ("ES", "card", Decimal("89.90"))
    assert [(line.sku, line.category, line.qty, line.price_eur, line.final_sale) for line in order.lines] == [("JK-204-M", "apparel", 1, Decimal("89.90"), False)]
    assert order.shipping_address == "Calle Aurora 1, 28001 Demo City"
    assert run(backend(shop).find_order("#100234")) == order


def test_every_demo_order_maps_to_its_status_and_dates(shop):
    shopify = backend(shop)
    for demo in DEMO["orders"]:
        order = run(shopify.find_order(demo["id"]))
        assert order.status == demo["status"], demo["id"]
        assert order.delivered_on == days(demo["delivered_days"]), demo["id"]
        assert [line.category for line in order.lines] == [item["category"] for item in demo["items"]]
        assert [line.final_sale for line in order.lines] == [item["final_sale"] for item in demo["items"]]


def test_an_order_without_its_creation_date_is_an_unusable_answer(shop):
    # It used to become an order placed on None, which the model doesn't allow (Order.placed_on is a date).
    raw = next(o for o in shop.orders.values() if str(o["order_number"]) == "100234")
    raw["created_at"] = ""
    with pytest.raises(BackendUnavailable):
        run(backend(shop).find_order("100234"))


def test_unknown_or_malformed_order_is_none(shop):
    assert run(backend(shop).find_order("199999")) is None
    calls = len(shop.calls)
    assert run(backend(shop).find_order("abc/../x")) is None
    assert len(shop.calls) == calls  # not even asked


def test_injection_strings_are_harmless(shop):
    shopify = backend(shop)
    for text in NASTY_INPUTS + ["١٠٠٢٣٤", "1" * 30, None]:
        assert run(shopify.find_order(text)) is None, text
        assert run(shopify.find_customer(text)) is None, text
        assert run(shopify.find_customer_by_email(text)) is None, text
        assert run(shopify.find_customer_by_phone(text)) is None, text
        assert run(shopify.orders_of(text)) == [], text
        with pytest.raises(OrderNotChangeable):
            run(shopify.cancel_order(text))
    assert (run(shopify.find_order("100234")).status, run(shopify.find_order("100503")).status) == ("in_transit", "paid")


# --- customers -------------------------------------------------------------------------------
def test_customer_by_email_phone_and_id(shop):
    shopify = backend(shop)
    ana = run(shopify.find_customer_by_email("Ana.Garcia@Example.com"))
    assert (ana.name, ana.email, ana.country, ana.language, ana.tier) == ("Ana García", "ana.garcia@example.com", "ES", "es", "vip")
    assert ana.customer_since == days(-1400)
    for phone in ("+34600111222", "+34 600 111 222", "34-600-111-222", "0034 600 111 222"):
        assert run(shopify.find_customer_by_phone(phone)) == ana, phone
    assert run(shopify.find_customer(ana.id)) == ana
    assert run(shopify.find_customer_by_email("emily.chen@example.com")).tier == "new"
    assert run(shopify.find_customer_by_email("tom.baker@example.org")).tier == "regular"


def test_unknown_customer_is_none(shop):
    shopify = backend(shop)
    assert run(shopify.find_customer_by_email("nobody@example.com")) is None
    assert run(shopify.find_customer("999")) is None  # Shopify 404
    assert run(shopify.find_customer("c01")) is None  # not a Shopify id


def test_orders_of_follow_every_page_newest_first(shop):
    shopify = backend(shop)
    assert [o.id for o in run(shopify.orders_of(str(shop.customer_id("c01"))))] == ["100234", "100235"]
    assert shop.calls_to("GET", "/orders.json") == 2  # one order per page
    # status=any: the cancelled order is listed too
    assert [o.id for o in run(shopify.orders_of(str(shop.customer_id("c05"))))] == ["100871", "100801"]
    assert run(shopify.orders_of("999")) == []


def test_pages_are_capped_and_links_elsewhere_not_followed(shop, monkeypatch):
    customer_id = str(shop.customer_id("c01"))
    monkeypatch.setattr("bot.shop.shopify.MAX_PAGES", 1)
    assert [o.id for o in run(backend(shop).orders_of(customer_id))] == ["100235"]
    monkeypatch.undo()
    shop.link_base = "http://127.0.0.2:1"
    with pytest.raises(BackendUnavailable):
        run(backend(shop).orders_of(customer_id))


# --- changes ---------------------------------------------------------------------------------
def test_cancel_a_paid_order(shop):
    shopify = backend(shop)
    cancelled = run(shopify.cancel_order("100503"))
    assert (cancelled.id, cancelled.status) == ("100503", "cancelled")
    assert run(shopify.find_order("100503")).status == "cancelled"


@pytest.mark.parametrize("order_id", ["100234", "100871", "100955", "199999"])
def test_shipped_cancelled_returned_or_unknown_orders_cant_be_cancelled(shop, order_id):
    with pytest.raises(OrderNotChangeable):
        run(backend(shop).cancel_order(order_id))
    assert shop.calls_to("POST", "/cancel.json") == 0  # decided before asking Shopify


def test_change_address_of_an_unshipped_order(shop):
    shopify = backend(shop)
    changed = run(shopify.change_address("100503", "  Calle Nueva 5, 3ºB, 28004 Madrid "))
    assert (changed.shipping_address, changed.ship_to_country) == ("Calle Nueva 5, 3ºB, 28004 Madrid", "ES")
    assert run(shopify.find_order("100503")).shipping_address == changed.shipping_address
    with pytest.raises(OrderNotChangeable):
        run(shopify.change_address("100235", "Calle Nueva 5"))
    assert shop.calls_to("PUT", ".json") == 1  # only the first change reached Shopify


# --- our own records -------------------------------------------------------------------------
def test_returns_and_incidents_are_delegated_to_records(shop):
    shopify = backend(shop)
    assert [r.rma for r in run(shopify.returns_for("100955"))] == ["RMA-5001"]
    opened = run(shopify.open_return("100235", ["HP-900"], "broken", TODAY))
    assert (opened.order_id, opened.status, opened.skus) == ("100235", "requested", ("HP-900",))
    assert run(shopify.returns_for("100235")) == [opened]
    incident = run(shopify.open_incident("6000000001", "100234", "late parcel", TODAY))
    assert run(shopify.incidents_of("6000000001")) == [incident]
    assert shop.calls == []  # Shopify never asked


# --- failures --------------------------------------------------------------------------------
def test_429_is_retried_after_retry_after(shop):
    shop.throttle(times=2, retry_after="0.2")
    started = time.monotonic()
    assert run(backend(shop).find_order("100234")).status == "in_transit"
    assert time.monotonic() - started >= 0.4
    assert len(shop.calls) == 3


@pytest.mark.parametrize("times, retry_after", [(3, "0.1"), (1, "60")])
def test_429_gives_up_after_two_retries_or_a_long_retry_after(shop, times, retry_after):
    shop.throttle(times=times, retry_after=retry_after)
    started = time.monotonic()
    with pytest.raises(BackendUnavailable):
        run(backend(shop).find_order("100234"))
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("failure", ["401", "500", "slow", "garbage", "wrong_shape"])
@pytest.mark.parametrize("call", ["find_order", "find_customer_by_email", "orders_of", "cancel_order"])
def test_failures_are_backend_unavailable_fast(shop, failure, call):
    shop.fail = failure
    argument = {"find_customer_by_email": "ana.garcia@example.com", "orders_of": str(shop.customer_id("c01"))}.get(call, "100503")
    started = time.monotonic()
    with pytest.raises(BackendUnavailable):
        run(getattr(backend(shop), call)(argument))
    assert time.monotonic() - started < 5


def test_wrong_token_is_backend_unavailable(shop):
    with pytest.raises(BackendUnavailable):
        run(backend(shop, token="shpat_wrong").find_order("100234"))


def test_nobody_listening_is_backend_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    shopify = ShopifyBackend(f"http://127.0.0.1:{port}", "token", InMemoryRecords(), timeout_s=1.0)
    with pytest.raises(BackendUnavailable):
        run(shopify.find_order("100234"))


def test_logs_carry_no_personal_data_or_token(shop, caplog):
    caplog.set_level(logging.DEBUG, logger="bot.shop.shopify")
    shopify = backend(shop)
    for failure in ("500", "garbage", "wrong_shape"):
        shop.fail = failure
        with pytest.raises(BackendUnavailable):
            run(shopify.find_customer_by_email("ana.garcia@example.com"))
        with pytest.raises(BackendUnavailable):
            run(shopify.orders_of(str(shop.customer_id("c01"))))
    assert caplog.records
    for secret in ("ana.garcia", "example.com", shop.token, str(shop.customer_id("c01"))):
        assert secret not in caplog.text
