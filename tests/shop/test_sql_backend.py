"""SqlShopBackend against SQLite (a temporary file) and this machine's PostgreSQL.

PostgreSQL tests use a schema of their own per run (tests/postgres.py).
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from bot.shop.backend import BackendUnavailable
from bot.shop.seed import seed_demo_shop
from bot.shop.sql import SqlShopBackend, metadata
from tests.postgres import fresh_schema_url
from tests.shop.backend_contract import CHECKS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_SHOP = PROJECT_ROOT / "shop" / "demo_shop.json"
TODAY = date.today()


@pytest.fixture(scope="module")
def postgres_url():
    with fresh_schema_url("shop_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shop.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def backend(url):
    seed_demo_shop(url, TODAY, DEMO_SHOP)
    backend = SqlShopBackend(url)
    yield backend
    backend.close()


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_contract(backend, check):
    asyncio.run(check(backend, TODAY))


def test_changes_persist_for_a_new_backend_on_the_same_url(backend, url):
    async def write():
        await backend.cancel_order("100503")
        await backend.change_address("100920", "1 Elm Street, Boston, US")
        return await backend.open_return("100502", ["SW-101-S"], "wrong colour", TODAY)

    record = asyncio.run(write())
    backend.close()
    again = SqlShopBackend(url)
    try:
        async def read():
            return (await again.find_order("100503"), await again.find_order("100920"), await again.returns_for("100502"))

        cancelled, readdressed, listed = asyncio.run(read())
        assert cancelled.status == "cancelled"
        assert readdressed.shipping_address == "1 Elm Street, Boston, US"
        assert listed == [record]
    finally:
        again.close()


def test_concurrent_returns_get_distinct_numbers(backend):
    async def open_many():
        orders = [("100502", "SN-330-38"), ("100502", "SW-101-S"), ("100801", "TB-10"), ("100235", "HP-900")]
        return await asyncio.gather(*(backend.open_return(o, [sku], "test", TODAY) for o, sku in orders))

    numbers = sorted(r.rma for r in asyncio.run(open_many()))
    assert numbers == ["RMA-5003", "RMA-5004", "RMA-5005", "RMA-5006"]


def test_returns_for_orders_kept_elsewhere_are_recorded(backend):
    """ShopifyBackend keeps its returns here, for orders this database doesn't have."""
    async def run():
        record = await backend.open_return("450789", ["SHOPIFY-SKU-1"], "too big", TODAY)
        return record, await backend.returns_for("450789")

    record, listed = asyncio.run(run())
    assert record.rma == "RMA-5003" and listed == [record]


def test_returns_of_our_orders_must_name_their_lines(backend):
    with pytest.raises(ValueError):
        asyncio.run(backend.open_return("100502", ["HP-900"], "not in this order", TODAY))
    with pytest.raises(ValueError):
        asyncio.run(backend.open_return("100502", [], "no lines", TODAY))
    assert asyncio.run(backend.returns_for("100502")) == []

def _content(url):
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return {t.name: sorted(map(repr, conn.execute(select(t)).all())) for t in metadata.sorted_tables}
    finally:
        engine.dispose()


def test_seeding_again_replaces_everything_with_the_same_content(backend, url):
    first = _content(url)
    asyncio.run(backend.cancel_order("100503"))
    asyncio.run(backend.open_incident("c01", None, "temporary", TODAY))
    seed_demo_shop(url, TODAY, DEMO_SHOP)
    assert _content(url) == first
    assert asyncio.run(backend.find_order("100503")).status == "paid"


def test_demo_orders_have_addresses_in_their_country(backend):
    async def addresses():
        return {o.id: o.shipping_address for c in ("c01", "c04", "c06") for o in await backend.orders_of(c)}

    found = asyncio.run(addresses())
    assert found["100234"] == "Calle Mayor 1, Madrid, ES"
    assert found["100777"].endswith(", BR") and found["100410"].endswith(", GB")


def test_seed_command_seeds_the_given_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli' / 'shop.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot.shop.seed", url], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert "12 orders" in result.stdout
    backend = SqlShopBackend(url)
    try:
        assert asyncio.run(backend.find_order("100234")).estimated_delivery == TODAY + timedelta(days=1)
    finally:
        backend.close()


async def _every_call(backend):
    """Each method once; all must fail the same way when the database isn't there."""
    return [
        backend.find_order("100234"), backend.find_customer("c01"), backend.find_customer_by_email("ana.garcia@example.com"),
        backend.find_customer_by_phone("+34600111222"), backend.orders_of("c01"), backend.returns_for("100955"),
        backend.incidents_of("c03"), backend.open_return("100502", ["SN-330-38"], "x", TODAY),
        backend.cancel_order("100503"), backend.change_address("100503", "Calle Mayor 2, Madrid, ES"),
        backend.open_incident("c01", None, "x", TODAY),
    ]


def _assert_all_unavailable(backend, within_s):
    async def run():
        for call in await _every_call(backend):
            started = time.monotonic()
            with pytest.raises(BackendUnavailable):
                await call
            assert time.monotonic() - started < within_s

    try:
        asyncio.run(run())
    finally:
        backend.close()


def test_postgresql_that_is_down_is_unavailable_quickly():
    _assert_all_unavailable(SqlShopBackend("postgresql://postgres@127.0.0.1:1/test"), within_s=3.5)


def test_unreachable_host_is_unavailable_within_the_timeout():
    # A non-routable address: the connection attempt hangs (or fails at once) rather than being refused.
    backend = SqlShopBackend("postgresql://postgres@10.255.255.1:5432/test", timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(BackendUnavailable):
        asyncio.run(backend.find_order("100234"))
    assert time.monotonic() - started < 3.5  # includes waiting for the abandoned connect (connect_timeout)
    backend.close()


def test_sqlite_without_tables_or_folder_is_unavailable(tmp_path):
    _assert_all_unavailable(SqlShopBackend(f"sqlite:///{tmp_path / 'never_seeded.db'}"), within_s=3.5)
    _assert_all_unavailable(SqlShopBackend(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}"), within_s=3.5)


class SlowBackend(SqlShopBackend):
    """Every call starts with a query far slower than the timeout."""

    def on_connection(self, conn):
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_sleep(5)"))
        else:  # SQLite has no sleep; the worker thread stands in for a slow disk
            time.sleep(1)


def test_slow_database_is_unavailable_after_timeout(url):
    seed_demo_shop(url, TODAY, DEMO_SHOP)
    backend = SlowBackend(url, timeout_s=0.3)

    async def call():
        started = time.monotonic()
        with pytest.raises(BackendUnavailable):
            await backend.find_order("100234")
        return time.monotonic() - started

    started = time.monotonic()
    try:
        assert asyncio.run(call()) < 1.0
        # asyncio.run waits for the abandoned worker thread: PostgreSQL's statement_timeout ends it soon.
        assert time.monotonic() - started < 3.0
    finally:
        backend.close()

