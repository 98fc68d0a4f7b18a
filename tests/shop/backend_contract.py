"""What every ShopBackend must do when it holds the demo shop (shop/demo_shop.json) seeded at `today`.

Each check is `async def check_...(backend, today)` and expects a freshly seeded shop (some of
them write). Beyond the interface's docstrings it fixes one choice: cancelling or re-addressing
an order that doesn't exist raises OrderNotChangeable too (callers handle one exception). A backend's tests run every one of CHECKS, e.g.

    @pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
    def test_contract(seeded_backend, check):
        asyncio.run(check(seeded_backend, TODAY))
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.shop.backend import OrderNotChangeable

# What customers (or attackers) might type where an id, email or phone is expected.
NASTY_INPUTS = [
    "100234' OR '1'='1",
    "100234; DROP TABLE orders; --",
    "' OR 1=1 --",
    "\" OR \"\"=\"",
    "ana.garcia@example.com' --",
    "' UNION SELECT * FROM customers --",
    "%", "_", "*",
    "100234\x00",
    "x" * 5000,
]


async def check_order_in_transit_with_tracking(backend, today: date):
    order = await backend.find_order("100234")
    assert order is not None
    assert (order.id, order.customer_id, order.status) == ("100234", "c01", "in_transit")
    assert (order.carrier, order.tracking_number) == ("SEUR", "SE4829910375ES")
    assert order.estimated_delivery == today + timedelta(days=1)
    assert order.placed_on == today - timedelta(days=6) and order.delivered_on is None
    assert order.total_eur == Decimal("89.90") and isinstance(order.total_eur, Decimal)
    assert [(line.sku, line.qty, line.price_eur) for line in order.lines] == [("JK-204-M", 1, Decimal("89.90"))]
    assert order.shipped and order.shipping_address
    customer = await backend.find_customer(order.customer_id)
    assert (customer.name, customer.tier) == ("Ana García", "vip")


async def check_order_lines_keep_their_details(backend, today: date):
    order = await backend.find_order("100502")
    assert [line.sku for line in order.lines] == ["SN-330-38", "SW-101-S"]
    assert order.lines[1].category == "swimwear" and order.lines[1].final_sale is False
    assert (await backend.find_order("100778")).lines[0].final_sale is True
    unshipped = await backend.find_order("100503")
    assert unshipped.carrier is None and unshipped.shipped_on is None and not unshipped.shipped


async def check_unknown_order_is_none(backend, today: date):
    assert await backend.find_order("199999") is None
    assert await backend.find_order("") is None
    assert await backend.returns_for("199999") == []


async def check_customer_by_id_and_unknown(backend, today: date):
    customer = await backend.find_customer("c01")
    assert (customer.email, customer.country, customer.language) == ("ana.garcia@example.com", "ES", "es")
    assert customer.customer_since == today - timedelta(days=1400)
    assert await backend.find_customer("c99") is None


async def check_customer_by_email_in_any_case(backend, today: date):
    for email in ("ana.garcia@example.com", "Ana.Garcia@Example.COM", "ANA.GARCIA@EXAMPLE.COM"):
        customer = await backend.find_customer_by_email(email)
        assert customer is not None and customer.id == "c01", email
    assert await backend.find_customer_by_email("nobody@example.com") is None


async def check_customer_by_phone_with_spaces(backend, today: date):
    for phone in ("+34600111222", "+34 600 111 222", "34-600-111-222", "0034 600 111 222"):
        customer = await backend.find_customer_by_phone(phone)
        assert customer is not None and customer.id == "c01", phone
    assert (await backend.find_customer_by_phone("+52 1 55 1234 5678")).id == "c03"
    assert await backend.find_customer_by_phone("+34 699 999 999") is None


async def check_orders_of_newest_first(backend, today: date):
    assert [o.id for o in await backend.orders_of("c01")] == ["100234", "100235"]
    assert [o.id for o in await backend.orders_of("c02")] == ["100503", "100502"]
    assert await backend.orders_of("c99") == []


async def check_returns_for_refunded_order(backend, today: date):
    [record] = await backend.returns_for("100955")
    assert (record.rma, record.order_id, record.status) == ("RMA-5001", "100955", "refund_issued")
    assert record.refund_issued_on == today - timedelta(days=2)
    assert record.refund_eur == Decimal("79.00") and record.refund_to == "card"
    assert record.skus == ("JN-500-40",)
    [rejected] = await backend.returns_for("100235")
    assert rejected.status == "rejected" and "window" in rejected.reason


async def check_incidents_of_customer(backend, today: date):
    [incident] = await backend.incidents_of("c03")
    assert (incident.status, incident.order_id) == ("open", "100610")
    assert incident.opened_on == today - timedelta(days=1)
    assert [i.status for i in await backend.incidents_of("c01")] == ["closed"]
    assert await backend.incidents_of("c02") == []


async def check_open_return_is_numbered_and_listed(backend, today: date):
    record = await backend.open_return("100502", ["SN-330-38"], "too small", today)
    assert (record.rma, record.status, record.order_id) == ("RMA-5003", "requested", "100502")
    assert record.opened_on == today and record.skus == ("SN-330-38",)
    [listed] = await backend.returns_for("100502")
    assert (listed.rma, listed.status, listed.skus, listed.reason) == ("RMA-5003", "requested", ("SN-330-38",), "too small")
    assert (await backend.open_return("100801", ["TB-10"], "broken", today)).rma == "RMA-5004"


async def check_cancel_unshipped_order(backend, today: date):
    order = await backend.cancel_order("100503")
    assert (order.id, order.status) == ("100503", "cancelled")
    assert (await backend.find_order("100503")).status == "cancelled"
    assert (await backend.cancel_order("100920")).status == "cancelled"  # pending_payment


async def check_cannot_cancel_shipped_or_cancelled_order(backend, today: date):
    for order_id in ("100234", "100777", "100235", "100871"):  # in_transit, shipped, delivered, cancelled
        status = (await backend.find_order(order_id)).status
        with pytest.raises(OrderNotChangeable):
            await backend.cancel_order(order_id)
        assert (await backend.find_order(order_id)).status == status


async def check_change_address_of_unshipped_order(backend, today: date):
    address = "Calle Nueva 7, 3º B, Sevilla, ES"
    order = await backend.change_address("100503", address)
    assert order.shipping_address == address and order.status == "paid"
    assert (await backend.find_order("100503")).shipping_address == address


async def check_cannot_change_address_of_shipped_order(backend, today: date):
    before = (await backend.find_order("100234")).shipping_address
    with pytest.raises(OrderNotChangeable):
        await backend.change_address("100234", "Calle Nueva 7, Sevilla, ES")
    assert (await backend.find_order("100234")).shipping_address == before


async def check_open_incident_is_numbered_and_listed(backend, today: date):
    first = await backend.open_incident("c02", "100502", "Wants to return the bikini", today)
    second = await backend.open_incident("c02", None, "Asked for a person", today)
    assert first.id.startswith("INC-") and second.id.startswith("INC-") and first.id != second.id
    assert (first.status, first.opened_on, first.order_id) == ("open", today, "100502")
    listed = await backend.incidents_of("c02")
    assert {i.id for i in listed} == {first.id, second.id}
    assert {i.summary for i in listed} == {"Wants to return the bikini", "Asked for a person"}


async def check_injection_strings_are_harmless(backend, today: date):
    for text in NASTY_INPUTS:
        assert await backend.find_order(text) is None, text
        assert await backend.find_customer(text) is None, text
        assert await backend.find_customer_by_email(text) is None, text
        assert await backend.find_customer_by_phone(text) is None, text
        assert await backend.orders_of(text) == [], text
        assert await backend.returns_for(text) == [], text
        assert await backend.incidents_of(text) == [], text
        with pytest.raises(OrderNotChangeable):
            await backend.cancel_order(text)
    # Nothing was broken, dropped or changed.
    assert (await backend.find_order("100234")).status == "in_transit"
    assert [o.id for o in await backend.orders_of("c01")] == ["100234", "100235"]
    assert (await backend.find_order("100503")).status == "paid"


CHECKS = [value for name, value in list(globals().items()) if name.startswith("check_")]
