"""Schema migrations (bot/migrations/): databases made by create_all before migrations (frozen
dumps in tests/data/migrations/) are recognised, upgraded to head and keep their data; a fresh
database at head has exactly the tables the code declares, so a change to the tables without its
revision fails here; several processes upgrading at once don't fail. SQLite here, PostgreSQL in
the tests marked integration."""
from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, inspect, select
from sqlalchemy.engine import make_url

from bot.handoff import db
from bot.handoff.accounts import Accounts
from bot.handoff.store import HandoffStore, NewMessage
from bot.migrations import cli, runner
from bot.migrations.startup import upgrade_existing_shop
from bot.migrations.stores import HANDOFF, SHOP, STORES, TRACKER, Store
from bot.shop.sql import SqlShopBackend
from tests.postgres import POSTGRES_URL, fresh_database, fresh_schema_url

DUMPS = Path(__file__).parent / "data" / "migrations"
TODAY_SCHEMA, FIRST_SCHEMA = "c629cdf", "9aa5228"  # the commits the handoff dumps were made at


def load_dump(url: str, name: str) -> None:
    """A database as the old code left it: its dump, run as it is."""
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    script = (DUMPS / f"{name}.{backend}.sql").read_text(encoding="utf-8")
    if backend == "sqlite":
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.executescript(script)
        connection.close()
        return
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute(script)  # no parameters: psycopg2 leaves the text as it is
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def postgres_url():
    with fresh_schema_url("migrations_test") as url:
        yield url


# -- (a) databases made before migrations ----------------------------------------------------------

def check_handoff_upgraded_with_its_data(url: str, schema: str) -> None:
    store = HandoffStore(url)  # what every process does at start: the engine upgrades the database
    assert runner.current(store.engine, HANDOFF) == runner.head(HANDOFF)
    assert runner.differences(store.engine, HANDOFF) == []

    # the data survives
    case = store.case(7)
    assert (case["customer_name"], case["status"], case["agent"], case["context"]) == (
        "Lucía", "assigned", "ana", {"order_id": "A1001"})
    assert [m["text"] for m in store.transcript(7)] == ["quiero hablar con una persona", "Hola Lucía, soy Ana"]
    assert [n["text"] for n in store.notes(7)] == ["cliente VIP"]
    [agent] = Accounts(store.engine).agents()
    assert agent["username"] == "ana"
    if schema == TODAY_SCHEMA:
        assert (case["category"], case["stage"]) == ("returns", "in_progress")
        assert agent["role"] == "supervisor" and agent["teams"] == ["returns", "general"]
    else:  # the first schema had no categories, stages or roles: 0002 added the columns, empty
        assert (case["category"], case["stage"]) == (None, None)
        assert agent["role"] == "agent"

    # and the app works on it: a new case with the columns added since, its transcript, a reply
    new = store.open_case(conversation_id="conv-new", channel="socketio", language="en", reason="customer_request",
                          base_priority=5, status="pending", summary="where is my parcel", context={"slots": {}},
                          customer_key="C002", customer_name="Tom", contact=None, category="shipping",
                          transcript=[NewMessage("customer", "where is my parcel?", 1764700000.0, event_key="u@1")])
    store.add_message(new["id"], NewMessage("agent", "Let me look", 1764700100.0, agent="ana"))
    again = store.case(new["id"])
    assert (again["category"], again["stage"], again["customer_name"]) == ("shipping", "received", "Tom")
    assert [m["text"] for m in store.transcript(new["id"])] == ["where is my parcel?", "Let me look"]
    assert {c["id"] for c in store.cases()} == {7, new["id"]}
    store.engine.dispose()


def check_shop_upgraded_with_its_data(url: str) -> None:
    upgrade_existing_shop(url)  # what the action server does at start
    engine = create_engine(url, future=True)
    assert runner.current(engine, SHOP) == runner.head(SHOP)
    assert runner.differences(engine, SHOP) == []
    engine.dispose()

    async def use_it():
        backend = SqlShopBackend(url)
        try:
            customer = await backend.find_customer_by_email("LUCIA.FERNANDEZ@example.com")
            orders = await backend.orders_of(customer.id)
            incident = await backend.open_incident(customer.id, orders[0].id, "the box arrived wet", date(2026, 12, 2))
            return customer, orders, incident, await backend.incidents_of(customer.id)
        finally:
            backend.close()

    customer, orders, incident, incidents = asyncio.run(use_it())
    assert customer.name.startswith("Lucía") and orders and all(order.lines for order in orders)
    assert incident.id in {i.id for i in incidents}


