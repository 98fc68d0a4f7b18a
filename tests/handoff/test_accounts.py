"""Agent accounts: scrypt hashes, sessions that expire, wrong passwords rate-limited."""
from __future__ import annotations

import time

import pytest

from bot.handoff import db
from bot.handoff.accounts import Accounts, TooManyAttempts, hash_password, password_matches
from bot.security.login_limits import FIRST_WAIT_S, FREE_TRIES, MAX_WAIT_S


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


def test_wrong_passwords_from_one_address_make_it_wait_longer_each_time(accounts):
    now = time.time()
    for _ in range(FREE_TRIES):
        assert accounts.log_in("ana", "guess", now=now, address="203.0.113.9") is None
    with pytest.raises(TooManyAttempts) as limited:  # even the right password waits
        accounts.log_in("ana", "correct horse battery", now=now + 1, address="203.0.113.9")
    assert limited.value.retry_after_s == FIRST_WAIT_S
    assert accounts.log_in("ana", "guess again", now=now + FIRST_WAIT_S + 1, address="203.0.113.9") is None
    with pytest.raises(TooManyAttempts) as longer:
        accounts.log_in("ana", "correct horse battery", now=now + FIRST_WAIT_S + 2, address="203.0.113.9")
    assert FIRST_WAIT_S < longer.value.retry_after_s <= MAX_WAIT_S
    assert accounts.log_in("ana", "correct horse battery", now=now + 16 * 60, address="203.0.113.9") is not None


def test_guesses_from_one_address_never_lock_out_the_owner_elsewhere(accounts):
    now = time.time()
    for _ in range(FREE_TRIES * 3):
        try:
            accounts.log_in("ana", "guess", now=now, address="203.0.113.9")
        except TooManyAttempts:
            pass
    assert accounts.log_in("ana", "correct horse battery", now=now + 1, address="198.51.100.4") is not None


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
