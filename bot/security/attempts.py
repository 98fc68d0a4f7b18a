"""Failed attempts counted across conversations, processes and replicas: wrong passwords at the
console's login, wrong order/contact pairs at the identity check.

Kept in Redis when GUESS_LIMIT_REDIS_URL is set (a sorted set per key: a sliding window), else
in the handoff database (SQLite, or PostgreSQL shared by the replicas). Keys are opaque: callers
hash anything personal before it gets here.
"""
from __future__ import annotations

import os
from typing import List, Mapping, Optional, Protocol

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from bot import settings
from bot.handoff import db

KEEP_S = 24 * 3600  # nothing older matters to any limit


class Attempts(Protocol):
    def times(self, key: str, since: float) -> List[float]: ...
    def add(self, key: str, now: float) -> None: ...
    def clear(self, key: str) -> None: ...


class SqlAttempts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._last_cleanup = 0.0

    def times(self, key: str, since: float) -> List[float]:
        table = db.login_failures
        with self.engine.connect() as conn:
            rows = conn.execute(select(table.c.at).where(table.c.key == key, table.c.at >= since).order_by(table.c.at))
            return [row.at for row in rows]

    def add(self, key: str, now: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(db.login_failures).values(key=key, at=now))
            if now - self._last_cleanup > 60:
                conn.execute(delete(db.login_failures).where(db.login_failures.c.at < now - KEEP_S))
                self._last_cleanup = now

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(db.login_failures).where(db.login_failures.c.key == key))


class RedisAttempts:
    def __init__(self, url: str, prefix: str = "aurora:attempts:") -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def times(self, key: str, since: float) -> List[float]:
        return [float(score) for _, score in self.redis.zrangebyscore(self.prefix + key, since, "+inf", withscores=True)]

    def add(self, key: str, now: float) -> None:
        name = self.prefix + key
        pipe = self.redis.pipeline()
        pipe.zadd(name, {f"{now:.6f}:{os.urandom(4).hex()}": now})
        pipe.zremrangebyscore(name, "-inf", now - KEEP_S)
        pipe.expire(name, KEEP_S)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.redis.delete(self.prefix + key)


def attempts_from_environment(engine: Optional[Engine] = None, env: Optional[Mapping[str, str]] = None) -> Attempts:
    url = settings.load(env).security.guess_limit_redis_url
    if url:
        return RedisAttempts(url)
    return SqlAttempts(engine or db.make_engine(db.database_url(env)))
