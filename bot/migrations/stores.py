"""What each migrated database is: its scripts, its version table, the tables it owns."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict

from sqlalchemy import MetaData

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Store:
    name: str
    metadata: Callable[[], MetaData]  # the tables as the code declares them today (imported late)
    baseline: str  # the revision a database made by create_all before migrations is stamped at

    @property
    def folder(self) -> Path:
        return HERE / self.name

    @property
    def version_table(self) -> str:
        return f"aurora_{self.name}_version"

    def owns(self, table_name: str) -> bool:
        """Only the store's own tables count: a database may hold another store's, or Rasa's."""
        return table_name in self.metadata().tables

    def include_name(self, name, type_, parent_names) -> bool:
        """alembic's filter: compare and migrate only the store's own tables (not another store's,
        Rasa's, or the version tables)."""
        return type_ != "table" or self.owns(name)


def _handoff() -> MetaData:
    from bot.handoff import db

    return db.metadata


def _shop() -> MetaData:
    from bot.shop import sql

    return sql.metadata


def _tracker() -> MetaData:
    from bot import tracker_outbox

    return tracker_outbox.metadata


HANDOFF = Store("handoff", _handoff, baseline="0001")
SHOP = Store("shop", _shop, baseline="0001")
TRACKER = Store("tracker", _tracker, baseline="0001")
STORES: Dict[str, Store] = {store.name: store for store in (HANDOFF, SHOP, TRACKER)}