@pytest.mark.parametrize("schema", [TODAY_SCHEMA, FIRST_SCHEMA])
def test_a_handoff_store_made_before_migrations_is_upgraded_on_sqlite_and_keeps_its_data(sqlite_url, schema):
    load_dump(sqlite_url, f"handoff_{schema}")
    engine = create_engine(sqlite_url, future=True)
    assert runner.current(engine, HANDOFF) is None and "made before migrations" in cli.describe(engine, HANDOFF)
    engine.dispose()
    check_handoff_upgraded_with_its_data(sqlite_url, schema)


@pytest.mark.integration
@pytest.mark.parametrize("schema", [TODAY_SCHEMA, FIRST_SCHEMA])
def test_a_handoff_store_made_before_migrations_is_upgraded_on_postgresql_and_keeps_its_data(postgres_url, schema):
    load_dump(postgres_url, f"handoff_{schema}")
    check_handoff_upgraded_with_its_data(postgres_url, schema)


def test_a_shop_made_before_migrations_is_upgraded_on_sqlite_and_keeps_its_data(sqlite_url):
    load_dump(sqlite_url, "shop_c629cdf")
    check_shop_upgraded_with_its_data(sqlite_url)


@pytest.mark.integration
def test_a_shop_made_before_migrations_is_upgraded_on_postgresql_and_keeps_its_data(postgres_url):
    load_dump(postgres_url, "shop_c629cdf")
    check_shop_upgraded_with_its_data(postgres_url)


def test_an_empty_shop_database_is_left_alone_at_start_and_made_by_the_command(sqlite_url, monkeypatch, capsys):
    upgrade_existing_shop(sqlite_url)  # no tables: the bot says the shop isn't answering, not "no such order"
    engine = create_engine(sqlite_url, future=True)
    assert inspect(engine).get_table_names() == []
    monkeypatch.setenv("SHOP_DATABASE_URL", sqlite_url)
    assert cli.main(["upgrade", "--store", "shop"]) == 0
    assert runner.current(engine, SHOP) == runner.head(SHOP)
    assert f"shop     {sqlite_url}: {runner.head(SHOP)} (head)" in capsys.readouterr().out
    engine.dispose()


def test_db_current_says_which_database_is_behind_and_upgrade_brings_it_to_head(tmp_path, monkeypatch, capsys):
    handoff_url, shop_url = f"sqlite:///{tmp_path / 'handoff.db'}", f"sqlite:///{tmp_path / 'shop.db'}"
    load_dump(handoff_url, f"handoff_{FIRST_SCHEMA}")
    monkeypatch.setenv("HANDOFF_DATABASE_URL", handoff_url)
    monkeypatch.setenv("SHOP_DATABASE_URL", shop_url)
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    assert cli.main(["current"]) == 1
    before = capsys.readouterr().out
    assert "handoff" in before and "made before migrations" in before and "no tables yet" in before
    assert cli.main(["upgrade"]) == 0 and cli.main(["current"]) == 0
    after = capsys.readouterr().out.splitlines()
    assert f"handoff  {handoff_url}: {runner.head(HANDOFF)} (head)" in after
    assert f"shop     {shop_url}: {runner.head(SHOP)} (head)" in after


# -- (b) a fresh database at head is what the code declares ------------------------------------------

def check_fresh_database_matches_the_code(url: str) -> None:
    engine = create_engine(url, future=True)
    tables = set()
    for store in STORES.values():
        assert runner.upgrade(engine, store) == runner.head(store)
        # A table or column in the code without a revision (or a revision the code doesn't declare)
        # shows here: write the revision (python -m bot db revision STORE -m …).
        assert runner.differences(engine, store) == [], f"the {store.name} tables differ from bot/migrations/{store.name}/"
        tables |= set(store.metadata().tables) | {store.version_table}
    assert set(inspect(engine).get_table_names()) == tables
    engine.dispose()


def test_a_fresh_sqlite_database_at_head_has_exactly_the_tables_the_code_declares(sqlite_url):
    check_fresh_database_matches_the_code(sqlite_url)


@pytest.mark.integration
def test_a_fresh_postgresql_database_at_head_has_exactly_the_tables_the_code_declares(postgres_url):
    check_fresh_database_matches_the_code(postgres_url)


def test_a_column_declared_without_its_revision_is_found(sqlite_url):
    """What makes the test above catch a forgotten migration."""
    declared = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(declared)
    declared.tables["handoff_cases"].append_column(Column("priority_note", String(64)))
    forgetful = Store("handoff", lambda: declared, baseline=HANDOFF.baseline)
    engine = create_engine(sqlite_url, future=True)
    runner.upgrade(engine, HANDOFF)
    [(kind, _schema, table, column)] = runner.differences(engine, forgetful)
    assert (kind, table, column.name) == ("add_column", "handoff_cases", "priority_note")
    engine.dispose()


