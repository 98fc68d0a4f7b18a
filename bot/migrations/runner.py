"""Upgrade a database to head, or tell where it is, with the store's scripts (no alembic.ini: the
configuration is made here, on the caller's engine)."""
from __future__ import annotations

import functools
import logging
import threading
import warnings
from typing import Any, List, Optional

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, inspect
from sqlalchemy.engine import Connection, Engine

from bot.migrations.catalog import index_names
from bot.migrations.locking import migration_connection
from bot.migrations.stores import Store

logger = logging.getLogger(__name__)
_ONE_THREAD_AT_A_TIME = threading.Lock()


def config(store: Store, connection: Optional[Connection] = None) -> Config:
    settings = Config()
    settings.set_main_option("script_location", str(store.folder))
    settings.set_main_option("path_separator", "os")
    settings.attributes["store"] = store
    settings.attributes["connection"] = connection
    return settings


@functools.lru_cache(maxsize=None)
def head(store: Store) -> str:
    heads = ScriptDirectory.from_config(config(store)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the {store.name} migrations have {len(heads)} heads {heads}: merge them into one")
    return heads[0]


def current(engine: Engine, store: Store) -> Optional[str]:
    """The revision the database is at; None if it isn't under migrations (yet)."""
    with engine.connect() as conn:
        return _revision(conn, store)


def upgrade(engine: Engine, store: Store, *, create: bool = True) -> Optional[str]:
    """Brings the database to head and returns the revision it is then at. A database made by
    create_all before migrations is recognised by its tables and stamped at the baseline first.
    One query when it is at head already; safe when several processes start at once. With
    `create=False` a database that has none of the store's tables is left as it is (None)."""
    found = current(engine, store)
    if found == head(store):
        return found
    if is_newer(found, store):
        # A newer release upgraded it (a rolling update: this replica is the old one). Its
        # revisions only add, so this code still works on it; refusing to start would not help.
        logger.warning("migrations.%s.newer revision=%s head=%s", store.name, found, head(store))
        return found
    # alembic's `context` and `op` are one per process: its threads take turns, then its processes
    with _ONE_THREAD_AT_A_TIME, migration_connection(engine, store) as conn:
        tables = set(inspect(conn).get_table_names())
        under_migrations = store.version_table in tables
        owned = any(store.owns(name) for name in tables)
        if not under_migrations and not owned and not create:
            return None
        settings = config(store, conn)
        if not under_migrations and owned:
            command.stamp(settings, store.baseline)
        command.upgrade(settings, "head")
        return _revision(conn, store)


def is_newer(revision: Optional[str], store: Store) -> bool:
    """A revision this release's scripts don't know: written by a newer release."""
    return revision is not None and revision not in _known(store)


@functools.lru_cache(maxsize=None)
def _known(store: Store) -> frozenset:
    return frozenset(script.revision for script in ScriptDirectory.from_config(config(store)).walk_revisions())


def forget_scripts() -> None:
    """After a new revision is written: read the scripts again."""
    head.cache_clear()
    _known.cache_clear()


def differences(engine: Engine, store: Store) -> List[Any]:
    """How the database's tables differ from what the code declares (alembic's autogenerate
    comparison, and indexes on expressions by name): empty when every change has its revision."""
    declared = store.metadata()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "version_table": store.version_table, "include_name": store.include_name, "compare_type": True})
        with warnings.catch_warnings():
            # SQLAlchemy 1.4 can't reflect indexes on expressions, so alembic skips them: compared below
            warnings.filterwarnings("ignore", message=".*expression-based index")
            found = list(compare_metadata(context, declared))
        existing = set(inspect(conn).get_table_names())
        for table in declared.sorted_tables:
            on_expressions = [index for index in table.indexes
                              if not all(isinstance(part, Column) for part in index.expressions)]
            if on_expressions and table.name in existing:
                present = index_names(conn, table.name)
                found += [("add_index", index) for index in on_expressions if index.name not in present]
    return found


def _revision(conn: Connection, store: Store) -> Optional[str]:
    return MigrationContext.configure(conn, opts={"version_table": store.version_table}).get_current_revision()
