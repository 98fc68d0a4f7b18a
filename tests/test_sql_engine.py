"""The one engine factory (bot/sql_engine.py): what each of our stores asks of SQLite."""
from __future__ import annotations

from bot.sql_engine import make_engine


def _pragma(engine, name):
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_enforces_foreign_keys_and_wal_only_when_asked(tmp_path):
    shop = make_engine(f"sqlite:///{tmp_path / 'shop.db'}", 3.0)
    handoff = make_engine(f"sqlite:///{tmp_path / 'new' / 'handoff.db'}", 5.0, wal=True, create_folder=True)
    assert _pragma(shop, "foreign_keys") == 1 and _pragma(shop, "journal_mode") != "wal"
    assert _pragma(handoff, "foreign_keys") == 1 and _pragma(handoff, "journal_mode") == "wal"
    assert (tmp_path / "new" / "handoff.db").exists()
