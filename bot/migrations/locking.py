"""One migrating process at a time per database: the others wait, then find it at head.

- PostgreSQL: a transaction-level advisory lock (released by the commit that ends the migration),
  and no statement timeout inside it: the shop's engine cancels queries after a few seconds.
- SQLite: an exclusive lock on a file beside the database (an in-memory database has one user).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from bot.migrations.stores import Store


def advisory_key(store: Store) -> int:
    """A stable 64-bit key per store (the same in every process and release)."""
    digest = hashlib.sha256(f"aurora-migrations:{store.name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def migration_connection(engine: Engine, store: Store) -> Iterator[Connection]:
    """A connection in a transaction that only one process at a time holds for `store`'s database;
    committed when the block ends, rolled back if it raises (the DDL too, on both databases).
    Works on SQLAlchemy's future engines (ours) and legacy ones (Rasa's tracker store)."""
    if engine.dialect.name == "sqlite":
        with _file_lock(engine), engine.connect() as conn, _sqlite_transaction(conn):
            yield conn
        return
    with engine.connect() as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
            conn.execute(select(func.pg_advisory_xact_lock(advisory_key(store))))
        yield conn


@contextlib.contextmanager
def _sqlite_transaction(conn: Connection) -> Iterator[None]:
    """One real transaction around the whole migration: Python's sqlite3 would otherwise run
    every CREATE or ALTER on its own, and a failed migration would leave half its tables."""
    driver = conn.connection.dbapi_connection
    foreign_keys, isolation_level = driver.execute("PRAGMA foreign_keys").fetchone()[0], driver.isolation_level
    # A batch migration copies a table and drops the old one: with foreign keys on, the drop
    # would delete or refuse the rows that refer to it. (SQLite ignores it inside a transaction.)
    driver.execute("PRAGMA foreign_keys = OFF")
    driver.isolation_level = None  # BEGIN and COMMIT are ours
    try:
        with conn.begin():  # commits (or rolls back) the BEGIN below
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield
    finally:  # the pooled connection as it was (bot/sql_engine.py turns foreign keys on)
        driver.isolation_level = isolation_level
        driver.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")


@contextlib.contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    path = Path(f"{database}.migrate-lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # blocks until the other process's migration is done
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
