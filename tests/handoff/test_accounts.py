"""Agent accounts: scrypt hashes, sessions that expire, wrong passwords rate-limited."""
from __future__ import annotations

import time

import pytest

from bot.handoff import db
from bot.handoff.accounts import MAX_FAILURES, Accounts, TooManyAttempts, hash_password, password_matches


@pytest.fixture
def accounts(tmp_path):
    accounts = Accounts(db.make_engine(f"sqlite:///{tmp_path / 'h.db'}"), session_ttl_s=60)
    accounts.set_agent("ana", "correct horse battery", "Ana")
    return accounts


def test_passwords_are_salted_scrypt_hashes():
    first, second = hash_password("s3cret-pass"), hash_password("s3cret-pass")
    assert first.startswith("scrypt$") and first != second and "s3cret" not in first
    assert password_matches("s3cret-pass", first) and not password_matches("s3cret-pasS", first)
    assert not password_matches("x", "garbage")


def test_a_session_works_until_it_expires(accounts):
    now = time.time()
    session = accounts.log_in("ana", "correct horse battery", now=now)
    assert accounts.session(session.token, now=now + 59).username == "ana"
    assert accounts.session(session.token, now=now + 61) is None
    assert accounts.session("forged-token") is None


def test_logout_ends_the_session(accounts):
    session = accounts.log_in("ana", "correct horse battery")
    accounts.log_out(session.token)
    assert accounts.session(session.token) is None


def test_wrong_passwords_are_rate_limited_even_for_the_right_one(accounts):
    now = time.time()
    for _ in range(MAX_FAILURES):
        assert accounts.log_in("ana", "guess", now=now) is None
    with pytest.raises(TooManyAttempts) as limited:
        accounts.log_in("ana", "correct horse battery", now=now + 1)
    assert 0 < limited.value.retry_after_s <= 15 * 60
    assert accounts.log_in("ana", "correct horse battery", now=now + 15 * 60 + 1) is not None


def test_unknown_agents_fail_like_wrong_passwords(accounts):
    assert accounts.log_in("nobody", "whatever") is None


def test_online_agents_are_those_seen_recently(accounts):
    now = time.time()
    assert accounts.online_agents(120, now) == 0
    accounts.log_in("ana", "correct horse battery", now=now)
    assert accounts.online_agents(120, now + 60) == 1
    assert accounts.online_agents(120, now + 200) == 0


def test_logging_out_takes_the_agent_offline(accounts):
    session = accounts.log_in("ana", "correct horse battery")
    accounts.log_out(session.token)
    assert accounts.online_agents(120) == 0