def stored_revisions(engine, store: Store) -> list:
    """Every row of the store's version table (alembic keeps one per head)."""
    version = Table(store.version_table, MetaData(), Column("version_num", String(32)))
    with engine.connect() as conn:
        return conn.execute(select(version.c.version_num)).scalars().all()


def test_upgrading_again_changes_nothing(sqlite_url):
    engine = create_engine(sqlite_url, future=True)
    for _ in range(2):
        assert runner.upgrade(engine, TRACKER) == runner.head(TRACKER)
    assert stored_revisions(engine, TRACKER) == [runner.head(TRACKER)]
    engine.dispose()


# -- (c) processes starting at once ---------------------------------------------------------------

def upgrade_at_once(url: str, store: Store, processes: int = 6) -> list:
    """`processes` processes (forked: no start-up to wait for) upgrading the database together."""
    forking = multiprocessing.get_context("fork")
    start, results = forking.Barrier(processes), forking.Queue()
    workers = [forking.Process(target=_upgrade_after, args=(url, store.name, start, results)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    return outcomes


def _upgrade_after(url: str, store_name: str, start, results) -> None:
    engine = create_engine(url, future=True)
    try:
        start.wait(timeout=60)
        results.put(runner.upgrade(engine, STORES[store_name]))
    except Exception as error:  # reported, so the test says which failed and how
        results.put(f"{type(error).__name__}: {error}"[:300])
    finally:
        engine.dispose()


def check_concurrent_upgrades(url: str) -> None:
    assert upgrade_at_once(url, HANDOFF) == [runner.head(HANDOFF)] * 6
    engine = create_engine(url, future=True)
    assert runner.differences(engine, HANDOFF) == []
    assert stored_revisions(engine, HANDOFF) == [runner.head(HANDOFF)]
    engine.dispose()


def test_concurrent_upgrades_of_a_fresh_sqlite_database_all_succeed(sqlite_url):
    check_concurrent_upgrades(sqlite_url)


@pytest.mark.integration
def test_concurrent_upgrades_of_a_fresh_postgresql_database_all_succeed(postgres_url):
    check_concurrent_upgrades(postgres_url)


@pytest.mark.integration
def test_concurrent_upgrades_of_a_postgresql_database_made_before_migrations_all_succeed(postgres_url):
    load_dump(postgres_url, f"handoff_{FIRST_SCHEMA}")
    check_concurrent_upgrades(postgres_url)
    assert HandoffStore(postgres_url).case(7)["customer_name"] == "Lucía"


def test_an_index_on_an_expression_declared_without_its_revision_is_found(sqlite_url):
    """alembic can't compare those on SQLAlchemy 1.4 (the shop's lower(email)): by name instead."""
    engine = create_engine(sqlite_url, future=True)
    runner.upgrade(engine, SHOP)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_customers_email_lower")
    [(kind, index)] = runner.differences(engine, SHOP)
    assert (kind, index.name) == ("add_index", "ix_customers_email_lower")
    engine.dispose()


def test_an_older_release_starts_on_a_database_a_newer_one_upgraded(sqlite_url, caplog):
    """A rolling update: the new release's replicas upgraded the database, an old replica restarts."""
    engine = create_engine(sqlite_url, future=True)
    runner.upgrade(engine, HANDOFF)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {HANDOFF.version_table} SET version_num = '9999'")
    assert runner.upgrade(engine, HANDOFF) == "9999"
    assert "migrations.handoff.newer revision=9999" in caplog.text
    assert cli.describe(engine, HANDOFF).startswith("9999, newer than this release knows")
    assert HandoffStore(engine).cases() == []
    engine.dispose()


@dataclass(frozen=True)
class ScratchStore(Store):
    """A store whose scripts are the test's own."""
    scripts: Path = Path()

    @property
    def folder(self) -> Path:
        return self.scripts


def failing_store(tmp_path: Path) -> Store:
    """Revision 0001 makes a table, 0002 makes another and then fails."""
    (tmp_path / "scripts" / "versions").mkdir(parents=True)
    (tmp_path / "scripts" / "env.py").write_text((STORES["handoff"].folder / "env.py").read_text())
    revision = '''from alembic import op
import sqlalchemy as sa
revision, down_revision, branch_labels, depends_on = {rev!r}, {down!r}, None, None
def upgrade():
    op.create_table({table!r}, sa.Column("id", sa.Integer, primary_key=True))
    {then}
'''
    for rev, down, table, then in (("0001", None, "scratch_one", "pass"), ("0002", "0001", "scratch_two", "raise RuntimeError('half way')")):
        (tmp_path / "scripts" / "versions" / f"{rev}.py").write_text(revision.format(rev=rev, down=down, table=table, then=then))
    declared = MetaData()
    return ScratchStore("scratch", lambda: declared, baseline="0001", scripts=tmp_path / "scripts")


def check_a_failed_upgrade_leaves_nothing_half_done(url: str, tmp_path: Path) -> None:
    store = failing_store(tmp_path)
    engine = create_engine(url, future=True)
    with pytest.raises(RuntimeError, match="half way"):
        runner.upgrade(engine, store)
    assert inspect(engine).get_table_names() == []  # not even 0001's table, nor the version table
    engine.dispose()


def test_a_failed_upgrade_leaves_nothing_half_done_on_sqlite(sqlite_url, tmp_path):
    check_a_failed_upgrade_leaves_nothing_half_done(sqlite_url, tmp_path)


@pytest.mark.integration
def test_a_failed_upgrade_leaves_nothing_half_done_on_postgresql(postgres_url, tmp_path):
    check_a_failed_upgrade_leaves_nothing_half_done(postgres_url, tmp_path)


# -- the tracker store: Rasa's database, our outbox table -------------------------------------------

class _Broker:
    def publish(self, event):
        pass


def check_tracker_store_made_before_migrations(url: str, store_arguments: dict) -> None:
    from rasa.shared.core.domain import Domain

    from bot.rasa_ext.tracker_store import ResilientSQLTrackerStore

    load_dump(url, "tracker_c629cdf")
    store = ResilientSQLTrackerStore(domain=Domain.empty(), event_broker=_Broker(), **store_arguments)  # a replica's start
    assert runner.current(store.engine, TRACKER) == runner.head(TRACKER)
    assert runner.differences(store.engine, TRACKER) == []
    with store.engine.connect() as conn:  # our mark and Rasa's events, as they were
        assert conn.exec_driver_sql("SELECT sender_id, published_id FROM aurora_event_outbox").all() == [("conv-7", 1)]
        assert conn.exec_driver_sql("SELECT sender_id, intent_name FROM events").all() == [("conv-7", "request_return")]
    store.engine.dispose()


def test_a_tracker_store_made_before_migrations_keeps_its_outbox_on_sqlite(tmp_path):
    check_tracker_store_made_before_migrations(f"sqlite:///{tmp_path / 'tracker.db'}",
                                               dict(dialect="sqlite", db=str(tmp_path / "tracker.db")))


@pytest.mark.integration
def test_a_tracker_store_made_before_migrations_keeps_its_outbox_on_postgresql():
    with fresh_database("migrations_tracker") as name:
        url = f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
        check_tracker_store_made_before_migrations(url, dict(dialect="postgresql", host=make_url(url).host,
                                                             port=make_url(url).port, db=name, username=make_url(url).username))


def test_db_current_says_which_database_it_cannot_reach(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HANDOFF_DATABASE_URL", "postgresql://aurora:secret@127.0.0.1:9/handoff")  # nothing listens on port 9
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    assert cli.main(["current", "--store", "handoff", "--store", "shop"]) == 2
    out = capsys.readouterr().out
    assert "handoff  postgresql://aurora:***@127.0.0.1:9/handoff: unreachable" in out and "secret" not in out
    assert "shop " in out


def test_db_revision_writes_what_brings_a_database_to_the_codes_tables(tmp_path):
    scripts = tmp_path / "scripts"
    (scripts / "versions").mkdir(parents=True)
    for name in ("env.py", "script.py.mako"):
        (scripts / name).write_text((HANDOFF.folder / name).read_text())
    declared = MetaData()
    notes = Table("scratch_notes", declared, Column("id", String(16), primary_key=True))
    store = ScratchStore("scratch", lambda: declared, baseline="0001", scripts=scripts)

    first = cli.new_revision(store, "notes")
    notes.append_column(Column("author", String(64)))  # a column added later: its own revision
    second = cli.new_revision(store, "notes: author")
    assert (first.name, second.name) == ("0001_notes.py", "0002_notes_author.py")
    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}", future=True)
    assert runner.upgrade(engine, store) == "0002" and runner.differences(engine, store) == []
    assert [c["name"] for c in inspect(engine).get_columns("scratch_notes")] == ["id", "author"]
    engine.dispose()
