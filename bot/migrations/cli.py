"""python -m bot db upgrade | current | revision: the schema of our databases by hand.

A shop upgrades before starting replicas of a new release (every process also upgrades at start,
so this is only needed to do it first, or to see where a database is):

    python -m bot db current      # each database's revision; exit 1 when one is behind, 2 unreachable
    python -m bot db upgrade      # each database to head (databases made before migrations too)
    python -m bot db revision handoff -m "cases: priority note"   # a new revision, from the code's tables
"""
from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path
from typing import List, Optional, Tuple

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot import settings as configuration
from bot import sql_engine
from bot.migrations import runner
from bot.migrations.stores import STORES, Store

TIMEOUT_S = 10  # to connect; the upgrade itself waits as long as another process migrates


def databases(env=None) -> List[Tuple[Store, Optional[str]]]:
    """Each store with its database URL from the settings; None where this deployment has none of
    ours (the outbox lives in the tracker store only with TRACKER_STORE_URL, in production)."""
    loaded = configuration.load(env)
    return [
        (STORES["handoff"], loaded.handoff.database_url),
        (STORES["shop"], loaded.shop.database_url),
        (STORES["tracker"], loaded.rasa.tracker_store_url or None),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot db", description="The schema of our databases (Alembic).")
    actions = parser.add_subparsers(dest="action", required=True)
    upgrade = actions.add_parser("upgrade", help="bring each database (or --store's) to the newest schema")
    current = actions.add_parser("current", help="each database's revision; exit status 1 when one is behind, 2 when one is unreachable")
    for each in (upgrade, current):
        each.add_argument("--store", choices=sorted(STORES), action="append", help="only this store (repeatable)")
    revision = actions.add_parser("revision", help="write a new revision from the difference between the code's "
                                                   "tables and the newest schema (read it before committing)")
    revision.add_argument("store", choices=sorted(STORES))
    revision.add_argument("-m", "--message", required=True, help="what changes, e.g. 'cases: priority note'")
    args = parser.parse_args(argv)

    if args.action == "revision":
        print(f"Wrote {new_revision(STORES[args.store], args.message)}: check it, then add it to git.")
        return 0
    chosen = [(store, url) for store, url in databases() if not args.store or store.name in args.store]
    states = [_state(store, url, upgrade=args.action == "upgrade") for store, url in chosen]
    if "unreachable" in states:
        return 2
    return 1 if "behind" in states and args.action == "current" else 0


def _state(store: Store, url: Optional[str], upgrade: bool) -> str:
    """Prints where the store's database is (after upgrading it): at head, behind, or unreachable."""
    if url is None:
        print(f"{store.name:8} (none here: the outbox is in TRACKER_STORE_URL's database, set in production)")
        return "none"
    engine = sql_engine.make_engine(url, TIMEOUT_S, create_folder=True)
    try:
        if upgrade:
            print(f"{store.name:8} {_shown(url)}: upgrading to {runner.head(store)}…", flush=True)
            runner.upgrade(engine, store)
        state = describe(engine, store)
        at_or_past_head = state.endswith("(head)") or runner.is_newer(runner.current(engine, store), store)
    except OperationalError as error:
        print(f"{store.name:8} {_shown(url)}: unreachable ({(str(error.orig) or type(error.orig).__name__).strip()})")
        return "unreachable"
    finally:
        engine.dispose()
    print(f"{store.name:8} {_shown(url)}: {state}")
    return "head" if at_or_past_head else "behind"


def describe(engine, store: Store) -> str:
    revision = runner.current(engine, store)
    if revision == runner.head(store):
        return f"{revision} (head)"
    if runner.is_newer(revision, store):
        return f"{revision}, newer than this release knows (head {runner.head(store)}): a newer release upgraded it"
    if revision is not None:
        return f"{revision}, behind head {runner.head(store)}: run python -m bot db upgrade"
    if any(store.owns(name) for name in inspect(engine).get_table_names()):
        return (f"made before migrations: upgrade recognises it, stamps it at {store.baseline} and upgrades it "
                f"to {runner.head(store)}")
    return f"no tables yet: upgrade creates them ({runner.head(store)})"


def new_revision(store: Store, message: str) -> Path:
    """Autogenerates the next revision (0004, 0005, …) against a scratch database at head."""
    scripts = ScriptDirectory.from_config(runner.config(store))
    numbers = [int(script.revision) for script in scripts.walk_revisions() if re.fullmatch(r"\d+", script.revision)]
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/scratch.db", future=True)
        if scripts.get_heads():  # a store's first revision starts from nothing
            runner.upgrade(engine, store)
        with engine.connect() as conn:
            written = command.revision(runner.config(store, conn), message=message, autogenerate=True,
                                       rev_id=f"{max(numbers, default=0) + 1:04d}")
        engine.dispose()
    runner.forget_scripts()  # this process's head is the new revision now
    assert written is not None and not isinstance(written, list)
    return Path(written.path)


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
