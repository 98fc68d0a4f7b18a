"""A PostgreSQL URL whose connections see only a fresh schema (picked through search_path), so
parallel runs and real data never meet; the schema is dropped afterwards. TEST_POSTGRES_URL
(or SHOP_TEST_POSTGRES_URL) points at another server; without a server the test is skipped."""
from __future__ import annotations

import contextlib
import os
import uuid

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("SHOP_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"


@contextlib.contextmanager
def fresh_schema_url(prefix: str):
    admin = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    schema = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # no server here: the SQLite cases still run
        admin.dispose()
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}: {type(error).__name__}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
