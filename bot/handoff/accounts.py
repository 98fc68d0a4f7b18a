"""Agents of the console: passwords hashed with scrypt (a memory-hard KDF, in Python's standard
library), bearer sessions that expire, and a limit on wrong passwords.

Only a SHA-256 of each session token is stored: a copy of the database opens no session.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Optional, Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine

from bot.handoff import db
from bot.security.attempts import attempts_from_environment
from bot.security.login_limits import LoginLimits

# scrypt cost: 2^14 × 8 × 1 uses 16 MB and about 0.1 s per check on the 2-core machine, slow enough to make guessing
# expensive, quick enough for a login.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    encode = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt)}${encode(digest)}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected), maxmem=2 ** 26)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _split(value: Optional[str]) -> tuple:
    return tuple(part for part in (value or "").split(",") if part)


def _preferences(row) -> tuple:
    return row.language or None, _split(row.languages), _split(row.teams)


class TooManyAttempts(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many wrong passwords: try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


ROLES = ("agent", "supervisor")


@dataclass(frozen=True)
class Session:
    token: str
    username: str
    display_name: str
    expires_at: float
    role: str = "agent"
    language: Optional[str] = None  # the console's language the agent chose; None = the shop's default
    languages: tuple = ()  # the languages the agent answers in; empty = any
    teams: tuple = ()  # the agent's teams; empty = general

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


class Accounts:
    def __init__(self, engine: Engine, session_ttl_s: float = 8 * 3600, limits: Optional[LoginLimits] = None) -> None:
        self.engine = engine
        self.session_ttl_s = session_ttl_s
        self.limits = limits or LoginLimits(attempts_from_environment(engine))

    def set_agent(self, username: str, password: str, display_name: Optional[str] = None, role: Optional[str] = None) -> None:
        """Creates the agent, or sets a new password (and name, and role if given) for an existing one."""
        if role is not None and role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        values = dict(password_hash=hash_password(password), display_name=display_name or username)
        if role is not None:
            values["role"] = role
        with self.engine.begin() as conn:
            exists = conn.execute(select(db.agents.c.username).where(db.agents.c.username == username)).first()
            if exists:
                conn.execute(update(db.agents).where(db.agents.c.username == username).values(**values))
            else:
                conn.execute(insert(db.agents).values(username=username, created_at=time.time(), **values))

    def log_in(self, username: str, password: str, now: Optional[float] = None, address: Optional[str] = None) -> Optional[Session]:
        """A new session, or None for a wrong pair. Raises TooManyAttempts while this client
        address must wait after repeated wrong passwords (bot/security/login_limits.py; checked
        before the password, so guessing on stays blocked)."""
        now = now or time.time()
        wait = self.limits.retry_after(username, address, now)
        if wait:
            raise TooManyAttempts(wait)
        with self.engine.connect() as conn:
            agent = conn.execute(select(db.agents).where(db.agents.c.username == username.strip())).first()
        # An unknown user costs the same time as a wrong password.
        matched = password_matches(password, agent.password_hash if agent else hash_password("x"))
        if not (agent and matched):
            self.limits.failed(username, address, now)
            return None
        self.limits.succeeded(username, address)
        token = secrets.token_urlsafe(32)
        expires_at = now + self.session_ttl_s
        with self.engine.begin() as conn:
            conn.execute(delete(db.sessions).where(db.sessions.c.expires_at < now))
            conn.execute(insert(db.sessions).values(token_hash=_token_hash(token), username=agent.username,
                                                    created_at=now, expires_at=expires_at))
            conn.execute(update(db.agents).where(db.agents.c.username == agent.username).values(last_seen_at=now))
        return Session(token, agent.username, agent.display_name, expires_at, agent.role or "agent", *_preferences(agent))

    def session(self, token: Optional[str], now: Optional[float] = None) -> Optional[Session]:
        """The live session of a bearer token (and the agent is seen now), or None."""
        if not token:
            return None
        now = now or time.time()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(db.sessions.c.username, db.sessions.c.expires_at, db.agents.c.display_name, db.agents.c.role,
                       db.agents.c.language, db.agents.c.languages, db.agents.c.teams)
                .join(db.agents, db.agents.c.username == db.sessions.c.username)
                .where(db.sessions.c.token_hash == _token_hash(token), db.sessions.c.expires_at > now)
            ).first()
            if row is None:
                return None
            conn.execute(update(db.agents).where(db.agents.c.username == row.username).values(last_seen_at=now))
        return Session(token, row.username, row.display_name, row.expires_at, row.role or "agent", *_preferences(row))

    def set_preferences(self, username: str, *, language: Optional[str] = None, languages: Optional[Sequence[str]] = None,
                        teams: Optional[Sequence[str]] = None) -> None:
        """The console's language (`""` goes back to the shop's default), the languages the agent
        answers in and their teams; what is None stays as it was."""
        values: dict = {}
        if language is not None:
            values["language"] = language or None
        if languages is not None:
            values["languages"] = ",".join(languages) or None
        if teams is not None:
            values["teams"] = ",".join(teams) or None
        if values:
            with self.engine.begin() as conn:
                conn.execute(update(db.agents).where(db.agents.c.username == username).values(**values))

    def agents(self) -> list:
        """Every agent with their languages and teams (routing reads them)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.agents.c.username, db.agents.c.display_name, db.agents.c.role, db.agents.c.last_seen_at,
                                       db.agents.c.language, db.agents.c.languages, db.agents.c.teams)).all()
        return [{"username": r.username, "display_name": r.display_name, "role": r.role or "agent", "last_seen_at": r.last_seen_at,
                 "languages": list(_preferences(r)[1]), "teams": list(_preferences(r)[2])} for r in rows]

    def log_out(self, token: str) -> None:
        """Ends the session; the agent stops counting as online."""
        with self.engine.begin() as conn:
            username = conn.execute(select(db.sessions.c.username).where(db.sessions.c.token_hash == _token_hash(token))).scalar()
            conn.execute(delete(db.sessions).where(db.sessions.c.token_hash == _token_hash(token)))
            if username:
                conn.execute(update(db.agents).where(db.agents.c.username == username).values(last_seen_at=None))

    def online_agents(self, within_s: float, now: Optional[float] = None) -> int:
        now = now or time.time()
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(db.agents).where(db.agents.c.last_seen_at >= now - within_s)).scalar()
