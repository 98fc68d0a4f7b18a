"""Wrong order/contact pairs counted across conversations: per order, per contact, per address."""
import time

import pytest

from bot.handoff import db
from bot.security.attempts import SqlAttempts
from bot.security.identity_guard import LIMITS, WINDOW_S, IdentityGuard


@pytest.fixture
def guard(tmp_path):
    return IdentityGuard(SqlAttempts(db.make_engine(f"sqlite:///{tmp_path / 'h.db'}")))


def test_an_order_locks_after_its_limit_whoever_guesses(guard):
    now = time.time()
    for attempt in range(LIMITS["order"]):
        assert not guard.blocked("100234", f"guess{attempt}@example.com", f"10.0.0.{attempt}", now)
        guard.failed("100234", f"guess{attempt}@example.com", f"10.0.0.{attempt}", now)
    assert guard.blocked("100234", "ana.garcia@example.com", "192.0.2.1", now)  # even the right pair, anywhere
    assert not guard.blocked("100502", "lucia@example.com", "192.0.2.1", now)  # other orders are fine
    assert not guard.blocked("100234", "ana.garcia@example.com", "192.0.2.1", now + WINDOW_S + 1)


def test_a_contact_tried_on_many_orders_locks_however_it_is_written(guard):
    now = time.time()
    for order in ("100235", "100502", "100503", "100610", "100777"):
        guard.failed(order, "+34 600 111 222", None, now)
    assert guard.blocked("100801", "600111222", None, now)


def test_the_owner_proving_it_clears_the_order_and_contact(guard):
    now = time.time()
    for _ in range(LIMITS["order"] - 1):
        guard.failed("100234", "wrong@example.com", "10.0.0.1", now)
    guard.succeeded("100234", "wrong@example.com")
    guard.failed("100234", "other@example.com", "10.0.0.2", now)
    assert not guard.blocked("100234", "ana.garcia@example.com", None, now)


def test_the_same_limits_hold_on_redis_shared_by_replicas():
    from bot.security.attempts import RedisAttempts

    prefix = f"aurora-test:{time.monotonic_ns()}:"
    first, second = RedisAttempts("redis://127.0.0.1:6379/5", prefix), RedisAttempts("redis://127.0.0.1:6379/5", prefix)
    now = time.time()
    for attempt in range(LIMITS["order"]):  # guesses spread over two replicas
        IdentityGuard(first if attempt % 2 else second).failed("100234", f"g{attempt}@example.com", None, now)
    assert IdentityGuard(first).blocked("100234", "ana.garcia@example.com", None, now)
    IdentityGuard(second).succeeded("100234", "ana.garcia@example.com")
    assert not IdentityGuard(first).blocked("100234", "ana.garcia@example.com", None, now)
