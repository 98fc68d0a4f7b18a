"""The one SQLAlchemy engine factory for our own databases (the handoff store, the shop's SQL
backend): SQLite as the embedded default, PostgreSQL in production, every wait bounded."""
from __future__ import annotations

import math
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from bot.settings import PROJECT_ROOT


def make_engine(url: str, timeout_s: float, *, wal: bool = False, create_folder: bool = False,
                statement_timeout: bool = False) -> Engine:
    """An engine for `url`.
    - SQLite: worker threads share the pooled connections, `timeout_s` bounds the wait for a
      writer's lock, foreign keys are enforced as PostgreSQL does; `wal` for a file several
      processes write at once; `create_folder` makes the file's folder (relative to the project).
    - PostgreSQL: `timeout_s` bounds connecting and waiting for a pooled connection; with
      `statement_timeout` the server also cancels a query the caller stopped waiting for.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if create_folder and parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            (path if path.is_absolute() else PROJECT_ROOT / path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": timeout_s})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            if wal:
                dbapi_connection.execute("PRAGMA journal_mode = WAL")
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        return engine
    if backend != "postgresql":
        return create_engine(url, future=True, pool_pre_ping=True, pool_timeout=timeout_s)
    engine = create_engine(
        url, future=True, pool_pre_ping=True, pool_timeout=timeout_s,
        connect_args={"connect_timeout": max(2, math.ceil(timeout_s))},  # libpq's minimum is 2 s
    )
    if statement_timeout:
        @event.listens_for(engine, "connect")
        def _statement_timeout(dbapi_connection, _record):
            # Committed, or the pool's first rollback would undo the SET.
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = %s", (max(1, int(timeout_s * 1000)),))
            dbapi_connection.commit()

    return engine
