"""A PostgreSQL URL whose connections see only a fresh schema (picked through search_path), or a
fresh database of its own, so parallel runs and real data never meet; both are dropped afterwards.
TEST_POSTGRES_URL (or SHOP_TEST_POSTGRES_URL) points at another server. Without a server the test
fails, saying so: PostgreSQL is part of what `make test` checks, never silently skipped."""
from __future__ import annotations

import contextlib
import os
import uuid

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("SHOP_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"


@contextlib.contextmanager
def fresh_schema_url(prefix: str):
    schema = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    separator = "&" if "?" in POSTGRES_URL else "?"
    with _created(f'CREATE SCHEMA "{schema}"', f'DROP SCHEMA "{schema}" CASCADE'):
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def fresh_database(prefix: str):
    """The name of a new database on the server (Rasa's tracker store takes a database, not a schema)."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with _created(f'CREATE DATABASE "{name}"', f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'):
        yield name


@contextlib.contextmanager
def _created(create: str, drop: str):
    """Runs `create` on the server, then `drop` afterwards; no server fails the test, saying so."""
    admin = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text(create))
    except Exception as error:
        admin.dispose()
        pytest.fail(f"no PostgreSQL at {POSTGRES_URL} ({type(error).__name__}): start it, or set TEST_POSTGRES_URL")
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(drop))
        admin.dispose()
